"""承办人工作台 (F6), the desk of delegated matters (事项委托, R-DEL-1..2):

- the handler: my cases with stage and next deadline, what is waiting on me (Enter reads a result whole with its
  files), a case's whole history, requesting a delegated matter with the 15:00 notice shown before sending;
- the bureau chief: urgent 拘传 requests to approve or refuse;
- 集约送达组 (送达、公告) and the director (其他): the matters whose result they record here, which goes straight
  back to the requesting handler. These posts have no function key of their own yet, and F6 is where the rest of a
  matter's round trip already lives; each audience sees only its own lists — as the service's
  ``allowed_actions`` answers for the person signed in;
- the end of a case (:mod:`.closing_keys`): 结案, 执行措施, 终本核查, 移交卷宗, and the resumptions to confirm (the
  handler's waiting items, the chief's ``u``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from zhihui_tui.services.field_rules import FieldAction, allowed_actions
from zhihui_tui.tui.screens.base import show_text
from zhihui_tui.tui.screens.case_history import CaseHistoryRead
from zhihui_tui.tui.screens.forms import PAGE, ReasonScreen
from zhihui_tui.tui.screens.paging import KeysetPaging, paging_bindings
from zhihui_tui.tui.screens.results import ACKNOWLEDGE, HISTORY, RecordResultScreen, ResultScreen
from zhihui_tui.tui.screens.workbench.cells import approval_cells, case_cells, desk_cells, waiting_cells
from zhihui_tui.tui.screens.workbench.closing_keys import (
    CLOSING_BINDINGS,
    HANDLER_ACTIONS,
    RESUME_KIND,
    ClosingKeys,
)
from zhihui_tui.tui.screens.workbench.jobs import acknowledge, read_desk
from zhihui_tui.tui.screens.workbench.messages import DeskRead, ResultAcknowledged, UrgentApproved
from zhihui_tui.tui.screens.workbench.request import RequestMatterScreen
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.delegation import MatterRow
    from zhihui_tui.services.workbench import CaseRow, WaitingItem
    from zhihui_tui.tui.service_calls import Failure

ACK_KINDS = ("委托结果", "临柜结果")


class WorkbenchScreen(KeysetPaging, ClosingKeys):
    """F6: the handler's cases and what waits on them, the desk's matters, the chief's approvals."""

    SCREEN_NAME = "承办人工作台"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "request", "提请委托", id="workbench.request"),
        Binding("a", "acknowledge", "已阅", id="workbench.ack"),
        Binding("h", "history", "全程记录", id="workbench.history"),
        Binding("e", "record", "登记结果", id="workbench.record"),
        Binding("y", "approve", "批准", id="workbench.approve"),
        Binding("x", "refuse", "不批准", id="workbench.refuse"),
        *CLOSING_BINDINGS,
        Binding("tab", "app.focus_next", "切换列表", show=False),
        *paging_bindings("workbench"),
    ]
    AUTO_FOCUS = "#cases"
    DEFAULT_CSS = """
    #wb-body { height: 1fr; padding: 0 1; }
    #wb-body .wb-title { height: 1; text-style: bold; }
    #cases { height: 1fr; }
    #waiting { height: 1fr; }
    #desk { height: 1fr; }
    #approvals { height: auto; max-height: 8; min-height: 3; }
    #wb-status { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._case_rows: dict[str, CaseRow] = {}
        self._waiting_rows: dict[str, WaitingItem] = {}
        self._desk_rows: dict[str, MatterRow] = {}
        self._approval_rows: dict[str, MatterRow] = {}
        self._notes: dict[str, str] = {}  # each list's line for the status bar

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="wb-body"):
            yield Static("我的案件（Enter 案件信息，N 提请委托，C 结案，T 移交卷宗）", classes="wb-title wb-handler")
            cases: DataTable[str] = DataTable(id="cases", cursor_type="row", zebra_stripes=True)
            cases.add_columns("案号", "阶段", "下一期限", "委托中")
            yield cases
            yield Static("待我处理（Enter 查看结果和附件，A 已阅）", classes="wb-title wb-handler")
            waiting: DataTable[str] = DataTable(id="waiting", cursor_type="row")
            waiting.add_columns("类别", "案号", "时间", "内容")
            yield waiting
            yield Static("委托事项待办理（Enter 登记结果，反馈承办人）", classes="wb-title wb-desk")
            desk: DataTable[str] = DataTable(id="desk", cursor_type="row", zebra_stripes=True)
            desk.add_columns("案号", "事项", "承办人", "期限", "要求")
            yield desk
            yield Static("临时拘传待审批（Y 批准，X 不予批准）", classes="wb-title", id="approvals-title")
            approvals: DataTable[str] = DataTable(id="approvals", cursor_type="row")
            approvals.add_columns("案号", "承办人", "提请时间", "要求")
            yield approvals
            yield Static("正在读取…", id="wb-status", markup=False)
        yield self.make_footer()

    # -- what the person signed in may do (the service's rules) ---------------------------------------------------

    @property
    def actions(self) -> frozenset[FieldAction]:
        actor = self.shell.actor
        return allowed_actions(actor) if actor is not None else frozenset()

    @property
    def is_chief(self) -> bool:
        return FieldAction.DECIDE_URGENT in self.actions

    @property
    def is_handler(self) -> bool:
        return FieldAction.VIEW_MY_CASES in self.actions

    @property
    def is_desk(self) -> bool:
        return FieldAction.RECORD_RESULT in self.actions

    def on_mount(self) -> None:
        shown = {".wb-handler": self.is_handler, ".wb-desk": self.is_desk, "#approvals-title": self.is_chief}
        shown |= {"#cases": self.is_handler, "#waiting": self.is_handler, "#desk": self.is_desk}
        shown["#approvals"] = self.is_chief
        for selector, visible in shown.items():
            for widget in self.query(selector):
                widget.display = visible
        if not self.is_handler:
            self.query_one("#desk" if self.is_desk else "#approvals").focus()

    async def prepare_hidden(self) -> None:
        """Built ahead after sign-in: the desk's first page is read and drawn off screen too (``read_ahead``)."""
        await self.read_ahead(lambda ctx: DeskRead(read_desk(ctx, None)), self.on_desk_read)
        await super().prepare_hidden()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "refuse"):
            return self.is_chief
        if action == "record":
            return self.is_desk
        if action in ("request", "acknowledge", "history", "next_page", "first_page", *HANDLER_ACTIONS):
            return self.is_handler
        if action == "resumptions":
            return self.is_handler or self.is_chief
        return True

    # -- loading ------------------------------------------------------------------------------------------------

    def page_end(self) -> int | None:
        """Cases come newest first, so the next page starts below the lowest id shown."""
        return min(row.id for row in self._case_rows.values()) if len(self._case_rows) >= PAGE else None

    def load(self, after_id: int | None) -> None:
        self.run_service(
            lambda ctx: read_desk(ctx, after_id), action="读取工作台", done=DeskRead, group="workbench", exclusive=True
        )

    def on_desk_read(self, message: DeskRead) -> None:
        lists = message.lists
        if lists.cases is not None:
            self._case_rows = {str(row.id): row for row in lists.cases}
            self._fill("cases", [(key, case_cells(row)) for key, row in self._case_rows.items()])
            self._notes["cases"] = f"第 {self.page_number} 页，{len(lists.cases)} 件"
        if lists.waiting is not None:
            self._waiting_rows = {str(i): item for i, item in enumerate(lists.waiting)}
            self._fill("waiting", [(key, waiting_cells(item)) for key, item in self._waiting_rows.items()])
        if lists.desk is not None:
            self._desk_rows = {str(row.id): row for row in lists.desk}
            today = self.shell.runtime.clock.now().date()
            self._fill("desk", [(key, desk_cells(row, today)) for key, row in self._desk_rows.items()])
            more = "（先列最早的 50 件）" if len(lists.desk) >= PAGE else ""
            self._notes["desk"] = f"委托事项待办理 {len(lists.desk)} 件{more}"
        if lists.approvals is not None:
            self._approval_rows = {str(row.id): row for row in lists.approvals}
            self._fill("approvals", [(key, approval_cells(row)) for key, row in self._approval_rows.items()])
            self._notes["approvals"] = f"待审批 {len(lists.approvals)} 件"
        self._notes.pop("resume", None)
        if lists.resumptions:
            self._notes["resume"] = f"待确认恢复执行 {lists.resumptions} 件（按 U 确认）"
        keys = ("cases", "resume", "desk", "approvals")
        self.set_status("；".join(self._notes[key] for key in keys if key in self._notes))

    def _fill(self, table_id: str, rows: list[tuple[str, tuple[object, ...]]]) -> None:
        self.query_one(f"#{table_id}", DataTable).replace_rows(rows)

    def set_status(self, text: str) -> None:
        show_text(self.query_one("#wb-status", Static), text)

    def display_failure(self, action: str, failure: Failure) -> None:
        """In the status line (``r`` reads again), and notified."""
        self.set_status(f"{action}失败：{failure.text}（按 r 重试）")
        super().display_failure(action, failure)

    # -- actions ----------------------------------------------------------------------------------------------

    def _current(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def current_case(self) -> CaseRow | None:
        key = self._current("cases")
        return self._case_rows[key] if key is not None else None

    def action_request(self) -> None:
        key = self._current("cases")
        if key is None:
            self.notify("没有可选的案件")
            return
        row = self._case_rows[key]
        self.app.push_screen(RequestMatterScreen(row.id, row.case_number), callback=self._requested)

    def _requested(self, matter_id: int | None) -> None:
        if matter_id:
            self.notify(f"委托事项已提请（编号 {matter_id}）")
            self.action_reload()

    @on(DataTable.RowSelected, "#cases, #waiting, #desk")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: a case opens its history, a result opens the result with its files, a desk row its result form."""
        event.stop()
        table_id = event.data_table.id or "cases"
        if table_id == "desk":
            self.action_record()
        elif table_id == "waiting":
            self.open_waiting()
        else:
            self.open_page()

    def open_page(self) -> None:
        """Enter on one of my cases: its particulars (issue 11); ``h`` goes to the history from there or here."""
        key = self._current("cases")
        if key is not None:
            row = self._case_rows[key]
            self.open_case_page(row.id, row.case_number)

    def action_history(self, table_id: str | None = None) -> None:
        """``h``: the history of the case under the cursor of the list in focus (my cases, or waiting items)."""
        focused = self.focused.id if self.focused is not None else None
        table_id = table_id or (focused if focused in ("cases", "waiting") else "cases")
        key = self._current(table_id)
        if key is None:
            return
        case_id = self._waiting_rows[key].case_id if table_id == "waiting" else self._case_rows[key].id
        self.open_history(case_id)

    def open_waiting(self) -> None:
        key = self._current("waiting")
        if key is None:
            return
        item = self._waiting_rows[key]
        if item.kind == RESUME_KIND:
            self.action_resumptions()
            return
        if item.kind not in ACK_KINDS:  # a meeting, a call-back or a request awaiting approval: the history
            self.open_history(item.case_id)
            return

        def chosen(choice: str | None) -> None:
            if choice == ACKNOWLEDGE:
                self.acknowledge(item)
            elif choice == HISTORY:
                self.open_history(item.case_id)

        self.app.push_screen(ResultScreen(item), callback=chosen)

    def open_history(self, case_id: int) -> None:
        """Read the case's history; the base screen opens it (:class:`CaseHistoryRead`)."""
        from zhihui_tui.services.workbench import case_history

        self.run_service(
            lambda ctx: case_history(case_id, ctx=ctx), action="读取全程记录", done=CaseHistoryRead, group="history"
        )

    def action_acknowledge(self) -> None:
        key = self._current("waiting")
        if key is None:
            return
        item = self._waiting_rows[key]
        if item.kind not in ACK_KINDS and item.finding_id is None:
            self.notify("约见和回电请在接待台账登记结果")
            return
        self.acknowledge(item)

    def acknowledge(self, item: WaitingItem) -> None:
        self.run_service(
            lambda ctx: acknowledge(item, ctx), action="确认已阅", done=lambda _: ResultAcknowledged(), group="ack"
        )

    def on_result_acknowledged(self, _message: ResultAcknowledged) -> None:
        self.action_reload()

    def action_record(self) -> None:
        key = self._current("desk")
        if key is None:
            self.notify("没有待办理的委托事项")
            return
        row = self._desk_rows[key]
        self.app.push_screen(RecordResultScreen(row), callback=self._recorded)

    def _recorded(self, done: bool | None) -> None:
        if done:
            self.notify("结果已登记，已反馈承办人")
            self.action_reload()

    def _approval(self) -> MatterRow | None:
        key = self._current("approvals")
        return self._approval_rows.get(key) if key else None

    def action_approve(self) -> None:
        from zhihui_tui.services.delegation import approve_urgent

        row = self._approval()
        if row is None:
            return
        self.run_service(
            lambda ctx: approve_urgent(row.id, expected_version=row.version, ctx=ctx),
            action="审批临时拘传",
            done=lambda _: UrgentApproved(),
            group="decide",
        )

    def on_urgent_approved(self, _message: UrgentApproved) -> None:
        self.notify("已批准，转线索查控组办理")
        self.action_reload()

    def action_refuse(self) -> None:
        row = self._approval()
        if row is None:
            return

        def refuse(reason: str, ctx: ServiceContext) -> None:
            from zhihui_tui.services.delegation import refuse_urgent

            refuse_urgent(row.id, reason, expected_version=row.version, ctx=ctx)

        screen = ReasonScreen(f"不予批准临时拘传 · {row.case_number}", "理由", refuse)
        self.app.push_screen(screen, callback=lambda done: self.action_reload() if done else None)
