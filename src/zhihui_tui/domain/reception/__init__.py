"""Reception ledger rules (SPEC §3.2, seed §五(六)(七), §七): what a visit record must hold, when a late-entry
reason is needed, and what makes a handler–party appointment bookable.

Pure: the checkers take the clerk's raw input, the clock's ``now`` and the working-day calendar, and return
normalised values or raise ``FieldError`` naming the field. Database checks (does the visitor belong to the case,
is the handler the case's handler) live in ``services.reception``.

The modules are an internal split (``terms``, ``inputs``, ``parsing``, ``visits``, ``appointments``,
``masking``): import from this package.

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

from zhihui_tui.domain.reception.appointments import check_appointment_input, check_appointment_time, check_outcome
from zhihui_tui.domain.reception.inputs import AppointmentInput, CheckedAppointment, CheckedVisit, VisitInput
from zhihui_tui.domain.reception.masking import mask_id_number, mask_phone
from zhihui_tui.domain.reception.parsing import choice, one_line, parse_when
from zhihui_tui.domain.reception.terms import (
    ALLOWED_CHANNELS,
    APPOINTMENT_HORIZON_DAYS,
    APPOINTMENT_SLOT,
    BACKFILL_DAYS,
    CENTRE_HOTLINE,
    DISCLOSING_PURPOSES,
    F_APPT_CHANNEL,
    F_APPT_HANDLER,
    F_APPT_KIND,
    F_APPT_NOTE,
    F_APPT_OUTCOME,
    F_APPT_PARTY,
    F_APPT_PHONE,
    F_APPT_TIME,
    F_CANCEL_REASON,
    F_CASE,
    F_CHANNEL,
    F_ID_KIND,
    F_ID_NUMBER,
    F_LATE_REASON,
    F_NAME,
    F_OUTCOME,
    F_PHONE,
    F_PURPOSE,
    F_STAFF,
    F_TIME,
    LATE_REASON_MAX,
    NOTE_MAX,
    OFFICE_OPEN,
    OTHER_DOCUMENT_MAX,
    OUTCOME_MAX,
    PARTY_NAME_MAX,
    AppointmentChannel,
    AppointmentKind,
    AppointmentStatus,
    Channel,
    IdKind,
    VisitPurpose,
)
from zhihui_tui.domain.reception.visits import (
    check_id_document,
    check_visit_input,
    late_entry_required,
    reception_notice,
)

__all__ = [
    "ALLOWED_CHANNELS",
    "APPOINTMENT_HORIZON_DAYS",
    "APPOINTMENT_SLOT",
    "BACKFILL_DAYS",
    "CENTRE_HOTLINE",
    "DISCLOSING_PURPOSES",
    "F_APPT_CHANNEL",
    "F_APPT_HANDLER",
    "F_APPT_KIND",
    "F_APPT_NOTE",
    "F_APPT_OUTCOME",
    "F_APPT_PARTY",
    "F_APPT_PHONE",
    "F_APPT_TIME",
    "F_CANCEL_REASON",
    "F_CASE",
    "F_CHANNEL",
    "F_ID_KIND",
    "F_ID_NUMBER",
    "F_LATE_REASON",
    "F_NAME",
    "F_OUTCOME",
    "F_PHONE",
    "F_PURPOSE",
    "F_STAFF",
    "F_TIME",
    "LATE_REASON_MAX",
    "NOTE_MAX",
    "OFFICE_OPEN",
    "OTHER_DOCUMENT_MAX",
    "OUTCOME_MAX",
    "PARTY_NAME_MAX",
    "AppointmentChannel",
    "AppointmentInput",
    "AppointmentKind",
    "AppointmentStatus",
    "Channel",
    "CheckedAppointment",
    "CheckedVisit",
    "IdKind",
    "VisitInput",
    "VisitPurpose",
    "check_appointment_input",
    "check_appointment_time",
    "check_id_document",
    "check_outcome",
    "check_visit_input",
    "choice",
    "late_entry_required",
    "mask_id_number",
    "mask_phone",
    "one_line",
    "parse_when",
    "reception_notice",
]
