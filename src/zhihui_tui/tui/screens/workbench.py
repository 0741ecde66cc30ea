"""承办人工作台 (F6), the desk of delegated matters (事项委托, R-DEL-1..2):

- the handler: my cases with stage and next deadline, what is waiting on me (Enter reads a result whole with its
  files), a case's whole history, requesting a delegated matter with the 15:00 notice shown before sending;
- the bureau chief: urgent 拘传 requests to approve or refuse;
- 集约送达组 (送达、公告) and the director (其他): the matters whose result they record here, which goes straight
  back to the requesting handler. These posts have no function key of their own yet, and F6 is where the rest of a
  matter's round trip already lives; each audience sees only its own lists.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Select, Static
from textual.worker import get_current_worker

from zhihui_tui.domain.field_work import (
    INSTITUTION_LABELS,
    MATTER_KIND_LABELS,
    Institution,
    MatterKind,
    MatterRequest,
    request_timing,
)
from zhihui_tui.domain.roles import Role
from zhihui_tui.tui.screens.base import SignedInScreen
from zhihui_tui.tui.screens.forms import PAGE, FormScreen, LoadFailed, ReasonScreen, TableLoaded, short
from zhihui_tui.tui.screens.paging import KeysetPaging, paging_bindings
from zhihui_tui.tui.screens.results import ACKNOWLEDGE, HISTORY, RecordResultScreen, ResultScreen
from zhihui_tui.tui.shell import shell_of
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.delegation import MatterRow
    from zhihui_tui.services.workbench import CaseHistory, CaseRow, WaitingItem

ACK_KINDS = ("委托结果", "临柜结果")


# -- requesting a delegated matter ---------------------------------------------------------------------------------


class RequestMatterScreen(FormScreen):
    """提请委托事项 for one case. The 15:00 notice (R-DEL-2) is on the form before anything is sent."""

    def __init__(self, case_id: int, case_number: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.TITLE = f"提请委托事项 · {case_number}"

    def form_fields(self) -> ComposeResult:
        kinds = [(label, kind) for kind, label in MATTER_KIND_LABELS.items()]
        places = [(label, institution) for institution, label in INSTITUTION_LABELS.items()]
        yield self.row("事项类别", Select(kinds, id="kind", compact=True, prompt="请选择（Enter 展开）"))
        yield self.row("具体要求", Input(id="requirements", compact=True, max_length=2000))
        yield self.row("办理期限", Input(id="deadline", compact=True, placeholder="YYYY-MM-DD", max_length=12))
        yield self.row("临时拘传", Checkbox("报局长审批（仅拘传）", id="urgent", compact=True))
        yield self.row("协执单位", Select(places, id="institution", compact=True, prompt="临柜事项必选"))
        yield self.row("单位名称", Input(id="institution-name", compact=True, max_length=100))
        yield Static("", id="timing", classes="ff-note", markup=False)

    def on_mount(self) -> None:
        self.show_timing()

    @on(Checkbox.Changed, "#urgent")
    def show_timing(self) -> None:
        runtime = shell_of(self).runtime
        urgent = self.query_one("#urgent", Checkbox).value
        try:
            timing = request_timing(runtime.clock.now(), runtime.calendar, urgent=urgent)
            text = timing.message
        except Exception as error:  # a missing calendar year is shown, not raised
            text = str(error)
        self.query_one("#timing", Static).update(text)

    def read_form(self) -> MatterRequest:
        kind = self.query_one("#kind", Select).value
        institution = self.query_one("#institution", Select).value
        return MatterRequest(
            case_id=self.case_id,
            kind=kind if isinstance(kind, MatterKind) else None,
            requirements=self.value("#requirements"),
            deadline=self.value("#deadline"),
            urgent=self.query_one("#urgent", Checkbox).value,
            institution=institution if isinstance(institution, Institution) else None,
            institution_name=self.value("#institution-name"),
        )

    def submit(self, form: MatterRequest, ctx: ServiceContext) -> int:
        from zhihui_tui.services.delegation import request_matter

        return request_matter(form, ctx=ctx)


# -- a case's history ------------------------------------------------------------------------------------------


class CaseHistoryScreen(ModalScreen[None]):
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


# -- the workbench ------------------------------------------------------------------------------------------------

DESK_ROLES = (Role.SERVICE, Role.DIRECTOR)  # delegation.RESULT_POSTS: they record results on the desk list


class WorkbenchScreen(KeysetPaging, SignedInScreen):
    SCREEN_NAME = "承办人工作台"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "request", "提请委托", id="workbench.request"),
        Binding("a", "acknowledge", "已阅", id="workbench.ack"),
        Binding("e", "record", "登记结果", id="workbench.record"),
        Binding("y", "approve", "批准", id="workbench.approve"),
        Binding("x", "refuse", "不批准", id="workbench.refuse"),
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
            yield Static("我的案件（Enter 全程记录，N 提请委托）", classes="wb-title wb-handler")
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

    def _actor_has(self, *roles: Role) -> bool:
        actor = self.shell.actor
        return actor is not None and actor.has(*roles)

    @property
    def is_chief(self) -> bool:
        return self._actor_has(Role.BUREAU_CHIEF)

    @property
    def is_handler(self) -> bool:
        return self._actor_has(Role.HANDLER)

    @property
    def is_desk(self) -> bool:
        return self._actor_has(*DESK_ROLES)

    def on_mount(self) -> None:
        shown = {".wb-handler": self.is_handler, ".wb-desk": self.is_desk, "#approvals-title": self.is_chief}
        shown |= {"#cases": self.is_handler, "#waiting": self.is_handler, "#desk": self.is_desk}
        shown["#approvals"] = self.is_chief
        for selector, visible in shown.items():
            for widget in self.query(selector):
                widget.display = visible
        if not self.is_handler:
            self.query_one("#desk" if self.is_desk else "#approvals").focus()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "refuse"):
            return self.is_chief
        if action == "record":
            return self.is_desk
        if action in ("request", "acknowledge", "next_page", "first_page"):
            return self.is_handler
        return True

    # -- loading ------------------------------------------------------------------------------------------------

    def page_end(self) -> int | None:
        """Cases come newest first, so the next page starts below the lowest id shown."""
        return min(row.id for row in self._case_rows.values()) if len(self._case_rows) >= PAGE else None

    @work(thread=True, exit_on_error=False, exclusive=True, group="workbench")
    def load(self, after_id: int | None) -> None:
        from zhihui_tui.services.delegation import matter_queue, result_queue
        from zhihui_tui.services.workbench import my_cases, waiting_on_me

        actor = self.shell.actor
        assert actor is not None
        ctx = self.shell.service_context()
        messages: list[Message] = []
        try:
            if actor.has(Role.HANDLER):
                rows = my_cases(after_id=after_id, limit=PAGE, ctx=ctx)
                messages.append(TableLoaded("cases", rows, f"第 {self.page_number} 页，{len(rows)} 件"))
                messages.append(TableLoaded("waiting", waiting_on_me(ctx=ctx)))
            if actor.has(*DESK_ROLES):
                rows = result_queue(limit=PAGE, ctx=ctx)
                more = "（先列最早的 50 件）" if len(rows) >= PAGE else ""
                messages.append(TableLoaded("desk", rows, f"委托事项待办理 {len(rows)} 件{more}"))
            if actor.has(Role.BUREAU_CHIEF):
                rows = matter_queue(post=Role.BUREAU_CHIEF, ctx=ctx)
                messages.append(TableLoaded("approvals", rows, f"待审批 {len(rows)} 件"))
        except Exception as error:
            messages = [LoadFailed(f"读取失败：{error}（按 r 重试）")]
        if not get_current_worker().is_cancelled:
            for message in messages:
                self.post_message(message)

    @on(TableLoaded)
    def show_rows(self, message: TableLoaded) -> None:
        fill = {"cases": self._case_cells, "waiting": self._waiting_cells, "desk": self._desk_cells}
        rows = fill.get(message.target, self._approval_cells)(message.rows)
        self.query_one(f"#{message.target}", DataTable).replace_rows(rows)
        if message.note:
            self._notes[message.target] = message.note
        status = "；".join(self._notes[key] for key in ("cases", "desk", "approvals") if key in self._notes)
        self.query_one("#wb-status", Static).update(status)

    def _case_cells(self, rows: list[CaseRow]) -> list[tuple[str, tuple[str, ...]]]:
        self._case_rows = {str(row.id): row for row in rows}
        return [(key, case_cells(row)) for key, row in self._case_rows.items()]

    def _waiting_cells(self, items: list[WaitingItem]) -> list[tuple[str, tuple[Text | str, ...]]]:
        self._waiting_rows = {str(i): item for i, item in enumerate(items)}
        return [(key, waiting_cells(item)) for key, item in self._waiting_rows.items()]

    def _desk_cells(self, rows: list[MatterRow]) -> list[tuple[str, tuple[Text | str, ...]]]:
        self._desk_rows = {str(row.id): row for row in rows}
        today = self.shell.runtime.clock.now().date()
        return [(key, desk_cells(row, today)) for key, row in self._desk_rows.items()]

    def _approval_cells(self, rows: list[MatterRow]) -> list[tuple[str, tuple[str, ...]]]:
        self._approval_rows = {str(row.id): row for row in rows}
        return [(key, approval_cells(row)) for key, row in self._approval_rows.items()]

    @on(LoadFailed)
    def show_failure(self, message: LoadFailed) -> None:
        self.query_one("#wb-status", Static).update(message.reason)

    # -- actions ----------------------------------------------------------------------------------------------

    def _current(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

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
            self.action_history()

    def action_history(self, table_id: str = "cases") -> None:
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
        if item.kind not in ACK_KINDS:  # a meeting, a call-back or a request awaiting approval: the history
            self.open_history(item.case_id)
            return

        def chosen(choice: str | None) -> None:
            if choice == ACKNOWLEDGE:
                self.acknowledge(item)
            elif choice == HISTORY:
                self.open_history(item.case_id)

        self.app.push_screen(ResultScreen(item), callback=chosen)

    @work(thread=True, exit_on_error=False, group="history")
    def open_history(self, case_id: int) -> None:
        from zhihui_tui.services.workbench import case_history

        ctx = self.shell.service_context()
        try:
            history = case_history(case_id, ctx=ctx)
        except Exception as error:
            self.post_message(LoadFailed(f"全程记录读取失败：{error}"))
            return
        self.app.call_from_thread(self.app.push_screen, CaseHistoryScreen(history))

    def action_acknowledge(self) -> None:
        key = self._current("waiting")
        if key is None:
            return
        item = self._waiting_rows[key]
        if item.kind not in ACK_KINDS:
            self.notify("约见和回电请在接待台账登记结果")
            return
        self.acknowledge(item)

    @work(thread=True, exit_on_error=False, group="ack")
    def acknowledge(self, item: WaitingItem) -> None:
        from zhihui_tui.services.counter import acknowledge_task
        from zhihui_tui.services.delegation import acknowledge_result

        ctx = self.shell.service_context()
        try:
            if item.matter_id is not None:
                acknowledge_result(item.matter_id, ctx=ctx)
            elif item.task_id is not None:
                acknowledge_task(item.task_id, ctx=ctx)
        except Exception as error:
            self.post_message(LoadFailed(f"操作失败：{error}"))
            return
        self.app.call_from_thread(self.action_reload)

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
        row = self._approval()
        if row is not None:
            self.decide(row.id, approve=True, note="")

    def action_refuse(self) -> None:
        row = self._approval()
        if row is None:
            return

        def refuse(reason: str, ctx: ServiceContext) -> None:
            from zhihui_tui.services.delegation import refuse_urgent

            refuse_urgent(row.id, reason, ctx=ctx)

        screen = ReasonScreen(f"不予批准临时拘传 · {row.case_number}", "理由", refuse)
        self.app.push_screen(screen, callback=lambda done: self.action_reload() if done else None)

    @work(thread=True, exit_on_error=False, group="decide")
    def decide(self, matter_id: int, *, approve: bool, note: str) -> None:
        from zhihui_tui.services.delegation import approve_urgent

        ctx = self.shell.service_context()
        try:
            approve_urgent(matter_id, note, ctx=ctx)
        except Exception as error:
            self.post_message(LoadFailed(f"审批失败：{error}"))
            return
        self.app.call_from_thread(self.notify, "已批准，转线索查控组办理")
        self.app.call_from_thread(self.action_reload)


def case_cells(row: CaseRow) -> tuple[str, ...]:
    due = f"{row.next_due:%Y-%m-%d}" if row.next_due else "—"
    return (row.case_number, row.stage.label, due, str(row.open_matters or ""))


def waiting_cells(item: WaitingItem) -> tuple[Text | str, ...]:
    return (Text(item.kind, style="bold"), item.case_number, f"{item.at:%m-%d %H:%M}", short(item.text, 40))


def desk_cells(row: MatterRow, today: date) -> tuple[Text | str, ...]:
    return (row.case_number, row.kind.label, row.requested_by, due_cell(row.deadline, today), short(row.requirements))


def approval_cells(row: MatterRow) -> tuple[str, ...]:
    return (row.case_number, row.requested_by, f"{row.requested_at:%m-%d %H:%M}", short(row.requirements))


def due_cell(deadline: date, today: date) -> Text:
    """The handler's date; past it, in red with the days overdue."""
    if deadline < today:
        return Text(f"{deadline:%m-%d} 超{(today - deadline).days}天", style="bold red")
    return Text(f"{deadline:%m-%d}")
