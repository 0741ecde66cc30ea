"""值班排班 (issue 11): 综合事务 plans the week from the command palette; F7 reads it with ``w``. Snapshots at 80×24
and 120×36 on the demo court and the fixed clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from tui_court import drive, settle, sign_in, steady_cursors, type_text

from zhihui_tui.runtime import Runtime
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.duty_roster import DutyRosterScreen
from zhihui_tui.tui.widgets.table import DataTable

PLANNER = "zonghe1"  # 综合事务组
INVESTIGATOR = "xiansuo1"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]


async def open_roster(pilot: Pilot, login: str = PLANNER) -> DutyRosterScreen:
    await sign_in(pilot, login=login, password=DEMO_PASSWORD)
    await pilot.press("ctrl+p")
    await pilot.pause()
    await type_text(pilot, "值班排班")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot, lambda: isinstance(pilot.app.screen, DutyRosterScreen) and pilot.app.screen.plan is not None)
    screen = pilot.app.screen
    assert isinstance(screen, DutyRosterScreen)
    return screen


def cell(screen: DutyRosterScreen, row: int, column: int) -> str:
    return str(screen.query_one(DataTable).get_cell_at((row, column)))


def test_the_planner_marks_a_day_off_and_the_count_follows(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_roster(pilot)
        plan = screen.plan
        assert plan is not None and len(plan.days) == 7
        count_row = len(plan.people)
        row, column = next(  # someone at the bureau on a day three or more stay
            (r, c)
            for c, day in enumerate(plan.days, start=1)
            for r, (staff_id, _name) in enumerate(plan.people)
            if plan.state(day, staff_id) == "在局" and plan.at_bureau(day) >= 3
        )
        before = int(cell(screen, count_row, column))
        screen.query_one(DataTable).move_cursor(row=row, column=column, animate=False)
        await pilot.press("space")
        await settle(pilot, lambda: cell(screen, row, column) == "休")
        assert int(cell(screen, count_row, column)) == before - 1
        await pilot.press("space")  # back at work
        await settle(pilot, lambda: cell(screen, row, column) == "在局")
        assert int(cell(screen, count_row, column)) == before

    drive(demo_runtime, scenario)


def test_an_investigator_reads_it_from_f7_and_cannot_plan(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login=INVESTIGATOR, password=DEMO_PASSWORD)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("w")
        await settle(
            pilot, lambda: isinstance(pilot.app.screen, DutyRosterScreen) and pilot.app.screen.plan is not None
        )
        screen = pilot.app.screen
        assert isinstance(screen, DutyRosterScreen)
        assert screen.check_action("toggle_off", ()) is False

    drive(demo_runtime, scenario)


@pytest.mark.parametrize("size", SIZES)
def test_duty_roster_snapshot(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_roster(pilot)
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=run_before)
