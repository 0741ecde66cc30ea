"""集约送达 (F10): the service desk's screen and its dialogs. ``ServiceDeskScreen`` is what the post opens.

The modules are an internal split: ``post`` (layout, views, reading, rows, the detail line), ``screen`` (the
actions), ``forms`` (登记送达, 登记结果), ``dialogs`` (指派, 预览) and ``common`` (cells, texts, messages).
"""

from zhihui_tui.tui.screens.service_desk.dialogs import ClerkPicker, PackPreview
from zhihui_tui.tui.screens.service_desk.forms import AttemptForm, ResultForm
from zhihui_tui.tui.screens.service_desk.screen import ServiceDeskScreen

__all__ = ["AttemptForm", "ClerkPicker", "PackPreview", "ResultForm", "ServiceDeskScreen"]
