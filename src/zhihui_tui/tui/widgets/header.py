"""The header of signed-in screens: court, who is signed in, and the moment the system runs at (R-TIME-2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from zhihui_tui.domain.clock import Clock, SystemClock

if TYPE_CHECKING:
    from zhihui_tui.services.context import Actor

WEEKDAYS = "一二三四五六日"
REFRESH_SECONDS = 30


def court_title(court_name: str) -> str:
    return f"{court_name} · 执行指挥中心"


def moment_text(clock: Clock) -> str:
    """Wall time for a normal run; "按 … 运行" when the clock is set (``--as-of``, tests, replays)."""
    now = clock.now()
    if isinstance(clock, SystemClock):
        return f"{now:%Y-%m-%d} 周{WEEKDAYS[now.weekday()]} {now:%H:%M}"
    return f"按 {now:%Y-%m-%d %H:%M} 运行"


def person_text(actor: Actor) -> str:
    return f"{actor.name}（{actor.login}） · {actor.role_labels}"


class CourtHeader(Widget):
    """Two lines; every part shrinks before it overflows an 80-column terminal."""

    def __init__(self, *, court_name: str, clock: Clock, actor: Actor | None) -> None:
        super().__init__(id="court-header")
        self.court_name = court_name
        self.clock = clock
        self.actor = actor

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-top"):
            yield Static(court_title(self.court_name), id="header-court", markup=False)
            yield Static(moment_text(self.clock), id="header-moment", markup=False)
        person = person_text(self.actor) if self.actor else ""
        yield Static(person, id="header-person", markup=False)

    def on_mount(self) -> None:
        self.set_interval(REFRESH_SECONDS, self.refresh_moment)

    def refresh_moment(self) -> None:
        self.query_one("#header-moment", Static).update(moment_text(self.clock))
