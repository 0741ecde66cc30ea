"""分流看板 (F5): the screen and its dialogs. ``TriageBoardScreen`` is what the post opens.

The modules are an internal split: ``post`` (layout, views, paging, rows), ``screen`` (the rulings and the
writer), ``dialogs``, ``messages``, ``jobs`` (the service work run through ``run_service``) and ``common``.
"""

from zhihui_tui.tui.screens.triage_board.dialogs import FlagsDialog, HandlerPicker, RulingForm
from zhihui_tui.tui.screens.triage_board.screen import TriageBoardScreen

__all__ = ["FlagsDialog", "HandlerPicker", "RulingForm", "TriageBoardScreen"]
