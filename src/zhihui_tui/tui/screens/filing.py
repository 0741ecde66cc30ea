"""立案审查 (F3, R-FIL-1..3): the filing queue, the receive-materials form, filing with a duplicate warning, and
不予立案 — proposed by the filing clerk, ruled by the director. A resumption's 原案号 is picked with Ctrl+F (or
typed and confirmed with Enter) and the form is then prefilled from the original case (R-ZB-2). Ctrl+T adds a
respondent, Ctrl+G an agent (代理人) with the party they act for; agent blocks left empty are ignored.

F9 files what the form shows: a form changed since it was opened or saved (or a new one) is saved first, exactly
as by Ctrl+S, and filed only once that save is in, on the version it produced; a refused save files nothing.

Every database call runs in a thread worker and reports back with a message. Field checks use
``draft_errors``; each ``FieldError`` is shown under the field its label names, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, Select, Static
from textual.worker import get_current_worker

from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.filing import (
    APPLICANT_SIDE,
    MAX_AGENTS,
    RESPONDENT_SIDE,
    AgentForm,
    ChecklistItem,
    DraftInvalid,
    FilingDraft,
    PartyForm,
    acts_for_applicant,
    checklist_units,
    describe_missing,
    draft_errors,
    missing_items,
    party_labels,
)
from zhihui_tui.domain.lifecycle import FilingCategory
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import DeadlineState
from zhihui_tui.tui.screens.base import SignedInScreen
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.domain.filing import DuplicateHint
    from zhihui_tui.services.filing import (
        CaseDraft,
        FiledCase,
        FilingQueuePage,
        FilingQueueRow,
        PendingRejection,
        QueueKey,
        StaffLoad,
    )
    from zhihui_tui.services.search import CaseHit

# Fixed widths (cells): the cells are already cut to fit (``short``), and a table that sizes its columns only when
# idle showed them at header width in a screenshot taken under load.
QUEUE_COLUMNS = (
    ("状态", 8),
    ("期限", 5),
    ("类别", 8),
    ("申请人", 16),
    ("被执行人", 12),
    ("缺少材料", 20),
    ("收案", 11),
)
PENDING_COLUMNS = ("收案", "类别", "申请人", "被执行人", "提请人", "理由")
PARTY_FIELDS = (("name", "姓名/名称"), ("id", "证件号"), ("phone", "电话"), ("addr", "地址"))
AGENT_KINDS = ("律师", "近亲属", "其他")
AGENT_FIELDS = (("name", "姓名"), ("id", "证件号"), ("kind", "类型"), ("phone", "电话"), ("for", "代理对象"))
AGENT_SECTION = "代理人（可不填；Ctrl+G 再加一位）"
SIDE_PREFIXES = {APPLICANT_SIDE: "a", RESPONDENT_SIDE: "r"}
STATE_STYLES = {
    DeadlineState.OVERDUE: "bold red",
    DeadlineState.DUE_TODAY: "bold yellow",
    DeadlineState.DUE_SOON: "yellow",
    DeadlineState.OPEN: "",
}
NEW_FORM_TEXT = "新收案：填写后按 Ctrl+S 保存"
EMPTY_QUEUE = "材料接收中没有待立案的案件。"
ORIGINAL_HINT = "仅恢复执行填写；Ctrl+F 查找，Enter 按原案预填"
ORIGINAL_FIELD = "原案号"


def short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def queue_state(row: FilingQueueRow) -> Text:
    if row.pending_rejection:
        return Text("待裁定", style="magenta")
    if row.state is None:
        return Text("—")
    label = row.state.label
    if row.state is DeadlineState.OVERDUE and row.overdue_days:
        label = f"超期{row.overdue_days}日"
    return Text(label, style=STATE_STYLES[row.state])


def filed_text(filed: FiledCase) -> str:
    text = f"已立案：{filed.case_number}；下一步 {filed.next_step.label}，期限 {filed.next_due:%Y-%m-%d}"
    if filed.first_assignee_name:
        text += f"；初次分案：{filed.first_assignee_name}"
    return text


def ready_text(verb: str, case_id: int, missing: tuple[ChecklistItem, ...] | list[ChecklistItem]) -> str:
    """The status after a case is opened or saved: what still keeps it from being filed, or that F9 files it."""
    head = f"{verb}（收案序号 {case_id}）"
    if missing:
        return f"{head}，缺少必备材料：{describe_missing(missing)}；勾选后按 F9 立案"
    return f"{head}，按 F9 立案"


def field_targets(category: FilingCategory, applicants: int, respondents: int, agents: int = 1) -> dict[str, str]:
    """FieldError labels (``被执行人2 证件号``, ``代理人2 代理对象``) → the id of the widget they belong to."""
    targets: dict[str, str] = {}
    for prefix, role, count in zip("ar", party_labels(category), (applicants, respondents), strict=True):
        targets[role] = f"{prefix}1-name"
        for n in range(1, count + 1):
            for key, label in PARTY_FIELDS:
                targets[f"{role}{n} {label}"] = f"{prefix}{n}-{key}"
            targets[f"{role}{n} 类型"] = f"{prefix}{n}-id"
    for n in range(1, agents + 1):
        for key, label in AGENT_FIELDS:
            targets[f"代理人{n} {label}"] = f"g{n}-{key}"
    targets.update(
        {
            "代理人": "g1-name",
            "执行依据 出具法院": "b-court",
            "执行依据 文书号": "b-number",
            "执行依据 生效日期": "b-date",
            "执行标的": "amount",
            "原案号": "original",
        }
    )
    return targets


def queue_cells(row: FilingQueueRow) -> tuple[Text | str, ...]:
    missing = "、".join(item.short for item in row.missing) or "齐全"
    return (
        queue_state(row),
        f"{row.due:%m-%d}" if row.due else "—",
        short(row.category.label, 4),
        short(row.applicants, 8),
        short(row.respondents, 6),
        short(missing, 40),
        f"{row.received_at:%m-%d %H:%M}",
    )


# -- messages -----------------------------------------------------------------------------------------------


class QueueLoaded(Message):
    def __init__(self, page: FilingQueuePage, pending: list[PendingRejection] | None, *, more: bool) -> None:
        super().__init__()
        self.page = page
        self.pending = pending
        self.more = more  # a further page for the rows shown, not a fresh first page


class Saved(Message):
    """The form as saved (``draft``, ``ticked``); ``then_file``: F9 saved it and goes on to file it."""

    def __init__(
        self,
        case_id: int,
        version: int,
        created: bool,
        draft: FilingDraft,
        ticked: tuple[str, ...],
        *,
        then_file: bool = False,
    ) -> None:
        super().__init__()
        self.case_id = case_id
        self.version = version
        self.created = created
        self.draft = draft
        self.ticked = ticked
        self.then_file = then_file


class FormRefused(Message):
    def __init__(self, errors: list[FieldError], outcome: str = "未保存") -> None:
        super().__init__()
        self.errors = errors
        self.outcome = outcome


class ActionFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class FilePrepared(Message):
    def __init__(
        self, case_id: int, version: int, hints: list[DuplicateHint], options: list[StaffLoad] | None, saved: str
    ) -> None:
        super().__init__()
        self.case_id = case_id
        self.version = version  # the version the checks saw: filing carries it, so nothing saved since is lost
        self.hints = hints
        self.options = options
        self.saved = saved  # "已保存修改（收案序号 …）" when F9 saved the form first, else ""


class Filed(Message):
    def __init__(self, filed: FiledCase) -> None:
        super().__init__()
        self.filed = filed


class DraftLoaded(Message):
    def __init__(self, draft: CaseDraft, verb: str, *, then_file: bool = False) -> None:
        super().__init__()
        self.draft = draft
        self.verb = verb  # 已打开 / 已接收材料, for the status line
        self.then_file = then_file


class OriginalLoaded(Message):
    """A resumption form drafted from its original case (``services.filing.resumption_draft``)."""

    def __init__(self, draft: FilingDraft) -> None:
        super().__init__()
        self.draft = draft


class OriginalRefused(Message):
    """The 原案号 cannot be resumed (unknown, malformed, not closed by 终本/终结): shown at the field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__()
        self.errors = errors


class Done(Message):
    """An action finished; ``text`` goes to the status line and the queue is read again."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


# -- dialogs ------------------------------------------------------------------------------------------------


class TextDialog(ModalScreen[str | None]):
    """One line of text (不予立案理由, 主任意见): Enter sends, Esc cancels; a required text may not be empty."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "取消")]
    DEFAULT_CSS = """
    TextDialog { align: center middle; }
    TextDialog > Vertical { width: 100%; max-width: 72; height: auto; border: thick $primary;
        background: $surface; padding: 0 1; }
    TextDialog .dlg-title { text-style: bold; }
    TextDialog .dlg-message { color: $text-error; height: auto; }
    TextDialog .dlg-keys { color: $text-muted; }
    """

    def __init__(self, title: str, label: str, *, required: bool) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dlg-title", markup=False)
            yield Static(self.label + ("（必填）" if self.required else "（可不填）"), markup=False)
            yield Input(id="dlg-text", max_length=1000)
            yield Static("", id="dlg-message", classes="dlg-message", markup=False)
            yield Static("Enter 提交    Esc 取消", classes="dlg-keys")

    @on(Input.Submitted, "#dlg-text")
    def send(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.required and not text:
            self.query_one("#dlg-message", Static).update(f"请填写{self.label}")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FileDialog(ModalScreen[int | None]):
    """Before 立案: likely duplicates to acknowledge (Y) and the batch-service clerk who receives the case."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "确认立案"),
        Binding("escape", "cancel", "取消"),
    ]
    DEFAULT_CSS = """
    FileDialog { align: center middle; }
    FileDialog > VerticalScroll { width: 100%; max-width: 90; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    FileDialog .dlg-title { text-style: bold; }
    FileDialog #dup-warning { color: $text-warning; height: auto; }
    FileDialog #assignees { height: auto; max-height: 6; border: none; padding: 0; }
    FileDialog .dlg-keys { color: $text-muted; }
    """

    def __init__(self, hints: list[DuplicateHint], options: list[StaffLoad] | None) -> None:
        super().__init__()
        self.hints = hints
        self.options = options or []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("立案确认", classes="dlg-title")
            if self.hints:
                lines = ["发现疑似重复案件，请核对后再立案："] + [f"· {hint.message}" for hint in self.hints]
                yield Static("\n".join(lines), id="dup-warning", markup=False)
            else:
                yield Static("未发现疑似重复案件。", id="dup-none")
            if self.options:
                yield Static("初次分案（集约送达组，↑↓ 选择）：")
                labels = [f"{o.name}（{o.login}） 在办送达 {o.open_steps} 件" for o in self.options]
                yield OptionList(*labels, id="assignees")
            keys = "Y 已核对疑似重复并立案" if self.hints else "Y 立案"
            yield Static(f"{keys}    Esc 取消", classes="dlg-keys")

    def on_mount(self) -> None:
        if self.options:
            options = self.query_one("#assignees", OptionList)
            options.highlighted = 0
            options.focus()

    def action_confirm(self) -> None:
        if not self.options:
            self.dismiss(0)
            return
        index = self.query_one("#assignees", OptionList).highlighted or 0
        self.dismiss(self.options[index].staff_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- the form's building blocks -----------------------------------------------------------------------------


def field(label: str, widget: Widget) -> Vertical:
    """A labelled input with its own error line below (hidden while empty)."""
    row = Horizontal(Static(label, classes="f-label", markup=False), widget, classes="f-row")
    return Vertical(row, Static("", id=f"err-{widget.id}", classes="f-err", markup=False), classes="f-field")


def text_input(widget_id: str, *, placeholder: str = "", max_length: int = 200) -> Input:
    return Input(id=widget_id, compact=True, placeholder=placeholder, max_length=max_length)


def party_block(prefix: str, n: int, role: str) -> Vertical:
    hints = {"id": "居民身份证号或统一社会信用代码", "phone": "可不填", "addr": "送达地址，可不填"}
    fields = [
        field(label, text_input(f"{prefix}{n}-{key}", placeholder=hints.get(key, ""))) for key, label in PARTY_FIELDS
    ]
    title = Static(f"{role}{n}", id=f"{prefix}{n}-title", classes="f-party-title", markup=False)
    return Vertical(title, *fields, id=f"{prefix}{n}", classes="f-party")


def party_choices(category: FilingCategory, applicants: int, respondents: int) -> list[tuple[str, str]]:
    """Whom an agent may act for: every party row on the form, by its title; the value names the row (``r2``)."""
    applicant, respondent = party_labels(category)
    return [(f"{applicant}{n}", f"a{n}") for n in range(1, applicants + 1)] + [
        (f"{respondent}{n}", f"r{n}") for n in range(1, respondents + 1)
    ]


def represented(choice: str) -> tuple[str, int]:
    """``r2`` → (RESPONDENT_SIDE, 2): the 代理对象 value as ``AgentForm`` takes it."""
    return (APPLICANT_SIDE if choice.startswith("a") else RESPONDENT_SIDE), int(choice[1:])


def choice_of(agent: AgentForm) -> str:
    return f"{SIDE_PREFIXES.get(agent.side, 'a')}{agent.represents}"


def agent_block(n: int, choices: list[tuple[str, str]]) -> Vertical:
    kinds = [(kind, kind) for kind in AGENT_KINDS]
    fields = [
        field("姓名", text_input(f"g{n}-name")),
        field("证件号", text_input(f"g{n}-id", placeholder="居民身份证号")),
        field("类型", Select(kinds, value=AGENT_KINDS[0], allow_blank=False, id=f"g{n}-kind", compact=True)),
        field("电话", text_input(f"g{n}-phone", placeholder="可不填")),
        field(
            "代理对象",
            Select(choices, value=choices[0][1], allow_blank=False, id=f"g{n}-for", classes="agent-for", compact=True),
        ),
    ]
    title = Static(f"代理人{n}", id=f"g{n}-title", classes="f-party-title", markup=False)
    return Vertical(title, *fields, id=f"g{n}", classes="f-party")


class FilingScreen(SignedInScreen):
    SCREEN_NAME = "立案审查"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="filing.save"),
        Binding("f9", "file", "立案", key_display="F9", id="filing.file"),
        Binding("ctrl+r", "reject", "不予立案", id="filing.reject"),
        Binding("ctrl+t", "add_respondent", "加被执行人", id="filing.add"),
        # Not in the footer (80 columns are full): the 代理人 section title and F1 name it.
        Binding("ctrl+g", "add_agent", "加代理人", show=False, id="filing.add_agent"),
        Binding("ctrl+n", "new_form", "新收案", show=False, id="filing.new"),
        Binding("x", "rule('reject')", "裁定不予立案", id="filing.rule_reject"),
        Binding("b", "rule('return')", "退回", id="filing.rule_return"),
        Binding("escape", "back", "返回", id="filing.back"),
    ]
    AUTO_FOCUS = "#queue"
    DEFAULT_CSS = """
    #fil-body { height: 1fr; padding: 0 1; }
    #queue { height: 7; }
    #queue-empty { height: auto; color: $text-muted; display: none; }
    #pending-title { text-style: bold; height: 1; }
    #pending { height: 1fr; }
    #fil-status { height: auto; max-height: 3; color: $text-accent; }
    #form { height: 1fr; border-top: solid $primary; }
    #form-title { text-style: bold; height: 1; }
    .f-section { text-style: bold; color: $text-primary; height: 1; margin-top: 1; }
    .f-party-title { color: $text-muted; height: 1; }
    .f-field, .f-party, #applicants, #respondents, #agents, #checklist { height: auto; }
    .f-row { height: auto; min-height: 1; }
    .f-label { width: 12; height: 1; color: $text-muted; }
    .f-row > Input, .f-row > Select { width: 1fr; }
    .f-err { color: $text-error; height: auto; padding-left: 12; display: none; }
    .f-err.-shown { display: block; }
    #checklist Checkbox, #flags Checkbox { border: none; padding: 0; height: auto; }
    #flags { height: auto; }
    #flags Checkbox { width: auto; margin-right: 2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.case_id: int | None = None
        self.version = 0
        self.category = FilingCategory.APPLICATION
        self.units: tuple[ChecklistItem, ...] = checklist_units(self.category)
        self.applicants = 1
        self.respondents = 1
        self.agents = 1
        self._queue: dict[str, FilingQueueRow] = {}
        self._next_after: QueueKey | None = None  # where the next page of the queue starts
        self._pending: dict[str, PendingRejection] = {}
        # The form as last read from or saved to the database (None: a new form): F9 files the case as is
        # only while the form still equals it, and saves the form first otherwise.
        self._saved_form: tuple[FilingDraft, frozenset[str]] | None = None
        self._form_built = False  # the receiving form is mounted once the queue is on screen (ensure_form)

    # -- who may do what ----------------------------------------------------------------------------------

    @property
    def is_clerk(self) -> bool:
        actor = self.shell.actor
        return actor is not None and actor.has(Role.FILING_REVIEW)

    @property
    def is_director(self) -> bool:
        actor = self.shell.actor
        return actor is not None and actor.has(Role.DIRECTOR)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "file", "reject", "add_respondent", "add_agent", "new_form"):
            return self.is_clerk and self._form_built
        if action == "rule":
            return self.is_director
        return True

    # -- layout -------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="fil-body"):
            queue: DataTable[Text | str] = DataTable(id="queue", cursor_type="row", zebra_stripes=True)
            for label, width in QUEUE_COLUMNS:
                queue.add_column(label, width=width)
            yield queue
            yield Static(EMPTY_QUEUE, id="queue-empty")
            yield Static("正在读取…", id="fil-status", markup=False)
            if self.is_director:
                yield Static("待裁定的不予立案提请（X 不予立案  B 退回）", id="pending-title")
                pending: DataTable[str] = DataTable(id="pending", cursor_type="row", zebra_stripes=True)
                pending.add_columns(*PENDING_COLUMNS)
                yield pending
            if self.is_clerk:
                yield VerticalScroll(id="form")
        yield self.make_footer()

    async def ensure_form(self) -> None:
        """Mount the receiving form. Its ~150 widgets take about half a second to build, so it follows the
        queue onto the screen instead of holding F3 back (the queue has the focus when the screen opens)."""
        if self._form_built or not self.is_clerk:
            return
        self._form_built = True
        await self.query_one("#form", VerticalScroll).mount_all(list(self.form_widgets()))
        self.refresh_bindings()

    async def prepare_hidden(self) -> None:
        await self.ensure_form()  # built ahead, off screen: nothing is held back
        await super().prepare_hidden()

    def form_widgets(self) -> Iterator[Widget]:
        applicant, respondent = party_labels(self.category)
        yield Static(NEW_FORM_TEXT, id="form-title", markup=False)
        options = [(category.label, category) for category in FilingCategory]
        yield field("类别", Select(options, value=self.category, allow_blank=False, id="f-category", compact=True))
        yield Static("材料清单（空格勾选）", classes="f-section")
        yield Vertical(*self.checkboxes(), id="checklist")
        yield Static("当事人", classes="f-section")
        yield Vertical(party_block("a", 1, applicant), id="applicants")
        yield Vertical(party_block("r", 1, respondent), id="respondents")
        yield Static(AGENT_SECTION, classes="f-section")
        yield Vertical(agent_block(1, self.agent_choices()), id="agents")
        yield Static("执行依据", classes="f-section")
        yield field("出具法院", text_input("b-court"))
        yield field("文书号", text_input("b-number", placeholder="（2025）内2221民初1234号"))
        yield field("生效日期", text_input("b-date", placeholder="2026-01-31"))
        yield field("执行标的", text_input("amount", placeholder="元，最多两位小数", max_length=30))
        yield Horizontal(
            Checkbox("申请限制高消费", id="limit", compact=True),
            Checkbox("申请纳入失信名单", id="dishonest", compact=True),
            id="flags",
        )
        yield field("原案号", text_input("original", placeholder=ORIGINAL_HINT, max_length=40))
        yield Static("", id="form-message", classes="f-err", markup=False)

    def checkboxes(self) -> list[Checkbox]:
        return [
            Checkbox(unit.label, id=f"chk-{i}", compact=True) for i, unit in enumerate(checklist_units(self.category))
        ]

    # -- reading the queue --------------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self.load_queue()

    @work(thread=True, exit_on_error=False, exclusive=True, group="filing-queue")
    def load_queue(self, after: QueueKey | None = None) -> None:
        """The first page (or, with ``after``, the next one); the director's pending rulings with the first."""
        from zhihui_tui.services.filing import filing_queue, pending_rejections

        runtime, actor = self.shell.runtime, self.shell.actor
        assert actor is not None
        try:
            today = runtime.clock.now().date()
            page = filing_queue(runtime.engine, actor=actor, today=today, calendar=runtime.calendar, after=after)
            first = after is None and actor.has(Role.DIRECTOR)
            pending = pending_rejections(runtime.engine, actor=actor) if first else None
            message: Message = QueueLoaded(page, pending, more=after is not None)
        except Exception as error:
            message = ActionFailed(f"立案队列读取失败：{getattr(error, 'message', error)}")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(QueueLoaded)
    def show_queue(self, message: QueueLoaded) -> None:
        table = self.query_one("#queue", DataTable)
        if not message.more:
            table.clear()
            self._queue = {}
        for row in message.page.rows:
            key = str(row.case_id)
            if key in self._queue:
                continue  # a case that moved between pages while the clerk scrolled
            self._queue[key] = row
            table.add_row(*queue_cells(row), key=key)
        self._next_after = message.page.next_after
        self.query_one("#queue-empty", Static).display = not self._queue
        if self.query_one("#fil-status", Static).render() == "正在读取…":
            self.set_status(f"材料接收中 {message.page.total} 件（Enter 打开所选案件）")
        if message.pending is not None:
            self.show_pending(message.pending)
        if not self._form_built:
            self.call_after_refresh(self.ensure_form)

    @on(DataTable.RowHighlighted, "#queue")
    def queue_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Read the next page when the cursor reaches the last row read (no list loads more than it shows)."""
        if self._next_after is not None and event.cursor_row >= event.data_table.row_count - 1:
            after, self._next_after = self._next_after, None
            self.load_queue(after)

    def show_pending(self, rows: list[PendingRejection]) -> None:
        table = self.query_one("#pending", DataTable)
        table.clear()
        self._pending = {}
        for row in rows:
            key = str(row.rejection_id)
            self._pending[key] = row
            table.add_row(
                f"{row.received_at:%m-%d}",
                row.category.label,
                short(row.applicants, 10),
                short(row.respondents, 8),
                row.proposed_by,
                short(row.reasons, 30),
                key=key,
            )

    def set_status(self, text: str) -> None:
        self.query_one("#fil-status", Static).update(text)

    # -- running services ---------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="filing-action")
    def run_job(self, job: Callable[[], Message]) -> None:
        """Run one service call off the event loop; refusals come back as messages, never as crashes."""
        try:
            message = job()
        except DraftInvalid as invalid:
            message = FormRefused(invalid.errors)
        except FieldError as error:
            message = FormRefused([error])
        except DomainError as error:
            message = ActionFailed(error.message)
        except Exception as error:
            message = ActionFailed(f"操作失败：{error}")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(ActionFailed)
    def show_failure(self, message: ActionFailed) -> None:
        self.set_status(message.reason)
        self.notify(message.reason, severity="error")

    @on(Done)
    def show_done(self, message: Done) -> None:
        self.set_status(message.text)
        self.load_queue()

    # -- the form: reading, errors ------------------------------------------------------------------------

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def party(self, prefix: str, n: int) -> PartyForm:
        base = f"{prefix}{n}"
        return PartyForm(
            name=self.value(f"{base}-name"),
            id_number=self.value(f"{base}-id"),
            phone=self.value(f"{base}-phone"),
            address=self.value(f"{base}-addr"),
        )

    def agent(self, n: int) -> AgentForm:
        """Agent block ``n`` as typed; a blank block stays in the draft so later blocks keep their numbers."""
        side, represents = represented(str(self.query_one(f"#g{n}-for", Select).value))
        return AgentForm(
            name=self.value(f"g{n}-name"),
            id_number=self.value(f"g{n}-id"),
            kind=str(self.query_one(f"#g{n}-kind", Select).value),
            phone=self.value(f"g{n}-phone"),
            represents=represents,
            side=side,
        )

    def read_draft(self) -> FilingDraft:
        return FilingDraft(
            category=self.category,
            applicants=tuple(self.party("a", n) for n in range(1, self.applicants + 1)),
            respondents=tuple(self.party("r", n) for n in range(1, self.respondents + 1)),
            agents=tuple(self.agent(n) for n in range(1, self.agents + 1)),
            basis_court=self.value("b-court"),
            basis_number=self.value("b-number"),
            basis_effective_date=self.value("b-date"),
            target_amount=self.value("amount"),
            consumption_restriction_requested=self.query_one("#limit", Checkbox).value,
            dishonest_list_requested=self.query_one("#dishonest", Checkbox).value,
            original_case_number=self.value("original"),
        )

    def ticked(self) -> list[str]:
        return [unit.code for i, unit in enumerate(self.units) if self.query_one(f"#chk-{i}", Checkbox).value]

    def clear_errors(self) -> None:
        for error in self.query(".f-err"):
            if isinstance(error, Static):
                error.update("")
                error.remove_class("-shown")

    def show_errors(self, errors: list[FieldError]) -> None:
        self.clear_errors()
        targets = field_targets(self.category, self.applicants, self.respondents, self.agents)
        placed: dict[str, list[str]] = {}
        general: list[str] = []
        for error in errors:
            target = targets.get(error.field)
            if target is None:
                general.append(error.message)
            else:
                placed.setdefault(target, []).append(error.reason)
        for target, reasons in placed.items():
            line = self.query_one(f"#err-{target}", Static)
            line.update("；".join(reasons))
            line.add_class("-shown")
        if general:
            message = self.query_one("#form-message", Static)
            message.update("；".join(general))
            message.add_class("-shown")
        first = next(iter(placed), None)
        if first is not None:
            widget = self.query_one(f"#{first}")
            widget.focus()
            # The whole field, so its error line under the input shows too (the last fields end the form).
            shown = next((a for a in widget.ancestors if isinstance(a, Widget) and a.has_class("f-field")), widget)
            # Measured only once the error lines (and a status grown to two lines) are laid out: the first
            # refresh lays them out, the scroll goes after the next (measured at 80×24; one refresh is too early).
            form = self.query_one("#form", VerticalScroll)
            self.call_after_refresh(self.call_after_refresh, form.scroll_to_widget, shown, animate=False)

    @on(FormRefused)
    def refused(self, message: FormRefused) -> None:
        self.show_errors(message.errors)
        self.set_status(f"有 {len(message.errors)} 处填写有误，{message.outcome}：{message.errors[0].message}")

    # -- saving ----------------------------------------------------------------------------------------------

    def form_state(self) -> tuple[FilingDraft, frozenset[str]]:
        return self.read_draft(), frozenset(self.ticked())

    def busy(self) -> bool:
        """A save, an opening or a filing is under way: a second one would run on the version it replaces."""
        working = any(w.node is self and w.group == "filing-action" and not w.is_finished for w in self.workers)
        if working:
            self.set_status("正在处理上一步操作，请稍候")
        return working

    def shows_filed_case(self) -> bool:
        """The form still shows the case just filed: saving it again would receive that case a second time."""
        if self.case_id is None and self._saved_form is not None and self._saved_form == self.form_state():
            self.set_status("本表的案件已立案：Ctrl+N 新收案，或在队列中选择案件（Enter）")
            return True
        return False

    def action_save(self) -> None:
        if not self.busy() and not self.shows_filed_case():
            self.save_form(then_file=False)

    def save_form(self, *, then_file: bool) -> None:
        """Ctrl+S, and F9 while the form has unsaved changes: checked field by field, then saved (a new form is
        received); with ``then_file`` the filing follows once the save is in, and never after a refusal."""
        draft, ticked = self.read_draft(), tuple(self.ticked())
        outcome = "未保存，未立案" if then_file else "未保存"
        errors = draft_errors(draft, today=self.shell.runtime.clock.now().date())
        if errors:
            self.post_message(FormRefused(errors, outcome))
            return
        self.clear_errors()
        self.set_status("正在保存修改，随后立案…" if then_file else "正在保存…")
        case_id, version = self.case_id, self.version

        def job() -> Message:
            try:
                return self.save_job(draft, ticked, case_id, version, then_file=then_file)
            except DraftInvalid as invalid:
                return FormRefused(invalid.errors, outcome)
            except FieldError as error:
                return FormRefused([error], outcome)

        self.run_job(job)

    def save_job(
        self, draft: FilingDraft, ticked: tuple[str, ...], case_id: int | None, version: int, *, then_file: bool
    ) -> Message:
        from zhihui_tui.services.filing import receive_materials, save_draft

        runtime, actor = self.shell.runtime, self.shell.actor
        assert actor is not None
        engine, clock = runtime.engine, runtime.clock
        if case_id is None:
            new_id = receive_materials(
                engine,
                draft,
                ticked,
                actor=actor,
                clock=clock,
                calendar=runtime.calendar,
                court_code=runtime.court.court_code,
            )
            return Saved(new_id, 0, True, draft, ticked, then_file=then_file)
        version = save_draft(engine, case_id, draft, ticked, actor=actor, clock=clock, expected_version=version)
        return Saved(case_id, version, False, draft, ticked, then_file=then_file)

    @on(Saved)
    def saved(self, message: Saved) -> None:
        case_id = self.case_id = message.case_id
        if message.created:  # read back: the form shows what was stored, with the case's version
            self.run_job(lambda: self.draft_job(case_id, "已接收材料", then_file=message.then_file))
            return
        self.version = message.version
        self._saved_form = (message.draft, frozenset(message.ticked))
        if message.then_file:
            self.load_queue()
            self.prepare_filing(case_id, message.version, saved="已保存修改")
            return
        has_agent = acts_for_applicant(message.draft.agents)
        missing = missing_items(message.draft.category, set(message.ticked), has_agent=has_agent)
        self.show_done(Done(ready_text("已保存修改", case_id, missing)))

    # -- opening a case from the queue ------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#queue")
    def open_case(self, event: DataTable.RowSelected) -> None:
        if not self.is_clerk or event.row_key.value is None:
            return
        if self.busy():
            return
        case_id = int(event.row_key.value)
        self.set_status("正在读取案件…")
        self.run_job(lambda: self.draft_job(case_id, "已打开"))

    def draft_job(self, case_id: int, verb: str, *, then_file: bool = False) -> Message:
        from zhihui_tui.services.filing import case_draft

        actor = self.shell.actor
        assert actor is not None
        draft = case_draft(self.shell.runtime.engine, case_id, actor=actor)
        return DraftLoaded(draft, verb, then_file=then_file)

    @on(DraftLoaded)
    async def fill_form(self, message: DraftLoaded) -> None:
        await self.ensure_form()
        loaded = message.draft
        self.case_id, self.version = loaded.case_id, loaded.version
        draft = loaded.draft
        await self.set_category(draft.category)
        self.query_one("#f-category", Select).value = draft.category
        await self.fill_parties(draft)
        await self.fill_agents(draft.agents)
        self.fill_rest(draft, {row.item.code for row in loaded.materials if row.provided})
        self.query_one("#form-title", Static).update(f"收案序号 {loaded.case_id} · {loaded.stage.label}")
        self.clear_errors()
        self._saved_form = self.form_state()
        self.load_queue()
        if message.then_file:
            self.prepare_filing(loaded.case_id, loaded.version, saved=message.verb)
        else:
            self.set_status(ready_text(message.verb, loaded.case_id, loaded.missing))

    async def fill_parties(self, draft: FilingDraft) -> None:
        await self.set_party_rows("a", len(draft.applicants) or 1)
        await self.set_party_rows("r", len(draft.respondents) or 1)
        for prefix, parties in (("a", draft.applicants), ("r", draft.respondents)):
            for n, party in enumerate(parties, start=1):
                values = {"name": party.name, "id": party.id_number, "phone": party.phone, "addr": party.address}
                for key, text in values.items():
                    self.query_one(f"#{prefix}{n}-{key}", Input).value = text

    async def fill_agents(self, agents: tuple[AgentForm, ...]) -> None:
        """One block per agent (one empty block when there is none); call after the party rows are set."""
        await self.set_agent_rows(len(agents) or 1)
        legal = {value for _, value in self.agent_choices()}
        for n, agent in enumerate(agents, start=1):
            for key, text in (("name", agent.name), ("id", agent.id_number), ("phone", agent.phone)):
                self.query_one(f"#g{n}-{key}", Input).value = text
            if agent.kind in AGENT_KINDS:
                self.query_one(f"#g{n}-kind", Select).value = agent.kind
            if choice_of(agent) in legal:
                self.query_one(f"#g{n}-for", Select).value = choice_of(agent)

    def fill_rest(self, draft: FilingDraft, provided: set[str]) -> None:
        values = {
            "b-court": draft.basis_court,
            "b-number": draft.basis_number,
            "b-date": draft.basis_effective_date,
            "amount": draft.target_amount,
            "original": draft.original_case_number,
        }
        for widget_id, text in values.items():
            self.query_one(f"#{widget_id}", Input).value = text
        self.query_one("#limit", Checkbox).value = draft.consumption_restriction_requested
        self.query_one("#dishonest", Checkbox).value = draft.dishonest_list_requested
        for i, unit in enumerate(self.units):
            self.query_one(f"#chk-{i}", Checkbox).value = unit.code in provided

    # -- 原案号: picked or typed, then the form prefilled from the original ---------------------------------------

    def action_find_case(self) -> None:
        """Ctrl+F in 原案号 picks the original case; anywhere else it is the usual search (the case's history)."""
        focused = self.focused
        if not (self.is_clerk and focused is not None and focused.id == "original"):
            super().action_find_case()
            return
        from zhihui_tui.tui.screens.case_search import CaseSearchScreen

        search = CaseSearchScreen(self.value("original"), title="选择原案（恢复执行）：Enter 选定后按原案预填本表")
        self.app.push_screen(search, callback=self.original_picked)

    def original_picked(self, hit: CaseHit | None) -> None:
        original = self.query_one("#original", Input)
        original.focus()
        if hit is None:
            return
        if hit.case_number is None:
            self.post_message(OriginalRefused([FieldError(ORIGINAL_FIELD, "所选案件尚未立案，没有案号，不能作为原案")]))
            return
        original.value = hit.case_number
        self.load_original(hit.case_number)

    @on(Input.Submitted, "#original")
    def original_typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.load_original(event.value)

    @work(thread=True, exit_on_error=False, exclusive=True, group="filing-original")
    def load_original(self, number: str) -> None:
        from zhihui_tui.services.filing import resumption_draft

        self.app.call_from_thread(self.set_status, f"正在读取原案 {number}…")
        actor = self.shell.actor
        assert actor is not None
        try:
            message: Message = OriginalLoaded(resumption_draft(self.shell.runtime.engine, number, actor=actor))
        except DraftInvalid as invalid:
            message = OriginalRefused(invalid.errors)
        except FieldError as error:
            message = OriginalRefused([error])
        except DomainError as error:
            message = OriginalRefused([FieldError(ORIGINAL_FIELD, error.message)])
        except Exception as error:
            message = ActionFailed(f"原案读取失败：{error}")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(OriginalRefused)
    def original_refused(self, message: OriginalRefused) -> None:
        self.show_errors(message.errors)
        self.set_status(f"{message.errors[0].message}（Ctrl+F 可按案号、当事人查找原案）")

    @on(OriginalLoaded)
    async def prefill_resumption(self, message: OriginalLoaded) -> None:
        """Parties, agents, basis, amount and requests as in the original; ticks survive only within 恢复执行."""
        draft = message.draft
        provided = set(self.ticked()) if self.category is FilingCategory.RESUMPTION else set()
        await self.set_category(FilingCategory.RESUMPTION)
        self.query_one("#f-category", Select).value = FilingCategory.RESUMPTION
        await self.fill_parties(draft)
        await self.fill_agents(draft.agents)  # every agent of the original, each for the same party
        self.fill_rest(draft, provided)
        self.clear_errors()
        original = self.query_one("#original", Input)
        original.focus()
        self.query_one("#form", VerticalScroll).scroll_to_widget(original, animate=False)
        self.set_status(f"已按原案{draft.original_case_number}预填，请核对后按 Ctrl+S 保存")

    # -- category, party rows -----------------------------------------------------------------------------------

    @on(Select.Changed, "#f-category")
    async def category_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, FilingCategory) and event.value is not self.category:
            await self.set_category(event.value)

    async def set_category(self, category: FilingCategory) -> None:
        """The checklist of exactly that category (nothing ticked), and the sides' names on the form."""
        if category is self.category and self.query("#chk-0"):
            return
        self.category = category
        self.units = checklist_units(category)
        checklist = self.query_one("#checklist", Vertical)
        await checklist.remove_children()
        await checklist.mount_all(self.checkboxes())
        for prefix, role in zip("ar", party_labels(category), strict=True):
            for n in range(1, self.rows_of(prefix) + 1):
                self.query_one(f"#{prefix}{n}-title", Static).update(f"{role}{n}")
        self.refresh_agent_choices()

    def rows_of(self, prefix: str) -> int:
        return self.applicants if prefix == "a" else self.respondents

    async def set_party_rows(self, prefix: str, count: int) -> None:
        box = self.query_one("#applicants" if prefix == "a" else "#respondents", Vertical)
        await box.remove_children()
        role = party_labels(self.category)[0 if prefix == "a" else 1]
        await box.mount_all([party_block(prefix, n, role) for n in range(1, count + 1)])
        if prefix == "a":
            self.applicants = count
        else:
            self.respondents = count
        self.refresh_agent_choices()

    async def action_add_respondent(self) -> None:
        self.respondents += 1
        n = self.respondents
        block = party_block("r", n, party_labels(self.category)[1])
        await self.query_one("#respondents", Vertical).mount(block)
        self.refresh_agent_choices()
        name = self.query_one(f"#r{n}-name", Input)
        name.focus()
        self.query_one("#form", VerticalScroll).scroll_to_widget(block, animate=False)

    # -- agent blocks -------------------------------------------------------------------------------------------

    def agent_choices(self) -> list[tuple[str, str]]:
        return party_choices(self.category, self.applicants, self.respondents)

    def refresh_agent_choices(self) -> None:
        """Party rows were added or renamed (another category): every 代理对象 list follows, keeping its choice."""
        choices = self.agent_choices()
        legal = {value for _, value in choices}
        for select in self.query(".agent-for").results(Select):
            kept = select.value
            select.set_options(choices)
            if kept in legal:
                select.value = kept

    async def set_agent_rows(self, count: int) -> None:
        box = self.query_one("#agents", Vertical)
        await box.remove_children()
        choices = self.agent_choices()
        await box.mount_all([agent_block(n, choices) for n in range(1, count + 1)])
        self.agents = count

    async def action_add_agent(self) -> None:
        if self.agents >= MAX_AGENTS:
            self.set_status(f"最多登记 {MAX_AGENTS} 位代理人")
            return
        self.agents += 1
        block = agent_block(self.agents, self.agent_choices())
        await self.query_one("#agents", Vertical).mount(block)
        self.query_one(f"#g{self.agents}-name", Input).focus()
        self.query_one("#form", VerticalScroll).scroll_to_widget(block, animate=False)

    async def action_new_form(self) -> None:
        self.case_id, self.version, self._saved_form = None, 0, None
        await self.set_party_rows("a", 1)
        await self.set_party_rows("r", 1)
        await self.set_agent_rows(1)
        self.fill_rest(FilingDraft(category=self.category), set())
        self.query_one("#form-title", Static).update(NEW_FORM_TEXT)
        self.clear_errors()
        self.query_one("#f-category", Select).focus()

    # -- filing -------------------------------------------------------------------------------------------------

    def action_file(self) -> None:
        """F9 files what the form shows: unchanged since it was opened or saved, at once; otherwise the form is
        saved first (as Ctrl+S, a new form received), and a refused save files nothing."""
        if self.busy() or self.shows_filed_case():
            return
        case_id = self.case_id
        if case_id is not None and self._saved_form == self.form_state():
            self.prepare_filing(case_id, self.version)
        else:
            self.save_form(then_file=True)

    def prepare_filing(self, case_id: int, version: int, *, saved: str = "") -> None:
        """The checks before the 立案 dialog; ``saved`` (已保存修改, 已接收材料): F9 has just saved the form."""
        done = f"{saved}（收案序号 {case_id}）" if saved else ""
        self.set_status(f"{done}，正在核对疑似重复案件…" if done else "正在核对疑似重复案件…")
        category = self.category
        self.run_job(lambda: self.prepare_job(case_id, version, category, done))

    def prepare_job(self, case_id: int, version: int, category: FilingCategory, saved: str) -> Message:
        from zhihui_tui.services.filing import check_fileable, first_assignment_options, likely_duplicates

        actor, engine = self.shell.actor, self.shell.runtime.engine
        assert actor is not None
        try:
            check_fileable(engine, case_id, actor=actor)  # missing materials are named before any dialog
        except DomainError as refused:
            return ActionFailed(f"{saved}；{refused.message}" if saved else refused.message)
        hints = likely_duplicates(engine, case_id, actor=actor)
        options = None if category is FilingCategory.OBJECTION else first_assignment_options(engine)
        return FilePrepared(case_id, version, hints, options, saved)

    @on(FilePrepared)
    def confirm_filing(self, message: FilePrepared) -> None:
        self.set_status("请在对话框中确认立案")
        self.app.push_screen(
            FileDialog(message.hints, message.options),
            callback=lambda assignee: self.filing_confirmed(message, assignee),
        )

    def filing_confirmed(self, prepared: FilePrepared, assignee: int | None) -> None:
        case_id, version = prepared.case_id, prepared.version
        if assignee is None:
            self.set_status(f"{prepared.saved}，已取消立案" if prepared.saved else "已取消立案")
            return
        if self.case_id != case_id or self._saved_form != self.form_state():
            self.set_status("确认期间表单有改动，未立案：请再按 F9（先保存改动再立案）")
            return
        self.set_status("正在立案…")
        self.run_job(lambda: self.file_job(case_id, assignee or None, version))

    def file_job(self, case_id: int, assignee: int | None, version: int) -> Message:
        from zhihui_tui.services.filing import file_case

        runtime, actor = self.shell.runtime, self.shell.actor
        assert actor is not None
        filed = file_case(
            runtime.engine,
            case_id,
            actor=actor,
            clock=runtime.clock,
            calendar=runtime.calendar,
            court_code=runtime.court.court_code,
            first_assignee_id=assignee,
            expected_version=version,
        )
        return Filed(filed)

    @on(Filed)
    def filed(self, message: Filed) -> None:
        self.case_id = None  # the form keeps its saved state: F9 or Ctrl+S on it again is refused
        self.query_one("#form-title", Static).update(f"{message.filed.case_number} 已立案（Ctrl+N 新收案）")
        self.show_done(Done(filed_text(message.filed)))
        self.notify(filed_text(message.filed), title="立案")

    # -- 不予立案 -------------------------------------------------------------------------------------------------

    def action_reject(self) -> None:
        case_id = self.case_id
        if case_id is None:
            self.set_status("请先在队列中选择案件（Enter），再提请不予立案")
            return
        dialog = TextDialog("提请不予立案（由指挥中心主任裁定）", "不予立案理由", required=True)
        self.app.push_screen(dialog, callback=lambda reasons: self.propose(case_id, reasons))

    def propose(self, case_id: int, reasons: str | None) -> None:
        if not reasons:
            return
        version = self.version

        def job() -> Message:
            from zhihui_tui.services.filing import propose_rejection

            runtime, actor = self.shell.runtime, self.shell.actor
            assert actor is not None
            engine, clock = runtime.engine, runtime.clock
            propose_rejection(engine, case_id, reasons, actor=actor, clock=clock, expected_version=version)
            return Done(f"已提请不予立案（收案序号 {case_id}），待主任裁定")

        self.run_job(job)

    def action_rule(self, decision: str) -> None:
        table = self.query_one("#pending", DataTable)
        if not table.row_count:
            self.set_status("没有待裁定的提请")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        row = self._pending.get(key)
        if row is None:
            return
        title = "裁定不予立案" if decision == "reject" else "退回立案审查"
        dialog = TextDialog(
            f"{title}：{row.applicants} 申请执行 {row.respondents}", "主任意见", required=decision == "return"
        )
        self.app.push_screen(dialog, callback=lambda note: self.rule(row, decision, note))

    def rule(self, row: PendingRejection, decision: str, note: str | None) -> None:
        if note is None:
            return

        def job() -> Message:
            from zhihui_tui.services.filing import rule_on_rejection

            runtime, actor = self.shell.runtime, self.shell.actor
            assert actor is not None
            rule_on_rejection(
                runtime.engine,
                row.rejection_id,
                "reject" if decision == "reject" else "return",
                note,
                actor=actor,
                clock=runtime.clock,
                expected_version=row.version,
            )
            return Done("已裁定不予立案" if decision == "reject" else "已退回立案审查")

        self.run_job(job)

    # -- leaving ----------------------------------------------------------------------------------------------

    def action_back(self) -> None:
        form = self.query("#form")
        if form and self.focused is not None and form.first() in self.focused.ancestors:
            self.query_one("#queue", DataTable).focus()
            return
        self.app.action_go_home()  # type: ignore[attr-defined]
