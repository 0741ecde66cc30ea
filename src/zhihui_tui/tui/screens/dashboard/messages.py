"""The dashboard's messages: one per service answer, posted by ``run_service`` to the screen that asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from zhihui_tui.services.dashboard import DrillRow, MonthFigures, Today


class TodayLoaded(Message):
    """Today's steps and the caseload, read first."""

    def __init__(self, today: Today) -> None:
        super().__init__()
        self.today = today


class MonthLoaded(Message):
    """This month's indicators and the trend, read after today's panels are shown."""

    def __init__(self, figures: MonthFigures) -> None:
        super().__init__()
        self.figures = figures


class DrillLoaded(Message):
    """The cases behind one number (one page)."""

    def __init__(self, rows: list[DrillRow]) -> None:
        super().__init__()
        self.rows = rows
