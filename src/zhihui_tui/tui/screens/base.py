"""The base of every signed-in screen: the court header, the post keys F2–F8, Ctrl+F 查找案件 and a footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.screen import Screen

from zhihui_tui.domain.errors import DomainError
from zhihui_tui.tui.posts import POSTS
from zhihui_tui.tui.shell import Shell, shell_of
from zhihui_tui.tui.widgets.header import CourtHeader
from zhihui_tui.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from zhihui_tui.services.search import CaseHit

POST_GROUP = Binding.Group("岗位")
# Not in the footer (the 80-column footers are full); F1 and the command palette list it.
FIND_CASE = Binding("ctrl+f", "find_case", "查找案件", show=False, id="find_case")


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


def case_label(hit: CaseHit) -> str:
    return hit.case_number or f"收案序号 {hit.case_id}（未立案）"


class SignedInScreen(Screen[None]):
    SCREEN_NAME = ""  # shown in the F1 help title
    BINDINGS: ClassVar[list[BindingType]] = [*post_bindings(), FIND_CASE]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Textual starts a screen's CSS counter at -1, so App.switch_mode re-parses the whole stylesheet and
        # restyles every widget of every screen the first two times a post opens (Textual PR #5211 notes the
        # refresh "could be avoided when not strictly required"). This screen is styled from the current
        # stylesheet when it mounts; a later theme change still bumps the app's counter and refreshes it.
        self._css_update_count = self.app._css_update_count

    @property
    def shell(self) -> Shell:
        return shell_of(self)

    def make_header(self) -> CourtHeader:
        runtime = self.shell.runtime
        return CourtHeader(court_name=runtime.court.court_name, clock=runtime.clock, actor=self.shell.actor)

    def make_footer(self) -> KeyBar:
        return KeyBar()

    # -- Ctrl+F: find a case ----------------------------------------------------------------------------------

    def action_find_case(self) -> None:
        """Find a case and open its history; a post screen overrides this to pick a case for one of its fields."""
        from zhihui_tui.tui.screens.case_search import CaseSearchScreen

        self.app.push_screen(CaseSearchScreen(), callback=self.found_case)

    def found_case(self, hit: CaseHit | None) -> None:
        if hit is not None:
            self.open_case_history(hit)

    @work(thread=True, exit_on_error=False, group="find-case-history")
    def open_case_history(self, hit: CaseHit) -> None:
        from zhihui_tui.services.workbench import case_history
        from zhihui_tui.tui.screens.workbench import CaseHistoryScreen

        actor = self.shell.actor
        assert actor is not None
        try:
            history = case_history(self.shell.runtime.engine, hit.case_id, actor=actor)
        except DomainError as error:  # not this person's case (R-USER-1): say so, the app carries on
            self.app.call_from_thread(self.notify, error.message, title=case_label(hit), severity="warning")
            return
        except Exception as error:
            self.app.call_from_thread(self.notify, f"全程记录读取失败：{error}", severity="error")
            return
        self.app.call_from_thread(self.app.push_screen, CaseHistoryScreen(history))
