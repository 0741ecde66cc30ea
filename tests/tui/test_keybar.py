"""The one-line key bar: which bindings it shows, how a group collapses, and that disabled keys are dimmed."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input

from zhihui_tui.tui.widgets.keybar import KeyBar

GROUP = Binding.Group("岗位")


class KeysApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "noop", "接待台账", key_display="F2", group=GROUP),
        Binding("f3", "noop_two", "立案审查", key_display="F3", group=GROUP),
        Binding("f4", "noop_three", "网络查控", key_display="F4", group=GROUP),
        Binding("ctrl+s", "save", "保存"),
        Binding("x", "hidden", "不显示", show=False),
        Binding("ctrl+e", "english", "Expand all"),  # a Textual-style English description: left out
    ]

    def __init__(self) -> None:
        super().__init__()
        self.can_save = True

    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return True if self.can_save else None  # None: shown, but disabled
        return True


def bar_text(app: KeysApp) -> str:
    return app.query_one(KeyBar).render().plain


def test_shows_the_shown_bindings_with_the_group_collapsed() -> None:
    async def scenario() -> None:
        app = KeysApp()
        async with app.run_test(size=(80, 10)) as pilot:
            await pilot.pause()
            text = bar_text(app)
            assert text.startswith("F2…F4 岗位 ^s 保存")
            assert "不显示" not in text and "接待台账" not in text and "Expand" not in text and "^e" not in text
            assert text.endswith("^p 命令面板")  # the palette key last, its English description in Chinese

    asyncio.run(scenario())


def test_a_disabled_action_is_dimmed_and_a_focus_move_keeps_the_hints() -> None:
    async def scenario() -> None:
        app = KeysApp()
        async with app.run_test(size=(80, 10)) as pilot:
            await pilot.pause()
            bar = app.query_one(KeyBar)
            hints = list(bar._hints)
            await pilot.press("tab")  # focus moves: same keys, nothing to redraw
            assert bar._hints == hints
            app.can_save = False
            app.refresh_bindings()
            await pilot.pause()
            save = next(span for span in bar.render().spans if "保存" in bar.render().plain[span.start : span.end])
            assert "dim" in str(save.style)

    asyncio.run(scenario())


def test_help_names_keys_as_printed_on_the_keyboard() -> None:
    from zhihui_tui.tui.screens.help import key_name

    assert [key_name(k) for k in ("right_square_bracket", "space", "shift+a", "escape")] == [
        "]",
        "空格",
        "Shift+A",
        "Esc",
    ]
    assert key_name("f2", "F2") == "F2" and key_name("right_square_bracket", "］") == "］"  # key_display wins
