"""The base of every signed-in screen: the court header, the post keys F2–F8 and a footer."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from zhihui_tui.tui.posts import POSTS
from zhihui_tui.tui.shell import Shell, shell_of
from zhihui_tui.tui.widgets.header import CourtHeader

POST_GROUP = Binding.Group("岗位")


def post_bindings() -> list[Binding]:
    """One binding per post, grouped so the footer fits 80 columns ("F2…F8 岗位"); F1 lists the names."""
    return [
        Binding(
            post.key,
            f"app.open_post('{post.key}')",
            post.label,
            key_display=post.key_display,
            group=POST_GROUP,
            id=f"post.{post.key}",
        )
        for post in POSTS
    ]


class SignedInScreen(Screen[None]):
    SCREEN_NAME = ""  # shown in the F1 help title
    BINDINGS: ClassVar[list[BindingType]] = post_bindings()

    @property
    def shell(self) -> Shell:
        return shell_of(self)

    def make_header(self) -> CourtHeader:
        runtime = self.shell.runtime
        return CourtHeader(court_name=runtime.court.court_name, clock=runtime.clock, actor=self.shell.actor)

    def make_footer(self) -> Footer:
        return Footer(compact=True)
