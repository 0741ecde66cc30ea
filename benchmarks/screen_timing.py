"""Timing a screen as the person at the terminal sees it: from the key press to the frames that show its rows.

Benchmarks used to stop the clock when a list held rows. The rows are then in memory but not yet on the
terminal: Textual still lays the screen out and draws it, which took up to 140 ms more on F2's first opening.
``FrameClock`` notes every frame the app writes for its current screen (``App._display``) and, since a headless
app skips it, also turns each frame into the terminal's bytes, so that cost is counted too. An opening gives
two figures:

* first frame: the key → the first frame written with rows in the list and the list laid out tall enough to
  show them (``table_shows_rows``);
* settled: the key → the last frame of the burst that follows (scroll bars, footer keys), before a pause of
  ``BURST_GAP_SECONDS`` (an input's blinking cursor comes later and is not part of it).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BURST_GAP_SECONDS = 0.1
# (what is timed, whether the list is emptied before the next opening): a reopening after the rows were cleared
# reads and draws every row again; switching back with the data unchanged shows the rows at once.
OPENINGS = (("首次打开", True), ("再次打开（行已清空，全部重画）", False), ("切回（数据未变）", False))
QUIET_SECONDS = 0.3  # no frame for this long: the opening is over
POLL_SECONDS = 0.001


@dataclass(frozen=True)
class Opening:
    first_frame_ms: float
    settled_ms: float

    def line(self, target_ms: float) -> str:
        verdict = "达标" if self.first_frame_ms < target_ms else "未达标"
        return (
            f"首帧显示数据 {self.first_frame_ms:6.1f} ms，画面稳定 {self.settled_ms:6.1f} ms"
            f"（目标 < {target_ms:.0f} ms：{verdict}）"
        )


class FrameClock:
    """Wraps ``App._display`` to note when each frame of the current screen was written."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.frames: list[tuple[float, bool]] = []  # when, and whether the rows were in by then
        self.rows_shown: Callable[[], bool] = lambda: False
        display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count or screen is not app.screen:
                return
            render_segments = getattr(renderable, "render_segments", None)
            if callable(render_segments):
                render_segments(app.console)  # what a real terminal driver would write
            self.frames.append((time.perf_counter(), self.rows_shown()))

        app._display = timed_display

    async def opening(self, key: str, rows_shown: Callable[[], bool], timeout: float = 60.0) -> Opening:
        """Press ``key`` as the terminal would deliver it and time the screen until it is quiet again."""
        self.frames.clear()
        self.rows_shown = rows_shown
        start = time.perf_counter()
        send_key(self.app, key)
        deadline = time.monotonic() + timeout
        while not rows_shown():
            if time.monotonic() > deadline:
                raise TimeoutError("the screen did not show its rows in time")
            await asyncio.sleep(POLL_SECONDS)
        rows = time.perf_counter()
        while not self._quiet(since=rows):
            if time.monotonic() > deadline:
                raise TimeoutError("the screen did not settle in time")
            await asyncio.sleep(POLL_SECONDS * 10)
        self.rows_shown = lambda: False
        shown = [when for when, with_rows in self.frames if with_rows]
        first = shown[0] if shown else rows  # no frame with them: they came in with nothing left to draw
        settled = first
        for when in shown[1:]:
            if when - settled > BURST_GAP_SECONDS:
                break
            settled = when
        return Opening((first - start) * 1000, (settled - start) * 1000)

    async def openings(self, pilot: Any, key: str, selector: str) -> list[tuple[str, Opening]]:
        """Each of :data:`OPENINGS` of the post on ``key`` whose table is ``selector``, back home after each (its
        rows cleared after the first, so the second reads and draws every row again)."""
        timed = []
        for attempt, clear_after in OPENINGS:
            timed.append((attempt, await self.opening(key, lambda: table_shows_rows(self.app, selector))))
            await back_home(self.app, pilot, selector if clear_after else None)
        return timed

    def _quiet(self, since: float) -> bool:
        last = self.frames[-1][0] if self.frames else since
        return time.perf_counter() - max(last, since) >= QUIET_SECONDS


def table_shows_rows(app: Any, selector: str) -> bool:
    """The current screen's table ``selector`` holds rows and is laid out tall enough to show one: a table of
    ``height: auto`` still has the height of its header until the layout that follows its rows."""
    from textual.widgets import DataTable

    tables = app.screen.query(selector)
    if not tables:
        return False
    table = tables.first(DataTable)
    header = table.header_height if table.show_header else 0
    return table.row_count > 0 and table.size.height > header


def send_key(app: Any, key: str) -> None:
    """The key as the terminal driver delivers it (``pilot.press`` would add its own idle waits)."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def settled_after_sign_in(app: Any, quiet_seconds: float = 0.5) -> None:
    """Sign-in starts background work (imports, building the person's posts); a clerk reads 我的待办 first."""
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < quiet_seconds:
        await asyncio.sleep(0.01)
        if any(worker.is_running for worker in app.workers):
            quiet_since = time.monotonic()


async def back_home(app: Any, pilot: Any, clear: str | None) -> None:
    """To the home screen once the post's work is done, clearing table ``clear`` first if given."""
    from textual.widgets import DataTable

    await app.workers.wait_for_complete()
    if clear:  # the next opening must read and draw every row again
        app.screen.query_one(clear, DataTable).clear()
    app.switch_mode("home")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await asyncio.sleep(0.3)  # the home screen settles before the next key


async def until(condition: Callable[[], Any], timeout: float = 60.0) -> None:
    """Wait for ``condition`` (polled every :data:`POLL_SECONDS`), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(POLL_SECONDS)


def timed_service(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """A service call's median and p95 in milliseconds over ``runs`` calls after one to warm the connection pool
    and the page cache, and its last result."""
    result = fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], result
