"""Reception ledger rules (SPEC §3.2, seed §五(六)(七), §七): what a visit record must hold, when a late-entry
reason is needed, and what makes a handler–party appointment bookable.

Pure: the checkers take the clerk's raw input, the clock's ``now`` and the working-day calendar, and return
normalised values or raise ``FieldError`` naming the field. Database checks (does the visitor belong to the case,
is the handler the case's handler) live in ``services.reception``.

Rules decided here (documented for the clerk and the tests):

- Time: empty means now; ``HH:MM`` means today; a full ``YYYY-MM-DD HH:MM`` may backfill up to
  ``BACKFILL_DAYS`` days; never in the future.
- ID document: a 居民身份证 (GB 11643, 15-digit numbers upgraded), a 统一社会信用代码 (an organisation's
  representative), or 其他证件 as free text. Required at the window (seed §七(二): 凭有效身份证明) and for any
  purpose that tells the visitor about a case; a hotline caller asking something general may stay anonymous.
- Phone: required for hotline calls (the number to call back), optional at the window.
- Name: may be left empty when the ID number is registered in a case — the service fills in the name on file.
- Late entry (R-REC-5): a reason is required when the entry is made after 17:00 or on a non-working day, or when
  it backfills an earlier day; from 16:45 the screen warns.
- Appointments (R-REC-4): a meeting is 面谈 or 视频; a call-back is 电话 or 视频 and needs the party's phone; the
  time must be in the future, within ``APPOINTMENT_HORIZON_DAYS`` days, on a working day, between 08:00 and 17:00
  (reception hours: a meeting needs the centre open, a call-back is made from the office).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from zhihui_tui.domain.calendar import (
    RECEPTION_CLOSE,
    CalendarYearMissing,
    ReceptionState,
    WorkCalendar,
    reception_message,
    reception_state,
)
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.validators import (
    clean_text,
    normalize_credit_code,
    normalize_person_name,
    normalize_phone,
    normalize_resident_id,
    parse_date,
)

OFFICE_OPEN = time(8, 0)  # earliest bookable appointment; reception closes at RECEPTION_CLOSE (17:00)
CENTRE_HOTLINE = "0482-8393383"  # seed §五(六): the number parties call with questions about their case
BACKFILL_DAYS = 30  # a visit may be entered up to this many days after it happened (with a reason)
APPOINTMENT_HORIZON_DAYS = 90
APPOINTMENT_SLOT = timedelta(minutes=30)  # two bookings of one handler must be at least this far apart

OUTCOME_MAX = 500
LATE_REASON_MAX = 200  # Visit.late_entry_reason
OTHER_DOCUMENT_MAX = 32  # Visit.visitor_id_number
PARTY_NAME_MAX = 100  # Appointment.party_name (a person or an organisation)
NOTE_MAX = 500  # Appointment.note / outcome

# Field labels: the TUI puts the message next to the field with this label.
F_TIME = "时间"
F_CHANNEL = "渠道"
F_NAME = "来访人"
F_ID_KIND = "证件类型"
F_ID_NUMBER = "证件号码"
F_PHONE = "电话"
F_PURPOSE = "事由"
F_CASE = "关联案件"
F_STAFF = "接待人"
F_OUTCOME = "处理结果"
F_LATE_REASON = "补录原因"
F_APPT_KIND = "预约类型"
F_APPT_CHANNEL = "反馈方式"
F_APPT_TIME = "预约时间"
F_APPT_PARTY = "当事人"
F_APPT_PHONE = "当事人电话"
F_APPT_NOTE = "备注"
F_APPT_HANDLER = "承办人"
F_APPT_OUTCOME = "约见结果"
F_CANCEL_REASON = "取消原因"


class VisitPurpose(StrEnum):
    CASE_QUERY = "case_query"
    FIRST_INTERVIEW = "first_interview"
    MATERIALS = "materials"
    PETITION = "petition"
    APPOINTMENT = "appointment"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _PURPOSE_LABELS[self]


_PURPOSE_LABELS = {
    VisitPurpose.CASE_QUERY: "案件查询",
    VisitPurpose.FIRST_INTERVIEW: "首次约谈",
    VisitPurpose.MATERIALS: "材料递交",
    VisitPurpose.PETITION: "信访",
    VisitPurpose.APPOINTMENT: "预约承办人",
    VisitPurpose.OTHER: "其他",
}

# Purposes that tell the visitor something about a case: R-REC-2 applies (party or registered agent only).
DISCLOSING_PURPOSES: frozenset[VisitPurpose] = frozenset(
    {VisitPurpose.CASE_QUERY, VisitPurpose.FIRST_INTERVIEW, VisitPurpose.APPOINTMENT}
)


class Channel(StrEnum):
    WINDOW = "window"
    HOTLINE = "hotline"

    @property
    def label(self) -> str:
        return {Channel.WINDOW: "窗口", Channel.HOTLINE: "电话"}[self]


class IdKind(StrEnum):
    RESIDENT_ID = "resident_id"
    CREDIT_CODE = "credit_code"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {IdKind.RESIDENT_ID: "居民身份证", IdKind.CREDIT_CODE: "统一社会信用代码", IdKind.OTHER: "其他证件"}[
            self
        ]


class AppointmentKind(StrEnum):
    MEETING = "meeting"
    CALLBACK = "callback"

    @property
    def label(self) -> str:
        return {AppointmentKind.MEETING: "约见", AppointmentKind.CALLBACK: "回电"}[self]


class AppointmentChannel(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"

    @property
    def label(self) -> str:
        return {
            AppointmentChannel.IN_PERSON: "面谈",
            AppointmentChannel.PHONE: "电话",
            AppointmentChannel.VIDEO: "视频",
        }[self]


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            AppointmentStatus.BOOKED: "已预约",
            AppointmentStatus.HELD: "已进行",
            AppointmentStatus.CANCELLED: "已取消",
        }[self]


ALLOWED_CHANNELS: dict[AppointmentKind, frozenset[AppointmentChannel]] = {
    AppointmentKind.MEETING: frozenset({AppointmentChannel.IN_PERSON, AppointmentChannel.VIDEO}),
    AppointmentKind.CALLBACK: frozenset({AppointmentChannel.PHONE, AppointmentChannel.VIDEO}),
}


# -- input --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitInput:
    """One visit or hotline call as typed at the reception post (R-REC-1)."""

    id_number: str = ""
    outcome: str = ""
    purpose: VisitPurpose | str = VisitPurpose.CASE_QUERY
    case_id: int | None = None
    visitor_name: str = ""
    id_kind: IdKind | str = IdKind.RESIDENT_ID
    phone: str = ""
    channel: Channel | str = Channel.WINDOW
    visited_at: datetime | None = None  # None: now
    staff_id: int | None = None  # None: the clerk at the keyboard
    late_entry_reason: str = ""


@dataclass(frozen=True)
class CheckedVisit:
    visited_at: datetime
    channel: Channel
    visitor_name: str | None  # None: take the name registered for the ID number
    id_kind: IdKind
    id_number: str | None
    phone: str | None
    purpose: VisitPurpose
    case_id: int | None
    staff_id: int | None
    outcome: str
    late_entry_reason: str | None


@dataclass(frozen=True)
class AppointmentInput:
    """A handler–party meeting or a handler call-back booked through the centre (R-REC-4)."""

    case_id: int
    kind: AppointmentKind | str
    channel: AppointmentChannel | str
    scheduled_at: datetime
    party_name: str
    handler_id: int | None = None  # None: the case's handler
    party_phone: str = ""
    note: str = ""
    visit_id: int | None = None


@dataclass(frozen=True)
class CheckedAppointment:
    case_id: int
    kind: AppointmentKind
    channel: AppointmentChannel
    scheduled_at: datetime
    party_name: str
    handler_id: int | None
    party_phone: str | None
    note: str | None
    visit_id: int | None


# -- small parsers -------------------------------------------------------------------------------------------

E = TypeVar("E", bound=StrEnum)


def _enum(kind: type[E], value: E | str, field: str) -> E:
    """An enum member from a member, its code or its Chinese label."""
    if isinstance(value, kind):
        return value
    text = str(value).strip()
    for member in kind:
        if text in (member.value, getattr(member, "label", None)):
            return member
    choices = "、".join(getattr(m, "label", m.value) for m in kind)
    raise FieldError(field, f"无效的选项“{text}”；可选：{choices}")


def _line(value: str, field: str, max_length: int, *, required: bool = False) -> str | None:
    """A one-line field: control characters, pasted line breaks and over-long text are refused."""
    text = clean_text(value, field=field, max_length=max_length, required=required)
    return text or None


_CLOCK_TIME = re.compile(r"(?P<h>[0-9]{1,2})[:：](?P<m>[0-9]{2})")


def parse_when(text: str, *, field: str, now: datetime) -> datetime:
    """Parse ``HH:MM`` (today) or ``YYYY-MM-DD HH:MM`` (also ``T``, ``/``, ``年月日``); empty means ``now``."""
    _line(text, field, 40)
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return now
    day_part, _, time_part = value.replace("T", " ").rpartition(" ")
    day = parse_date(day_part, field=field) if day_part else now.date()
    match = _CLOCK_TIME.fullmatch(time_part.strip())
    if match is None:
        raise FieldError(field, f"格式应为 HH:MM 或 YYYY-MM-DD HH:MM（收到：{text.strip()}）")
    hour, minute = int(match["h"]), int(match["m"])
    if hour > 23 or minute > 59:
        raise FieldError(field, f"时间无效：{time_part.strip()}")
    return datetime.combine(day, time(hour, minute))


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
    """Normalise a visit in form order; the first bad field raises ``FieldError``."""
    visited_at = _check_visit_time(raw.visited_at, now)
    channel = _enum(Channel, raw.channel, F_CHANNEL)
    purpose = _enum(VisitPurpose, raw.purpose, F_PURPOSE)
    name = _line(raw.visitor_name, F_NAME, 50)
    if name is not None:
        name = normalize_person_name(name, field=F_NAME)
    id_kind = _enum(IdKind, raw.id_kind, F_ID_KIND)
    id_number = check_id_document(id_kind, raw.id_number, today=now.date())
    if id_number is None and (channel is Channel.WINDOW or purpose in DISCLOSING_PURPOSES):
        why = "窗口来访须出示有效身份证明" if channel is Channel.WINDOW else f"{purpose.label}须核对证件号"
        raise FieldError(F_ID_NUMBER, f"不能为空（{why}）")
    if name is None and id_number is None:
        raise FieldError(F_NAME, "不能为空")
    phone = _line(raw.phone, F_PHONE, 40)
    if phone is not None:
        phone = normalize_phone(phone, field=F_PHONE)
    elif channel is Channel.HOTLINE:
        raise FieldError(F_PHONE, "不能为空（电话来访须记录来电号码）")
    outcome = clean_text(raw.outcome, field=F_OUTCOME, max_length=OUTCOME_MAX, multiline=True)
    reason = _check_late_reason(raw.late_entry_reason, visited_at, now, cal)
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
    text = _line(value, F_ID_NUMBER, 40)
    if text is None:
        return None
    if kind is IdKind.RESIDENT_ID:
        return normalize_resident_id(text, field=F_ID_NUMBER, today=today)
    if kind is IdKind.CREDIT_CODE:
        return normalize_credit_code(text, field=F_ID_NUMBER)
    text = unicodedata.normalize("NFKC", text).upper()
    if len(text) > OTHER_DOCUMENT_MAX:
        raise FieldError(F_ID_NUMBER, f"不能超过 {OTHER_DOCUMENT_MAX} 个字符")
    return text


def _check_late_reason(value: str, visited_at: datetime, now: datetime, cal: WorkCalendar) -> str | None:
    try:
        why = late_entry_required(visited_at, now, cal)
    except CalendarYearMissing as error:
        raise FieldError(F_TIME, error.message) from None
    reason = _line(value, F_LATE_REASON, LATE_REASON_MAX)
    if why is not None and reason is None:
        raise FieldError(F_LATE_REASON, f"不能为空：{why}")
    return reason


# -- R-REC-4: appointments -----------------------------------------------------------------------------------


def check_appointment_input(raw: AppointmentInput, *, now: datetime, cal: WorkCalendar) -> CheckedAppointment:
    """Normalise a booking; the first bad field raises ``FieldError``."""
    kind = _enum(AppointmentKind, raw.kind, F_APPT_KIND)
    channel = _enum(AppointmentChannel, raw.channel, F_APPT_CHANNEL)
    if channel not in ALLOWED_CHANNELS[kind]:
        allowed = "或".join(c.label for c in AppointmentChannel if c in ALLOWED_CHANNELS[kind])
        raise FieldError(F_APPT_CHANNEL, f"{kind.label}只能采用{allowed}方式")
    check_appointment_time(raw.scheduled_at, now=now, cal=cal)
    party = _line(raw.party_name, F_APPT_PARTY, PARTY_NAME_MAX, required=True)
    assert party is not None
    phone = _line(raw.party_phone, F_APPT_PHONE, 40)
    if phone is not None:
        phone = normalize_phone(phone, field=F_APPT_PHONE)
    elif kind is AppointmentKind.CALLBACK:
        raise FieldError(F_APPT_PHONE, "不能为空（回电须记录当事人电话）")
    note = clean_text(raw.note, field=F_APPT_NOTE, max_length=NOTE_MAX, required=False, multiline=True) or None
    return CheckedAppointment(
        case_id=raw.case_id,
        kind=kind,
        channel=channel,
        scheduled_at=raw.scheduled_at,
        party_name=party,
        handler_id=raw.handler_id,
        party_phone=phone,
        note=note,
        visit_id=raw.visit_id,
    )


def check_appointment_time(at: datetime, *, now: datetime, cal: WorkCalendar) -> None:
    """Future, within the horizon, on a working day, between 08:00 and 17:00."""
    if at <= now:
        raise FieldError(F_APPT_TIME, f"须晚于当前时间 {now:%Y-%m-%d %H:%M}")
    if at.date() > now.date() + timedelta(days=APPOINTMENT_HORIZON_DAYS):
        raise FieldError(F_APPT_TIME, f"只能预约 {APPOINTMENT_HORIZON_DAYS} 天内的时间")
    try:
        workday = cal.is_workday(at.date())
    except CalendarYearMissing as error:
        raise FieldError(F_APPT_TIME, error.message) from None
    if not workday:
        raise FieldError(F_APPT_TIME, f"{at:%Y-%m-%d} 不是工作日")
    if not OFFICE_OPEN <= at.time() < RECEPTION_CLOSE:
        raise FieldError(F_APPT_TIME, f"须在工作时间 {OFFICE_OPEN:%H:%M}–{RECEPTION_CLOSE:%H:%M} 之间")


def check_outcome(value: str, *, field: str = F_APPT_OUTCOME) -> str:
    """The result of a held meeting or the reason for a cancellation: required, up to 500 characters."""
    return clean_text(value, field=field, max_length=NOTE_MAX, multiline=True)


# -- R-Q-3: masking personal data ----------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    """Keep the first 6 and last 4 characters of an ID number (region and check digits), star the rest."""
    if not value:
        return ""
    if len(value) > 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) > 4:
        return value[:1] + "*" * (len(value) - 2) + value[-1:]
    return "*" * len(value)


def mask_phone(value: str | None) -> str:
    """Keep the first 3 and last 4 digits (``138****8000``, ``048*-***3383``); separators are kept."""
    if not value:
        return ""
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) <= 7:
        return "*" * len(value)
    hidden = set(digits[3:-4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))
