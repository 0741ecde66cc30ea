"""立案审查 (F3): the screen, its form and dialogs. ``FilingScreen`` is what the post opens.

The modules are an internal split: ``post`` (layout, queue, opening and saving), ``screen`` (filing, 不予立案,
原案号), ``form`` and ``blocks`` (the receiving form, its party and agent blocks), ``queue`` (the tables),
``dialogs``, ``messages``, ``jobs`` (the service work run through ``run_service``) and ``common``.
"""

from zhihui_tui.tui.screens.filing.dialogs import FileDialog, TextDialog
from zhihui_tui.tui.screens.filing.form import FilingForm
from zhihui_tui.tui.screens.filing.screen import FilingScreen

__all__ = ["FileDialog", "FilingForm", "FilingScreen", "TextDialog"]
