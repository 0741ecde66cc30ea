"""The base of every signed-in screen: the court header, the post keys F2–F8, Ctrl+F 查找案件 and a footer."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.screen import Screen

from zhihui_tui.tui.compat import (
    css_update_count,
    draw_hidden,
    focus_and_style_hidden,
    layout_hidden,
    layout_required,
    start_styled,
)
from zhihui_tui.tui.posts import POSTS
from zhihui_tui.tui.screens.case_history import CaseHistoryRead
from zhihui_tui.tui.screens.case_page import CasePageRead
from zhihui_tui.tui.service_calls import ServiceCaller
from zhihui_tui.tui.shell import Shell, shell_of
from zhihui_tui.tui.widgets.header import CourtHeader
from zhihui_tui.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from rich.text import Text
    from textual.widgets import Static

    from zhihui_tui.services.search import CaseHit

POST_GROUP = Binding.Group("岗位")
PREPARE_LAYOUT_ROUNDS = 4
PREPARE_ROUND_SECONDS = 0.02
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


def show_text(static: Static, content: str | Text) -> None:
    """``static.update(content)`` unless it shows that already: a post reads its rows again at every opening, and
    a line set again to the same words would still be laid out and drawn again."""
    from zhihui_tui.tui.widgets.table import comparable

    if comparable(static.content) != comparable(content):
        static.update(content)


def case_label(hit: CaseHit) -> str:
    return hit.case_number or f"收案序号 {hit.case_id}（未立案）"


class SignedInScreen(ServiceCaller, Screen[None]):
    SCREEN_NAME = ""  # shown in the F1 help title
    BINDINGS: ClassVar[list[BindingType]] = [*post_bindings(), FIND_CASE]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Textual starts a screen's CSS counter at -1, so App.switch_mode re-parses the whole stylesheet and
        # restyles every widget of every screen the first two times a post opens (Textual PR #5211 notes the
        # refresh "could be avoided when not strictly required"). This screen is styled from the current
        # stylesheet when it mounts; a later theme change still bumps the app's counter and refreshes it.
        start_styled(self, self.app)
        # What the styles were computed under: (the app's CSS counter, the app's focus). See _on_screen_resume.
        self._styled_under: tuple[int, bool] | None = None

    # -- styles on switching posts ------------------------------------------------------------------------------

    def _style_state(self) -> tuple[int, bool]:
        return css_update_count(self.app), self.app.app_focus

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Skip Textual's full restyle on resume when nothing it depends on changed while the screen was away.

        ``App.switch_mode`` asks every resumed screen to restyle all its widgets (23 ms for F2's 73, twice on the
        first opening). While hidden, a screen misses only app-level changes: the theme or stylesheet (the CSS
        counter) and the app's focus (restyled on the current screen only); its own widgets restyle themselves
        when their classes or focus change. So the restyle runs when either differs from when it was last
        styled, and always the first time. Runs before ``Screen._on_screen_resume`` (Textual calls the
        handlers of a class before its base's)."""
        state = self._style_state()
        if event.refresh_styles and self._styled_under == state:
            event.refresh_styles = False
        self._styled_under = state

    def _on_screen_suspend(self) -> None:
        # The current screen follows every app-level change, so it leaves styled under the present state.
        if self._styled_under is not None:
            self._styled_under = self._style_state()

    async def prepare_hidden(self) -> None:
        """Finish a screen mounted off screen (the app builds posts ahead, ``ZhihuiApp.prepare_posts``) as its
        first opening would: focus, styles, layout and one unseen drawing, so that opening it only reads its
        rows and paints. Screens that defer part of their widgets to after the first frame mount them here.

        Textual does this work on the current screen only, when idle; a hidden screen is laid out here until
        the widgets' answers to the layout (Resize, Show) ask for no other."""
        focus_and_style_hidden(self)  # the focus restyles its ancestors (:focus-within)
        self._styled_under = self._style_state()
        for _ in range(PREPARE_LAYOUT_ROUNDS):  # as Screen._on_timer_update does for the current screen
            layout_hidden(self, self.app.size)  # Screen._on_screen_resume skips it at an unchanged size
            await asyncio.sleep(PREPARE_ROUND_SECONDS)  # the widgets handle Resize and Show
            if self.is_current:
                return  # opened meanwhile: Textual's own idle work takes over
            if not layout_required(self):
                break
        draw_hidden(self)  # each widget keeps the lines it drew; the opening repaints the screen from them

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
        """Find a case and open its page; a post screen overrides this to pick a case for one of its fields."""
        from zhihui_tui.tui.screens.case_search import CaseSearchScreen

        self.app.push_screen(CaseSearchScreen(), callback=self.found_case)

    def found_case(self, hit: CaseHit | None) -> None:
        if hit is not None:
            self.open_case_page(hit.case_id, case_label(hit))

    def open_case_page(self, case_id: int, label: str) -> None:
        """The case's particulars (issue 11), from any post; ``h`` there goes on to its full history."""
        from zhihui_tui.services.case_page import case_page

        self.run_service(
            lambda ctx: CasePageRead(case_page(case_id, ctx=ctx)),
            action=f"读取{label}的案件信息",
            done=lambda read: read,
            group="case-page",
        )

    def on_case_page_read(self, message: CasePageRead) -> None:
        from zhihui_tui.tui.screens.case_page import CasePageScreen

        page = message.page

        def then(history: bool | None) -> None:
            if history:
                self.open_case_history(page.case_id, page.case_number)

        self.app.push_screen(CasePageScreen(page), callback=then)

    def open_case_history(self, case_id: int, label: str) -> None:
        from zhihui_tui.services.workbench import case_history

        self.run_service(
            lambda ctx: case_history(case_id, ctx=ctx),
            action=f"读取{label}的全程记录",
            done=CaseHistoryRead,
            group="find-case-history",
        )

    def on_case_history_read(self, message: CaseHistoryRead) -> None:
        from zhihui_tui.tui.screens.case_history import CaseHistoryScreen

        self.app.push_screen(CaseHistoryScreen(message.history))
