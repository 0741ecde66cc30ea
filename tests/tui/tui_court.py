"""Helpers for the terminal tests: a small fixed court, the demo court, and ways to wait for the app.

The small court has one clerk with open steps in every state and one other person. Everything is pinned to
tests/conftest.py's FIXED_NOW (Friday 2026-11-27 09:30), so screens and snapshots are exact.
Fixtures live in this folder's conftest.py; this module is plain functions so tests can import them by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input
from textual.worker import WorkerCancelled

from tests.conftest import FIXED_NOW, PASSWORD, make_staff
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.settings import CourtSettings
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.connect import DatabaseState

CLERK_LOGIN = "zhaomin"
CLERK_NAME = "赵敏"
OTHER_LOGIN = "sunli"
COURT = CourtSettings(court_name="科尔沁右翼前旗人民法院", court_code="内2221", idle_lock_minutes=10)


def _case(stage: Stage, received: datetime, *, respondent: str, filed: datetime | None = None, **extra) -> NewCase:
    return NewCase(
        category=FilingCategory.APPLICATION,
        received_at=received,
        filed_at=filed,
        stage=stage,
        applicants=(NewParty(PartyKind.ORGANISATION, "兴安盟农村信用合作联社", None),),
        respondents=(NewParty(PartyKind.PERSON, respondent, None),),
        target_amount_fen=12_345_678,
        **extra,
    )


def build_court(url: str, clock: FixedClock) -> None:
    """Clerk 赵敏 (立案审查组 + 集约送达组) owns five open steps; 孙立's step must never show on her home."""
    engine = make_engine(url)
    upgrade(engine)
    clerk = make_staff(engine, clock, CLERK_LOGIN, Role.FILING_REVIEW, Role.SERVICE, name=CLERK_NAME)
    other = make_staff(engine, clock, OTHER_LOGIN, Role.HANDLER, name="孙立", team=Team.FAST, title=Title.JUDGE)
    calendar = load_calendar(None)
    cases = [
        # filed 11-13 → 送达 due 11-18: overdue by 7 working days
        _case(Stage.FILED, datetime(2026, 11, 12, 10), respondent="王建国", filed=datetime(2026, 11, 13, 10)),
        # received 11-24 → 立案 due 11-26: overdue by 1 working day
        _case(Stage.RECEIVED, datetime(2026, 11, 24, 15), respondent="李秀兰"),
        # filed Sunday 11-22 → due 11-27: due today
        _case(Stage.FILED, datetime(2026, 11, 20, 9), respondent="张海军", filed=datetime(2026, 11, 22, 9)),
        # filed 11-25 → due Monday 11-30: open
        _case(Stage.FILED, datetime(2026, 11, 24, 9), respondent="刘桂芝", filed=datetime(2026, 11, 25, 9)),
        # closed case of another handler: his dossier transfer, not the clerk's
        _case(
            Stage.CLOSED,
            datetime(2026, 10, 9, 9),
            respondent="陈志强",
            filed=datetime(2026, 10, 10, 9),
            handler_id=other.id,
            team=Team.FAST,
            stage_times={Stage.CLOSED: datetime(2026, 10, 20, 9)},
        ),
    ]
    with unit_of_work(engine, actor=clerk, action="登记案件", clock=clock) as session:
        for new in cases:
            register_case(session, new, actor=clerk, calendar=calendar, court_code=COURT.court_code)
    engine.dispose()


def _quiet(app: App) -> bool:
    """No worker pending or running, no message waiting in the app, the screen or any of its widgets, and no
    work Textual leaves to idle time: a DataTable sizes its columns and the screen lays out and repaints only
    when its queue is empty, so a snapshot taken before that shows columns at header width (seen under load).
    These are Textual's private flags; a test helper may read them."""
    if any(not worker.is_finished for worker in app.workers):
        return False
    screen = app.screen
    nodes = [app, *screen.walk_children(with_self=True)]
    if not all(node._message_queue.empty() for node in nodes):
        return False
    if any(table._require_update_dimensions or table._updated_cells for table in screen.query(DataTable)):
        return False
    pending = (screen._layout_required, screen._scroll_required, screen._repaint_required, screen._dirty_widgets)
    pending += (screen._callbacks,)  # call_after_refresh work not run yet
    return not any(pending)


async def settle(pilot: Pilot, until: Callable[[], bool] = lambda: True, *, timeout: float = 30.0) -> None:
    """Let workers finish and their messages land, repeating until ``until()`` holds (bounded, no blind sleep).

    Pilot.pause() judges "idle" by CPU time, which a loaded CI machine fools (the process is simply not
    scheduled), so the app must also be quiet twice running: no worker left and no message queued anywhere.
    """
    deadline = time.monotonic() + timeout
    quiet_rounds = 0
    while True:
        with contextlib.suppress(WorkerCancelled):  # an exclusive group replaced it; its successor is awaited next
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        quiet_rounds = quiet_rounds + 1 if _quiet(pilot.app) else 0
        if until() and quiet_rounds >= 2:
            return
        if time.monotonic() > deadline:
            raise AssertionError("the app did not settle in time")


async def database_settled(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, ZhihuiApp)
    await settle(pilot, lambda: app.db_state is not DatabaseState.CONNECTING)


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*text)


async def sign_in(pilot: Pilot, login: str = CLERK_LOGIN, password: str = PASSWORD) -> None:
    """Type the login and password with real keys, then wait until the home screen has its data."""
    await database_settled(pilot)
    await type_text(pilot, login)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(pilot)


PostScreen = TypeVar("PostScreen", bound=Screen[object])


async def built_ahead(pilot: Pilot, post: str, kind: type[PostScreen]) -> PostScreen:
    """The post's screen (``"post-f10"``) as sign-in built it ahead, waited for: of ``kind``, and not the one shown."""
    app = pilot.app
    await settle(pilot, lambda: post in app._screen_stacks)
    screen = app._screen_stacks[post][0]
    assert isinstance(screen, kind) and screen is not app.screen
    return screen


def build_demo_court(url: str) -> None:
    """The shared demo court (``zhihui demo``) as of FIXED_NOW."""
    from zhihui_tui.services.demo import load_demo

    engine = make_engine(url)
    upgrade(engine)
    load_demo(engine, clock=FixedClock(FIXED_NOW), calendar=load_calendar(None), court_code=COURT.court_code)
    engine.dispose()


Scenario = Callable[[Pilot], Awaitable[None]]


def drive(app: App | Runtime, scenario: Scenario, size: tuple[int, int] = (80, 24)) -> None:
    """Run ``scenario`` (real key presses through the pilot) against the app, or the app of a runtime, in a
    headless terminal of ``size`` (no pytest-asyncio needed). The one key-driving helper of the screen tests."""
    target = ZhihuiApp(app) if isinstance(app, Runtime) else app

    async def main() -> None:
        async with target.run_test(size=size) as pilot:
            await scenario(pilot)

    asyncio.run(main())


run_scenario = drive


async def open_post(pilot: Pilot, login: str, key: str) -> None:
    """Sign in as ``login`` and open the post on function key ``key``, rows loaded."""
    await sign_in(pilot, login=login)
    await pilot.press(key)
    await settle(pilot)


async def steady_cursors(pilot: Pilot) -> None:
    """Stop the text cursors blinking: a snapshot taken under load could otherwise catch either phase."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)
