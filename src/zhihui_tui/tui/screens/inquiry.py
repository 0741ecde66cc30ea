"""F4 网络查控 (R-NET-1, R-NET-2): the post's queue (or today's pending nodes), and per case the result feedback
table (查控结果反馈信息表) with rows added, edited and removed by keyboard, then submitted to triage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, Input, Label, Select, Static

from zhihui_tui.domain.money import fen_to_yuan_str, format_yuan
from zhihui_tui.domain.steps import DeadlineState
from zhihui_tui.tui.screens.base import SignedInScreen
from zhihui_tui.tui.screens.confirm import ConfirmScreen
from zhihui_tui.tui.screens.forms import short
from zhihui_tui.tui.widgets.keybar import KeyBar
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.inquiry import FeedbackTable, FindingInput, FindingRow, QueueRow

QUEUE_COLUMNS = ("期限", "案号", "被执行人", "执行标的", "截止日", "进度")
FINDING_COLUMNS = ("被执行人", "类型", "机构", "金额", "数量", "冻结", "备注")
EMPTY_QUEUE = "没有待查控的案件。"
EMPTY_TODAY = "今日待办已清零。"
EMPTY_TABLE = "尚未录入查控结果：按 a 添加一行；未查到财产也可直接按 s 提交。"
EMPTY_TABLE_READ_ONLY = "尚未录入查控结果。"
STATE_STYLES = {
    DeadlineState.OVERDUE: "bold red",
    DeadlineState.DUE_TODAY: "bold yellow",
    DeadlineState.DUE_SOON: "yellow",
    DeadlineState.OPEN: "",
}
ASSET_CHOICES = ("存款", "网络资金", "车辆", "不动产", "证券", "股权", "其他")

CSS = """
#inquiry-body, #feedback-body { height: 1fr; padding: 0 1; }
.post-bar { height: 1; margin-top: 1; }
.post-title { width: auto; text-style: bold; margin-right: 2; }
.post-summary { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
#inquiry-queue, #findings { height: 1fr; }
.post-empty { height: 1fr; content-align: center middle; color: $text-muted; display: none; }
.post-status { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
FindingForm, FlagsForm { align: center middle; }
/* The entry dialogs fit 80×24: a line per field, labels wide enough for five 2-column characters, compact widgets
   on a contrasting background. On a shorter terminal the fields scroll (the focused one kept in view) while the
   title, the error line and the key hints stay docked. Class names of their own: app.tcss's .dialog and
   .field-label (3 rows, 8 cells) would win over this DEFAULT_CSS. */
.entry-dialog {
    width: 100%; max-width: 72; height: auto; max-height: 100%;
    border: thick $primary; background: $surface; padding: 0 1; scrollbar-size-vertical: 1;
}
.entry-title { dock: top; height: 1; margin-bottom: 1; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
.entry-foot { dock: bottom; height: auto; margin-top: 1; }
.entry-keys { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
.entry-row { height: 1; }
.entry-label { width: 12; height: 1; text-wrap: nowrap; color: $text-muted; }
.entry-dialog Input, .entry-dialog Select, .entry-dialog Checkbox { width: 1fr; }
.entry-dialog Input, .entry-dialog SelectCurrent { background: $panel; }
.entry-dialog Input:focus, .entry-dialog Select:focus > SelectCurrent { background: $primary-muted; }
#finding-error { color: $text-error; height: auto; min-height: 1; }
"""


RESPONDENTS_WIDTH = 16  # characters (up to 32 cells) of the 被执行人 cell


def state_text(row: QueueRow) -> Text:
    if row.state is None:
        return Text("—")
    return Text(row.state.label, style=STATE_STYLES[row.state])


def progress_text(row: QueueRow) -> str:
    if not row.started:
        return "未启动"
    return f"已启动 {row.findings} 条"


def queue_cells(row: QueueRow) -> tuple[Text | str, ...]:
    # A long organisation name would push 截止 and 进度 off a 120-column screen: cut, the full names show on Enter.
    due = f"{row.due:%Y-%m-%d}" if row.due else ""
    respondents = short(row.respondents, RESPONDENTS_WIDTH)
    return (state_text(row), row.case_number, respondents, format_yuan(row.target_fen), due, progress_text(row))


def amount_text(fen: int | None) -> str:
    return "" if fen is None else format_yuan(fen)


def finding_cells(row: FindingRow) -> tuple[str, ...]:
    return (
        row.respondent,
        row.asset_type.label,
        row.institution,
        amount_text(row.amount_fen),
        "" if row.quantity is None else str(row.quantity),
        "是" if row.frozen else "否",
        row.note or "",
    )


class InquiryScreen(SignedInScreen):
    """The queue of 已送达 cases with the 2-day deadline to start the inquiry; ``t`` shows today's pending only."""

    SCREEN_NAME = "网络查控"
    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_case", "查控结果表", id="inquiry.open"),
        Binding("t", "toggle_today", "今日待办/全部", id="inquiry.today"),
        Binding("r", "reload", "刷新", id="inquiry.reload"),
    ]
    AUTO_FOCUS = "#inquiry-queue"

    class QueueLoaded(Message):
        def __init__(self, rows: list[QueueRow]) -> None:
            super().__init__()
            self.rows = rows

    class Failed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(self) -> None:
        super().__init__()
        self.today_only = False
        self.rows: list[QueueRow] = []

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="inquiry-body"):
            with Horizontal(classes="post-bar"):
                yield Static("待查控队列", id="inquiry-title", classes="post-title")
                yield Static("正在读取…", id="inquiry-summary", classes="post-summary", markup=False)
            table: DataTable[Text | str] = DataTable(id="inquiry-queue", cursor_type="row", zebra_stripes=True)
            table.add_columns(*QUEUE_COLUMNS)
            yield table
            yield Static(EMPTY_QUEUE, id="inquiry-empty", classes="post-empty")
        yield self.make_footer()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one("#inquiry-summary", Static).update("正在读取…")
        self.load_queue()

    def action_toggle_today(self) -> None:
        self.today_only = not self.today_only
        self.query_one("#inquiry-title", Static).update("今日待办（每日清零）" if self.today_only else "待查控队列")
        self.action_reload()

    @work(thread=True, exit_on_error=False, exclusive=True, group="inquiry-queue")
    def load_queue(self) -> None:
        from zhihui_tui.services.inquiry import inquiry_queue, today_pending

        read = today_pending if self.today_only else inquiry_queue
        try:
            rows = read(ctx=self.shell.service_context())
        except Exception as error:  # shown on screen; r retries
            self.post_message(self.Failed(f"读取失败：{error}（按 r 重试）"))
        else:
            self.post_message(self.QueueLoaded(rows))

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

    @on(Failed)
    def show_failure(self, message: Failed) -> None:
        self.query_one("#inquiry-summary", Static).update(message.reason)

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
        self.app.push_screen(FeedbackScreen(case_id), callback=lambda _: self.action_reload())


@dataclass(frozen=True)
class FormResult:
    row: FindingInput


class FeedbackScreen(Screen[None]):
    """查控结果反馈信息表 of one case: a row per asset found; ``s`` submits it to triage."""

    SCREEN_NAME = "查控结果反馈信息表"
    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "添加", id="feedback.add"),
        Binding("e", "edit", "修改", id="feedback.edit"),
        Binding("x,delete", "remove", "删除", id="feedback.remove"),
        Binding("f", "flags", "分流事实", id="feedback.flags"),
        Binding("s", "submit", "提交分流", id="feedback.submit"),
        Binding("escape", "back", "返回", id="feedback.back"),
        # For those who may only read (the director): the keys above are hidden and these say why instead.
        Binding("a", "read_only('录入查控结果')", show=False),
        Binding("e", "read_only('修改查控结果')", show=False),
        Binding("x,delete", "read_only('删除查控结果')", show=False),
        Binding("s", "read_only('提交查控结果反馈信息表')", show=False),
    ]
    AUTO_FOCUS = "#findings"
    RECORD_ACTIONS: ClassVar[frozenset[str]] = frozenset({"add", "edit", "remove", "submit"})

    class TableLoaded(Message):
        def __init__(self, table: FeedbackTable) -> None:
            super().__init__()
            self.table = table

    class Done(Message):
        def __init__(self, text: str, *, error: bool = False, leave: bool = False) -> None:
            super().__init__()
            self.text = text
            self.error = error
            self.leave = leave

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.table: FeedbackTable | None = None
        self.may_record = False  # set on mount from the signed-in person's posts
        self.may_flag = False

    def compose(self) -> ComposeResult:
        from zhihui_tui.tui.shell import shell_of
        from zhihui_tui.tui.widgets.header import CourtHeader

        shell = shell_of(self)
        yield CourtHeader(court_name=shell.runtime.court.court_name, clock=shell.runtime.clock, actor=shell.actor)
        with Vertical(id="feedback-body"):
            with Horizontal(classes="post-bar"):
                yield Static("查控结果反馈信息表", classes="post-title")
                yield Static("正在读取…", id="feedback-summary", classes="post-summary", markup=False)
            table: DataTable[str] = DataTable(id="findings", cursor_type="row", zebra_stripes=True)
            table.add_columns(*FINDING_COLUMNS)
            yield table
            yield Static(EMPTY_TABLE, id="findings-empty", classes="post-empty")
            yield Static("", id="feedback-status", classes="post-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        from zhihui_tui.services.inquiry import FLAG_ROLES, INQUIRY_ROLES

        actor = self._shell().actor
        self.may_record = actor is not None and actor.has(*INQUIRY_ROLES)
        self.may_flag = actor is not None and actor.has(*FLAG_ROLES)
        self.refresh_bindings()
        if not self.may_record:
            note = f"只读：录入、修改、删除和提交查控结果需要{_inquiry_posts()}的权限"
            self.query_one("#feedback-status", Static).update(note + ("；f 标注分流事实" if self.may_flag else ""))
            self.query_one("#findings-empty", Static).update(EMPTY_TABLE_READ_ONLY)
        self.load_table()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the inquiry post records findings: hide a/e/x/s from others (the services refuse them anyway)."""
        if action in self.RECORD_ACTIONS:
            return self.may_record
        if action == "read_only":
            return not self.may_record
        if action == "flags":
            return self.may_flag
        return True

    def action_read_only(self, what: str) -> None:
        self.app.notify(self._read_only_reason(what), severity="warning")

    def _read_only_reason(self, what: str) -> str:
        """The wording of the service's own refusal (require_role), given at the key instead of after the form."""
        actor = self._shell().actor
        who = f"{actor.name}（{actor.login}）" if actor is not None else ""
        return f"{who}无权{what}：需要{_inquiry_posts()}的权限"

    @work(thread=True, exit_on_error=False, exclusive=True, group="feedback-read")
    def load_table(self) -> None:
        from zhihui_tui.services.inquiry import feedback_table

        shell = self._shell()
        assert shell.actor is not None
        try:
            table = feedback_table(self.case_id, ctx=shell.service_context())
        except Exception as error:
            self.post_message(self.Done(f"读取失败：{error}", error=True))
        else:
            self.post_message(self.TableLoaded(table))

    def _shell(self):  # type: ignore[no-untyped-def]
        from zhihui_tui.tui.shell import shell_of

        return shell_of(self)

    @on(TableLoaded)
    def show_table(self, message: TableLoaded) -> None:
        self.table = message.table
        grid = self.query_one("#findings", DataTable)
        row_before = grid.cursor_row
        grid.clear()
        for finding in message.table.findings:
            grid.add_row(*finding_cells(finding), key=str(finding.id))
        empty = not message.table.findings
        grid.display = not empty
        self.query_one("#findings-empty", Static).display = empty
        if grid.row_count:
            grid.move_cursor(row=min(row_before, grid.row_count - 1))
        names = "、".join(r.name for r in message.table.respondents)
        state = ("可编辑" if self.may_record else "只读") if message.table.editable else "已提交"
        summary = f"{message.table.case_number} · 标的 {format_yuan(message.table.target_fen)} · {names} · {state}"
        if message.table.flags:
            summary += " · " + "、".join(label for f, label in flag_labels().items() if f in message.table.flags)
        self.query_one("#feedback-summary", Static).update(summary)

    @on(Done)
    def show_done(self, message: Done) -> None:
        self.query_one("#feedback-status", Static).update(message.text)
        if message.error:
            self.app.notify(message.text, severity="error")
        if message.leave:
            self.dismiss(None)
        else:
            self.load_table()

    def _current(self) -> FindingRow | None:
        grid = self.query_one("#findings", DataTable)
        if self.table is None or not grid.row_count or not self.table.findings:
            return None
        key = grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key
        return next((f for f in self.table.findings if str(f.id) == key.value), None)

    def _editable(self) -> bool:
        if self.table is None:
            return False
        if not self.table.editable:
            self.app.notify("查控结果反馈信息表已提交，不能再修改", severity="warning")
            return False
        return True

    def action_add(self) -> None:
        if self._editable():
            assert self.table is not None
            current = self._current()
            self.app.push_screen(FindingForm(self.table, None, current), callback=self._form_saved)

    def action_edit(self) -> None:
        current = self._current()
        if self._editable() and current is not None:
            assert self.table is not None
            self.app.push_screen(FindingForm(self.table, current, None), callback=self._form_saved)

    def _form_saved(self, result: tuple[FindingRow | None, FindingInput] | None) -> None:
        if result is not None:
            editing, row = result
            self.write_finding(editing, row)

    @work(thread=True, exit_on_error=False, group="feedback-write")
    def write_finding(self, editing: FindingRow | None, row: FindingInput) -> None:
        from zhihui_tui.services.inquiry import add_finding, update_finding

        shell = self._shell()
        ctx = shell.service_context()
        try:
            if editing is None:
                add_finding(self.case_id, row, ctx=ctx)
                text = "已添加一行"
            else:
                update_finding(editing.id, row, expected_version=editing.version, ctx=ctx)
                text = "已修改"
        except Exception as error:
            self.post_message(self.Done(_reason(error), error=True))
        else:
            self.post_message(self.Done(text))

    def action_remove(self) -> None:
        current = self._current()
        if self._editable() and current is not None:
            question = f"删除这一行（{current.respondent} {current.asset_type.label} {current.institution}）吗？"
            self.app.push_screen(ConfirmScreen(question), callback=lambda yes: yes and self.remove_finding(current))

    @work(thread=True, exit_on_error=False, group="feedback-write")
    def remove_finding(self, finding: FindingRow) -> None:
        from zhihui_tui.services.inquiry import remove_finding

        shell = self._shell()
        try:
            remove_finding(finding.id, expected_version=finding.version, ctx=shell.service_context())
        except Exception as error:
            self.post_message(self.Done(_reason(error), error=True))
        else:
            self.post_message(self.Done("已删除"))

    def action_flags(self) -> None:
        if self._editable():
            assert self.table is not None
            self.app.push_screen(FlagsForm(self.table.flags), callback=self._flags_chosen)

    def _flags_chosen(self, flags: frozenset[str] | None) -> None:
        if flags is not None:
            self.save_flags(flags)

    @work(thread=True, exit_on_error=False, group="feedback-write")
    def save_flags(self, flags: frozenset[str]) -> None:
        from zhihui_tui.services.inquiry import set_triage_flags

        shell = self._shell()
        assert self.table is not None
        version = self.table.flags_version  # the flags as this screen read them: a newer save is not overwritten
        try:
            set_triage_flags(self.case_id, flags, expected_version=version, ctx=shell.service_context())
        except Exception as error:
            self.post_message(self.Done(_reason(error), error=True))
        else:
            self.post_message(self.Done("分流事实已保存"))

    def action_submit(self) -> None:
        if self._editable():
            assert self.table is not None
            count = len(self.table.findings)
            question = f"提交查控结果反馈信息表（{count} 条）并移送繁简分流吗？提交后不能再修改。"
            self.app.push_screen(ConfirmScreen(question), callback=lambda yes: yes and self.submit())

    @work(thread=True, exit_on_error=False, group="feedback-write")
    def submit(self) -> None:
        from zhihui_tui.services.inquiry import submit_feedback

        shell = self._shell()
        try:
            submit_feedback(self.case_id, ctx=shell.service_context())
        except Exception as error:
            self.post_message(self.Done(_reason(error), error=True))
        else:
            self.app.call_from_thread(self.app.notify, "已提交，案件进入繁简分流（主任 2 日内分流）")
            self.post_message(self.Done("已提交", leave=True))

    def action_back(self) -> None:
        self.dismiss(None)


def _inquiry_posts() -> str:
    from zhihui_tui.services.inquiry import INQUIRY_ROLES

    return "、".join(role.label for role in INQUIRY_ROLES)


def _reason(error: Exception) -> str:
    from zhihui_tui.domain.errors import DomainError

    return error.message if isinstance(error, DomainError) else f"保存失败：{error}"


class EntryScroll(VerticalScroll, can_focus=False):
    """The body of an entry dialog: Tab moves through its fields, never onto the body itself.

    Textual only scrolls a newly focused widget into view when it is outside the container, but a field under the
    docked error line and key hints counts as inside; so the body scrolls to every field that gets focus.
    """

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.scroll_to_widget(event.widget, animate=False)


class FindingForm(ModalScreen["tuple[FindingRow | None, FindingInput] | None"]):
    """One row of the table. Ctrl+S saves (checked at the field first), Esc cancels."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="finding.save"),
        Binding("escape", "cancel", "取消", id="finding.cancel"),
    ]

    def __init__(self, table: FeedbackTable, editing: FindingRow | None, near: FindingRow | None) -> None:
        super().__init__()
        self.table = table
        self.editing = editing
        self.near = near

    def compose(self) -> ComposeResult:
        source = self.editing
        party = source.party_id if source else (self.near.party_id if self.near else self.table.respondents[0].party_id)
        kind = source.asset_type.label if source else "存款"
        with EntryScroll(id="finding-form", classes="entry-dialog"):
            yield Static("修改查控结果" if source else "添加查控结果", classes="entry-title")
            with Vertical(classes="entry-foot"):
                yield Static("", id="finding-error", markup=False)
                yield Static("Ctrl+S 保存  Esc 取消  Tab 下一项  Space 勾选", classes="entry-keys")
            yield from self._row(
                "被执行人",
                Select(
                    [(r.name, r.party_id) for r in self.table.respondents],
                    value=party,
                    allow_blank=False,
                    compact=True,
                    id="f-party",
                ),
            )
            choices = [(c, c) for c in ASSET_CHOICES]
            yield from self._row("财产类型", Select(choices, value=kind, allow_blank=False, compact=True, id="f-type"))
            yield from self._row("机构", Input(source.institution if source else "", compact=True, id="f-institution"))
            amount = "" if source is None or source.amount_fen is None else fen_to_yuan_str(source.amount_fen)
            yield from self._row("金额（元）", Input(amount, compact=True, id="f-amount"))
            quantity = "" if source is None or source.quantity is None else str(source.quantity)
            yield from self._row("数量", Input(quantity, compact=True, id="f-quantity"))
            frozen = source.frozen if source else False
            yield from self._row("冻结", Checkbox("已冻结/查封", frozen, compact=True, id="f-frozen"))
            yield from self._row("备注", Input(source.note or "" if source else "", compact=True, id="f-note"))

    @staticmethod
    def _row(label: str, widget: Select | Input | Checkbox) -> ComposeResult:  # type: ignore[type-arg]
        with Horizontal(classes="entry-row"):
            yield Label(label, classes="entry-label")
            yield widget

    def on_mount(self) -> None:
        self.query_one("#f-institution", Input).focus()

    def _input(self) -> FindingInput:
        from zhihui_tui.services.inquiry import FindingInput

        party = self.query_one("#f-party", Select).value
        return FindingInput(
            party_id=int(party),  # type: ignore[call-overload]
            asset_type=str(self.query_one("#f-type", Select).value),
            institution=self.query_one("#f-institution", Input).value,
            amount=self.query_one("#f-amount", Input).value,
            quantity=self.query_one("#f-quantity", Input).value,
            frozen=self.query_one("#f-frozen", Checkbox).value,
            note=self.query_one("#f-note", Input).value,
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        from zhihui_tui.domain.errors import FieldError
        from zhihui_tui.services.inquiry import validate_finding

        row = self._input()
        try:
            validate_finding(row)
        except FieldError as error:
            self.query_one("#finding-error", Static).update(error.message)
            target = FIELD_WIDGETS.get(error.field)
            if target:
                self.query_one(target).focus()
            return
        self.dismiss((self.editing, row))

    def action_cancel(self) -> None:
        self.dismiss(None)


FIELD_WIDGETS = {
    "被执行人": "#f-party",
    "财产类型": "#f-type",
    "机构": "#f-institution",
    "金额": "#f-amount",
    "数量": "#f-quantity",
    "备注": "#f-note",
}


def flag_labels() -> dict[str, str]:
    from zhihui_tui.services.inquiry import FLAG_LABELS

    return FLAG_LABELS


class FlagsForm(ModalScreen["frozenset[str] | None"]):
    """The facts of R-TRI-2 no table holds (major, coercive measures, …): Space ticks, Ctrl+S saves."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="flags.save"),
        Binding("escape", "cancel", "取消", id="flags.cancel"),
    ]

    def __init__(self, flags: frozenset[str]) -> None:
        super().__init__()
        self.flags = flags

    def compose(self) -> ComposeResult:
        with EntryScroll(id="flags-form", classes="entry-dialog"):
            yield Static("分流事实（供繁简分流建议参考）", classes="entry-title")
            with Vertical(classes="entry-foot"):
                yield Static("Space 勾选  Tab 下一项  Ctrl+S 保存  Esc 取消", classes="entry-keys")
            for name, label in flag_labels().items():
                yield Checkbox(label, name in self.flags, compact=True, id=f"flag-{name}")

    def action_save(self) -> None:
        self.dismiss(frozenset(name for name in flag_labels() if self.query_one(f"#flag-{name}", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
