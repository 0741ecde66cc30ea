"""F1: the keys of the screen underneath, in Chinese. Esc (or F1 again) closes it."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

ALWAYS = (("Tab / Shift+Tab", "在输入项之间移动"),)


KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "space": "空格",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "pageup": "PgUp",
    "pagedown": "PgDn",
}


def key_name(key: str, display: str | None = None) -> str:
    """How a key is printed on the keyboard: ``ctrl+q`` → ``Ctrl+Q``, ``f2`` → ``F2``, ``escape`` → ``Esc``,
    ``right_square_bracket`` → ``]``; a bare letter stays as typed (``q``, ``f``); a binding's own
    ``key_display`` wins."""
    if display:
        return display
    *modifiers, last = key.split("+")
    if last in KEY_NAMES:
        last = KEY_NAMES[last]
    elif modifiers or (last[0] == "f" and last[1:].isdigit()):  # F5 is a function key, f a letter
        last = last.upper()
    return "+".join([*(m.capitalize() for m in modifiers), last])


def key_rows(screen: Screen[Any]) -> list[tuple[str, str]]:
    """(keys, description) for the screen's and the app's own bindings (Chinese descriptions only), one row per
    action: ``q`` and ``Ctrl+Q`` both quitting are one row."""
    app = screen.app
    by_action: dict[str, tuple[list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node not in (screen, app) or binding.system:
            continue
        if not binding.description or binding.description.isascii():
            continue  # Textual's own keys (English); Tab is described below
        action = binding.action.removeprefix("app.")
        keys, _ = by_action.setdefault(action, ([], binding.description))
        keys.append(key_name(key, binding.key_display))
    return [(" / ".join(keys), description) for keys, description in by_action.values()]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "关闭"),
        Binding("f1", "close", "关闭", show=False),
    ]

    def __init__(self, underneath: Screen[Any], title: str) -> None:
        super().__init__()
        self.rows = key_rows(underneath)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Static(f"快捷键 · {self.title_text}", id="help-title", classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                yield Static(self._table())
            yield Static("Esc 关闭", classes="dialog-keys")

    def _table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, description in self.rows:
            table.add_row(Text(key), Text(description))
        for key, description in ALWAYS:
            table.add_row(Text(key), Text(description))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
