"""The one-line key bar: which bindings it shows, how a group collapses, and that disabled keys are dimmed."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
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


class PostScreen(Screen[None]):
    """A post with many actions of its own, on an app with global keys: at 80 columns the globals give way."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "noop", "保存"),
        Binding("f9", "noop_file", "立案", key_display="F9"),
        Binding("ctrl+r", "noop_reject", "不予立案"),
        Binding("ctrl+t", "noop_add", "加被执行人"),
        Binding("ctrl+g", "noop_agent", "加代理人"),
        Binding("ctrl+n", "noop_new", "新收案"),
        Binding("escape", "noop_back", "返回"),
    ]

    def compose(self) -> ComposeResult:
        yield KeyBar()


class GlobalKeysApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "帮助", key_display="F1"),
        Binding("ctrl+l", "lock", "锁定"),
        Binding("ctrl+q", "quit", "退出"),
    ]

    def on_mount(self) -> None:
        self.push_screen(PostScreen())


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (
            120,
            "^s 保存 F9 立案 ^r 不予立案 ^t 加被执行人 ^g 加代理人 ^n 新收案 "
            "esc 返回 ^q 退出 F1 帮助 ^l 锁定 ^p 命令面板",
        ),
        # the app's own keys go first, then Esc and the palette, then help: the post's actions all stay
        (80, "^s 保存 F9 立案 ^r 不予立案 ^t 加被执行人 ^g 加代理人 ^n 新收案 esc 返回 F1 帮助"),
        # narrower than the post's own actions: its last ones go, never half a hint
        (60, "^s 保存 F9 立案 ^r 不予立案 ^t 加被执行人 ^g 加代理人"),
    ],
)
def test_at_80_columns_the_posts_actions_stay_and_the_global_keys_give_way(width: int, expected: str) -> None:
    async def scenario() -> None:
        app = GlobalKeysApp()
        async with app.run_test(size=(width, 10)) as pilot:
            await pilot.pause()
            assert app.screen.query_one(KeyBar).render().plain == expected

    asyncio.run(scenario())
