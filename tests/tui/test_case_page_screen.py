"""Snapshots of the case page (issue 11) on the demo court at 80×24 and 120×36, on the fixed clock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from tui_court import settle, sign_in, steady_cursors, type_text

from zhihui_tui.runtime import Runtime
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.case_page import CasePageScreen
from zhihui_tui.tui.screens.case_search import CaseSearchScreen

DIRECTOR = "zhuren"  # his post works with whole ID numbers
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]


def page_of(query: str, *tabs: str) -> Callable[[Pilot], object]:
    async def run_before(pilot: Pilot) -> None:
        await sign_in(pilot, login=DIRECTOR, password=DEMO_PASSWORD)
        await pilot.press("ctrl+f")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaseSearchScreen))
        screen = pilot.app.screen
        assert isinstance(screen, CaseSearchScreen)
        await type_text(pilot, query)
        await settle(pilot, lambda: not screen.fetching)
        await pilot.press("enter", "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CasePageScreen))
        for tab in tabs:
            await pilot.press(tab)
            await settle(pilot)
        await steady_cursors(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_case_page_parties(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=page_of("执2"))


def test_case_page_findings(snap_compare: SnapCompare, demo_runtime: Runtime) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=(80, 24), run_before=page_of("执1", "4"))
