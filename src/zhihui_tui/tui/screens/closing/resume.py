"""恢复执行确认 (R-ZB-2): the watch rounds that found property and wait on the person signed in — the original
handler, or the bureau chief when that handler is gone. Enter asks, then files the linked 执恢 case."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from zhihui_tui.tui.screens.confirm import ConfirmScreen
from zhihui_tui.tui.screens.forms import short
from zhihui_tui.tui.service_calls import ServiceCaller
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.closing import ResumptionRow
    from zhihui_tui.tui.service_calls import Failure

EMPTY = "没有待确认恢复执行的终本案件"


class ResumptionsRead(Message):
    """The rounds awaiting confirmation were read."""

    def __init__(self, rows: list[ResumptionRow]) -> None:
        super().__init__()
        self.rows = rows


class Resumed(Message):
    """The resumption was confirmed; ``number`` is the new 执恢 case's."""

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number


class ResumptionScreen(ServiceCaller, ModalScreen[None]):
    """终本案件发现财产，待确认恢复执行: Enter confirms the one under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "返回", id="resume.close")]
    DEFAULT_CSS = """
    ResumptionScreen { align: center middle; }
    ResumptionScreen > Vertical { width: 100%; height: 100%; border: round $primary; background: $surface; }
    ResumptionScreen #rs-title { text-style: bold; height: 1; }
    ResumptionScreen DataTable { height: 1fr; }
    ResumptionScreen #rs-status { height: auto; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, ResumptionRow] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("终本案件发现财产，待确认恢复执行（Enter 确认，Esc 返回）", id="rs-title")
            table: DataTable[str] = DataTable(id="rs-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("原案号", "轮次", "查控日期", "原承办人", "查控结果")
            yield table
            yield Static("正在读取…", id="rs-status", markup=False)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        from zhihui_tui.services.closing import resumptions_awaiting

        self.run_service(
            lambda ctx: resumptions_awaiting(ctx=ctx),
            action="读取待确认恢复执行",
            done=ResumptionsRead,
            group="resume-read",
            exclusive=True,
        )

    def on_resumptions_read(self, message: ResumptionsRead) -> None:
        self.rows = {str(row.watch_id): row for row in message.rows}
        self.query_one(DataTable).replace_rows(
            (
                key,
                (
                    row.case_number,
                    f"第 {row.round} 轮",
                    f"{row.done_at:%Y-%m-%d}",
                    row.handler or "—",
                    short(row.result, 30),
                ),
            )
            for key, row in self.rows.items()
        )
        self.set_status(f"共 {len(self.rows)} 件" if self.rows else EMPTY)

    def set_status(self, text: str) -> None:
        self.query_one("#rs-status", Static).update(text)

    def display_failure(self, action: str, failure: Failure) -> None:
        self.set_status(failure.text)
        super().display_failure(action, failure)

    @on(DataTable.RowSelected)
    def confirm(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows.get(str(event.row_key.value))
        if row is None:
            return
        question = (
            f"{row.case_number} 第 {row.round} 轮查控发现财产：{short(row.result, 60)}\n"
            "确认恢复执行？（以原案当事人和执行依据立执恢案件）"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.resume(row)

        self.app.push_screen(ConfirmScreen(question), callback=answered)

    def resume(self, row: ResumptionRow) -> None:
        from zhihui_tui.services.closing import resume_case

        self.run_service(
            lambda ctx: resume_case(row.watch_id, ctx=ctx), action="确认恢复执行", done=Resumed, group="resume"
        )

    def on_resumed(self, message: Resumed) -> None:
        self.notify(f"已恢复执行，立案 {message.number}")
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
