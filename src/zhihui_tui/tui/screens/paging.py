"""Keyset paging of a post screen's queue: ``]`` the next page, ``[`` back to the first, ``r`` this page again.

A screen mixes in :class:`KeysetPaging` (before its Screen base), adds :func:`paging_bindings` to its
``BINDINGS`` — Textual merges ``BINDINGS`` of DOM classes only, so a plain mixin cannot carry them — and
supplies ``load(after_id)`` (its worker) and ``page_end()``. Pages are read from SQL by key, never by offset,
so a page costs the same however deep the queue is (ARCHITECTURE: page lists from SQL).
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding


def paging_bindings(prefix: str, *, show_reload: bool = True) -> list[Binding]:
    """The three paging keys, with binding ids under ``prefix`` (e.g. ``counter.next``) for keymaps."""
    return [
        Binding("right_square_bracket", "next_page", "下一页", key_display="]", show=False, id=f"{prefix}.next"),
        Binding("left_square_bracket", "first_page", "首页", key_display="[", show=False, id=f"{prefix}.first"),
        Binding("r", "reload", "刷新", show=show_reload, id=f"{prefix}.reload"),
    ]


class KeysetPaging:
    """Remembers where each page seen so far starts (``None``: the first page), so ``r`` reloads the same page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[int | None] = [None]

    @property
    def page_number(self) -> int:
        return len(self._pages)

    def page_end(self) -> int | None:
        """The key the next page starts after, or ``None`` when the shown page was not full (no next page)."""
        raise NotImplementedError

    def load(self, after_id: int | None) -> Any:
        raise NotImplementedError

    def action_reload(self) -> None:
        self.load(self._pages[-1])

    def action_next_page(self) -> None:
        end = self.page_end()
        if end is not None:
            self._pages.append(end)
            self.load(end)

    def action_first_page(self) -> None:
        self._pages = [None]
        self.load(None)
