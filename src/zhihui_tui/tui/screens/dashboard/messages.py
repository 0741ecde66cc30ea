"""The dashboard's messages: one per service answer, posted by ``run_service`` to the screen that asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from zhihui_tui.services.dashboard import Dashboard, DrillRow


class DashboardLoaded(Message):
    """The dashboard as of today, read for the screen."""

    def __init__(self, dashboard: Dashboard) -> None:
        super().__init__()
        self.dashboard = dashboard


class DrillLoaded(Message):
    """The cases behind one number (one page)."""

    def __init__(self, rows: list[DrillRow]) -> None:
        super().__init__()
        self.rows = rows
