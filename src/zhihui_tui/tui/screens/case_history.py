"""One case's whole history (stage changes and audit trail) as a full-screen dialog, opened from any post
(Ctrl+F 查找案件) and from the workbench; Esc goes back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.workbench import CaseHistory


class CaseHistoryRead(Message):
    """A case's history, read for the screen that asked."""

    def __init__(self, history: CaseHistory) -> None:
        super().__init__()
        self.history = history


class CaseHistoryScreen(ModalScreen[None]):
    """The history of one case, oldest first: time, who, what, detail."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "返回", id="history.close")]
    DEFAULT_CSS = """
    CaseHistoryScreen { align: center middle; }
    CaseHistoryScreen > Vertical { width: 100%; height: 100%; border: round $primary; background: $surface; }
    CaseHistoryScreen #history-title { text-style: bold; height: 1; }
    CaseHistoryScreen DataTable { height: 1fr; }
    """

    def __init__(self, history: CaseHistory) -> None:
        super().__init__()
        self.history = history

    def compose(self) -> ComposeResult:
        with Vertical():
            title = f"{self.history.case_number} 全程记录（当前：{self.history.stage.label}）  Esc 返回"
            yield Static(title, id="history-title", markup=False)
            table: DataTable[str] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("时间", "操作人", "事项", "内容")
            for entry in self.history.entries:
                table.add_row(f"{entry.at:%Y-%m-%d %H:%M}", entry.who, entry.what, entry.detail)
            yield table

    def action_close(self) -> None:
        self.dismiss(None)
