""" "At most one open X per case", raced by two real processes (issue 12).

Each test spawns two interpreters with their own connections; a barrier releases them at the same moment, a few
rounds in a row, on SQLite and on PostgreSQL. Exactly one terminal wins each round; the other gets a Chinese
message (a refusal or a conflict, never SQL text) and the database holds one open X.
"""

from __future__ import annotations

import multiprocessing
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import col, select

from tests.conftest import context_for, make_staff
from tests.services.test_delegation import Court as FieldCourt
from tests.services.test_delegation import court as field_court
from tests.services.test_delegation import fast_passwords, request
from tests.services.test_field_search import registration
from tests.services.test_filing import APPLICATION_ITEMS, DRAFT
from tests.services.test_reception import MONDAY_10, _booking, _visit
from tests.services.test_reception import Court as ReceptionCourt
from tests.services.test_reception import court as reception_court
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import (
    Appointment,
    AssetFinding,
    Case,
    CaseParty,
    Deadline,
    FieldSearch,
    FilingRejection,
    LedgerReport,
    NetworkInquiry,
    Party,
    StageChange,
    TriageDecision,
    TriageFlags,
    Visit,
)
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.filing import FilingDraft, PartyForm
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import Step
from zhihui_tui.services import filing, inquiry, triage
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import ConcurrentEdit
from zhihui_tui.services.field_search import register_search
from zhihui_tui.services.reception import book_appointment, register_visit, report_daily_ledger
from zhihui_tui.services.uow import unit_of_work

ROUNDS = 5
TIMEOUT = 60  # seconds for a whole race: a hung worker fails the test instead of hanging the run
CALENDAR = load_calendar(None)
COURT = "内2221"
SQL_WORDS = re.compile(r"INSERT|UPDATE|UNIQUE|duplicate key|constraint|\[SQL", re.IGNORECASE)


# -- the two terminals ---------------------------------------------------------------------------------------


def _terminal(url: str, job: str, calls: Sequence[tuple[Any, ...]], barrier: Any, queue: Any) -> None:
    """One terminal: for each round wait for the other one, then call the service; report what the clerk saw."""
    engine = make_engine(url)
    outcomes: list[tuple[str, str]] = []
    for args in calls:
        barrier.wait(timeout=TIMEOUT)
        try:
            JOBS[job](engine, *args)
        except DomainError as error:
            outcomes.append(("refused", error.message))
        except Exception as error:  # what would reach the clerk as "保存失败：…"
            outcomes.append(("raw", f"{type(error).__name__}: {error}"[:400]))
        else:
            outcomes.append(("ok", ""))
    engine.dispose()
    queue.put(outcomes)


def _race(url: str, job: str, first: Sequence[tuple[Any, ...]], second: Sequence[tuple[Any, ...]]) -> list[Any]:
    """Run both terminals' rounds; returns, per round, the two outcomes."""
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_terminal, args=(url, job, calls, barrier, queue)) for calls in (first, second)]
    for worker in workers:
        worker.start()
    try:
        results = [queue.get(timeout=TIMEOUT) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
    assert all(worker.exitcode == 0 for worker in workers)
    return list(zip(*results, strict=True))


def _one_winner(rounds: list[Any], *, both_may_win: bool = False) -> None:
    """Every round: one terminal saved, the other was told in Chinese; never SQL text or a raw exception."""
    for number, pair in enumerate(rounds, start=1):
        kinds = sorted(kind for kind, _ in pair)
        assert "raw" not in kinds, f"round {number}: {pair}"
        if not (both_may_win and kinds == ["ok", "ok"]):
            assert kinds == ["ok", "refused"], f"round {number}: {pair}"
        for kind, message in pair:
            if kind == "refused":
                assert not SQL_WORDS.search(message) and re.search(r"[\u4e00-\u9fff]", message), message


# -- jobs (module level: a spawned interpreter imports them by name) -----------------------------------------


def _propose(engine: Engine, case_id: int, actor: Actor, clock: FixedClock) -> None:
    filing.propose_rejection(case_id, "申请执行人主体不适格", expected_version=1, ctx=context_for(engine, actor, clock))


def _add_finding(engine: Engine, case_id: int, party_id: int, actor: Actor, clock: FixedClock) -> None:
    row = inquiry.FindingInput(party_id=party_id, asset_type="存款", institution="农行", amount="100.00")
    inquiry.add_finding(case_id, row, ctx=context_for(engine, actor, clock))


def _start(engine: Engine, case_id: int, actor: Actor, clock: FixedClock) -> None:
    inquiry.start_inquiry(case_id, ctx=context_for(engine, actor, clock))


def _inquiry_flags(engine: Engine, case_id: int, actor: Actor, clock: FixedClock) -> None:
    inquiry.set_triage_flags(case_id, {"major"}, expected_version=None, ctx=context_for(engine, actor, clock))


def _board_flags(engine: Engine, case_id: int, actor: Actor, clock: FixedClock) -> None:
    triage.set_flags(case_id, {"major"}, expected_version=None, ctx=context_for(engine, actor, clock))


def _accept(engine: Engine, case_id: int, actor: Actor, clock: FixedClock) -> None:
    triage.accept(case_id, ctx=context_for(engine, actor, clock))


def _submit(engine: Engine, case_id: int, actor: Actor, clock: FixedClock, calendar: WorkCalendar) -> None:
    inquiry.submit_feedback(case_id, ctx=context_for(engine, actor, clock))


def _register_search(engine: Engine, raw: Any, actor: Actor, clock: FixedClock) -> None:
    register_search(raw, ctx=context_for(engine, actor, clock))


def _book(engine: Engine, raw: Any, actor: Actor, clock: FixedClock) -> None:
    book_appointment(raw, ctx=context_for(engine, actor, clock))


def _visit_or_report(engine: Engine, what: str, raw: Any, actor: Actor, clock: FixedClock, out: str) -> None:
    """One terminal registers a late visit for the day while the other reports that day's ledger."""
    if what == "visit":
        register_visit(raw, ctx=context_for(engine, actor, clock))
    else:
        report_daily_ledger(raw, Path(out), ctx=context_for(engine, actor, clock))


def _receive(engine: Engine, draft: Any, actor: Actor, clock: FixedClock) -> None:
    filing.receive_materials(draft, APPLICATION_ITEMS, ctx=context_for(engine, actor, clock))


JOBS: dict[str, Callable[..., None]] = {
    "receive": _receive,
    "visit_or_report": _visit_or_report,
    "propose": _propose,
    "add_finding": _add_finding,
    "start": _start,
    "inquiry_flags": _inquiry_flags,
    "board_flags": _board_flags,
    "accept": _accept,
    "submit": _submit,
    "register_search": _register_search,
    "book": _book,
}


# -- set-up --------------------------------------------------------------------------------------------------


def _cases(engine: Engine, clock: FixedClock, stage: Stage, count: int = ROUNDS) -> list[int]:
    """``count`` cases at ``stage`` (filed and served before today when past 材料接收), each with one respondent."""
    system = system_actor(engine)
    filed = None if stage is Stage.RECEIVED else datetime(2026, 11, 25, 9)
    ids = []
    for n in range(count):
        new = NewCase(
            category=FilingCategory.APPLICATION,
            received_at=datetime(2026, 11, 20, 9),
            filed_at=filed,
            stage=stage,
            applicants=(NewParty(PartyKind.PERSON, "张三", "152221199003070011"),),
            respondents=(NewParty(PartyKind.PERSON, f"李四{n}", None),),
            target_amount_fen=15_000_000,
        )
        with unit_of_work(engine, actor=system, action="登记案件", clock=clock) as session:
            case = register_case(session, new, actor=system, calendar=CALENDAR, court_code=COURT)
            assert case.id is not None
            ids.append(case.id)
    return ids


def _respondent(engine: Engine, case_id: int) -> int:
    with read_session(engine) as session:
        found = session.exec(
            select(CaseParty.party_id).where(CaseParty.case_id == case_id, CaseParty.role == "respondent")
        ).one()
    return int(found)


def _count(engine: Engine, model: Any, *where: Any) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())


def _two_clerks(engine: Engine, clock: FixedClock, *roles: Role) -> tuple[Actor, Actor]:
    return (
        make_staff(engine, clock, "clerk_a", *roles, name="甲终端"),
        make_staff(engine, clock, "clerk_b", *roles, name="乙终端"),
    )


# -- the rules -----------------------------------------------------------------------------------------------


def test_one_pending_rejection_per_case(db_url: str, engine: Engine, clock: FixedClock) -> None:
    a, b = _two_clerks(engine, clock, Role.FILING_REVIEW)
    ids = _cases(engine, clock, Stage.RECEIVED)
    rounds = _race(db_url, "propose", [(i, a, clock) for i in ids], [(i, b, clock) for i in ids])
    _one_winner(rounds)
    for case_id in ids:
        pending = (FilingRejection.case_id == case_id, FilingRejection.status == "pending")
        assert _count(engine, FilingRejection, *pending) == 1


def test_first_finding_on_a_case_from_two_terminals(db_url: str, engine: Engine, clock: FixedClock) -> None:
    """Both first rows create the case's inquiry record: one saves, the other is told to save again."""
    a, b = _two_clerks(engine, clock, Role.NETWORK_INQUIRY)
    ids = _cases(engine, clock, Stage.SERVED)
    calls = [(i, _respondent(engine, i)) for i in ids]
    rounds = _race(db_url, "add_finding", [(*c, a, clock) for c in calls], [(*c, b, clock) for c in calls])
    _one_winner(rounds, both_may_win=True)  # serialised by the database, both rows may be saved
    for case_id in ids:
        assert _count(engine, NetworkInquiry, NetworkInquiry.case_id == case_id) == 1


def test_first_inquiry_start_from_two_terminals(db_url: str, engine: Engine, clock: FixedClock) -> None:
    a, b = _two_clerks(engine, clock, Role.NETWORK_INQUIRY)
    ids = _cases(engine, clock, Stage.SERVED)
    rounds = _race(db_url, "start", [(i, a, clock) for i in ids], [(i, b, clock) for i in ids])
    _one_winner(rounds, both_may_win=True)  # a start that finds the inquiry started is not an error
    for case_id in ids:
        assert _count(engine, NetworkInquiry, NetworkInquiry.case_id == case_id) == 1
        open_step = (Deadline.case_id == case_id, Deadline.step == Step.NETWORK_INQUIRY.value)
        assert _count(engine, Deadline, *open_step, col(Deadline.done_at).is_(None)) == 0


def test_first_flags_from_the_inquiry_post(db_url: str, engine: Engine, clock: FixedClock) -> None:
    a, b = _two_clerks(engine, clock, Role.NETWORK_INQUIRY)
    ids = _cases(engine, clock, Stage.SERVED)
    rounds = _race(db_url, "inquiry_flags", [(i, a, clock) for i in ids], [(i, b, clock) for i in ids])
    _one_winner(rounds)
    for case_id in ids:
        assert _count(engine, TriageFlags, TriageFlags.case_id == case_id) == 1


def test_first_flags_from_the_triage_board(db_url: str, engine: Engine, clock: FixedClock) -> None:
    a, b = _two_clerks(engine, clock, Role.DIRECTOR)
    ids = _cases(engine, clock, Stage.INQUIRED)
    rounds = _race(db_url, "board_flags", [(i, a, clock) for i in ids], [(i, b, clock) for i in ids])
    _one_winner(rounds)
    for case_id in ids:
        assert _count(engine, TriageFlags, TriageFlags.case_id == case_id) == 1


def test_one_ruling_when_two_directors_accept_at_once(db_url: str, engine: Engine, clock: FixedClock) -> None:
    """The ruling locks the case row first: the second terminal waits, then reads 已分流 and is told so."""
    a, b = _two_clerks(engine, clock, Role.DIRECTOR)
    ids = _cases(engine, clock, Stage.INQUIRED)
    rounds = _race(db_url, "accept", [(i, a, clock) for i in ids], [(i, b, clock) for i in ids])
    _one_winner(rounds)
    assert all("已分流" in message for pair in rounds for kind, message in pair if kind == "refused"), rounds
    for case_id in ids:
        assert _count(engine, TriageDecision, TriageDecision.case_id == case_id) == 1
        assert _count(engine, StageChange, StageChange.case_id == case_id, StageChange.to_stage == "triaged") == 1


def test_one_open_triage_step_when_the_table_is_submitted_twice(db_url: str, engine: Engine, clock: FixedClock) -> None:
    a, b = _two_clerks(engine, clock, Role.NETWORK_INQUIRY)
    ids = _cases(engine, clock, Stage.SERVED)
    rounds = _race(db_url, "submit", [(i, a, clock, CALENDAR) for i in ids], [(i, b, clock, CALENDAR) for i in ids])
    _one_winner(rounds)
    for case_id in ids:
        open_triage = (Deadline.case_id == case_id, Deadline.step == Step.TRIAGE.value)
        assert _count(engine, Deadline, *open_triage, col(Deadline.done_at).is_(None)) == 1


def test_one_field_search_record_per_matter(
    db_url: str, engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_passwords(monkeypatch)
    c: FieldCourt = field_court(engine, clock)
    matters = [request(c, requirements=f"第{n}次查找") for n in range(ROUNDS)]
    first, second = c.investigators[0], c.investigators[1]
    rounds = _race(
        db_url,
        "register_search",
        [(registration(c, m, first.id), first, clock) for m in matters],
        [(registration(c, m, second.id), second, clock) for m in matters],
    )
    _one_winner(rounds)
    for matter_id in matters:
        assert _count(engine, FieldSearch, FieldSearch.matter_id == matter_id) == 1


@pytest.fixture
def front_desk(engine: Engine, clock: FixedClock) -> ReceptionCourt:
    """The reception tests' court: a filing clerk, a handler and his case."""
    return reception_court.__wrapped__(engine, clock)  # type: ignore[attr-defined]


def test_one_appointment_per_handler_slot(
    db_url: str, engine: Engine, clock: FixedClock, front_desk: ReceptionCourt
) -> None:
    court = front_desk
    other = make_staff(engine, clock, "lian2", Role.FILING_REVIEW, name="乙终端")
    slots = [MONDAY_10 + timedelta(hours=n) for n in range(ROUNDS)]
    rounds = _race(
        db_url,
        "book",
        [(_booking(court, scheduled_at=at), court.clerk, clock) for at in slots],
        [(_booking(court, scheduled_at=at, party_name="李律师"), other, clock) for at in slots],
    )
    _one_winner(rounds)
    for at in slots:
        assert _count(engine, Appointment, Appointment.scheduled_at == at) == 1


def test_a_late_visit_and_the_days_report_at_once(
    db_url: str, engine: Engine, clock: FixedClock, front_desk: ReceptionCourt, tmp_path: Path
) -> None:
    """The report counts every visit of its day: a visit is either in it or refused as too late, never lost."""
    other = make_staff(engine, clock, "lian2", Role.FILING_REVIEW, name="乙终端")
    days = [date(2026, 11, 20), *(date(2026, 11, d) for d in range(23, 27))]
    visits = [
        (
            "visit",
            _visit(
                front_desk,
                visited_at=datetime.combine(d, datetime.min.time()) + timedelta(hours=15),
                late_entry_reason="电话补录",
            ),
            front_desk.clerk,
            clock,
            "",
        )
        for d in days
    ]
    reports = [("report", d, other, clock, str(tmp_path / f"{d}.xlsx")) for d in days]
    rounds = _race(db_url, "visit_or_report", visits, reports)
    _one_winner(rounds, both_may_win=True)
    for day in days:
        with read_session(engine) as session:
            report = session.get(LedgerReport, day)
        assert report is not None
        start = datetime.combine(day, datetime.min.time())
        in_day = (col(Visit.visited_at) >= start, col(Visit.visited_at) < start + timedelta(days=1))
        assert _count(engine, Visit, *in_day) == report.visit_count, day


def _resident_id(serial: int) -> str:
    """A valid 居民身份证号 (GB 11643 check digit) no other test uses."""
    body = f"15222119770101{serial:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def test_two_cases_against_the_same_new_respondent_at_once(db_url: str, engine: Engine, clock: FixedClock) -> None:
    """Each terminal receives its own case; both bring in the same person, new to the court: one party row.

    Today the party lookup runs after the case row's flush, which takes the audit chain's lock, so the second
    terminal already sees the first one's party (both save). This keeps it so: a lookup moved before the first
    flush would race, and the unique ID number then surfaces as a conflict message, never as SQL text."""
    a, b = _two_clerks(engine, clock, Role.FILING_REVIEW)
    ids = [_resident_id(100 + n) for n in range(ROUNDS)]

    def draft(id_number: str, basis: str) -> FilingDraft:
        return replace(DRAFT, respondents=(PartyForm("赵六", id_number),), basis_number=basis)

    rounds = _race(
        db_url,
        "receive",
        [(draft(i, f"（2026）内2221民初{n}1号"), a, clock) for n, i in enumerate(ids)],
        [(draft(i, f"（2026）内2221民初{n}2号"), b, clock) for n, i in enumerate(ids)],
    )
    _one_winner(rounds, both_may_win=True)
    for id_number in ids:
        assert _count(engine, Party, Party.id_number == id_number) == 1


# -- a lost optimistic-lock race names the last writer of that record -----------------------------------------


def test_lost_race_names_the_last_writer_of_that_record_not_of_its_table(engine: Engine, clock: FixedClock) -> None:
    """甲 edits finding A, then 乙 edits finding B; a stale save of A must name 甲, not 乙 (the table's last writer)."""
    a, b = _two_clerks(engine, clock, Role.NETWORK_INQUIRY)
    (case_id,) = _cases(engine, clock, Stage.SERVED, count=1)
    party = _respondent(engine, case_id)
    _add_finding(engine, case_id, party, a, clock)
    _add_finding(engine, case_id, party, b, clock)
    first, second = sorted(_ids(engine, case_id))
    edit = inquiry.FindingInput(party_id=party, asset_type="存款", institution="建行", amount="5.00")
    inquiry.update_finding(first, edit, expected_version=1, ctx=context_for(engine, a, clock))
    inquiry.update_finding(second, edit, expected_version=1, ctx=context_for(engine, b, clock))
    with pytest.raises(ConcurrentEdit) as lost, unit_of_work(engine, actor=b, action="测试", clock=clock) as session:
        finding = session.get(AssetFinding, first)
        assert finding is not None
        # Another terminal's save lands between this read and this write (same connection: SQLite holds the lock).
        table = AssetFinding.__table__  # type: ignore[attr-defined]
        session.connection().execute(update(table).where(table.c.id == first).values(version=table.c.version + 1))
        finding.note = "迟到的保存"
        session.flush()
    assert "clerk_a" in lost.value.message and "修改查控结果" in lost.value.message, lost.value.message
    assert "clerk_b" not in lost.value.message


def _ids(engine: Engine, case_id: int) -> list[int]:
    with read_session(engine) as session:
        return [int(i) for i in session.exec(select(AssetFinding.id).where(AssetFinding.case_id == case_id))]


def test_a_deadlock_between_terminals_is_a_conflict_message(db_url: str, engine: Engine, clock: FixedClock) -> None:
    """PostgreSQL breaks a lock cycle by failing one transaction: that clerk is told to retry, nothing is saved."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite's BEGIN IMMEDIATE never lets two write transactions hold locks at once")
    a, b = _two_clerks(engine, clock, Role.FILING_REVIEW)
    first, second = _cases(engine, clock, Stage.RECEIVED, count=2)
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    outcomes: dict[str, str] = {}

    def lock_both(actor: Actor, order: tuple[int, int]) -> None:
        table = Case.__table__  # type: ignore[attr-defined]
        try:
            with unit_of_work(engine, actor=actor, action="测试", clock=clock) as session:
                for n, case_id in enumerate(order):
                    session.connection().execute(select(table.c.id).where(table.c.id == case_id).with_for_update())
                    if n == 0:
                        barrier.wait()
        except ConcurrentEdit as error:
            outcomes[actor.login] = error.message
        else:
            outcomes[actor.login] = "ok"

    threads = [
        threading.Thread(target=lock_both, args=(a, (first, second))),
        threading.Thread(target=lock_both, args=(b, (second, first))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert sorted(outcomes.values()) == ["ok", "另一终端正在同时修改相关记录，请稍后重试"], outcomes
