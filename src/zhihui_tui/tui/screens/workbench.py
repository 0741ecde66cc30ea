"""承办人工作台 (F6): my cases with stage and next deadline, what is waiting on me, a case's whole history,
requesting a delegated matter (R-DEL-1, with the 15:00 notice of R-DEL-2 shown before sending), and — for the
bureau chief — urgent 拘传 requests to approve or refuse.

Also home of :class:`FormScreen`, the compact keyboard form the field-search and counter screens reuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Input, Select, Static
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
from zhihui_tui.tui.shell import shell_of

if TYPE_CHECKING:
    from zhihui_tui.services.delegation import MatterRow
    from zhihui_tui.services.workbench import CaseHistory, CaseRow, WaitingItem

PAGE = 50
ACK_KINDS = ("委托结果", "临柜结果")


def short(text: str, width: int = 24) -> str:
    """One table cell: the first line, cut to ``width`` characters."""
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= width else line[: width - 1] + "…"


class TableLoaded(Message):
    """A worker's rows for one table of a screen (``target`` names the table)."""

    def __init__(self, target: str, rows: list[Any], note: str = "") -> None:
        super().__init__()
        self.target = target
        self.rows = rows
        self.note = note


class LoadFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


# -- a compact keyboard form ------------------------------------------------------------------------------------


class FormScreen(ModalScreen[Any]):
    """A dialog of one-line fields. Enter moves to the next field, Ctrl+S sends, Esc cancels.

    Subclasses yield their fields in ``form_fields`` (use :meth:`row`) and implement ``submit`` (run in a thread
    worker; return the dismissal value or raise a service/domain error, which is shown in red under the form)."""

    TITLE = ""
    AUTO_FOCUS = ".ff-row > Input, .ff-row > Select, .ff-row > SelectionList, .ff-row > Checkbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "提交", id="form.send"),
        Binding("escape", "cancel", "取消", id="form.cancel"),
    ]
    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen .ff-box {
        width: 100%; max-width: 96; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    FormScreen .ff-title { text-style: bold; width: 100%; }
    FormScreen .ff-row { height: auto; min-height: 1; }
    FormScreen .ff-label { width: 14; height: 1; color: $text-muted; }
    FormScreen .ff-row > Input, FormScreen .ff-row > Select, FormScreen .ff-row > Checkbox { width: 1fr; }
    FormScreen .ff-row > SelectionList { border: none; height: auto; max-height: 5; padding: 0; }
    FormScreen .ff-note { color: $text-warning; height: auto; }
    FormScreen .ff-message { color: $text-error; height: auto; min-height: 1; }
    FormScreen .ff-keys { color: $text-muted; height: 1; }
    """

    class Done(Message):
        def __init__(self, value: Any) -> None:
            super().__init__()
            self.value = value

    class Failed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self) -> None:
        super().__init__()
        self._busy = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="ff-box", can_focus=False):
            yield Static(self.TITLE, classes="ff-title", markup=False)
            yield from self.form_fields()
            yield Static("", id="ff-message", classes="ff-message", markup=False)
            yield Static("Enter 下一项  Ctrl+S 提交  Esc 取消", classes="ff-keys")

    def form_fields(self) -> ComposeResult:
        yield from ()

    @staticmethod
    def row(label: str, widget: Widget) -> Horizontal:
        return Horizontal(Static(label, classes="ff-label", markup=False), widget, classes="ff-row")

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_send(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.say("正在提交…")
        self._run_submit(self.read_form())

    def read_form(self) -> Any:
        """Read the widgets on the UI thread; the result is handed to ``submit`` in the worker."""
        return None

    def submit(self, form: Any) -> Any:
        raise NotImplementedError

    @work(thread=True, exit_on_error=False, group="form")
    def _run_submit(self, form: Any) -> None:
        from zhihui_tui.domain.errors import DomainError

        try:
            value = self.submit(form)
        except DomainError as error:
            self.post_message(self.Failed(error.message))
        except Exception as error:  # an unexpected failure is shown, never a crash of the terminal
            self.post_message(self.Failed(f"提交失败：{error}"))
        else:
            self.post_message(self.Done(value))

    @on(Done)
    def _done(self, message: Done) -> None:
        self._busy = False
        self.dismiss(message.value)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._busy = False
        self.say(message.reason)

    def say(self, text: str) -> None:
        self.query_one("#ff-message", Static).update(text)

    def value(self, selector: str) -> str:
        return self.query_one(selector, Input).value


class ReasonScreen(FormScreen):
    """One line of text (a refusal reason, a note) handed to ``action``."""

    def __init__(self, title: str, label: str, action: Callable[[str], Any]) -> None:
        super().__init__()
        self.TITLE = title
        self._label = label
        self._action = action

    def form_fields(self) -> ComposeResult:
        yield self.row(self._label, Input(id="reason", compact=True, max_length=500))

    def read_form(self) -> str:
        return self.value("#reason")

    def submit(self, form: str) -> bool:
        self._action(form)
        return True


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

    def submit(self, form: MatterRequest) -> int:
        from zhihui_tui.services.delegation import request_matter

        shell = shell_of(self)
        runtime = shell.runtime
        assert shell.actor is not None
        return request_matter(runtime.engine, form, actor=shell.actor, clock=runtime.clock, calendar=runtime.calendar)


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


class WorkbenchScreen(SignedInScreen):
    SCREEN_NAME = "承办人工作台"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "request", "提请委托", id="workbench.request"),
        Binding("a", "acknowledge", "已阅", id="workbench.ack"),
        Binding("y", "approve", "批准", id="workbench.approve"),
        Binding("x", "refuse", "不批准", id="workbench.refuse"),
        Binding("tab", "app.focus_next", "切换列表", show=False),
        Binding("right_square_bracket", "next_page", "下一页", key_display="]", show=False, id="workbench.next"),
        Binding("left_square_bracket", "first_page", "首页", key_display="[", show=False, id="workbench.first"),
        Binding("r", "reload", "刷新", id="workbench.reload"),
    ]
    AUTO_FOCUS = "#cases"
    DEFAULT_CSS = """
    #wb-body { height: 1fr; padding: 0 1; }
    #wb-body .wb-title { height: 1; text-style: bold; }
    #cases { height: 1fr; }
    #waiting { height: 1fr; }
    #approvals { height: auto; max-height: 8; min-height: 3; }
    #wb-status { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._pages: list[int | None] = [None]  # keyset starts of the pages seen (for "[" back to the first)
        self._case_rows: dict[str, CaseRow] = {}
        self._waiting_rows: dict[str, WaitingItem] = {}
        self._approval_rows: dict[str, MatterRow] = {}

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="wb-body"):
            yield Static("我的案件（Enter 全程记录，N 提请委托）", classes="wb-title wb-handler")
            cases: DataTable[str] = DataTable(id="cases", cursor_type="row", zebra_stripes=True)
            cases.add_columns("案号", "阶段", "下一期限", "委托中")
            yield cases
            yield Static("待我处理（A 已阅）", classes="wb-title wb-handler")
            waiting: DataTable[str] = DataTable(id="waiting", cursor_type="row")
            waiting.add_columns("类别", "案号", "时间", "内容")
            yield waiting
            yield Static("临时拘传待审批（Y 批准，X 不予批准）", classes="wb-title", id="approvals-title")
            approvals: DataTable[str] = DataTable(id="approvals", cursor_type="row")
            approvals.add_columns("案号", "承办人", "提请时间", "要求")
            yield approvals
            yield Static("正在读取…", id="wb-status", markup=False)
        yield self.make_footer()

    @property
    def is_chief(self) -> bool:
        actor = self.shell.actor
        return actor is not None and actor.has(Role.BUREAU_CHIEF)

    @property
    def is_handler(self) -> bool:
        actor = self.shell.actor
        return actor is not None and actor.has(Role.HANDLER)

    def on_mount(self) -> None:
        for selector in ("#approvals", "#approvals-title"):
            self.query_one(selector).display = self.is_chief
        for selector in ("#cases", "#waiting", ".wb-handler"):
            for widget in self.query(selector):
                widget.display = self.is_handler
        if not self.is_handler:
            self.query_one("#approvals").focus()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "refuse"):
            return self.is_chief
        if action in ("request", "acknowledge", "next_page", "first_page"):
            return self.is_handler
        return True

    # -- loading ------------------------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load(self._pages[-1])

    def action_next_page(self) -> None:
        if len(self._case_rows) >= PAGE:
            last = min(row.id for row in self._case_rows.values())
            self._pages.append(last)
            self.load(last)

    def action_first_page(self) -> None:
        self._pages = [None]
        self.load(None)

    @work(thread=True, exit_on_error=False, exclusive=True, group="workbench")
    def load(self, after_id: int | None) -> None:
        from zhihui_tui.services.delegation import matter_queue
        from zhihui_tui.services.workbench import my_cases, waiting_on_me

        runtime, actor = self.shell.runtime, self.shell.actor
        assert actor is not None
        messages: list[Message] = []
        try:
            if actor.has(Role.HANDLER):
                today = runtime.clock.now().date()
                rows = my_cases(runtime.engine, actor=actor, after_id=after_id, limit=PAGE)
                page = len(self._pages)
                messages.append(TableLoaded("cases", rows, f"第 {page} 页，{len(rows)} 件"))
                messages.append(TableLoaded("waiting", waiting_on_me(runtime.engine, actor=actor, today=today)))
            if actor.has(Role.BUREAU_CHIEF):
                messages.append(
                    TableLoaded("approvals", matter_queue(runtime.engine, post=Role.BUREAU_CHIEF, actor=actor))
                )
        except Exception as error:
            messages = [LoadFailed(f"读取失败：{error}（按 r 重试）")]
        if not get_current_worker().is_cancelled:
            for message in messages:
                self.post_message(message)

    @on(TableLoaded)
    def show_rows(self, message: TableLoaded) -> None:
        table = self.query_one(f"#{message.target}", DataTable)
        table.clear()
        if message.target == "cases":
            self._case_rows = {}
            for row in message.rows:
                due = f"{row.next_due:%Y-%m-%d}" if row.next_due else "—"
                table.add_row(row.case_number, row.stage.label, due, str(row.open_matters or ""), key=str(row.id))
                self._case_rows[str(row.id)] = row
            self.query_one("#wb-status", Static).update(message.note or "")
        elif message.target == "waiting":
            self._waiting_rows = {}
            for i, item in enumerate(message.rows):
                when = f"{item.at:%m-%d %H:%M}"
                table.add_row(Text(item.kind, style="bold"), item.case_number, when, short(item.text, 40), key=str(i))
                self._waiting_rows[str(i)] = item
        else:
            self._approval_rows = {}
            for row in message.rows:
                table.add_row(
                    row.case_number,
                    row.requested_by,
                    f"{row.requested_at:%m-%d %H:%M}",
                    short(row.requirements),
                    key=str(row.id),
                )
                self._approval_rows[str(row.id)] = row
            if not self.is_handler:
                self.query_one("#wb-status", Static).update(f"待审批 {len(message.rows)} 件")

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

    @on(DataTable.RowSelected, "#cases, #waiting")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a case (or on an item waiting on me) opens the case's whole history."""
        event.stop()
        self.action_history(event.data_table.id or "cases")

    def action_history(self, table_id: str = "cases") -> None:
        key = self._current(table_id)
        if key is None:
            return
        case_id = self._waiting_rows[key].case_id if table_id == "waiting" else self._case_rows[key].id
        self.open_history(case_id)

    @work(thread=True, exit_on_error=False, group="history")
    def open_history(self, case_id: int) -> None:
        from zhihui_tui.services.workbench import case_history

        runtime, actor = self.shell.runtime, self.shell.actor
        assert actor is not None
        try:
            history = case_history(runtime.engine, case_id, actor=actor)
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

        runtime, actor = self.shell.runtime, self.shell.actor
        assert actor is not None
        try:
            if item.matter_id is not None:
                acknowledge_result(runtime.engine, item.matter_id, actor=actor, clock=runtime.clock)
            elif item.task_id is not None:
                acknowledge_task(runtime.engine, item.task_id, actor=actor, clock=runtime.clock)
        except Exception as error:
            self.post_message(LoadFailed(f"操作失败：{error}"))
            return
        self.app.call_from_thread(self.action_reload)

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

        def refuse(reason: str) -> None:
            from zhihui_tui.services.delegation import refuse_urgent

            runtime, actor = self.shell.runtime, self.shell.actor
            assert actor is not None
            refuse_urgent(runtime.engine, row.id, reason, actor=actor, clock=runtime.clock)

        screen = ReasonScreen(f"不予批准临时拘传 · {row.case_number}", "理由", refuse)
        self.app.push_screen(screen, callback=lambda done: self.action_reload() if done else None)

    @work(thread=True, exit_on_error=False, group="decide")
    def decide(self, matter_id: int, *, approve: bool, note: str) -> None:
        from zhihui_tui.services.delegation import approve_urgent

        runtime, actor = self.shell.runtime, self.shell.actor
        assert actor is not None
        try:
            approve_urgent(runtime.engine, matter_id, note, actor=actor, clock=runtime.clock)
        except Exception as error:
            self.post_message(LoadFailed(f"审批失败：{error}"))
            return
        self.app.call_from_thread(self.notify, "已批准，转线索查控组办理")
        self.app.call_from_thread(self.action_reload)
