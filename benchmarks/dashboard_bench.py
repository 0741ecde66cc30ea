"""综合看板 at scale (issue 15): the dashboard, the monthly report and the supervision list on a large court.

Builds a SQLite database with Core ``executemany`` (or reuses one given with ``--db``): N cases filed from 2020 on,
most of the older ones closed in one of the closures, the rest 承办中 with 20 handlers; each case's 承办中 stage
change, and one step each — open (due from a month ago to a month ahead, so some are overdue and some due today)
for open cases, done for closed ones. Then it times, as of 2026-11-27 09:30:

* ``load_dashboard`` and ``monthly_report`` (median and p95 of a few runs);
* ``all_open_steps`` and the supervise JSON as ``zhihui supervise --json`` writes it: time and peak memory
  (tracemalloc's peak of Python allocations, and the process's peak RSS);
* the terminal (headless, 120×36): F9 pressed → the first frame showing the dashboard's rows (``screen_timing``).

    python benchmarks/dashboard_bench.py                        # 1,000,000 cases
    python benchmarks/dashboard_bench.py --cases 200000 --db /tmp/d.db

Targets: the dashboard opens in under 300 ms; supervise --json under 10 s and 300 MB; stats monthly under 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from screen_timing import FrameClock, Opening, settled_after_sign_in, table_shows_rows
from sqlalchemy import Engine, insert, inspect, text

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import Case, Deadline, Staff, StaffRole, StageChange
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import actor_for, hash_password

OPEN_TARGET_MS = 300.0
SUPERVISE_TARGET_S, SUPERVISE_TARGET_MB, MONTHLY_TARGET_S = 10.0, 300.0, 10.0
NOW = datetime(2026, 11, 27, 9, 30)
FIRST_FILED = datetime(2020, 1, 6, 9)
PASSWORD = "bench-password-1"
BATCH = 20_000
HANDLERS = 20
CLOSURES = ("fulfilled", "fulfilled", "procedure_terminated", "procedure_terminated", "terminated", "withdrawn")


def _staff(engine: Engine) -> None:
    password = hash_password(PASSWORD)
    specs = [("zhuren", "主任", Role.DIRECTOR, None), ("zonghe1", "综合", Role.GENERAL_AFFAIRS, None)] + [
        (f"cb{i:02d}", "承办法官", Role.HANDLER, "fast" if i < 13 else "intensive") for i in range(HANDLERS)
    ]
    with engine.begin() as conn:
        for n, (login, name, role, team) in enumerate(specs, start=1):
            row = {"id": 1000 + n, "version": 1, "login": login, "name": f"{name}{n}", "password_hash": password}
            row |= {"team": team, "active": True, "failed_logins": 0, "created_at": NOW, "title": "judge"}
            conn.execute(insert(Staff), row)
            conn.execute(insert(StaffRole), {"staff_id": 1000 + n, "role": role.value})


def _rows(i: int, count: int, rng: random.Random) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Case ``i`` of ``count`` (filed in order from 2020 to now), its 承办中 stage change and its step."""
    filed = FIRST_FILED + (NOW - FIRST_FILED) * (i / (count + 1))
    age = (NOW - filed).days
    closed_at = filed + timedelta(days=rng.randint(20, 400)) if rng.random() < (0.95 if age > 365 else 0.5) else None
    if closed_at is not None and closed_at >= NOW:
        closed_at = None
    handler = 1003 + i % HANDLERS
    case = {
        "id": i,
        "version": 1,
        "case_number": f"（{filed.year}）内2221执{i}号",
        "court_code": "内2221",
        "year": filed.year,
        "case_type": "执",
        "sequence": i,
        "filing_category": "application",
        "stage": "closed" if closed_at else "assigned",
        "received_at": filed,
        "filed_at": filed,
        "closed_at": closed_at,
        "closure": rng.choice(CLOSURES) if closed_at else None,
        "target_amount_fen": rng.randint(100_000, 50_000_000),
        "consumption_restriction_requested": False,
        "dishonest_list_requested": False,
        "disputed": False,
        "handler_id": handler,
        "team": "fast" if i % HANDLERS < 13 else "intensive",
        "created_at": filed,
    }
    change = {"case_id": i, "from_stage": "triaged", "to_stage": "assigned", "at": filed + timedelta(days=3)}
    change["actor_id"] = 1001
    due = NOW.date() + timedelta(days=rng.randint(-30, 30)) if closed_at is None else closed_at.date()
    step = {
        "version": 1,
        "case_id": i,
        "step": "dossier_transfer",
        "owner_role": "handler",
        "owner_id": handler,
        "triggered_at": filed,
        "due_date": due,
        "done_at": closed_at,
    }
    return case, change, step


def build(engine: Engine, count: int) -> None:
    upgrade(engine)
    _staff(engine)
    rng = random.Random(20261127)
    for start in range(1, count + 1, BATCH):
        rows = [_rows(i, count, rng) for i in range(start, min(start + BATCH, count + 1))]
        with engine.begin() as conn:
            for n, model in enumerate((Case, StageChange, Deadline)):
                conn.execute(insert(model), [row[n] for row in rows])
        print(f"\r已生成 {min(start + BATCH - 1, count):,} 件", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")


def _built(engine: Engine) -> int:
    if "enforcement_case" not in inspect(engine).get_table_names():
        return 0
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM enforcement_case")).scalar() or 0)


def _timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def _context(engine: Engine, login: str) -> Any:
    from zhihui_tui.services.calendar_data import load_calendar
    from zhihui_tui.services.context import ServiceContext

    return ServiceContext(
        engine=engine, clock=FixedClock(NOW), calendar=load_calendar(None), actor=actor_for(engine, login)
    )


def service_figures(engine: Engine, runs: int) -> None:
    from zhihui_tui.services.dashboard import drill_cases, load_dashboard
    from zhihui_tui.services.stats import monthly_report

    ctx = _context(engine, "zonghe1")
    board = load_dashboard(ctx=ctx)
    median, p95 = _timed(lambda: load_dashboard(ctx=ctx), runs)
    print(f"load_dashboard: 中位数 {median:.1f} ms，p95 {p95:.1f} ms（{runs} 次）")
    print(
        f"  今日超期 {sum(t.overdue for t in board.posts):,}，今日到期 {sum(t.due_today for t in board.posts):,}，"
        f"在办 {sum(load.cases for load in board.caseload):,}，本月已结 {board.month.closed:,}，"
        f"长期未结 {board.long_unclosed:,}"
    )
    median, p95 = _timed(lambda: drill_cases(board.people[0].overdue_drill, ctx=ctx), runs)
    print(f"drill_cases（{board.people[0].label} 今日超期，一页）: 中位数 {median:.1f} ms，p95 {p95:.1f} ms")
    median, p95 = _timed(lambda: monthly_report(date(2026, 11, 1), ctx=ctx), max(3, runs // 3))
    verdict = "达标" if median < MONTHLY_TARGET_S * 1000 else "未达标"
    target = f"目标 < {MONTHLY_TARGET_S:.0f} s：{verdict}"
    print(f"monthly_report 2026-11: 中位数 {median:.1f} ms，p95 {p95:.1f} ms（{target}）")


def supervise_figures(engine: Engine) -> None:
    """``zhihui supervise --json`` without the process start: the steps, then the JSON text."""
    from zhihui_tui.cli.supervise_cmd import _step
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.calendar_data import load_calendar
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.deadlines import all_open_steps

    ctx = ServiceContext(engine=engine, clock=FixedClock(NOW), calendar=load_calendar(None), actor=system_actor(engine))
    start = time.perf_counter()
    steps = all_open_steps(ctx=ctx)
    read = time.perf_counter()
    out = json.dumps([_step(s) for s in steps], ensure_ascii=False, indent=2)
    done = time.perf_counter()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    size_mb = len(out.encode()) / 2**20
    del steps, out
    tracemalloc.start()  # a second run for the Python allocations alone (tracing slows it, so it is not timed)
    json.dumps([_step(s) for s in all_open_steps(ctx=ctx)], ensure_ascii=False, indent=2)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    total = done - start
    ok = total < SUPERVISE_TARGET_S and rss_mb < SUPERVISE_TARGET_MB
    print(
        f"supervise --json: all_open_steps {(read - start):.2f} s + JSON {(done - read):.2f} s = {total:.2f} s，"
        f"JSON {size_mb:.1f} MB；进程峰值 RSS {rss_mb:.0f} MB，tracemalloc 峰值 {peak / 2**20:.0f} MB"
        f"（目标 < {SUPERVISE_TARGET_S:.0f} s、< {SUPERVISE_TARGET_MB:.0f} MB：{'达标' if ok else '未达标'}）"
    )


async def _until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.01)


async def screen_figures(url: str, data_dir: Path) -> list[tuple[str, Opening]]:
    from zhihui_tui.runtime import Runtime
    from zhihui_tui.settings import CourtSettings
    from zhihui_tui.tui.app import ZhihuiApp
    from zhihui_tui.tui.connect import DatabaseState

    runtime = Runtime(database_url=url, clock=FixedClock(NOW), court=CourtSettings(), data_dir=data_dir)
    app = ZhihuiApp(runtime)
    figures = []
    async with app.run_test(size=(120, 36)) as pilot:
        await _until(lambda: app.db_state is not DatabaseState.CONNECTING)
        await pilot.press(*"zonghe1", "enter", *PASSWORD, "enter")
        await _until(lambda: app.actor is not None)  # a schema behind the code refuses the sign-in: no wait forever
        await settled_after_sign_in(app)
        frames = FrameClock(app)
        for attempt in ("首次打开", "再次打开"):
            shown = lambda: table_shows_rows(app, "#people") and table_shows_rows(app, "#trend")  # noqa: E731
            figures.append((f"F9 {attempt}", await frames.opening("f9", shown)))
            await app.workers.wait_for_complete()
            for selector in ("#people", "#trend"):
                app.screen.query_one(selector).clear()  # type: ignore[attr-defined]
            app.switch_mode("home")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await asyncio.sleep(0.3)
    runtime.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="reuse or create this SQLite file (default: a temporary one)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--skip-tui", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    path = args.db or workdir / "bench.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    count = _built(engine)
    if count:  # a database built by an older version: bring its schema (and indexes) up to date
        upgrade(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        start = time.perf_counter()
        build(engine, args.cases)
        count = args.cases
        print(f"建库 {count:,} 件：{time.perf_counter() - start:.1f} s")
    print(f"案件 {count:,} 件，按 {NOW:%Y-%m-%d %H:%M}")
    supervise_figures(engine)  # first: its peak RSS is the process's so far
    service_figures(engine, args.runs)
    engine.dispose()
    if args.skip_tui:
        return
    for name, opening in asyncio.run(screen_figures(url, workdir)):
        print(f"{name}: {opening.line(OPEN_TARGET_MS)}")


if __name__ == "__main__":
    main()
