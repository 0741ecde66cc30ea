"""The day's reception ledger as rows (R-REC-5, R-REC-6): what screens show and the .xlsx writer prints, with ID
numbers and phones masked (R-Q-3), counts by purpose (信访 included) and whether the day was reported.

The row types live here, apart from the writer (``services.ledger_xlsx``), which imports them; nothing here imports
the writer back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, LedgerReport, Staff, Visit
from zhihui_tui.domain.reception import Channel, VisitPurpose, mask_id_number, mask_phone
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.reception.rules import ReceptionAction, require_action


@dataclass(frozen=True)
class LedgerRow:
    """One ledger line as screens and the report show it: ID number and phone masked (R-Q-3)."""

    visit_id: int
    visited_at: datetime
    channel: Channel
    visitor_name: str
    id_number_masked: str
    phone_masked: str
    purpose: VisitPurpose
    case_number: str | None
    staff_name: str
    outcome: str
    late_entry_reason: str | None


@dataclass(frozen=True)
class ReportInfo:
    """Who reported a day's ledger, when, with how many visits, and the digest of the file reported."""

    reported_at: datetime
    reported_by_login: str
    reported_by_name: str
    visit_count: int
    file_sha256: str


@dataclass(frozen=True)
class LedgerView:
    """A day's ledger: its rows, counts by purpose, and the report if the day was reported."""

    day: date
    rows: tuple[LedgerRow, ...]
    counts: dict[VisitPurpose, int]  # every purpose, in the order of VisitPurpose, zeros included
    report: ReportInfo | None

    @property
    def total(self) -> int:
        """Visits that day."""
        return len(self.rows)

    @property
    def petitions(self) -> int:
        """信访 visits that day (R-REC-6)."""
        return self.counts[VisitPurpose.PETITION]


def todays_ledger(day: date, *, ctx: ServiceContext) -> LedgerView:
    """The day's ledger with counts by purpose (信访 included) and whether it has been reported."""
    require_action(ctx.actor, ReceptionAction.READ_LEDGER)
    with read_session(ctx.engine) as session:
        return load_ledger(session, day)


def purpose_counts(first: date, last: date, *, ctx: ServiceContext) -> dict[VisitPurpose, int]:
    """Visits per purpose over ``first``..``last`` inclusive (信访 counted for reporting: R-REC-6)."""
    require_action(ctx.actor, ReceptionAction.READ_LEDGER, doing="统计接待台账")
    start, end = day_start(first), day_start(last) + timedelta(days=1)
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(Visit.purpose, func.count())
            .where(col(Visit.visited_at) >= start, col(Visit.visited_at) < end)
            .group_by(col(Visit.purpose))
        ).all()
    counts = dict.fromkeys(VisitPurpose, 0)
    for purpose, count in rows:
        counts[VisitPurpose(purpose)] = int(count)
    return counts


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day``."""
    return datetime.combine(day, time())


def load_ledger(session: Session, day: date) -> LedgerView:
    """The day's ledger read in ``session`` (the report reads it inside its write transaction)."""
    start = day_start(day)
    found = session.exec(
        select(Visit, Staff.name, Case.case_number)
        .join(Staff, col(Staff.id) == Visit.staff_id)
        .join(Case, col(Case.id) == Visit.case_id, isouter=True)
        .where(col(Visit.visited_at) >= start, col(Visit.visited_at) < start + timedelta(days=1))
        .order_by(col(Visit.visited_at), col(Visit.id))
    ).all()
    rows = tuple(_ledger_row(visit, staff_name, case_number) for visit, staff_name, case_number in found)
    counts = dict.fromkeys(VisitPurpose, 0)
    for row in rows:
        counts[row.purpose] += 1
    return LedgerView(day=day, rows=rows, counts=counts, report=_report_info(session, day))


def _ledger_row(visit: Visit, staff_name: str, case_number: str | None) -> LedgerRow:
    assert visit.id is not None
    return LedgerRow(
        visit_id=visit.id,
        visited_at=visit.visited_at,
        channel=Channel(visit.channel),
        visitor_name=visit.visitor_name,
        id_number_masked=mask_id_number(visit.visitor_id_number),
        phone_masked=mask_phone(visit.visitor_phone),
        purpose=VisitPurpose(visit.purpose),
        case_number=case_number,
        staff_name=staff_name,
        outcome=visit.outcome,
        late_entry_reason=visit.late_entry_reason,
    )


def _report_info(session: Session, day: date) -> ReportInfo | None:
    found = session.exec(
        select(LedgerReport, Staff.login, Staff.name)
        .join(Staff, col(Staff.id) == LedgerReport.reported_by_id)
        .where(LedgerReport.day == day)
    ).first()
    if found is None:
        return None
    report, login, name = found
    return ReportInfo(report.reported_at, login, name, report.visit_count, report.file_sha256)
