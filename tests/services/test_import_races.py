"""Imports racing each other and the filing desk: real processes on SQLite and PostgreSQL, bounded in time."""

from __future__ import annotations

import multiprocessing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, func, select

from tests.conftest import FIXED_NOW, context_for, make_staff
from tests.services.test_filing import APPLICATION_ITEMS, DRAFT, _version
from tests.services.test_importing import LI, WANG, ZHAO, row, write_csv
from tests.services.test_inquiry import PERSON_B, served_case
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import AssetFinding, Case, CaseSequence
from zhihui_tui.domain.basis import DEFAULT_COURT_CODES
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import actor_for, system_actor
from zhihui_tui.services.audit import verify
from zhihui_tui.services.calendar_data import load_calendar

COURT = "内2221"
TIMEOUT = 120  # seconds: a deadlock or a hung worker fails the test instead of hanging the run


def _rows(count: int) -> list[dict[str, str]]:
    """Rows without 案号 (the duplicate check is all that stops a second run): filed ones draw numbers."""
    rows = []
    for i in range(count):
        filed = i % 2 == 0
        rows.append(
            row(
                收案日期="2026-11-20",
                立案日期="2026-11-21" if filed else "",
                状态="已立案" if filed else "材料接收",
                执行标的=f"{1000 + i}.00",
                被执行人="李四、王五" if i % 3 == 0 else "赵六",
                被执行人证件号=f"{LI}、{WANG}" if i % 3 == 0 else ZHAO,
            )
        )
    return rows


def _import_worker(url: str, path: str, barrier: Any, queue: Any) -> None:
    from zhihui_tui.services.importing.cases import import_cases

    engine = make_engine(url)
    try:
        actor = system_actor(engine)
        barrier.wait(timeout=60)
        result = import_cases(Path(path), ctx=context_for(engine, actor, FixedClock(FIXED_NOW)))
        queue.put(("ok", result.imported, [str(e) for e in result.errors]))
    except Exception as error:  # reported to the test, which fails on it
        queue.put(("error", 0, [f"{type(error).__name__}: {error}"]))
    finally:
        engine.dispose()


def _run_together(target: Any, args_list: list[tuple[Any, ...]]) -> list[tuple[str, int, list[str]]]:
    """Start every worker at one barrier and collect what each reports, all within TIMEOUT."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    barrier = context.Barrier(len(args_list))
    workers = [context.Process(target=target, args=(*args, barrier, queue)) for args in args_list]
    for worker in workers:
        worker.start()
    try:
        results = [queue.get(timeout=TIMEOUT) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    assert all(worker.exitcode == 0 for worker in workers)
    return results


def _case_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Case)).one())


def test_the_same_file_imported_twice_at_once_goes_in_once(
    db_url: str, engine: Engine, system: object, tmp_path: Path
) -> None:
    count = 120
    path = write_csv(tmp_path / "cases.csv", _rows(count))
    results = _run_together(_import_worker, [(db_url, str(path)), (db_url, str(path))])
    assert _case_count(engine) == count
    outcomes = sorted(results, key=lambda r: -r[1])
    assert outcomes[0] == ("ok", count, [])
    status, imported, errors = outcomes[1]
    assert (status, imported) == ("ok", 0), errors
    assert len(errors) == count and all("可能已导入过" in e for e in errors), errors[:3]
    assert errors[0].startswith("第 2 行：执行依据：")
    with read_session(engine) as session:
        last = session.exec(select(CaseSequence.last)).one()
        assert last == count // 2  # numbers drawn once, without a gap
        assert verify(session).ok


def _findings_worker(url: str, path: str, barrier: Any, queue: Any) -> None:
    from zhihui_tui.services.importing.findings import import_findings

    engine = make_engine(url)
    try:
        actor = system_actor(engine)
        barrier.wait(timeout=60)
        result = import_findings(Path(path), ctx=context_for(engine, actor, FixedClock(FIXED_NOW)))
        queue.put(("ok", result.imported, [str(e) for e in result.errors] + [f"skipped={result.skipped}"]))
    except Exception as error:
        queue.put(("error", 0, [f"{type(error).__name__}: {error}"]))
    finally:
        engine.dispose()


def test_the_same_findings_file_imported_twice_at_once_goes_in_once(
    db_url: str, engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    import csv

    numbers = []
    for _ in range(3):
        case_id = served_case(engine, clock)
        with read_session(engine) as session:
            numbers.append(session.get(Case, case_id).case_number)  # type: ignore[union-attr]
    path = tmp_path / "findings.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["案号", "被执行人", "证件号", "财产类型", "机构", "金额", "冻结"])
        for number in numbers:
            for n in range(20):
                writer.writerow([number, "李四", PERSON_B, "存款", f"农业银行第{n}支行", f"{100 + n}.00", "否"])
    results = _run_together(_findings_worker, [(db_url, str(path)), (db_url, str(path))])
    assert sorted(r[1] for r in results) == [0, 60], results
    assert all(r[0] == "ok" for r in results), results
    assert "skipped=60" in min(results, key=lambda r: r[1])[2]
    with read_session(engine) as session:
        assert session.exec(select(func.count()).select_from(AssetFinding)).one() == 60
        assert verify(session).ok


def _filing_worker(url: str, count: int, barrier: Any, queue: Any) -> None:
    from zhihui_tui.services.filing import file_case, receive_materials

    engine = make_engine(url)
    try:
        clerk = actor_for(engine, "lian1")
        clock = FixedClock(FIXED_NOW)
        ctx = context_for(engine, clerk, clock)
        ids = [receive_materials(DRAFT, APPLICATION_ITEMS, ctx=ctx) for _ in range(count)]
        barrier.wait(timeout=60)
        filed = [file_case(i, expected_version=_version(engine, i), ctx=ctx).case_number for i in ids]
        queue.put(("ok", len(filed), filed))
    except Exception as error:
        queue.put(("error", 0, [f"{type(error).__name__}: {error}"]))
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_import_and_filing_at_once_both_complete_without_deadlock(
    pg_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    """Filing takes the counter, then the audit head; so must the import, or PostgreSQL deadlocks them."""
    from tests.conftest import reset_postgres
    from zhihui_tui.db.migrate import upgrade

    reset_postgres(pg_url)
    engine = make_engine(pg_url)
    upgrade(engine)
    make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")
    make_staff(engine, clock, "songda1", Role.SERVICE, name="其木格")
    count, filings = 200, 8
    rows = [
        row(收案日期="2026-11-20", 立案日期="2026-11-21", 状态="已立案", 执行标的=f"{1000 + i}.00")
        for i in range(count)
    ]
    path = write_csv(tmp_path / "cases.csv", rows)
    by_kind = dict(_run_together_mixed(pg_url, str(path), filings))
    assert by_kind["import"] == ("ok", count, []), by_kind["import"]
    assert by_kind["filing"][0] == "ok" and by_kind["filing"][1] == filings, by_kind["filing"]
    with read_session(engine) as session:
        numbers = session.exec(select(Case.sequence).where(col(Case.case_number).is_not(None))).all()
        assert sorted(numbers) == list(range(1, count + filings + 1))  # distinct, gap-free, shared counter
        assert verify(session).ok
    engine.dispose()


def _run_together_mixed(url: str, path: str, filings: int) -> list[tuple[str, tuple[str, int, list[str]]]]:
    """One importing process and one filing process, released together."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    imports, files = context.Queue(), context.Queue()
    workers = [
        context.Process(target=_import_worker, args=(url, path, barrier, imports)),
        context.Process(target=_filing_worker, args=(url, filings, barrier, files)),
    ]
    for worker in workers:
        worker.start()
    try:
        results = [("import", imports.get(timeout=TIMEOUT)), ("filing", files.get(timeout=TIMEOUT))]
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    return results


# -- the bulk write writes what register_case writes -----------------------------------------------------------

_ID_LESS = {"case_party", "enforcement_basis", "stage_change", "deadline"}  # ids follow write order, not content


def _register_row_by_row(engine: Engine, path: Path) -> None:
    """The import's old write path: parse with the importer, then ``register_case`` per row in one unit of work."""
    from zhihui_tui.services.case_numbers import reserve_case_number
    from zhihui_tui.services.cases import register_case
    from zhihui_tui.services.importing.case_build import IMPORT_ACTION
    from zhihui_tui.services.importing.case_checks import staff_by_login
    from zhihui_tui.services.importing.case_fields import COLUMNS, REQUIRED_COLUMNS
    from zhihui_tui.services.importing.case_rows import RowParser
    from zhihui_tui.services.importing.cases import parse_rows
    from zhihui_tui.services.importing.table import open_table, read_header
    from zhihui_tui.services.uow import unit_of_work

    clock, calendar = FixedClock(FIXED_NOW), load_calendar(None)
    with read_session(engine) as session:
        staff = staff_by_login(session)
    with open_table(path) as rows:
        header = read_header(rows, COLUMNS, REQUIRED_COLUMNS)
        parser = RowParser(
            header, court_code=COURT, now=clock.now(), staff=staff, calendar=calendar, court_codes=DEFAULT_COURT_CODES
        )
        parsed, errors, _count = parse_rows(rows, parser, None)
    assert not errors
    actor = system_actor(engine)
    with unit_of_work(engine, actor=actor, action=IMPORT_ACTION, clock=clock) as session:
        for item in parsed:
            if item.number is not None:
                reserve_case_number(session, item.number)
        for item in parsed:
            register_case(session, item.case, actor=actor, calendar=calendar, court_code=COURT)


def _plain(value: Any) -> str | None:
    """One spelling for both engines: SQLite hands back booleans as 0/1 and times as text with microseconds."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, datetime):
        value = value.isoformat(sep=" ")
    return str(value).removesuffix(".000000")


def _content(engine: Engine) -> dict[str, Any]:
    """Everything the tables and the trail hold about the cases, in a form that does not depend on write order."""
    import json

    from sqlalchemy import text

    tables = ["enforcement_case", "party", *sorted(_ID_LESS), "search_term", "case_sequence"]
    result: dict[str, Any] = {}
    with engine.connect() as connection:
        for table in tables:
            rows = [dict(r) for r in connection.execute(text(f"SELECT * FROM {table}")).mappings()]
            if table in _ID_LESS:
                for r in rows:
                    r.pop("id")
            result[table] = sorted(repr(sorted((k, _plain(v)) for k, v in r.items())) for r in rows)
        trail = []
        for entity, entity_id, before, after, action in connection.execute(
            text("SELECT entity, entity_id, before, after, action FROM audit_record WHERE action = '导入案件'")
        ):
            trail.append((entity, entity_id, before, action, json.loads(after)))
        result["audit"] = trail
    return result


_NESTED = {"case_party": "parties", "stage_change": "stages", "enforcement_basis": "basis", "deadline": "deadline"}


def _assert_audit_contains(bulk: list[tuple[Any, ...]], per_row: list[tuple[Any, ...]]) -> None:
    """Every field every per-row entry audited appears in the bulk trail: a case's own row and its links, basis,
    stages and deadline inside the case's one entry; a new party in its own entry."""
    own = {(entity, entity_id): after for entity, entity_id, before, _action, after in bulk if before is None}
    assert len(own) == len(bulk)
    for entity, entity_id, before, action, after in per_row:
        assert before is None and action == "导入案件"
        if entity in ("enforcement_case", "party"):
            held = own[(entity, entity_id)]
            assert {k: held[k] for k in after} == after, (entity, entity_id)
            continue
        case = own[("enforcement_case", str(after["case_id"]))]
        nested = case[_NESTED[entity]]
        candidates = nested if isinstance(nested, list) else [nested]
        wanted = {k: v for k, v in after.items() if k != "id"}  # child ids follow write order
        assert any(c is not None and {k: c.get(k) for k in wanted} == wanted for c in candidates), (entity, after)
    assert {e for e, *_ in bulk} == {"enforcement_case", "party"}


def test_a_bulk_imported_case_is_what_register_case_writes(engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    from tests.services.test_importing import GOOD_ROWS, add_account
    from zhihui_tui.db.migrate import upgrade
    from zhihui_tui.domain.roles import Team, Title
    from zhihui_tui.services.importing.cases import import_cases

    reference = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    upgrade(reference)
    for target in (engine, reference):
        add_account(target, clock, "kuai01", Role.HANDLER, "王建国", team=Team.FAST.value, title=Title.JUDGE.value)
        add_account(target, clock, "jing01", Role.HANDLER, "孙立军", team=Team.INTENSIVE.value, title=Title.JUDGE.value)
        add_account(target, clock, "lian1", Role.FILING_REVIEW, "陈淑芬")  # sole filing clerk: owns 立案 steps
    escalated = row(收案日期="2026-11-02", 立案日期="2026-11-03", 执行标的="777.00", 状态="局长指定")
    path = write_csv(tmp_path / "cases.csv", [*GOOD_ROWS, escalated])
    result = import_cases(path, ctx=context_for(engine, system_actor(engine), clock))
    assert result.ok and result.imported == len(GOOD_ROWS) + 1, result.errors
    _register_row_by_row(reference, path)
    bulk, per_row = _content(engine), _content(reference)
    reference.dispose()
    for table in per_row:
        if table != "audit":
            assert bulk[table] == per_row[table], (table, sorted(set(bulk[table]) ^ set(per_row[table])))
    _assert_audit_contains(bulk["audit"], per_row["audit"])
    assert len(bulk["audit"]) < 3 * result.imported  # one entry per case and per new party, not per row
    with read_session(engine) as session:
        assert verify(session).ok
