"""Textual's DataTable, with its cell caches invalidated once idle-time measuring has sized the columns.

DataTable sizes auto-width columns when idle, after rows were added, and caches each cell's render under a key
that does not hold the column's width. On a loaded machine the screen can render between ``add_row`` and that
measuring; the cached cells then stay cut at the header's width (seen in CI snapshots: ``（20  承办``) until
something else clears the caches. Bumping the update counter, as DataTable does on a resize, drops them.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable as TextualDataTable
from textual.widgets.data_table import CellType, RowKey


class DataTable(TextualDataTable[CellType]):
    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        self._update_count += 1
        self.refresh()
