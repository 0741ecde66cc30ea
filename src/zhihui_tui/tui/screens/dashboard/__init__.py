"""综合看板 (F9, issue 15): today's overdue and due steps, caseloads, this month's indicators and the trend; every
number drills down to its cases. ``DashboardScreen`` is what the post opens.

The modules are an internal split: ``screen`` (the post), ``drill`` (the list behind a number), ``common``
(layout, cells and sparklines; no state) and ``messages``.
"""

from zhihui_tui.tui.screens.dashboard.drill import DrillScreen
from zhihui_tui.tui.screens.dashboard.screen import DashboardScreen

__all__ = ["DashboardScreen", "DrillScreen"]
