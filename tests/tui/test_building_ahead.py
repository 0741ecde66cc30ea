"""Posts built ahead after sign-in (ZhihuiApp.prepare_posts), and what switching to a built post skips."""

from __future__ import annotations

import gc
import time

from test_filing_queue_paging import add_backlog
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from tui_court import run_scenario, settle, sign_in

from zhihui_tui.runtime import Runtime
from zhihui_tui.services.filing import QUEUE_PAGE
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.posts import post_for_key

# 赵敏 is 立案审查组 and 集约送达组: F2, F3, F6 and F10 are hers, F4, F5, F7 and F8 are not.
HER_POSTS = {"post-f2", "post-f3", "post-f6", "post-f10"}


async def _built_ahead(app: ZhihuiApp, modes: set[str], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not modes <= set(app._screen_stacks):
        assert time.monotonic() < deadline, f"built: {sorted(app._screen_stacks)}"
        await app.workers.wait_for_complete()


def test_her_posts_are_built_after_sign_in_and_f3_reads_its_queue_ahead(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await _built_ahead(app, HER_POSTS)
        await settle(pilot)
        assert set(app._screen_stacks) - {"_default", "home"} == HER_POSTS  # only the posts she may open
        filing = app._screen_stacks["post-f3"][0]
        queue = filing.query_one("#queue", DataTable)
        assert queue.row_count == 1  # built, styled, laid out and its first page read (read_ahead)
        assert filing.query("#form Input")  # the deferred receiving form was built ahead too
        reception = app._screen_stacks["post-f2"][0]
        assert str(reception.query_one("#rc-counts", Static).content).startswith("今日 ")  # the ledger, read ahead

        assert gc.get_freeze_count() > 0  # what start-up built is left out of later collections

        add_backlog(runtime.database_url)  # applications received at another window meanwhile
        await pilot.press("f3")
        assert app.screen is filing  # the screen built ahead, not a second one
        await settle(pilot, lambda: queue.row_count == QUEUE_PAGE)  # the opening read the queue again
        assert "李秀兰" in str(queue.get_row_at(0))  # received 11-24: still first, the backlog came after

    run_scenario(app, scenario, (120, 36))


def test_without_building_ahead_a_post_is_built_on_its_key(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime, prepare_ahead=False)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await settle(pilot)
        assert set(app._screen_stacks) == {"_default", "home"}
        await pilot.press("f3")
        await settle(pilot, lambda: app.screen.query_one("#queue", DataTable).row_count > 0)
        assert "post-f3" in app._screen_stacks

    run_scenario(app, scenario, (120, 36))


def test_switching_to_a_built_post_holds_no_frames(runtime: Runtime) -> None:
    """Textual holds frames for 50 ms on a mode switch, to hide a screen composing; a built one shows at once."""
    app = ZhihuiApp(runtime, prepare_ahead=False)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        app.action_open_post("f2")  # built now: frames held while it composes
        assert app._batch_count == 1
        await settle(pilot)
        app.action_go_home()
        await settle(pilot)
        assert app._batch_count == 0
        app.action_open_post("f2")  # built before: shown at once
        assert app._batch_count == 0
        assert app.screen is app._screen_stacks[post_for_key("f2").mode][0]

    run_scenario(app, scenario, (120, 36))


def test_a_post_away_during_a_theme_change_is_restyled_when_it_opens(runtime: Runtime) -> None:
    """The restyle skipped on switching (SignedInScreen._on_screen_resume) still runs after a theme change."""
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await _built_ahead(app, HER_POSTS)
        await pilot.press("f2")
        await settle(pilot)
        reception = app.screen
        dark = reception.styles.background
        await pilot.press("escape")
        app.action_go_home()
        await settle(pilot)
        app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is reception
        assert reception.styles.background != dark
        assert reception.styles.background == app.screen_stack[0].styles.background  # as a screen styled now

    run_scenario(app, scenario, (120, 36))
