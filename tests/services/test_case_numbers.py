"""R-CASE-2: sequence per year and type, no gap and no duplicate, also when terminals file at the same moment."""

from __future__ import annotations

import multiprocessing
from datetime import datetime

import pytest
from sqlalchemy import Engine, select

from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import Case, CaseSequence
from zhihui_tui.domain.case_number import CaseNumber, parse_case_number
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import CaseType
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.case_numbers import allocate_case_number, reserve_case_number
from zhihui_tui.services.uow import unit_of_work

COURT = "内2221"


def _allocate(engine: Engine, case_type: CaseType = CaseType.IMPLEMENTATION, year: int = 2026) -> CaseNumber:
    clock = FixedClock(datetime(2026, 11, 27, 9, 30))
    with unit_of_work(engine, actor=system_actor(engine), action="测试分配案号", clock=clock) as session:
        return allocate_case_number(session, court_code=COURT, year=year, case_type=case_type)


def test_numbers_count_per_year_and_type(engine: Engine) -> None:
    first = _allocate(engine)
    assert str(first) == "（2026）内2221执1号"
    assert str(_allocate(engine)) == "（2026）内2221执2号"
    assert str(_allocate(engine, CaseType.RESUMPTION)) == "（2026）内2221执恢1号"
    assert str(_allocate(engine, CaseType.OBJECTION)) == "（2026）内2221执异1号"
    assert str(_allocate(engine, year=2027)) == "（2027）内2221执1号"
    assert str(_allocate(engine)) == "（2026）内2221执3号"


def test_rolled_back_filing_gives_its_number_back(engine: Engine) -> None:
    _allocate(engine)
    clock = FixedClock(datetime(2026, 11, 27, 9, 30))
    with pytest.raises(RuntimeError), unit_of_work(engine, actor=system_actor(engine), action="x", clock=clock) as s:
        allocate_case_number(s, court_code=COURT, year=2026, case_type=CaseType.IMPLEMENTATION)
        raise RuntimeError("filing failed after the number was drawn")
    assert _allocate(engine).sequence == 2


def test_reserved_import_number_moves_the_counter_past_it(engine: Engine) -> None:
    clock = FixedClock(datetime(2026, 11, 27, 9, 30))
    with unit_of_work(engine, actor=system_actor(engine), action="导入", clock=clock) as session:
        reserve_case_number(session, parse_case_number("（2026）内2221执41号"))
        reserve_case_number(session, parse_case_number("（2026）内2221执7号"))  # lower: counter stays
    assert _allocate(engine).sequence == 42


def _worker(url: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    engine = make_engine(url)
    numbers = [_allocate(engine).sequence for _ in range(count)]
    engine.dispose()
    queue.put(numbers)


def test_concurrent_processes_get_distinct_gap_free_numbers(db_url: str, engine: Engine) -> None:
    """Four processes (separate connections, separate interpreters) filing at once."""
    processes, per_process = 4, 15
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_worker, args=(db_url, per_process, queue)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    drawn = sorted(n for numbers in results for n in numbers)
    assert drawn == list(range(1, processes * per_process + 1))
    with read_session(engine) as session:
        last = session.exec(select(CaseSequence.last)).one()  # type: ignore[call-overload]
    assert last[0] == processes * per_process


def test_case_number_is_unique_in_the_database(engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    clock = FixedClock(datetime(2026, 11, 27, 9, 30))
    row = {
        "case_number": "（2026）内2221执5号",
        "case_type": "执",
        "filing_category": "application",
        "stage": "filed",
        "received_at": clock.now(),
        "created_at": clock.now(),
        "version": 1,
        "target_amount_fen": 0,
        "consumption_restriction_requested": False,
        "dishonest_list_requested": False,
        "disputed": False,
    }
    with engine.begin() as connection:
        connection.execute(Case.__table__.insert(), row)  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(Case.__table__.insert(), row)  # type: ignore[attr-defined]
