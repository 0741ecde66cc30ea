"""The tables of F3: the queue at 材料接收 (paged in as the cursor reaches its end) and the director's pending
不予立案 proposals. Each keeps the rows it shows by key; the screen reads them and calls the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.message import Message

from zhihui_tui.tui.screens.filing.common import PENDING_COLUMNS, QUEUE_COLUMNS, queue_cells, short
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.filing import FilingQueuePage, FilingQueueRow, PendingRejection, QueueKey


class QueueTable(DataTable[Text | str]):
    """Cases at 材料接收, a page at a time; posts ``MoreWanted`` when the cursor reaches the last row read."""

    class MoreWanted(Message):
        """The next page, after ``after``, is wanted (no list loads more than it shows)."""

        def __init__(self, after: QueueKey) -> None:
            super().__init__()
            self.after = after

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        for label, width in QUEUE_COLUMNS:
            self.add_column(label, width=width)
        self.shown: dict[str, FilingQueueRow] = {}
        self.next_after: QueueKey | None = None  # where the next page of the queue starts

    def show(self, page: FilingQueuePage, *, more: bool) -> None:
        """A fresh first page (nothing redrawn when it is the page shown), or (``more``) the next page below the
        rows shown."""
        if not more:
            self.shown = {str(row.case_id): row for row in page.rows}
            self.replace_rows((key, queue_cells(row)) for key, row in self.shown.items())
            self.next_after = page.next_after
            return
        for row in page.rows:
            key = str(row.case_id)
            if key in self.shown:
                continue  # a case that moved between pages while the clerk scrolled
            self.shown[key] = row
            self.add_row(*queue_cells(row), key=key)
        self.next_after = page.next_after

    @on(DataTable.RowHighlighted)
    def near_the_end(self, event: DataTable.RowHighlighted) -> None:
        if self.next_after is not None and event.cursor_row >= self.row_count - 1:
            after, self.next_after = self.next_after, None
            self.post_message(self.MoreWanted(after))


class PendingTable(DataTable[str]):
    """The 不予立案 proposals waiting for the director's ruling, oldest first."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.add_columns(*PENDING_COLUMNS)
        self.shown: dict[str, PendingRejection] = {}

    def show(self, rows: list[PendingRejection]) -> None:
        """The proposals (nothing redrawn when they are those shown)."""
        self.shown = {str(row.rejection_id): row for row in rows}
        self.replace_rows((key, pending_cells(row)) for key, row in self.shown.items())

    def chosen(self) -> PendingRejection | None:
        """The proposal under the cursor, if any."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value or ""
        return self.shown.get(key)


def pending_cells(row: PendingRejection) -> tuple[str, ...]:
    return (
        f"{row.received_at:%m-%d}",
        row.category.label,
        short(row.applicants, 10),
        short(row.respondents, 8),
        row.proposed_by,
        short(row.reasons, 30),
    )
