"""综合看板 (F9, issue 15) with real key presses on the demo court and the fixed clock: the numbers, a drill-down
listing exactly the cases behind a number and on to the case page, F9 on F3 still 立案, and snapshots at 80×24
and 120×36."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_court import built_ahead, drive, settle, sign_in

from zhihui_tui.runtime import Runtime
from zhihui_tui.services import dashboard as dashboard_service
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.case_page import CasePageScreen
from zhihui_tui.tui.screens.dashboard import DashboardScreen, DrillScreen
from zhihui_tui.tui.screens.filing import FilingScreen
from zhihui_tui.tui.screens.home import HomeScreen
from zhihui_tui.tui.widgets.table import DataTable

GENERAL_AFFAIRS = "zonghe1"
DIRECTOR = "zhuren"
HANDLER = "kuai01"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]


async def open_dashboard(pilot: Pilot, login: str = GENERAL_AFFAIRS) -> DashboardScreen:
    await sign_in(pilot, login=login, password=DEMO_PASSWORD)
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("f9")
    await settle(
        pilot, lambda: isinstance(pilot.app.screen, DashboardScreen) and pilot.app.screen.dashboard is not None
    )
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


def test_f9_on_the_home_opens_the_dashboard_with_every_panel(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_dashboard(pilot)
        board = screen.dashboard
        assert board is not None and len(board.trend) == 12
        assert screen.query_one("#trend", DataTable).row_count == 12
        assert screen.query_one("#month", DataTable).row_count == 11
        assert screen.query_one("#caseload", DataTable).row_count == len(board.caseload)
        assert screen.focused is screen.query_one("#posts", DataTable)

    drive(demo_runtime, scenario)


def test_a_drill_down_lists_exactly_that_many_cases_and_enter_opens_the_case_page(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_dashboard(pilot, DIRECTOR)
        board = screen.dashboard
        assert board is not None
        await pilot.press("1", "tab", "tab")  # 今日节点 → 按人员 → (80 columns: page 1 only) back to 按岗位
        await pilot.press("3")  # the trend: this month's closed cases, the cursor on the number
        await settle(pilot)
        trend = screen.query_one("#trend", DataTable)
        assert screen.focused is trend and trend.cursor_coordinate == (0, 1)
        expected = board.trend[-1].closed
        assert 0 < expected <= 200
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DrillScreen) and pilot.app.screen.rows is not None)
        drill = pilot.app.screen
        assert isinstance(drill, DrillScreen)
        assert drill.rows is not None and len(drill.rows) == expected
        assert drill.query_one("#drill-cases", DataTable).row_count == expected
        first = drill.rows[0]
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CasePageScreen))
        page = pilot.app.screen
        assert isinstance(page, CasePageScreen) and page.page.case_id == first.case_id
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is drill)
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is screen)

    drive(demo_runtime, scenario)


def test_overdue_steps_of_a_person_drill_to_their_steps(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_dashboard(pilot, DIRECTOR)
        board = screen.dashboard
        assert board is not None and board.people
        await pilot.press("tab")  # 按岗位 → 按人员, on its first overdue count
        await settle(pilot)
        assert screen.focused is screen.query_one("#people", DataTable)
        tally = board.people[0]
        await pilot.press("enter")
        if not tally.overdue:
            assert not isinstance(pilot.app.screen, DrillScreen)  # nothing to list: the status line says so
            return
        await settle(pilot, lambda: isinstance(pilot.app.screen, DrillScreen) and pilot.app.screen.rows is not None)
        drill = pilot.app.screen
        assert isinstance(drill, DrillScreen) and drill.rows is not None
        assert len(drill.rows) == min(tally.overdue, 200)

    drive(demo_runtime, scenario)


def test_enter_on_a_rate_shows_its_formula(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_dashboard(pilot)
        await pilot.press("2", "down", "down", "down", "enter")  # 本月指标: 旧存 新收 已结 → 结案率
        await settle(pilot)
        assert isinstance(pilot.app.screen, DashboardScreen)
        status = str(screen.query_one("#dash-status").render())
        assert "结案率" in status and "已结 ÷（旧存 + 新收）" in status

    drive(demo_runtime, scenario)


def test_today_is_shown_before_the_month_is_read_and_a_reload_keeps_the_cursor(
    demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    released = threading.Event()
    real = dashboard_service.load_month

    def held_month(*, ctx: Any) -> dashboard_service.MonthFigures:
        released.wait(timeout=30)  # the month's read takes seconds on a large court: here, until the test says
        return real(ctx=ctx)

    monkeypatch.setattr(dashboard_service, "load_month", held_month)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login=GENERAL_AFFAIRS, password=DEMO_PASSWORD)
        await pilot.press("f9")
        deadline = time.monotonic() + 30
        while not (isinstance(pilot.app.screen, DashboardScreen) and pilot.app.screen.today is not None):
            assert time.monotonic() < deadline, "today's panels did not come"
            await pilot.pause(0.02)
        await pilot.pause()
        screen = pilot.app.screen
        today = dashboard_service.load_today(ctx=pilot.app.service_context())  # type: ignore[attr-defined]
        assert screen.dashboard is None and today.people  # the month is still being read
        assert screen.query_one("#people", DataTable).row_count == len(today.people)
        for table in ("month", "trend"):
            shown = screen.query_one(f"#{table}", DataTable)
            assert shown.row_count == 1 and str(shown.get_row_at(0)[0]) == "计算中…"
        assert str(screen.query_one("#spark").render()) == "计算中…"
        released.set()
        await settle(pilot, lambda: screen.dashboard is not None)
        month = screen.query_one("#month", DataTable)
        assert month.row_count == 11 and str(month.get_row_at(2)[0]) == "已结"
        await pilot.press("2", "down", "down")  # 本月指标, on 已结
        await settle(pilot)
        assert month.cursor_coordinate == (2, 1)
        await pilot.press("r")
        await settle(pilot, lambda: screen.dashboard is not None)
        assert screen.focused is month and month.cursor_coordinate == (2, 1)  # 计算中… came and went

    drive(demo_runtime, scenario)


def test_f9_on_the_filing_screen_stays_立案_and_does_not_open_the_dashboard(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login=DIRECTOR, password=DEMO_PASSWORD)
        await pilot.press("f3")
        await settle(pilot, lambda: isinstance(pilot.app.screen, FilingScreen))
        filing = pilot.app.screen
        assert isinstance(filing, FilingScreen)
        # The screen's own F9 replaced the post key (Textual merges BINDINGS by key, the subclass's winning).
        assert [binding.action for binding in filing._bindings.key_to_bindings["f9"]] == ["file"]
        await pilot.press("f9")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, DashboardScreen)
        assert pilot.app.current_mode == "post-f3"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")  # any other post screen: F9 is the dashboard again
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DashboardScreen))

    drive(demo_runtime, scenario)


def test_a_handler_may_not_open_it(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login=HANDLER, password=DEMO_PASSWORD)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)

    drive(demo_runtime, scenario)


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_snapshot(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_dashboard(pilot)

    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_drill_down_snapshot(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_dashboard(pilot)
        await pilot.press("3", "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DrillScreen) and pilot.app.screen.rows is not None)

    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=run_before)


def test_todays_panels_are_read_ahead_at_sign_in_and_the_month_when_opened(demo_runtime: Runtime) -> None:
    """Built ahead after sign-in, F9 reads today's panels off screen too (the month's long read waits for the
    opening); the opening reads today again and then the month."""
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login=GENERAL_AFFAIRS, password=DEMO_PASSWORD)
        board = await built_ahead(pilot, "post-f9", DashboardScreen)
        people = board.query_one("#people", DataTable)
        assert board.today is not None and people.row_count == len(board.today.people) > 0
        assert board.dashboard is None  # the month is not read off screen
        await pilot.press("f9")
        await settle(pilot, lambda: board.dashboard is not None)
        assert app.screen is board and board.query_one("#trend", DataTable).row_count == 12

    drive(app, scenario, (120, 36))
