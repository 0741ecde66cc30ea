"""Snapshots of the shell on the demo court at 80×24 and 120×36, on the fixed clock (Friday 2026-11-27 09:30).

Update after an intended change of the screens or of the demo data: ``pytest tests/tui --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_court import COURT, FIXED_NOW, database_settled, settle, sign_in, steady_cursors

from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.tui.app import ZhihuiApp

DEMO_CLERK = "lian1"  # 陈淑芬, 立案审查组: overdue filing steps, and two post keys of her own
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]


async def login_ready(pilot: Pilot) -> None:
    await database_settled(pilot)
    await steady_cursors(pilot)


async def signed_in(pilot: Pilot) -> None:
    await sign_in(pilot, login=DEMO_CLERK, password=DEMO_PASSWORD)
    await steady_cursors(pilot)


def then(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    """Sign in, press ``keys`` and let the app settle."""

    async def run_before(pilot: Pilot) -> None:
        await signed_in(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        await steady_cursors(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_login_screen(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=login_ready)


@pytest.mark.parametrize("size", SIZES)
def test_home_screen(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=signed_in)


def test_help_screen(snap_compare: SnapCompare, demo_runtime: Runtime) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=(80, 24), run_before=then("f1"))


def test_quit_confirmation(snap_compare: SnapCompare, demo_runtime: Runtime) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=(80, 24), run_before=then("q"))


def test_lock_screen(snap_compare: SnapCompare, demo_runtime: Runtime) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=(80, 24), run_before=then("ctrl+l"))


def test_login_refused_on_a_database_never_upgraded(snap_compare: SnapCompare, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    runtime = Runtime(database_url=url, clock=FixedClock(FIXED_NOW), court=COURT, data_dir=tmp_path)
    assert snap_compare(ZhihuiApp(runtime), terminal_size=(80, 24), run_before=login_ready)
