"""查控结果反馈信息表 of one case (R-NET-1): a row per asset found, added, edited and removed by keyboard; the triage
facts; ``s`` submits the table to triage.

Every service call goes through ``run_service`` and answers with a message of its own; a failure is shown in the
status line (and notified), after which the table is read again, so a lost race shows what the other terminal saved.
What a person may do is the service's answer (``allowed_actions``): the keys of the others are hidden, and pressing
one says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static

from zhihui_tui.domain.money import format_yuan
from zhihui_tui.domain.triage import FLAG_LABELS
from zhihui_tui.services.inquiry import (
    InquiryAction,
    allowed_actions,
    feedback_table,
    remove_finding,
    set_triage_flags,
    submit_feedback,
)
from zhihui_tui.tui.screens.confirm import ConfirmScreen
from zhihui_tui.tui.screens.inquiry.common import (
    CSS,
    EMPTY_TABLE,
    EMPTY_TABLE_READ_ONLY,
    FINDING_COLUMNS,
    READING,
    finding_cells,
)
from zhihui_tui.tui.screens.inquiry.dialogs import FindingForm, FlagsForm, FormAnswer
from zhihui_tui.tui.screens.inquiry.jobs import READ_TABLE, save_finding
from zhihui_tui.tui.screens.inquiry.messages import (
    FeedbackSubmitted,
    FindingAdded,
    FindingChanged,
    FindingRemoved,
    FlagsSaved,
    TableLoaded,
)
from zhihui_tui.tui.service_calls import ServiceCaller
from zhihui_tui.tui.shell import shell_of
from zhihui_tui.tui.widgets.keybar import KeyBar
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.inquiry import FeedbackTable, FindingRow
    from zhihui_tui.tui.service_calls import Failure

WRITES = "feedback-write"
# The table's keys and the service action each needs.
KEY_ACTIONS = {
    "add": InquiryAction.RECORD,
    "edit": InquiryAction.RECORD,
    "remove": InquiryAction.RECORD,
    "submit": InquiryAction.SUBMIT,
    "flags": InquiryAction.FLAG,
}


class FeedbackScreen(ServiceCaller, Screen[None]):
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

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.table: FeedbackTable | None = None
        self.allowed: frozenset[InquiryAction] = frozenset()  # set on mount: the service's answer for this person

    @property
    def may_record(self) -> bool:
        """Whether the signed-in person records findings (the inquiry post)."""
        return InquiryAction.RECORD in self.allowed

    def compose(self) -> ComposeResult:
        from zhihui_tui.tui.widgets.header import CourtHeader

        shell = shell_of(self)
        yield CourtHeader(court_name=shell.runtime.court.court_name, clock=shell.runtime.clock, actor=shell.actor)
        with Vertical(id="feedback-body"):
            with Horizontal(classes="post-bar"):
                yield Static("查控结果反馈信息表", classes="post-title")
                yield Static(READING, id="feedback-summary", classes="post-summary", markup=False)
            table: DataTable[str] = DataTable(id="findings", cursor_type="row", zebra_stripes=True)
            table.add_columns(*FINDING_COLUMNS)
            yield table
            yield Static(EMPTY_TABLE, id="findings-empty", classes="post-empty")
            yield Static("", id="feedback-status", classes="post-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        actor = shell_of(self).actor
        self.allowed = allowed_actions(actor) if actor is not None else frozenset()
        self.refresh_bindings()
        if not self.may_record:
            note = f"只读：录入、修改、删除和提交查控结果需要{InquiryAction.RECORD.posts}的权限"
            flags = "；f 标注分流事实" if InquiryAction.FLAG in self.allowed else ""
            self.set_status(note + flags)
            self.query_one("#findings-empty", Static).update(EMPTY_TABLE_READ_ONLY)
        self.load_table()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys follow the service's answer: a/e/x/s hidden from those who may not record (who get ``read_only``)."""
        if action in KEY_ACTIONS:
            return KEY_ACTIONS[action] in self.allowed
        if action == "read_only":
            return not self.may_record
        return True

    def action_read_only(self, what: str) -> None:
        """The wording of the service's own refusal (require_role), given at the key instead of after the form."""
        actor = shell_of(self).actor
        who = f"{actor.name}（{actor.login}）" if actor is not None else ""
        self.app.notify(f"{who}无权{what}：需要{InquiryAction.RECORD.posts}的权限", severity="warning")

    def set_status(self, text: str) -> None:
        self.query_one("#feedback-status", Static).update(text)

    # -- reading ---------------------------------------------------------------------------------------------

    def load_table(self) -> None:
        case_id = self.case_id
        self.run_service(
            lambda ctx: feedback_table(case_id, ctx=ctx),
            action=READ_TABLE,
            done=TableLoaded,
            group="feedback-read",
            exclusive=True,
        )

    @on(TableLoaded)
    def show_table(self, message: TableLoaded) -> None:
        table = self.table = message.table
        grid = self.query_one("#findings", DataTable)
        row_before = grid.cursor_row
        grid.clear()
        for finding in table.findings:
            grid.add_row(*finding_cells(finding), key=str(finding.id))
        empty = not table.findings
        grid.display = not empty
        self.query_one("#findings-empty", Static).display = empty
        if grid.row_count:
            grid.move_cursor(row=min(row_before, grid.row_count - 1))
        names = "、".join(r.name for r in table.respondents)
        state = ("可编辑" if self.may_record else "只读") if table.editable else "已提交"
        summary = f"{table.case_number} · 标的 {format_yuan(table.target_fen)} · {names} · {state}"
        if table.flags:
            summary += " · " + "、".join(label for f, label in FLAG_LABELS.items() if f in table.flags)
        self.query_one("#feedback-summary", Static).update(summary)

    def display_failure(self, action: str, failure: Failure) -> None:
        """In the status line and notified; after a refused write the table is read again (what is saved now)."""
        self.set_status(failure.text)
        super().display_failure(action, failure)
        if action != READ_TABLE:
            self.load_table()

    def _current(self) -> FindingRow | None:
        """The row under the cursor, from the table as read (the cursor's row key, never the cells' text)."""
        grid = self.query_one("#findings", DataTable)
        if self.table is None or not grid.row_count or not self.table.findings:
            return None
        key = grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key
        return next((f for f in self.table.findings if str(f.id) == key.value), None)

    def _editable(self) -> FeedbackTable | None:
        """The table, if it may still change; else say it was submitted."""
        if self.table is None:
            return None
        if not self.table.editable:
            self.app.notify("查控结果反馈信息表已提交，不能再修改", severity="warning")
            return None
        return self.table

    def _saved(self, text: str) -> None:
        self.set_status(text)
        self.load_table()

    # -- rows --------------------------------------------------------------------------------------------------

    def action_add(self) -> None:
        if table := self._editable():
            self.app.push_screen(FindingForm(table, None, self._current()), callback=self._form_saved)

    def action_edit(self) -> None:
        current = self._current()
        if (table := self._editable()) and current is not None:
            self.app.push_screen(FindingForm(table, current, None), callback=self._form_saved)

    def _form_saved(self, answer: FormAnswer | None) -> None:
        if answer is None:
            return
        case_id, (editing, row) = self.case_id, answer
        self.run_service(
            lambda ctx: save_finding(ctx, case_id, editing, row),
            action="录入查控结果" if editing is None else "修改查控结果",
            done=lambda message: message,
            group=WRITES,
        )

    @on(FindingAdded)
    def _added(self) -> None:
        self._saved("已添加一行")

    @on(FindingChanged)
    def _changed(self) -> None:
        self._saved("已修改")

    def action_remove(self) -> None:
        current = self._current()
        if self._editable() and current is not None:
            question = f"删除这一行（{current.respondent} {current.asset_type.label} {current.institution}）吗？"

            def answered(yes: bool | None) -> None:
                if yes:
                    self._remove(current)

            self.app.push_screen(ConfirmScreen(question), callback=answered)

    def _remove(self, finding: FindingRow) -> None:
        self.run_service(
            lambda ctx: remove_finding(finding.id, expected_version=finding.version, ctx=ctx),
            action="删除查控结果",
            done=lambda _: FindingRemoved(),
            group=WRITES,
        )

    @on(FindingRemoved)
    def _removed(self) -> None:
        self._saved("已删除")

    # -- triage facts and submission ---------------------------------------------------------------------------

    def action_flags(self) -> None:
        if table := self._editable():
            self.app.push_screen(FlagsForm(table.flags), callback=self._flags_chosen)

    def _flags_chosen(self, flags: frozenset[str] | None) -> None:
        if flags is None or self.table is None:
            return
        case_id, version = self.case_id, self.table.flags_version  # as read: a newer save is not overwritten
        self.run_service(
            lambda ctx: set_triage_flags(case_id, flags, expected_version=version, ctx=ctx),
            action="标注分流事实",
            done=lambda _: FlagsSaved(),
            group=WRITES,
        )

    @on(FlagsSaved)
    def _flags_saved(self) -> None:
        self._saved("分流事实已保存")

    def action_submit(self) -> None:
        if table := self._editable():
            question = f"提交查控结果反馈信息表（{len(table.findings)} 条）并移送繁简分流吗？提交后不能再修改。"
            self.app.push_screen(ConfirmScreen(question), callback=self._submit_answered)

    def _submit_answered(self, yes: bool | None) -> None:
        if not yes:
            return
        case_id = self.case_id
        self.run_service(
            lambda ctx: submit_feedback(case_id, ctx=ctx),
            action="提交查控结果反馈信息表",
            done=lambda _: FeedbackSubmitted(),
            group=WRITES,
        )

    @on(FeedbackSubmitted)
    def _submitted(self) -> None:
        self.app.notify("已提交，案件进入繁简分流（主任 2 日内分流）")
        self.set_status("已提交")
        self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)
