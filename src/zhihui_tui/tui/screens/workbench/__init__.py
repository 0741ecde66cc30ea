"""承办人工作台 (F6), the desk of delegated matters (事项委托, R-DEL-1..2).

``screen`` holds the post screen, ``request`` the request form, ``jobs`` the service work its workers run,
``messages`` their typed answers, ``cells`` the table lines. The case-history dialog lives in
:mod:`zhihui_tui.tui.screens.case_history` (re-exported here for older imports).
"""

from zhihui_tui.tui.screens.case_history import CaseHistoryScreen
from zhihui_tui.tui.screens.workbench.request import RequestMatterScreen
from zhihui_tui.tui.screens.workbench.screen import WorkbenchScreen

__all__ = ["CaseHistoryScreen", "RequestMatterScreen", "WorkbenchScreen"]
