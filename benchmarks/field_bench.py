"""Field work at scale (issue 5): the F6/F7/F8 queues with many cases and 50,000 open matters, and a 50 MB
video attached without freezing the terminal.

Builds a SQLite database with Core ``executemany`` (staff of every post involved, N assigned cases with an open
deadline each, 50,000 open delegated matters spread over the posts — with their counter tasks — plus as many
closed ones), then times, end to end through the services, the first page and a deep page of each post's queue
(median and p95 of 30 runs), and the first page of each queue as the terminal shows it (key press → the first
frame showing its rows, headless: ``screen_timing``), with the posts built ahead after sign-in and without.
Finally it copies a 50 MB video into the attachment store while the terminal runs, and reports the copy
time, the progress updates and the longest stall of the UI's event loop during the copy.

    python benchmarks/field_bench.py                          # 100,000 cases, 50,000 open matters
    python benchmarks/field_bench.py --cases 20000 --db /tmp/f.db
    python benchmarks/field_bench.py --skip-tui               # services only

Targets: every queue page under 100 ms; the UI loop never stalls noticeably (< 100 ms) during the copy.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from screen_timing import FrameClock, Opening, settled_after_sign_in, timed_service, until
from sqlalchemy import Engine, insert

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import Case, CounterTask, Deadline, DelegatedMatter, Staff, StaffRole
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.field_work import AttachmentKind, Institution, MatterKind
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import actor_for, hash_password
from zhihui_tui.services.context import Actor, ServiceContext

TARGET_MS = 100.0
NOW = datetime(2026, 11, 27, 9, 30)
PASSWORD = "bench-password-1"
BATCH = 20_000
KIND_WEIGHTS = {
    MatterKind.SITE_INVESTIGATION: 30,
    MatterKind.COMPELLED_APPEARANCE: 10,
    MatterKind.COUNTER: 30,
    MatterKind.SERVICE: 15,
    MatterKind.PUBLIC_NOTICE: 10,
    MatterKind.OTHER: 5,
}
POSTS = {
    MatterKind.SITE_INVESTIGATION: Role.FIELD_SEARCH,
    MatterKind.COMPELLED_APPEARANCE: Role.FIELD_SEARCH,
    MatterKind.COUNTER: Role.COUNTER_CONTROL,
    MatterKind.SERVICE: Role.SERVICE,
    MatterKind.PUBLIC_NOTICE: Role.SERVICE,
    MatterKind.OTHER: Role.DIRECTOR,
}


# -- building the data ---------------------------------------------------------------------------------------


def _staff(engine: Engine) -> dict[str, list[int]]:
    """20 handlers, 5 investigators, 4 counter officers (both cards), 2 service clerks, a director."""
    password = hash_password(PASSWORD)
    specs = (
        [(f"handler{i:02d}", "承办人", Role.HANDLER) for i in range(20)]
        + [(f"xiansuo{i}", "线索查控", Role.FIELD_SEARCH) for i in range(5)]
        + [(f"linggui{i}", "财产查控", Role.COUNTER_CONTROL) for i in range(4)]
        + [(f"songda{i}", "集约送达", Role.SERVICE) for i in range(2)]
        + [("zhuren", "主任", Role.DIRECTOR)]
    )
    ids: dict[str, list[int]] = {}
    with engine.begin() as conn:
        for n, (login, name, role) in enumerate(specs, start=1):
            counter = role is Role.COUNTER_CONTROL
            conn.execute(
                insert(Staff),
                {
                    "id": 1000 + n,
                    "version": 1,
                    "login": login,
                    "name": f"{name}{n}",
                    "password_hash": password,
                    "work_card_no": f"内2221-{n:04d}" if counter else None,
                    "official_card_no": f"执公{15000000 + n}" if counter else None,
                    "active": True,
                    "failed_logins": 0,
                    "created_at": NOW,
                },
            )
            conn.execute(insert(StaffRole), {"staff_id": 1000 + n, "role": role.value})
            ids.setdefault(role.value, []).append(1000 + n)
    return ids


def _cases(engine: Engine, count: int, handlers: list[int], rng: random.Random) -> None:
    received = datetime(2026, 1, 5, 9)
    for start in range(0, count, BATCH):
        cases, deadlines = [], []
        for i in range(start, min(start + BATCH, count)):
            at = received + timedelta(minutes=7 * i)
            cases.append(
                {
                    "id": i + 1,
                    "version": 1,
                    "case_number": f"（2026）内2221执{i + 1}号",
                    "court_code": "内2221",
                    "year": 2026,
                    "case_type": "执",
                    "sequence": i + 1,
                    "filing_category": "application",
                    "stage": "assigned",
                    "received_at": at,
                    "filed_at": at,
                    "target_amount_fen": rng.randint(10_000, 50_000_000),
                    "consumption_restriction_requested": False,
                    "dishonest_list_requested": False,
                    "disputed": False,
                    "handler_id": rng.choice(handlers),
                    "team": "fast",
                    "created_at": at,
                }
            )
            deadlines.append(
                {
                    "version": 1,
                    "case_id": i + 1,
                    "step": "dossier_transfer",
                    "owner_role": "handler",
                    "triggered_at": at,
                    "due_date": date(2026, 12, 1) + timedelta(days=i % 60),
                }
            )
        with engine.begin() as conn:
            conn.execute(insert(Case), cases)
            conn.execute(insert(Deadline), deadlines)


def _matters(engine: Engine, open_count: int, cases: int, handlers: list[int], rng: random.Random) -> None:
    kinds = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    total = open_count * 2  # as many closed as open: the queue index must skip them
    institutions = list(Institution)
    for start in range(0, total, BATCH):
        matters, tasks = [], []
        for i in range(start, min(start + BATCH, total)):
            kind = rng.choices(kinds, weights)[0]
            closed = i % 2 == 0
            at = NOW - timedelta(minutes=total - i)
            matters.append(
                {
                    "id": i + 1,
                    "version": 1,
                    "case_id": rng.randint(1, cases),
                    "kind": kind.value,
                    "post": POSTS[kind].value,
                    "requirements": f"第 {i + 1} 项委托：查明被执行人财产及下落，拍照留存",
                    "urgent": False,
                    "requested_by_id": rng.choice(handlers),
                    "requested_at": at,
                    "effective_day": at.date(),
                    "handler_deadline": date(2026, 12, 4),
                    "status": "done" if closed else "open",
                    "result": "已办结" if closed else None,
                    "closed_at": at if closed else None,
                    "seen_at": at if closed else None,
                }
            )
            if kind is MatterKind.COUNTER:
                tasks.append(
                    {
                        "version": 1,
                        "case_id": matters[-1]["case_id"],
                        "matter_id": i + 1,
                        "institution": rng.choice(institutions).value,
                        "institution_name": "农行科右前旗支行",
                        "source": "handler_request",
                        "requirements": matters[-1]["requirements"],
                        "handler_id": matters[-1]["requested_by_id"],
                        "created_by_id": matters[-1]["requested_by_id"],
                        "created_at": at,
                        "status": "handed_over" if closed else "open",
                        "closed_at": at if closed else None,
                        "seen_at": at if closed else None,
                    }
                )
        with engine.begin() as conn:
            conn.execute(insert(DelegatedMatter), matters)
            if tasks:
                conn.execute(insert(CounterTask), tasks)


def build(engine: Engine, cases: int, open_matters: int) -> dict[str, list[int]]:
    rng = random.Random(20261127)
    upgrade(engine)
    ids = _staff(engine)
    _cases(engine, cases, ids[Role.HANDLER.value], rng)
    _matters(engine, open_matters, cases, ids[Role.HANDLER.value], rng)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    return ids


# -- timing the services -------------------------------------------------------------------------------------


def _ctx(engine: Engine, actor: Actor) -> ServiceContext:
    """The context a terminal session builds after sign-in, on the benchmark's fixed clock."""
    from zhihui_tui.services.calendar_data import load_calendar

    return ServiceContext(engine=engine, clock=FixedClock(NOW), calendar=load_calendar(None), actor=actor)


def service_figures(engine: Engine) -> list[tuple[str, float, float, int]]:
    from zhihui_tui.services.counter import counter_queue, open_counts
    from zhihui_tui.services.delegation import matter_queue
    from zhihui_tui.services.field_search import roster, search_queue
    from zhihui_tui.services.workbench import my_cases, waiting_on_me

    handler = actor_for(engine, "handler00")
    investigator = actor_for(engine, "xiansuo0")
    officer = actor_for(engine, "linggui0")
    clerk = actor_for(engine, "songda0")
    deep, deep_t = _deep_id(engine), _deep_id(engine, "counter_task")
    today = NOW.date()
    as_handler, as_investigator = _ctx(engine, handler), _ctx(engine, investigator)
    as_officer, as_clerk = _ctx(engine, officer), _ctx(engine, clerk)
    checks: list[tuple[str, Callable[[], Any]]] = [
        ("F6 我的案件 首页", lambda: my_cases(ctx=as_handler)),
        ("F6 待我处理", lambda: waiting_on_me(ctx=as_handler)),
        ("F7 查人找物 首页", lambda: search_queue(ctx=as_investigator)),
        ("F7 查人找物 深页", lambda: search_queue(after_id=deep, ctx=as_investigator)),
        ("F7 今日留守", lambda: roster(today, ctx=as_handler).at_bureau),
        ("F8 临柜 银行 首页", lambda: counter_queue(institution=Institution.BANK, ctx=as_officer)),
        (
            "F8 临柜 深页",
            lambda: counter_queue(institution=Institution.BANK, after_id=deep_t, ctx=as_officer),
        ),
        ("F8 各单位待办数", lambda: open_counts(ctx=as_handler)),
        ("送达 委托队列 首页", lambda: matter_queue(post=Role.SERVICE, ctx=as_clerk)),
    ]
    figures = []
    for label, fn in checks:
        median, p95, result = timed_service(fn, 30)
        figures.append((label, median, p95, len(result) if hasattr(result, "__len__") else 0))
    return figures


def _deep_id(engine: Engine, table: str = "delegated_matter") -> int:
    """An id 80 % of the way into ``table``: a page far down the queue."""
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar_one() * 0.8)


# -- the terminal ------------------------------------------------------------------------------------------------


async def _screen_figures(url: str, data_dir: Path, *, prepare_ahead: bool) -> list[tuple[str, Opening]]:

    from zhihui_tui.runtime import Runtime
    from zhihui_tui.settings import CourtSettings
    from zhihui_tui.tui.app import ZhihuiApp

    figures = []
    for login, key, table_id in (
        ("handler00", "f6", "#cases"),
        ("xiansuo0", "f7", "#queue"),
        ("linggui0", "f8", "#tasks"),
    ):
        runtime = Runtime(database_url=url, clock=FixedClock(NOW), court=CourtSettings(), data_dir=data_dir)
        app = ZhihuiApp(runtime, prepare_ahead=prepare_ahead)
        async with app.run_test(size=(120, 36)) as pilot:
            frames = FrameClock(app)
            await _sign_in(pilot, login)
            await settled_after_sign_in(app)
            for attempt, opening in await frames.openings(pilot, key, table_id):
                figures.append((f"{key.upper()} {attempt}", opening))
        runtime.dispose()
    return figures


async def _sign_in(pilot: Any, login: str) -> None:
    from zhihui_tui.tui.connect import DatabaseState

    await until(lambda: pilot.app.db_state is not DatabaseState.CONNECTING)
    await pilot.press(*login, "enter", *PASSWORD, "enter")
    await until(lambda: pilot.app.actor is not None)
    await pilot.app.workers.wait_for_complete()


async def _upload_figures(url: str, data_dir: Path, video: Path) -> dict[str, float]:
    """Attach a 50 MB video through the F7 form while a 10 ms UI timer measures how long the loop stalls."""
    from textual.widgets import Input, ProgressBar, Select

    from zhihui_tui.runtime import Runtime
    from zhihui_tui.settings import CourtSettings
    from zhihui_tui.tui.app import ZhihuiApp
    from zhihui_tui.tui.screens.field_search import AttachScreen

    runtime = Runtime(database_url=url, clock=FixedClock(NOW), court=CourtSettings(), data_dir=data_dir)
    app = ZhihuiApp(runtime)
    ticks: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await _sign_in(pilot, "xiansuo0")
        search_id = _register_one(runtime.engine)
        await pilot.press("f7")
        await pilot.pause()
        screen = AttachScreen(search_id, "bench")
        await app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#kind", Select).value = AttachmentKind.VIDEO
        screen.query_one("#path", Input).value = str(video)
        app.set_interval(0.01, lambda: ticks.append(time.perf_counter()))
        bar = screen.query_one("#progress", ProgressBar)
        updates = 0
        last = -1.0
        start = time.perf_counter()
        screen.action_send()
        while screen.is_attached and app.screen is screen:
            if bar.progress != last:
                updates, last = updates + 1, bar.progress
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - start
    runtime.dispose()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    return {
        "copy_s": elapsed,
        "progress_updates_seen": updates,
        "max_ui_stall_ms": max(gaps) * 1000 if gaps else float("nan"),
        "median_tick_ms": statistics.median(gaps) * 1000 if gaps else float("nan"),
    }


def _register_one(engine: Engine) -> int:
    from zhihui_tui.domain.field_work import SearchRegistration
    from zhihui_tui.services.field_search import register_search, search_queue

    actor = actor_for(engine, "xiansuo0")
    row = next(r for r in search_queue(ctx=_ctx(engine, actor)) if r.search_id is None)
    raw = SearchRegistration(row.matter_id, "2026-11-30 10:00", "科右前旗", "物", "1", "车辆", (actor.id,))
    return register_search(raw, ctx=_ctx(engine, actor))


def _video(path: Path, megabytes: int) -> Path:
    with path.open("wb") as out:
        out.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
        for _ in range(megabytes):
            out.write(os.urandom(1024 * 1024))
    return path


def _plain_copy_figures(video: Path, store: Path) -> dict[str, float]:
    from zhihui_tui.services.attachments import store_file

    calls = 0

    def progress(_done: int, _total: int) -> None:
        nonlocal calls
        calls += 1

    start = time.perf_counter()
    stored = store_file(video, store, AttachmentKind.VIDEO, progress=progress)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = store_file(video, store, AttachmentKind.VIDEO)
    second = time.perf_counter() - start
    assert again.already_stored and again.sha256 == stored.sha256
    return {"copy_hash_s": first, "progress_calls": calls, "duplicate_s": second, "mb_per_s": stored.size / first / 1e6}


# -- main ------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--matters", type=int, default=50_000, help="open delegated matters (as many closed)")
    parser.add_argument("--video-mb", type=int, default=50)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (rebuilt)")
    parser.add_argument("--skip-tui", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep an existing --db instead of rebuilding it")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="field-bench-"))
    db = args.db or workdir / "field.db"
    url = f"sqlite:///{db}"
    if not (args.reuse and db.exists()):
        db.unlink(missing_ok=True)
        start = time.perf_counter()
        build(make_engine(url), args.cases, args.matters)
        print(
            f"built {args.cases:,} cases, {args.matters:,} open + {args.matters:,} closed matters "
            f"in {time.perf_counter() - start:.1f} s ({db})",
            file=sys.stderr,
        )
    engine = make_engine(url)

    worst = 0.0
    print(f"\n{'queue page (services)':<28}{'median ms':>10}{'p95 ms':>10}{'rows':>6}")
    for label, median, p95, rows in service_figures(engine):
        worst = max(worst, median)
        print(f"{label:<24}{median:>10.1f}{p95:>10.1f}{rows:>6}")
    engine.dispose()

    video = _video(workdir / "video.mp4", args.video_mb)
    plain = _plain_copy_figures(video, workdir / "store-plain")
    print(
        f"\n{args.video_mb} MB video, store_file alone: {plain['copy_hash_s']:.2f} s "
        f"({plain['mb_per_s']:.0f} MB/s, {plain['progress_calls']:.0f} progress calls); "
        f"same content again: {plain['duplicate_s']:.2f} s (stored once)"
    )

    if not args.skip_tui:
        load = os.getloadavg()[0]
        print(f"\nterminal, key → screen (120×36, headless; load average {load:.1f} on {os.cpu_count()} cores)")
        for prepare_ahead in (True, False):
            print("登录后预先构建岗位界面：" if prepare_ahead else "不预先构建（对照）：")
            for label, opening in asyncio.run(_screen_figures(url, workdir, prepare_ahead=prepare_ahead)):
                print(f"  {label} {opening.line(TARGET_MS)}")
        upload = asyncio.run(_upload_figures(url, workdir, video))
        print(
            f"\nF7 上传 {args.video_mb} MB 视频（工作线程分块复制+哈希）：{upload['copy_s']:.2f} s，"
            f"进度条更新 {upload['progress_updates_seen']:.0f} 次，"
            f"界面事件循环最长停顿 {upload['max_ui_stall_ms']:.0f} ms"
            f"（10 ms 定时器，中位 {upload['median_tick_ms']:.0f} ms）"
        )
    print(
        f"\nworst service median {worst:.1f} ms (target < {TARGET_MS:.0f} ms): {'OK' if worst < TARGET_MS else 'SLOW'}"
    )
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
