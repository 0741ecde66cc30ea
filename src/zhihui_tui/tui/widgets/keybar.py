"""A one-line key bar: the screen's shown bindings drawn as text, in place of Textual's ``Footer``.

``Footer`` recomposes itself (one widget per key, each styled by the CSS engine) every time the bindings change,
and they change on every focus move and screen switch. Measured on the triage board, that was 80–90 % of the CPU
spent opening a post screen (230–660 ms; 37–66 ms without it). Keyboard-only terminals need the hints, not
clickable keys, so this widget renders the same hints as one ``Text`` and only repaints when they change.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

Hint = tuple[Binding, bool]  # a shown binding and whether its action is enabled now

# When the hints are wider than the bar, the app's own keys give way first (F1 help lists every key), so a post's
# actions stay visible at 80 columns: lower numbers stay longest.
POST_ACTIONS, HELP, PALETTE, APP_KEYS = 0, 1, 2, 3

# Textual's own widgets describe their keys in English; the interface speaks Chinese. Keys with an English
# description not listed here are left out, as F1 help leaves them out.
TEXTUAL_DESCRIPTIONS = {"Dismiss menu": "关闭列表", "palette": "命令面板"}


def chinese(description: str) -> str | None:
    text = TEXTUAL_DESCRIPTIONS.get(description, description)
    return None if text and text.isascii() else text


class KeyBar(Widget, can_focus=False):
    """Key hints for the current screen: ``F1 帮助 ^l 锁定 F2…F8 岗位 …``, dimmed where the action is disabled."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        text-overflow: clip;
        .keybar--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        .keybar--description { color: $footer-description-foreground; background: $footer-description-background; }
    }
    """

    def __init__(self, *, show_command_palette: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_command_palette = show_command_palette
        self._hints: list[Hint] = []
        self._app_actions: set[str] = set()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is not self.screen:
            return
        hints = self.shown_hints()
        if hints != self._hints:  # a focus move that keeps the same keys costs nothing
            self._hints = hints
            self.refresh()

    def shown_hints(self) -> list[Hint]:
        """The bindings a ``Footer`` would show, first binding per action, in the screen's order."""
        seen: set[str] = set()
        hints: list[Hint] = []
        self._app_actions = set()
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.description and chinese(binding.description) is None:
                continue
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                hints.append((binding, enabled))
                if node is self.app:
                    self._app_actions.add(binding.action)
        return hints

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        parts = self.fitted(list(self.segments(key_style, description_style)), self.size.width)
        text = Text(" ").join(part for _rank, part in parts)
        text.no_wrap = True
        return text

    @staticmethod
    def fitted(parts: list[tuple[int, Text]], width: int) -> list[tuple[int, Text]]:
        """The parts that fit ``width`` in their order, dropping the highest rank, last first, until they fit."""
        kept = list(parts)
        while len(kept) > 1 and sum(part.cell_len for _rank, part in kept) + len(kept) - 1 > width > 0:
            worst = max(rank for rank, _part in kept)
            drop = max(i for i, (rank, _part) in enumerate(kept) if rank == worst)
            del kept[drop]
        return kept

    def rank(self, binding: Binding) -> int:
        if binding.key == "escape":
            return PALETTE  # every screen backs out with Esc; F1 says so
        if binding.action not in self._app_actions:
            return POST_ACTIONS
        return HELP if binding.action == "help" else APP_KEYS

    def segments(self, key_style: Style, description_style: Style) -> Iterator[tuple[int, Text]]:
        """The hints in the screen's order with their rank; a group of keys (the posts) takes one hint, where its
        first member is, even when a screen's own key splits the run (F3's F9 立案 among the post keys)."""
        groups: dict[Binding.Group, list[Hint]] = {}
        for hint in self._hints:
            if hint[0].group is not None:
                groups.setdefault(hint[0].group, []).append(hint)
        shown: set[Binding.Group] = set()
        for binding, enabled in self._hints:
            group = binding.group
            if group is not None and len(groups[group]) > 1:
                if group not in shown:
                    shown.add(group)
                    yield POST_ACTIONS, self.group_text(groups[group], group.description, key_style, description_style)
                continue
            yield self.rank(binding), self.hint_text(binding, enabled, key_style, description_style)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                yield PALETTE, self.hint_text(palette[1], palette[2], key_style, description_style)

    def group_text(self, hints: list[Hint], description: str, key_style: Style, description_style: Style) -> Text:
        """``F2…F8 岗位``: the first and last key of a run (F1 help lists each), which saves 80-column space."""
        first, last = hints[0], hints[-1]
        keys = [self.key_text(*first, key_style), Text("…", style=key_style), self.key_text(*last, key_style)]
        return Text.assemble(*keys, " ", (description, description_style))

    def key_text(self, binding: Binding, enabled: bool, key_style: Style) -> Text:
        style = key_style if enabled else key_style + Style(dim=True)
        return Text(self.app.get_key_display(binding), style=style)

    def hint_text(self, binding: Binding, enabled: bool, key_style: Style, description_style: Style) -> Text:
        text = Text.assemble(self.key_text(binding, enabled, key_style))
        description = chinese(binding.description) if binding.description else None
        if description:
            style = description_style if enabled else description_style + Style(dim=True)
            text.append(" " + description, style=style)
        return text
