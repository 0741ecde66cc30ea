"""Reception ledger (接待台账, SPEC §3.2): visits and hotline calls, what a visitor may ask about, handler
appointments (登记备案), and the day's ledger reported to the centre.

Rules enforced here on top of ``domain.reception``:

- R-REC-2: for a purpose that tells the visitor about a case (案件查询, 首次约谈, 预约承办人) the visitor's ID
  number must be a party of the case or a registered agent in it; other purposes (材料递交, 信访, 其他) may link
  any case, since nothing about the case is told. 其他证件 never matches a case.
- R-REC-3: queries at the reception post never select ``Staff.mobile``; a handler is reached by the office
  landline, or the centre's hotline when none is on file.
- R-REC-4: only a booked appointment (登记备案) can be recorded as held or cancelled; the handler must be the
  case's handler or hold the 承办人 post; a handler may book and settle only their own appointments; two bookings
  of one handler are at least 30 minutes apart; a meeting is recorded as held no earlier than its booked day.
- R-REC-5: once a day's ledger is reported, visits of that day are refused (the centre takes over: seed §七(四));
  today's ledger can be reported from 17:00; reporting twice writes the same file and one ``LedgerReport``.

Every public function takes its arguments, then ``*, ctx: ServiceContext``. The modules are an internal split
(``rules``, ``visits``, ``visitors``, ``appointments``, ``ledger`` — the row types —, ``report``, ``files``):
import from this package.
"""

from __future__ import annotations

from zhihui_tui.services.reception.appointments import (
    AppointmentView,
    book_appointment,
    cancel_appointment,
    handler_appointments,
    record_appointment_held,
)
from zhihui_tui.services.reception.ledger import LedgerRow, LedgerView, ReportInfo, purpose_counts, todays_ledger
from zhihui_tui.services.reception.report import (
    F_DAY,
    F_OUT,
    LedgerReportResult,
    preview_daily_ledger,
    report_daily_ledger,
)
from zhihui_tui.services.reception.rules import (
    BOOKING_ROLES,
    LEDGER_READ_ROLES,
    LEDGER_REPORT_ROLES,
    RECEPTION_ROLES,
    ReceptionAction,
    allowed_actions,
)
from zhihui_tui.services.reception.visitors import VisitorCase, visitor_cases
from zhihui_tui.services.reception.visits import lock_ledger_day, register_visit

__all__ = [
    "BOOKING_ROLES",
    "F_DAY",
    "F_OUT",
    "LEDGER_READ_ROLES",
    "LEDGER_REPORT_ROLES",
    "RECEPTION_ROLES",
    "AppointmentView",
    "LedgerReportResult",
    "LedgerRow",
    "LedgerView",
    "ReceptionAction",
    "ReportInfo",
    "VisitorCase",
    "allowed_actions",
    "book_appointment",
    "cancel_appointment",
    "handler_appointments",
    "lock_ledger_day",
    "preview_daily_ledger",
    "purpose_counts",
    "record_appointment_held",
    "register_visit",
    "report_daily_ledger",
    "todays_ledger",
    "visitor_cases",
]
