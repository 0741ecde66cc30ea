"""终本案件定期查控 on F4 (R-ZB-2): the watch rounds due within a month or overdue (``w`` from the queue), and the
form recording a round's result. A round that found property then waits for the original handler's (or the bureau
chief's) confirmation of the resumption on their F6."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from zhihui_tui.tui.screens.closing.fields import FieldForm
from zhihui_tui.tui.service_calls import ServiceCaller
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.closing import WatchRow
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.tui.service_calls import Failure

WATCH_COLUMNS = ("案号", "轮次", "应查日期", "状态")
EMPTY_WATCH = "一个月内没有到期的终本案件定期查控。"


class WatchRead(Message):
    """The rounds due were read."""

    def __init__(self, rows: list[WatchRow]) -> None:
        super().__init__()
        self.rows = rows


def watch_cells(row: WatchRow, today: date) -> tuple[str | Text, ...]:
    """案号, 轮次, 应查日期 and its state: overdue in red with the days, due within a week in yellow."""
    days = (row.due_on - today).days
    if row.overdue:
        state = Text(f"超期 {-days} 天", style="bold red")
    elif days == 0:
        state = Text("今日到期", style="bold yellow")
    else:
        state = Text(f"{days} 天后到期", style="yellow" if days <= 7 else "")
    due = Text(f"{row.due_on:%Y-%m-%d}", style="red" if row.overdue else "")
    return (row.case_number, f"第 {row.round}/10 轮", due, state)


class WatchResultForm(FieldForm):
    """登记定期查控结果: what the inquiry found, and whether it found property to enforce (then resumption)."""

    def __init__(self, row: WatchRow) -> None:
        super().__init__(f"定期查控结果 · {row.case_number} 第 {row.round} 轮")
        self.row_ = row

    def form_fields(self) -> ComposeResult:
        yield from self.field("查控结果", Input(id="result", compact=True, max_length=1000))
        yield from self.field(
            "发现财产", Checkbox("发现可供执行的财产（报原承办人确认恢复执行）", id="found", compact=True)
        )

    def read_form(self) -> tuple[str, bool]:
        return (self.value("#result"), self.query_one("#found", Checkbox).value)

    def submit(self, form: tuple[str, bool], ctx: ServiceContext) -> bool:
        from zhihui_tui.services.closing import record_watch

        result, found = form
        record_watch(self.row_.id, result, found_property=found, expected_version=self.row_.version, ctx=ctx)
        return found


class WatchScreen(ServiceCaller, ModalScreen[None]):
    """The rounds due, oldest first; Enter records the result of the one under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "record", "登记结果", id="watch.record"),
        Binding("r", "reload", "刷新", id="watch.reload"),
        Binding("escape", "close", "返回", id="watch.close"),
    ]
    DEFAULT_CSS = """
    WatchScreen { align: center middle; }
    WatchScreen > Vertical { width: 100%; height: 100%; border: round $primary; background: $surface; }
    WatchScreen #watch-title { text-style: bold; height: 1; }
    WatchScreen DataTable { height: 1fr; }
    WatchScreen #watch-status { height: 1; color: $text-muted; }
    WatchScreen #watch-keys { height: 1; color: $text-muted; }
    """

    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today
        self.rows: dict[str, WatchRow] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("终本案件定期查控（每 6 个月一轮，共 5 年）", id="watch-title")
            table: DataTable[str | Text] = DataTable(id="watch-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*WATCH_COLUMNS)
            yield table
            yield Static("正在读取…", id="watch-status", markup=False)
            yield Static("Enter 登记查控结果  R 刷新  Esc 返回", id="watch-keys")

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        from zhihui_tui.services.closing import watch_due

        self.run_service(
            lambda ctx: watch_due(ctx=ctx), action="读取定期查控", done=WatchRead, group="watch", exclusive=True
        )

    def on_watch_read(self, message: WatchRead) -> None:
        self.rows = {str(row.id): row for row in message.rows}
        table = self.query_one(DataTable)
        table.replace_rows((key, watch_cells(row, self.today)) for key, row in self.rows.items())
        overdue = sum(1 for row in message.rows if row.overdue)
        text = f"到期 {len(self.rows)} 轮，其中超期 {overdue} 轮" if self.rows else EMPTY_WATCH
        self.query_one("#watch-status", Static).update(text)

    def display_failure(self, action: str, failure: Failure) -> None:
        self.query_one("#watch-status", Static).update(f"{failure.text}（按 r 重试）")
        super().display_failure(action, failure)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_record()

    def action_record(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        row = self.rows.get(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
        if row is not None:
            self.app.push_screen(WatchResultForm(row), callback=self._recorded)

    def _recorded(self, found: bool | None) -> None:
        if found is None:
            return
        self.notify("已登记；发现财产，待原承办人确认恢复执行" if found else "已登记")
        self.action_reload()

    def action_close(self) -> None:
        self.dismiss(None)
