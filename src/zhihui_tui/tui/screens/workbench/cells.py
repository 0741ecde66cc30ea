"""The table lines of the workbench's lists."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

from zhihui_tui.tui.screens.forms import short

if TYPE_CHECKING:
    from zhihui_tui.services.delegation import MatterRow
    from zhihui_tui.services.workbench import CaseRow, WaitingItem


def case_cells(row: CaseRow) -> tuple[str, ...]:
    due = f"{row.next_due:%Y-%m-%d}" if row.next_due else "—"
    return (row.case_number, row.stage.label, due, str(row.open_matters or ""))


def waiting_cells(item: WaitingItem) -> tuple[Text | str, ...]:
    return (Text(item.kind, style="bold"), item.case_number, f"{item.at:%m-%d %H:%M}", short(item.text, 40))


def desk_cells(row: MatterRow, today: date) -> tuple[Text | str, ...]:
    return (row.case_number, row.kind.label, row.requested_by, due_cell(row.deadline, today), short(row.requirements))


def approval_cells(row: MatterRow) -> tuple[str, ...]:
    return (row.case_number, row.requested_by, f"{row.requested_at:%m-%d %H:%M}", short(row.requirements))


def due_cell(deadline: date, today: date) -> Text:
    """The handler's date; past it, in red with the days overdue."""
    if deadline < today:
        return Text(f"{deadline:%m-%d} 超{(today - deadline).days}天", style="bold red")
    return Text(f"{deadline:%m-%d}")
