"""Reporting the day's ledger to the centre, once (R-REC-5, R-CLI-2): the .xlsx written whole, the day marked
reported; a later run writes byte-identical content from the first run's record and reports nothing twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import LedgerReport
from zhihui_tui.domain.calendar import RECEPTION_CLOSE
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.reception import VisitPurpose
from zhihui_tui.services import ledger_xlsx
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import ServiceError
from zhihui_tui.services.reception.files import discard, place, write_temp
from zhihui_tui.services.reception.ledger import LedgerView, ReportInfo, load_ledger
from zhihui_tui.services.reception.rules import ReceptionAction, require_action
from zhihui_tui.services.reception.visits import lock_ledger_day
from zhihui_tui.services.uow import AlreadySaved, unit_of_work

F_DAY = "日期"
F_OUT = "输出文件"


@dataclass(frozen=True)
class LedgerReportResult:
    """What a report run wrote and what the record of the day's report says."""

    day: date
    path: Path
    visit_count: int
    counts: dict[VisitPurpose, int]
    newly_reported: bool  # False: the day had been reported before; the file was written again, identical
    reported_at: datetime
    reported_by_login: str
    reported_by_name: str
    sha256: str
    matches_report: bool  # the file written equals the one reported (False: the data changed since)


class _AlreadyReported(Exception):
    """Another run reported the day while this one waited for the write lock."""


def report_daily_ledger(day: date, out_path: Path, *, ctx: ServiceContext) -> LedgerReportResult:
    """Write the day's ledger as .xlsx and mark the day reported, once (R-REC-5, R-CLI-2).

    The first run records who reported and when; every later run writes byte-identical file content from that
    record and adds no second report. The file appears whole or not at all, and is removed again if the
    database refuses the report. The court's name comes from ``ctx.court``.
    """
    target = _check_request(day, out_path, ctx=ctx)
    with read_session(ctx.engine) as session:
        reported = session.get(LedgerReport, day) is not None
    if not reported:
        try:
            return _report_first_time(day, target, ctx=ctx)
        except (_AlreadyReported, AlreadySaved):
            pass  # a run at the same time reported first: write the file from its record
    return _write_reported_again(day, target, ctx=ctx)


def preview_daily_ledger(day: date, out_path: Path, *, ctx: ServiceContext) -> LedgerView:
    """What :func:`report_daily_ledger` would write, checked the same way, with nothing written (--dry-run)."""
    _check_request(day, out_path, ctx=ctx)
    with read_session(ctx.engine) as session:
        return load_ledger(session, day)


def _check_request(day: date, out_path: Path, *, ctx: ServiceContext) -> Path:
    require_action(ctx.actor, ReceptionAction.REPORT_LEDGER)
    _check_report_day(day, ctx.now())
    target = Path(out_path)
    if target.suffix.lower() != ".xlsx":
        raise FieldError(F_OUT, f"须为 .xlsx 文件（收到：{target.name}）")
    return target


def _check_report_day(day: date, now: datetime) -> None:
    if day > now.date():
        raise FieldError(F_DAY, f"{day:%Y-%m-%d} 尚未到来，不能报送")
    if day == now.date() and now.time() < RECEPTION_CLOSE:
        raise FieldError(F_DAY, f"今日接待 {RECEPTION_CLOSE:%H:%M} 截止，截止后才能报送今日台账")


def _report_first_time(day: date, target: Path, *, ctx: ServiceContext) -> LedgerReportResult:
    actor = ctx.actor
    temp: Path | None = None
    placed = False
    now = ctx.now()

    def render(ledger: LedgerView) -> bytes:
        return ledger_xlsx.render(ledger, court_name=ctx.court.court_name, reporter_name=actor.name, reported_at=now)

    # Render before taking the write lock: building the workbook takes seconds on a loaded server, and on SQLite
    # every clerk's save would wait behind it (issue 16's soak saw them give up after 15 s). Under the lock the
    # ledger is read again; only if a visit landed in between is the file rendered again.
    with read_session(ctx.engine) as session:
        seen = load_ledger(session, day)
    content = render(seen)
    try:
        with unit_of_work(ctx.engine, actor=actor, action="报送接待台账", clock=ctx.clock) as session:
            lock_ledger_day(session, day)
            if session.get(LedgerReport, day) is not None:
                raise _AlreadyReported
            ledger = load_ledger(session, day)
            if ledger != seen:
                content = render(ledger)
            digest = hashlib.sha256(content).hexdigest()
            temp = write_temp(target, content)
            session.add(
                LedgerReport(
                    day=day, reported_at=now, reported_by_id=actor.id, visit_count=ledger.total, file_sha256=digest
                )
            )
            session.flush()
            place(temp, target)
            placed = True
    except BaseException:
        discard(target if placed else temp)
        raise
    report = ReportInfo(now, actor.login, actor.name, ledger.total, digest)
    return _result(ledger, target, report, digest, newly_reported=True)


def _write_reported_again(day: date, target: Path, *, ctx: ServiceContext) -> LedgerReportResult:
    with read_session(ctx.engine) as session:
        ledger = load_ledger(session, day)
    report = ledger.report
    if report is None:
        raise ServiceError("报送未能完成，请重试")
    content = ledger_xlsx.render(
        ledger, court_name=ctx.court.court_name, reporter_name=report.reported_by_name, reported_at=report.reported_at
    )
    temp = write_temp(target, content)
    try:
        place(temp, target)
    except BaseException:
        discard(temp)
        raise
    return _result(ledger, target, report, hashlib.sha256(content).hexdigest(), newly_reported=False)


def _result(
    ledger: LedgerView, target: Path, report: ReportInfo, digest: str, *, newly_reported: bool
) -> LedgerReportResult:
    return LedgerReportResult(
        day=ledger.day,
        path=target,
        visit_count=ledger.total,
        counts=ledger.counts,
        newly_reported=newly_reported,
        reported_at=report.reported_at,
        reported_by_login=report.reported_by_login,
        reported_by_name=report.reported_by_name,
        sha256=digest,
        matches_report=digest == report.file_sha256,
    )
