"""Writing a report file whole or not at all: the one writer lives in :mod:`zhihui_tui.services.atomic_files`;
this module keeps the names the reception and funds reports import."""

from __future__ import annotations

from zhihui_tui.services.atomic_files import discard, io_error, place, write_temp

__all__ = ["discard", "io_error", "place", "write_temp"]
