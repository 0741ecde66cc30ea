"""Textual's DataTable, sized more cheaply and with its cell caches invalidated once columns are sized.

* **Only auto-width columns are measured, plain text by its cell length.** After rows are added, DataTable
  turns every cell of every new row into a Rich ``Text`` and measures it when idle, although a column given a
  width never reads the result: 30 ms for F2's 120-row ledger, on the way to its first frame. For rows of one
  line without a label (all of ours) only auto-width columns are measured, and a plain one-line cell by
  ``cell_len``, which is what the measuring comes to; anything else goes the upstream way.
* **A reload that brings the same rows draws nothing** (``replace_rows``): switching back to a post reads its
  rows again, and clearing and refilling the table re-rendered every visible cell (45 ms for F8's tasks at
  120×36). When rows do change, the cursor stays on the row it was on.
* **Cell caches are dropped after measuring.** DataTable caches each cell's render under a key that does not
  hold the column's width. On a loaded machine the screen can render between ``add_row`` and the measuring; the
  cached cells then stay cut at the header's width (seen in CI snapshots: ``（20  承办``) until something else
  clears the caches. Bumping the update counter, as DataTable does on a resize, drops them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.render import measure
from textual.widgets import DataTable as TextualDataTable
from textual.widgets.data_table import CellType, Column, RowKey

from zhihui_tui.tui.compat import cell_formatter

default_cell_formatter = cell_formatter()


def plain_width(value: object) -> int | None:
    """The width DataTable would measure for a one-line cell of plain text, without building it (a tenth of
    the time); None for anything else. ``[`` may open markup and ``:`` an emoji code in a str cell."""
    if value is None:
        return 0  # drawn empty
    if isinstance(value, Text):
        plain = value.plain
    elif isinstance(value, str) and "[" not in value and ":" not in value:
        plain = value
    else:
        return None
    return cell_len(plain) if plain.isprintable() else None


def comparable(cell: object) -> Hashable:
    """A cell as it is drawn: rich ``Text`` compares its plain text and spans but not its style."""
    if isinstance(cell, Text):
        spans = tuple((span.start, span.end, str(span.style)) for span in cell.spans)
        return ("text", cell.plain, str(cell.style), spans)
    return cell


class DataTable(TextualDataTable[CellType]):
    _flex: tuple[str, int] | None = None  # (column label, minimum width): see flex_column

    def flex_column(self, label: str, *, minimum: int = 6) -> None:
        """Let the column headed ``label`` give up width when the table is wider than the screen: a long name is
        cut so the figures beside it are never pushed off an 80-column terminal (money is never cut)."""
        self._flex = (label, minimum)
        self._fit_flex()

    def on_resize(self) -> None:
        self._fit_flex()

    def _flex_target(self) -> Column | None:
        if self._flex is None:
            return None
        return next((c for c in self.columns.values() if c.label.plain == self._flex[0]), None)

    def _fit_flex(self) -> None:
        """Size the flex column: its content's width when everything fits, else what the other columns leave."""
        column = self._flex_target()
        # the vertical scrollbar's room is kept whether it shows yet or not: rows arriving later bring it
        width = self.content_region.width - self.styles.scrollbar_size_vertical
        if column is None or self._flex is None or not width:
            return
        others = sum(c.get_render_width(self) for c in self.columns.values() if c is not column)
        room = max(self._flex[1], width - others - 2 * self.cell_padding - self._row_label_column_width)
        fits = column.content_width <= room
        if column.auto_width == fits and (fits or column.width == room):
            return
        column.auto_width, column.width = fits, room
        self._set_virtual_size()
        self._update_count += 1  # cached cells were rendered at the old width
        self.refresh()

    def replace_rows(self, rows: Iterable[tuple[str, Sequence[CellType]]], *, first: int | None = None) -> bool:
        """Show ``rows`` (key, cells) in this order; False, and nothing redrawn, when they are what is shown.

        ``first``: add that many now and the rest in chunks, each once the table is drawn, so the first frame of
        a list of thousands does not wait for all of them (F11's due list: 0.3 s for 2,500 rows)."""
        new = [(key, tuple(cells)) for key, cells in rows]
        if [(key, tuple(map(comparable, cells))) for key, cells in new] == self._shown():
            return False
        cursor_key = self._cursor_key()
        self.clear()
        self._add_rows(new, 0, first or len(new), cursor_key, self._generation)
        return True

    _generation = 0  # bumped by each clear: chunks of an earlier filling are dropped
    CHUNK = 500

    def clear(self, columns: bool = False) -> DataTable[CellType]:
        self._generation += 1
        super().clear(columns)
        return self

    def _add_rows(
        self, rows: list[tuple[str, tuple[CellType, ...]]], start: int, count: int, cursor: str | None, generation: int
    ) -> None:
        if generation != self._generation:
            return  # cleared or replaced meanwhile
        chunk = rows[start : start + count]
        for key, cells in chunk:
            self.add_row(*cells, key=key)
        keys = [key for key, _ in chunk]
        if cursor in keys and self.cursor_type == "row":  # the row the cursor was on, back under it
            self.move_cursor(row=start + keys.index(cursor), animate=False)
        if start + count < len(rows):
            self.call_after_refresh(self._add_rows, rows, start + count, self.CHUNK, cursor, generation)

    def _shown(self) -> list[tuple[str | None, tuple[Hashable, ...]]]:
        return [(row.key.value, tuple(map(comparable, self.get_row(row.key)))) for row in self.ordered_rows]

    def _cursor_key(self) -> str | None:
        if not self.row_count or not self.is_valid_row_index(self.cursor_row):
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        rows = [key for key in new_rows if key in self._row_locations]  # a row may be gone before idle
        if self._plain(rows):
            self._measure_auto_width_columns(rows)
            self._set_virtual_size()
        else:
            super()._update_dimensions(rows)
        self._fit_flex()
        self._update_count += 1
        self.refresh()

    def _plain(self, rows: list[RowKey]) -> bool:
        """Every new row is one line high and has no label: nothing but column widths to work out."""
        return all(self.rows[key].label is None and not self.rows[key].auto_height for key in rows)

    def _measure_auto_width_columns(self, rows: list[RowKey]) -> None:
        flex = self._flex_target()  # measured while cut too: it widens again when the screen does
        auto: list[tuple[int, Column]] = [
            (index, column) for index, column in enumerate(self.ordered_columns) if column.auto_width or column is flex
        ]
        if not auto:
            return
        console = self.app.console
        for key in rows:
            values, height = self.get_row(key), self.rows[key].height
            for index, column in auto:
                value = values[index]
                width = plain_width(value)
                if width is None:  # markup, several lines, a renderable: as DataTable measures it
                    renderable = default_cell_formatter(value, wrap=height != 1, height=height)
                    width = measure(console, renderable, 1)
                column.content_width = max(column.content_width, width)

    def _set_virtual_size(self) -> None:
        # As the end of DataTable._update_dimensions.
        width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, self._total_row_height + header_height)
