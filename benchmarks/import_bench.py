"""``zhihui import cases`` at scale (issue 12): a 20,000-row file, side by side with a bare Core insert.

Builds a CSV of valid rows (real-looking parties with valid ID numbers from the demo generators; filed, received
and served cases, one or two respondents, some creditors in many cases), imports it into a fresh database and
times parse + validate, the write transaction and the whole run. Meanwhile a second process saves a reception
visit (接待登记, through its service) in a loop and reports its worst wait. Then the same rows the import wrote
(cases, parties, links, bases, stage history, deadlines, search keys — no audit trail) are inserted with a bare
SQLAlchemy Core executemany into the same tables of a second fresh database, in one transaction.

    python benchmarks/import_bench.py                          # SQLite files in a temporary folder
    python benchmarks/import_bench.py --rows 5000
    python benchmarks/import_bench.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench

Targets: ≥ 5,000 rows/s end to end; write transaction ≤ 3× the bare insert; a clerk's save waits ≤ 2 s.

Phases as printed: "parse + validate + plan" is the file read and every row checked — in worker processes on every core
for a file this size (``importing.case_pool``), the checks across rows and each row's plan in this process as the
rows come back; "write" is the database checks, the build (ids, numbers, audit entries dumped; PostgreSQL: the
dump runs on a thread beside the COPY), the SQLite scratch file (its search keys written by a forked process
meanwhile) and the transaction; the transaction line is the part of it from BEGIN to COMMIT, the lock held.
The CPU line adds up the seconds this process, the parse workers and the forked writers ran: divided by the
cores, it is the shortest time any schedule of that work could take (the clerk's own CPU is not in it). The
machine should be otherwise idle: the parse shares its cores with the clerk and with anything else running.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, text

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.reception import VisitInput, VisitPurpose
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import NewStaff, actor_for, add_staff, system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.demo import _Parties
from zhihui_tui.services.importing import case_write, cases
from zhihui_tui.services.importing.cases import COLUMNS, import_cases
from zhihui_tui.services.reception import register_visit
from zhihui_tui.settings import CourtSettings

COURT = "内2221"
NOW = datetime(2026, 11, 27, 9, 30)
TABLES = (
    "party",
    "enforcement_case",
    "case_party",
    "enforcement_basis",
    "stage_change",
    "deadline",
    "search_term",
    "search_case",
)
BANKS = ("内蒙古科尔沁右翼前旗农村商业银行股份有限公司", "中国农业银行股份有限公司科尔沁右翼前旗支行")


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def build_csv(path: Path, rows: int, seed: int = 12) -> None:
    """``rows`` valid, distinct rows: 60% 已立案, 25% 材料接收, 15% 已送达, over the last 40 days."""
    rng = random.Random(seed)
    parties = _Parties(rng, NOW.date())
    banks = [parties.organisation(name) for name in BANKS]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            applicant = rng.choice(banks) if rng.random() < 0.3 else parties.person_party()
            respondents = [parties.person_party() for _ in range(1 if rng.random() < 0.7 else 2)]
            received = _workday(NOW.date() - timedelta(days=rng.randint(3, 40)))
            roll = rng.random()
            stage = "已立案" if roll < 0.6 else "材料接收" if roll < 0.85 else "已送达"
            filed = "" if stage == "材料接收" else _workday(received + timedelta(days=1)).isoformat()
            if filed and filed > NOW.date().isoformat():
                filed = NOW.date().isoformat()
            basis = f"科尔沁右翼前旗人民法院（2026）内2221民初{i + 1}号"
            writer.writerow(
                [
                    "",
                    received.isoformat(),
                    filed,
                    "申请执行",
                    applicant.name,
                    applicant.id_number,
                    "、".join(p.name for p in respondents),
                    "、".join(p.id_number or "" for p in respondents),
                    "否",
                    f"{rng.randint(1000, 5_000_000)}.{rng.randint(0, 99):02d}",
                    basis,
                    "",
                    "",
                    stage,
                ]
            )


def fresh_engine(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    return engine


def add_clerk(engine: Engine) -> None:
    """The filing clerk who saves visits during the import (and, sole on the post, owns the 立案 steps)."""
    add_staff(
        engine,
        NewStaff(login="jiedai1", name="接待员", roles=(Role.FILING_REVIEW,), password="correct-horse-42"),
        actor=system_actor(engine),
        clock=FixedClock(NOW),
    )


def clerk_loop(url: str, started: Any, stop: Any, queue: Any) -> None:
    """Save reception visits one after another until told to stop; report (saves, worst wait in seconds)."""
    engine = make_engine(url)
    clerk = actor_for(engine, "jiedai1")
    calendar = load_calendar(None)
    worst, saves, i = 0.0, 0, 0
    waits: list[float] = []
    failed: list[str] = []
    while not stop.is_set():
        visit = VisitInput(
            visitor_name="访客" + "甲乙丙丁戊己庚辛壬癸"[i % 10],
            id_number="152202198001010011",
            purpose=VisitPurpose.PETITION,
            outcome="已登记",
            visited_at=NOW,
        )
        began = time.perf_counter()
        try:
            register_visit(
                visit, ctx=ServiceContext(engine=engine, clock=FixedClock(NOW), calendar=calendar, actor=clerk)
            )
        except Exception as error:  # a save that gave up (the busy timeout ran out) is the worst wait of all
            failed.append(f"{type(error).__name__} after {time.perf_counter() - began:.1f} s")
        worst = max(worst, time.perf_counter() - began)
        waits.append(time.perf_counter() - began)
        saves += 1
        i += 1
        if saves == 3:
            started.set()
        time.sleep(0.05)
    engine.dispose()
    waits.sort()
    queue.put((saves, worst, failed, waits[len(waits) // 2] if waits else 0.0))


def timed_import(engine: Engine, path: Path) -> dict[str, float]:
    """Run the import, timing its write (``write_cases``) and its write transaction (``unit_of_work`` in
    ``case_write``: from BEGIN, when SQLite's write lock is taken, through the COMMIT that lets it go)."""
    spans: dict[str, float] = {}
    original, locked, transaction = cases.write_cases, case_write._locked_write, case_write.unit_of_work

    def hold(*args: Any, **kwargs: Any) -> bool:
        planned = locked(*args, **kwargs)
        spans["planned"] = float(planned)
        return planned

    @contextmanager
    def timed_transaction(*args: Any, **kwargs: Any) -> Iterator[Any]:
        began = time.perf_counter()
        try:
            with transaction(*args, **kwargs) as session:
                yield session
        finally:
            spans["lock"] = time.perf_counter() - began

    def write(*args: Any, **kwargs: Any) -> bool:
        began = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spans["write"] = time.perf_counter() - began

    cases.write_cases = write  # type: ignore[assignment]
    case_write._locked_write = hold  # type: ignore[assignment]
    case_write.unit_of_work = timed_transaction  # type: ignore[assignment]
    try:
        began, cpu_began, children_began = time.perf_counter(), time.process_time(), _children_cpu()
        ctx = ServiceContext(
            engine=engine,
            clock=FixedClock(NOW),
            calendar=load_calendar(None),
            actor=system_actor(engine),
            court=CourtSettings(court_code=COURT),
        )
        result = import_cases(path, ctx=ctx)
        spans["total"] = time.perf_counter() - began
        # The parse workers and the forked writers have been waited for by now; the clerk has not (it is a child too).
        spans["cpu_main"] = time.process_time() - cpu_began
        spans["cpu_children"] = _children_cpu() - children_began
    finally:
        cases.write_cases = original  # type: ignore[assignment]
        case_write._locked_write = locked  # type: ignore[assignment]
        case_write.unit_of_work = transaction  # type: ignore[assignment]
    assert result.ok, result.errors[:5]
    spans["imported"] = result.imported
    spans["validate"] = spans["total"] - spans["write"]
    return spans


def _children_cpu() -> float:
    """CPU seconds of the child processes that ended and were waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_insert(source: Engine, target: Engine) -> tuple[float, int]:
    """The rows the import wrote, inserted again with Core executemany into an empty database in one transaction."""
    metadata = MetaData()
    metadata.reflect(source, only=list(TABLES))
    data = {}
    with source.connect() as connection:
        for name in TABLES:
            data[name] = [dict(r) for r in connection.execute(metadata.tables[name].select()).mappings()]
    began = time.perf_counter()
    with target.begin() as connection:
        for name in TABLES:
            if data[name]:
                connection.execute(metadata.tables[name].insert(), data[name])
    return time.perf_counter() - began, sum(len(rows) for rows in data.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--db", help="a PostgreSQL URL (its schema is dropped); default: SQLite files")
    parser.add_argument("--bare-db", help="a second PostgreSQL URL for the bare insert (default: --db, reset)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="import_bench_"))
    path = folder / "cases.csv"
    began = time.perf_counter()
    build_csv(path, args.rows)
    print(f"file: {args.rows} rows, {path.stat().st_size / 1e6:.1f} MB, built in {time.perf_counter() - began:.1f} s")
    url = args.db or f"sqlite:///{folder / 'import.db'}"
    engine = fresh_engine(url)
    add_clerk(engine)
    context = multiprocessing.get_context("spawn")
    started, stop, queue = context.Event(), context.Event(), context.Queue()
    clerk = context.Process(target=clerk_loop, args=(url, started, stop, queue))
    clerk.start()
    started.wait(timeout=60)
    spans = timed_import(engine, path)
    time.sleep(0.5)
    stop.set()
    saves, worst, failed, median = queue.get(timeout=120)
    clerk.join(timeout=30)
    # The bare insert gets the same rows in a second fresh database (SQLite: a second file).
    bare_url = args.bare_db or (args.db if args.db else f"sqlite:///{folder / 'bare.db'}")
    if bare_url == url:  # one PostgreSQL database: copy the rows out before resetting it
        snapshot = fresh_engine(f"sqlite:///{folder / 'snapshot.db'}")
        add_clerk(snapshot)  # the deadlines' owner
        bare_insert(engine, snapshot)
        engine.dispose()
        engine = snapshot
    bare = fresh_engine(bare_url)
    add_clerk(bare)  # the deadlines' owner, as in the import's database
    bare_seconds, bare_rows = bare_insert(engine, bare)
    rows = spans["imported"]
    dialect = make_engine(url).dialect.name
    print(f"engine: {dialect}")
    print(f"parse + validate + plan: {spans['validate']:.2f} s ({rows / spans['validate']:,.0f} rows/s)")
    print(f"write (checks + build + staging + transaction, audit rows included): {spans['write']:.2f} s")
    path_taken = "as built before the lock" if spans.get("planned") else "checked and built again under the lock"
    held = "SQLite: its write lock held; PostgreSQL: the import lock"
    print(f"write transaction, BEGIN to COMMIT ({held}): {spans['lock']:.2f} s")
    print(f"rows written {path_taken}")
    print(f"end to end: {spans['total']:.2f} s ({rows / spans['total']:,.0f} rows/s; target ≥ 5,000)")
    cpu = spans["cpu_main"] + spans["cpu_children"]
    cores = len(os.sched_getaffinity(0))
    floor = f"on {cores} cores no schedule finishes it in less than {cpu / cores:.2f} s"
    if dialect == "postgresql":  # the server's processes are not this one's children
        floor = f"the PostgreSQL server's own CPU is not in it (on {cores} cores: more than {cpu / cores:.2f} s)"
    print(
        f"CPU used by the import: {cpu:.2f} s (this process {spans['cpu_main']:.2f} s, parse workers and writers "
        f"{spans['cpu_children']:.2f} s): {floor}"
    )
    print(f"bare Core executemany of the same {bare_rows:,} rows (tables only, no audit rows): {bare_seconds:.2f} s")
    print(f"write / bare: {spans['write'] / bare_seconds:.2f}× (target ≤ 3×)")
    print(f"write transaction / bare: {spans['lock'] / bare_seconds:.2f}×")
    print(f"clerk during the import: {saves} visits, worst wait {worst:.2f} s, median {median:.2f} s (target ≤ 2 s)")
    if failed:
        print(f"clerk saves that failed: {len(failed)} ({failed[0]})")


if __name__ == "__main__":
    main()
