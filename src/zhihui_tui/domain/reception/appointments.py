"""A handler appointment checked (R-REC-4): kind and channel, a bookable time, party and phone."""

from __future__ import annotations

from datetime import datetime, timedelta

from zhihui_tui.domain.calendar import (
    RECEPTION_CLOSE,
    CalendarYearMissing,
    WorkCalendar,
)
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.phones import normalize_phone
from zhihui_tui.domain.reception.inputs import AppointmentInput, CheckedAppointment
from zhihui_tui.domain.reception.parsing import choice, one_line
from zhihui_tui.domain.reception.terms import (
    ALLOWED_CHANNELS,
    APPOINTMENT_HORIZON_DAYS,
    F_APPT_CHANNEL,
    F_APPT_KIND,
    F_APPT_NOTE,
    F_APPT_OUTCOME,
    F_APPT_PARTY,
    F_APPT_PHONE,
    F_APPT_TIME,
    NOTE_MAX,
    OFFICE_OPEN,
    PARTY_NAME_MAX,
    AppointmentChannel,
    AppointmentKind,
)
from zhihui_tui.domain.validators import clean_text

# -- R-REC-4: appointments -----------------------------------------------------------------------------------


def check_appointment_input(raw: AppointmentInput, *, now: datetime, cal: WorkCalendar) -> CheckedAppointment:
    """Normalise a booking; the first bad field raises ``FieldError``."""
    kind = choice(AppointmentKind, raw.kind, F_APPT_KIND)
    channel = choice(AppointmentChannel, raw.channel, F_APPT_CHANNEL)
    if channel not in ALLOWED_CHANNELS[kind]:
        allowed = "或".join(c.label for c in AppointmentChannel if c in ALLOWED_CHANNELS[kind])
        raise FieldError(F_APPT_CHANNEL, f"{kind.label}只能采用{allowed}方式")
    check_appointment_time(raw.scheduled_at, now=now, cal=cal)
    party = one_line(raw.party_name, F_APPT_PARTY, PARTY_NAME_MAX, required=True)
    assert party is not None
    phone = one_line(raw.party_phone, F_APPT_PHONE, 40)
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
