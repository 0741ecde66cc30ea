"""F4 网络查控, the post: the queue of 已送达 cases with the 2-day deadline to start the inquiry (R-NET-1), or, on
``t``, only today's pending work (每日清零, R-NET-2). Enter opens a case's 查控结果反馈信息表; ``w`` the watch rounds
of 终本 cases due (R-ZB-2, the network-inquiry post only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from zhihui_tui.domain.steps import DeadlineState
from zhihui_tui.tui.screens.base import SignedInScreen
from zhihui_tui.tui.screens.inquiry.common import CSS, EMPTY_QUEUE, EMPTY_TODAY, QUEUE_COLUMNS, READING, queue_cells
from zhihui_tui.tui.screens.inquiry.feedback import FeedbackScreen
from zhihui_tui.tui.screens.inquiry.jobs import READ_QUEUE, read_queue
from zhihui_tui.tui.screens.inquiry.messages import QueueLoaded
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.inquiry import QueueRow
    from zhihui_tui.tui.service_calls import Failure


class InquiryScreen(SignedInScreen):
    """The queue of 已送达 cases with the 2-day deadline to start the inquiry; ``t`` shows today's pending only."""

    SCREEN_NAME = "网络查控"
    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_case", "查控结果表", id="inquiry.open"),
        Binding("t", "toggle_today", "今日待办/全部", id="inquiry.today"),
        Binding("w", "watch", "终本定期查控", id="inquiry.watch"),
        Binding("r", "reload", "刷新", id="inquiry.reload"),
    ]
    AUTO_FOCUS = "#inquiry-queue"

    def __init__(self) -> None:
        super().__init__()
        self.today_only = False
        self.rows: list[QueueRow] = []

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="inquiry-body"):
            with Horizontal(classes="post-bar"):
                yield Static("待查控队列", id="inquiry-title", classes="post-title")
                yield Static(READING, id="inquiry-summary", classes="post-summary", markup=False)
            table: DataTable[Text | str] = DataTable(id="inquiry-queue", cursor_type="row", zebra_stripes=True)
            table.add_columns(*QUEUE_COLUMNS)
            table.flex_column("被执行人", minimum=8)  # names give way at 80 columns, the amount never
            yield table
            yield Static(EMPTY_QUEUE, id="inquiry-empty", classes="post-empty")
        yield self.make_footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "watch":
            from zhihui_tui.services.closing import ClosingAction, allowed_actions

            actor = self.shell.actor
            return actor is not None and ClosingAction.WATCH in allowed_actions(actor)
        return True

    def action_watch(self) -> None:
        from zhihui_tui.tui.screens.inquiry.watch import WatchScreen

        self.app.push_screen(WatchScreen(self.shell.runtime.clock.now().date()))

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one("#inquiry-summary", Static).update(READING)
        today_only = self.today_only
        self.run_service(
            lambda ctx: read_queue(ctx, today_only),
            action=READ_QUEUE,
            done=QueueLoaded,
            group="inquiry-queue",
            exclusive=True,
        )

    def action_toggle_today(self) -> None:
        self.today_only = not self.today_only
        self.query_one("#inquiry-title", Static).update("今日待办（每日清零）" if self.today_only else "待查控队列")
        self.action_reload()

    @on(QueueLoaded)
    def show_queue(self, message: QueueLoaded) -> None:
        self.rows = message.rows
        table = self.query_one("#inquiry-queue", DataTable)
        table.replace_rows((str(row.case_id), queue_cells(row)) for row in message.rows)
        empty = not message.rows
        table.display = not empty
        placeholder = self.query_one("#inquiry-empty", Static)
        placeholder.update(EMPTY_TODAY if self.today_only else EMPTY_QUEUE)
        placeholder.display = empty
        overdue = sum(1 for r in message.rows if r.state is DeadlineState.OVERDUE)
        due_today = sum(1 for r in message.rows if r.state is DeadlineState.DUE_TODAY)
        summary = f"共 {len(message.rows)} 件，超期 {overdue} 件，今日到期 {due_today} 件"
        self.query_one("#inquiry-summary", Static).update(summary)

    def display_failure(self, action: str, failure: Failure) -> None:
        """A queue that could not be read says so in its summary line; ``r`` retries."""
        self.query_one("#inquiry-summary", Static).update(f"{failure.text}（按 r 重试）")
        super().display_failure(action, failure)

    @on(DataTable.RowSelected, "#inquiry-queue")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open(int(str(event.row_key.value)))

    def action_open_case(self) -> None:
        table = self.query_one("#inquiry-queue", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self._open(int(str(key.value)))

    def _open(self, case_id: int) -> None:
        self.app.push_screen(FeedbackScreen(case_id), callback=self._table_closed)

    def _table_closed(self, _: None) -> None:
        self.action_reload()
