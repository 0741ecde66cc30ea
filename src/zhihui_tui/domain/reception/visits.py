"""A visit checked (R-REC-1) and reception hours with the late-entry reason they call for (R-REC-5)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

from zhihui_tui.domain.calendar import (
    CalendarYearMissing,
    ReceptionState,
    WorkCalendar,
    reception_message,
    reception_state,
)
from zhihui_tui.domain.errors import FieldError, FieldErrors, attempt
from zhihui_tui.domain.identity import ORGANISATION_ID, PERSON_ID, identify
from zhihui_tui.domain.phones import normalize_phone
from zhihui_tui.domain.reception.inputs import CheckedVisit, VisitInput
from zhihui_tui.domain.reception.parsing import choice, one_line
from zhihui_tui.domain.reception.terms import (
    BACKFILL_DAYS,
    DISCLOSING_PURPOSES,
    F_CHANNEL,
    F_ID_KIND,
    F_ID_NUMBER,
    F_LATE_REASON,
    F_NAME,
    F_OUTCOME,
    F_PHONE,
    F_PURPOSE,
    F_TIME,
    LATE_REASON_MAX,
    OTHER_DOCUMENT_MAX,
    OUTCOME_MAX,
    Channel,
    IdKind,
    VisitPurpose,
)
from zhihui_tui.domain.validators import clean_text, normalize_person_name

# -- R-REC-5: reception hours and late entries ---------------------------------------------------------------


def reception_notice(now: datetime, cal: WorkCalendar) -> tuple[ReceptionState, str]:
    """The banner of the reception post: open, closing soon (from 16:45: a warning), or closed."""
    state = reception_state(now, cal)
    return state, reception_message(state, workday=cal.is_workday(now.date()))


def late_entry_required(visited_at: datetime, now: datetime, cal: WorkCalendar) -> str | None:
    """Why this entry needs a late-entry reason (补录原因), or None when it does not."""
    if visited_at.date() < now.date():
        return f"补录 {visited_at:%Y-%m-%d} 的来访"
    state, message = reception_notice(now, cal)
    return message if state is ReceptionState.CLOSED else None


# -- R-REC-1: a visit ----------------------------------------------------------------------------------------


def check_visit_input(raw: VisitInput, *, now: datetime, cal: WorkCalendar) -> CheckedVisit:
    """Normalise a visit; every bad field is reported at once, in form order (``FieldErrors`` when several)."""
    errors: list[FieldError] = []
    visited_at = attempt(errors, lambda: _check_visit_time(raw.visited_at, now))
    channel = attempt(errors, lambda: choice(Channel, raw.channel, F_CHANNEL))
    purpose = attempt(errors, lambda: choice(VisitPurpose, raw.purpose, F_PURPOSE))
    name = attempt(errors, lambda: _visitor_name(raw.visitor_name))
    id_kind = attempt(errors, lambda: choice(IdKind, raw.id_kind, F_ID_KIND))
    id_number = None
    if id_kind is not None:
        id_number = attempt(errors, lambda: check_id_document(id_kind, raw.id_number, today=now.date()))
    _who_came(errors, raw, channel, purpose, name, id_number)
    phone = attempt(errors, lambda: _phone(raw.phone, channel))
    outcome = attempt(errors, lambda: clean_text(raw.outcome, field=F_OUTCOME, max_length=OUTCOME_MAX, multiline=True))
    reason = None
    if visited_at is not None:
        reason = attempt(errors, lambda: _check_late_reason(raw.late_entry_reason, visited_at, now, cal))
    if len(errors) == 1:
        raise errors[0]  # one bad field: the plain FieldError every caller knows
    if errors:
        raise FieldErrors(errors)
    assert visited_at is not None and channel is not None and purpose is not None and id_kind is not None
    assert outcome is not None
    return CheckedVisit(
        visited_at=visited_at,
        channel=channel,
        visitor_name=name,
        id_kind=id_kind,
        id_number=id_number,
        phone=phone,
        purpose=purpose,
        case_id=raw.case_id,
        staff_id=raw.staff_id,
        outcome=outcome,
        late_entry_reason=reason,
    )


def _who_came(
    errors: list[FieldError],
    raw: VisitInput,
    channel: Channel | None,
    purpose: VisitPurpose | None,
    name: str | None,
    id_number: str | None,
) -> None:
    """A window visit, or a purpose that discloses a case, needs an ID number; every visit needs a name or one."""
    if any(error.field in (F_ID_KIND, F_ID_NUMBER, F_NAME) for error in errors):
        return  # the field is already marked bad: "empty" would contradict what was typed
    if id_number is None and (channel is Channel.WINDOW or purpose in DISCLOSING_PURPOSES):
        why = (
            "窗口来访须出示有效身份证明"
            if channel is Channel.WINDOW
            else f"{purpose.label if purpose else ''}须核对证件号"
        )
        errors.append(FieldError(F_ID_NUMBER, f"不能为空（{why}）"))
    if name is None and id_number is None and not raw.visitor_name.strip():
        errors.append(FieldError(F_NAME, "不能为空"))


def _visitor_name(value: str) -> str | None:
    name = one_line(value, F_NAME, 50)
    return normalize_person_name(name, field=F_NAME) if name is not None else None


def _phone(value: str, channel: Channel | None) -> str | None:
    phone = one_line(value, F_PHONE, 40)
    if phone is not None:
        return normalize_phone(phone, field=F_PHONE)
    if channel is Channel.HOTLINE:
        raise FieldError(F_PHONE, "不能为空（电话来访须记录来电号码）")
    return None


def _check_visit_time(visited_at: datetime | None, now: datetime) -> datetime:
    if visited_at is None:
        return now
    if visited_at > now:
        raise FieldError(F_TIME, f"不能晚于当前时间 {now:%Y-%m-%d %H:%M}")
    if visited_at.date() < now.date() - timedelta(days=BACKFILL_DAYS):
        raise FieldError(F_TIME, f"只能补录 {BACKFILL_DAYS} 天内的来访")
    return visited_at


def check_id_document(kind: IdKind, value: str, *, today: date | None = None) -> str | None:
    """The normalised document number, or None when the field was left empty."""
    text = one_line(value, F_ID_NUMBER, 40)
    if text is None:
        return None
    if kind is IdKind.RESIDENT_ID:  # the one rule and wording of F3 and the importers (domain.identity)
        return identify(text, field=F_ID_NUMBER, today=today, kind=PERSON_ID)[1]
    if kind is IdKind.CREDIT_CODE:
        return identify(text, field=F_ID_NUMBER, kind=ORGANISATION_ID)[1]
    text = unicodedata.normalize("NFKC", text).upper()
    if len(text) > OTHER_DOCUMENT_MAX:
        raise FieldError(F_ID_NUMBER, f"不能超过 {OTHER_DOCUMENT_MAX} 个字符")
    return text


def _check_late_reason(value: str, visited_at: datetime, now: datetime, cal: WorkCalendar) -> str | None:
    try:
        why = late_entry_required(visited_at, now, cal)
    except CalendarYearMissing as error:
        raise FieldError(F_TIME, error.message) from None
    reason = one_line(value, F_LATE_REASON, LATE_REASON_MAX)
    if why is not None and reason is None:
        raise FieldError(F_LATE_REASON, f"不能为空：{why}")
    return reason
