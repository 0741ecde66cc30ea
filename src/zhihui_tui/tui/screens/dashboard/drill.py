"""下钻: the cases behind one dashboard number — 案号, 状态, 承办人 and what the number counted about each (the step
and its due day, the closure, the filing day). Enter opens the case page over the list; Esc goes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from zhihui_tui.tui.screens.dashboard.messages import DrillLoaded
from zhihui_tui.tui.service_calls import ServiceCaller
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from zhihui_tui.services.dashboard import DrillRow
    from zhihui_tui.tui.screens.dashboard.common import Figure
    from zhihui_tui.tui.service_calls import Failure

CaseOpener = Callable[[int, str], None]  # (case id, label): the post's ``open_case_page``
COLUMNS = ("案号", "状态", "承办人", "情况")


class DrillScreen(ServiceCaller, ModalScreen[None]):
    """The cases behind ``figure``, read with ``drill_cases``; ``open_case`` shows one's page."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_case", "案件信息", id="drill.open"),
        Binding("r", "reload", "刷新", id="drill.reload"),
        Binding("escape", "close", "返回", id="drill.close"),
    ]
    DEFAULT_CSS = """
    DrillScreen { align: center middle; }
    DrillScreen > Vertical { width: 100%; height: 100%; border: round $primary; background: $surface; }
    DrillScreen #drill-title { height: 1; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
    DrillScreen #drill-cases { height: 1fr; scrollbar-size-vertical: 1; }
    DrillScreen #drill-status { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    DrillScreen #drill-status.-error { color: $text-error; }
    """
    AUTO_FOCUS = "#drill-cases"

    def __init__(self, figure: Figure, open_case: CaseOpener) -> None:
        super().__init__()
        self.figure = figure
        self.open_case = open_case
        self.rows: list[DrillRow] | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title(), id="drill-title", markup=False)
            table: DataTable[str] = DataTable(id="drill-cases", cursor_type="row", zebra_stripes=True)
            for label in COLUMNS:
                table.add_column(label, key=label)
            table.flex_column("情况", minimum=10)
            yield table
            yield Static("正在读取…", id="drill-status", markup=False)

    def _title(self) -> str:
        count = self.figure.count
        return f"下钻：{self.figure.title}" + (f"（{count} 件）" if count is not None else "")

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        from zhihui_tui.services.dashboard import drill_cases

        drill = self.figure.drill
        if drill is None:
            return
        self.run_service(
            lambda ctx: DrillLoaded(drill_cases(drill, ctx=ctx)),
            action="读取下钻案件",
            done=lambda read: read,
            group="drill",
            exclusive=True,
        )

    @on(DrillLoaded)
    def show_rows(self, message: DrillLoaded) -> None:
        self.rows = message.rows
        table = self.query_one("#drill-cases", DataTable)
        table.replace_rows(
            (str(n), (row.case_number, row.stage.label, row.handler or "—", row.detail))
            for n, row in enumerate(message.rows)
        )
        shown = len(message.rows)
        count = self.figure.count
        if not shown:
            text = "没有案件（数字已变化，按 r 刷新看板）"
        elif count is not None and shown < count:
            text = f"显示前 {shown} 件（共 {count} 件）；Enter 查看案件信息"
        else:
            text = f"共 {shown} 件；Enter 查看案件信息，Esc 返回看板"
        self.say(text)

    def action_open_case(self) -> None:
        """The highlighted case's page, over this list."""
        table = self.query_one("#drill-cases", DataTable)
        if not self.rows or not table.row_count:
            return
        row = self.rows[table.cursor_row]
        self.open_case(row.case_id, row.case_number)

    @on(DataTable.RowSelected, "#drill-cases")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_case()

    def action_close(self) -> None:
        self.dismiss(None)

    def display_failure(self, action: str, failure: Failure) -> None:
        self.say(failure.text, error=True)

    def say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#drill-status", Static)
        line.update(text)
        line.set_class(error, "-error")
