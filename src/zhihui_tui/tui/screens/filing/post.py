"""立案审查 (F3), the post: its layout, the queue, opening and saving a case (``FilingScreen`` adds filing,
不予立案 and the 原案号 of a resumption).

Every service call goes through ``run_service`` and answers with a message of its own. What a person may do is
the service's answer (``allowed_actions``). Field checks use ``draft_errors``; each ``FieldError`` is shown under
the field its label names, and nothing is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from zhihui_tui.domain.drafts import FormDraft
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing import acts_for_applicant, draft_errors, missing_items
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.services.filing import FilingAction, allowed_actions
from zhihui_tui.tui.screens.base import SignedInScreen, show_text
from zhihui_tui.tui.screens.filing.common import EMPTY_QUEUE, ORIGINAL_FIELD, READING, ready_text
from zhihui_tui.tui.screens.filing.drafts import filing_draft, restore_filing
from zhihui_tui.tui.screens.filing.form import FilingForm, FormState
from zhihui_tui.tui.screens.filing.jobs import fields_or, filing_checks, read_queue
from zhihui_tui.tui.screens.filing.messages import DraftLoaded, FilePrepared, FormRefused, QueueLoaded, Saved
from zhihui_tui.tui.screens.filing.queue import PendingTable, QueueTable
from zhihui_tui.tui.service_calls import FailureKind

if TYPE_CHECKING:
    from zhihui_tui.services.context import Actor
    from zhihui_tui.services.filing import QueueKey
    from zhihui_tui.tui.service_calls import Failure

ORIGINAL_ACTION = "读取原案"
ACTION_GROUP = "filing-action"  # a save, an opening or a filing: one at a time
# The form's keys and the service action each needs (at some stage the form can show: new, or 材料接收).
KEY_ACTIONS = {
    "save": FilingAction.RECEIVE,
    "add_respondent": FilingAction.RECEIVE,
    "add_agent": FilingAction.RECEIVE,
    "new_form": FilingAction.RECEIVE,
    "file": FilingAction.FILE,
    "reject": FilingAction.PROPOSE_REJECTION,
}


class FilingPost(SignedInScreen):
    """F3 without its decisions: layout, the queue, opening and saving a case, and how failures show."""

    SCREEN_NAME = "立案审查"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="filing.save"),
        Binding("f9", "file", "立案", key_display="F9", id="filing.file"),
        Binding("ctrl+r", "reject", "不予立案", id="filing.reject"),
        Binding("ctrl+t", "add_respondent", "加被执行人", id="filing.add"),
        Binding("ctrl+g", "add_agent", "加代理人", id="filing.add_agent"),
        Binding("ctrl+n", "new_form", "新收案", id="filing.new"),
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
        # The form as last read from or saved to the database (None: a new form): F9 files the case as is
        # only while the form still equals it, and saves the form first otherwise.
        self.saved_form: FormState | None = None
        self.status_text = READING
        self.failure_note = ""  # what a refusal of the running action is prefixed with (F9 saved the form first)
        self._allowed: tuple[Actor, frozenset[FilingAction]] | None = None
        self._form: FilingForm | None = None

    # -- who may do what: the service's answer ----------------------------------------------------------------

    def may(self, action: FilingAction) -> bool:
        """Whether the signed-in person may ``action`` on a form this post can show (new, or at 材料接收); asked
        per key and footer refresh, so the service's answer is kept per person."""
        actor = self.shell.actor
        if actor is None:
            return False
        if self._allowed is None or self._allowed[0] != actor:
            either = allowed_actions(actor, None) | allowed_actions(actor, Stage.RECEIVED)
            self._allowed = (actor, either)
        return action in self._allowed[1]

    @property
    def is_clerk(self) -> bool:
        return self.may(FilingAction.RECEIVE)

    @property
    def is_director(self) -> bool:
        return self.may(FilingAction.RULE_ON_REJECTION)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in KEY_ACTIONS:
            return self.may(KEY_ACTIONS[action]) and self.form_built
        if action == "rule":
            return self.is_director
        return True

    # -- layout -------------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="fil-body"):
            yield QueueTable(id="queue")
            yield Static(EMPTY_QUEUE, id="queue-empty")
            yield Static(READING, id="fil-status", markup=False)
            if self.is_director:
                yield Static("待裁定的不予立案提请（X 不予立案  B 退回）", id="pending-title")
                yield PendingTable(id="pending")
            if self.is_clerk:
                self._form = FilingForm(id="form")
                yield self._form
        yield self.make_footer()

    @property
    def form(self) -> FilingForm:
        assert self._form is not None, "only the filing clerk's F3 has the form"
        return self._form

    @property
    def form_built(self) -> bool:
        return self._form is not None and self._form.built

    async def ensure_form(self) -> None:
        """Mount the receiving form. Its ~150 widgets take about half a second to build, so it follows the
        queue onto the screen instead of holding F3 back (the queue has the focus when the screen opens)."""
        if self.is_clerk and not self.form_built:
            await self.form.build()
            self.refresh_bindings()

    async def prepare_hidden(self) -> None:
        """Built ahead after sign-in: the queue's first page is read and drawn off screen too (``read_ahead``),
        and the receiving form is built, so nothing is held back."""
        await self.read_ahead(lambda ctx: QueueLoaded(read_queue(ctx, None)), self.show_queue)
        await self.ensure_form()
        await super().prepare_hidden()

    def set_status(self, text: str) -> None:
        self.status_text = text
        show_text(self.query_one("#fil-status", Static), text)

    def display_failure(self, action: str, failure: Failure) -> None:
        """In the status line (after what F9 saved first, if it did), at the field it names, and notified."""
        text = f"{self.failure_note}；{failure.text}" if self.failure_note else failure.text
        self.failure_note = ""
        field = failure.field
        if action == ORIGINAL_ACTION and failure.kind is FailureKind.REFUSED:
            field = field or ORIGINAL_FIELD  # whatever refused the original is shown at 原案号
            text += "（Ctrl+F 可按案号、当事人查找原案）"
        if field is not None and self.form_built:
            self.form.show_errors([FieldError(field, failure.text.removeprefix(f"{field}："))])
        self.set_status(text)
        super().display_failure(action, failure)

    # -- the queue ----------------------------------------------------------------------------------------------

    def on_screen_resume(self) -> None:
        self.load_queue()

    def load_queue(self, after: QueueKey | None = None) -> None:
        """The first page (or, with ``after``, the next one); the director's pending rulings with the first."""
        self.run_service(
            lambda ctx: read_queue(ctx, after),
            action="读取立案队列",
            done=QueueLoaded,
            group="filing-queue",
            exclusive=True,
        )

    @on(QueueTable.MoreWanted)
    def more_queue(self, message: QueueTable.MoreWanted) -> None:
        self.load_queue(message.after)

    @on(QueueLoaded)
    def show_queue(self, message: QueueLoaded) -> None:
        read = message.read
        queue = self.query_one("#queue", QueueTable)
        queue.show(read.page, more=read.more)
        self.query_one("#queue-empty", Static).display = not queue.shown
        if self.status_text == READING:
            self.set_status(f"材料接收中 {read.page.total} 件（Enter 打开所选案件）")
        if read.pending is not None:
            self.query_one("#pending", PendingTable).show(read.pending)
        if self.is_clerk and not self.form_built:
            self.call_after_refresh(self.ensure_form)

    def done(self, text: str) -> None:
        """An action finished: ``text`` in the status line, and the queue read again."""
        self.set_status(text)
        self.load_queue()

    # -- saving -------------------------------------------------------------------------------------------------

    def busy(self) -> bool:
        """A save, an opening or a filing is under way: a second one would run on the version it replaces."""
        working = any(w.node is self and w.group == ACTION_GROUP and not w.is_finished for w in self.workers)
        if working:
            self.set_status("正在处理上一步操作，请稍候")
        return working

    def save_draft(self) -> FormDraft | None:
        """The form as typed, for the hang-up (None: empty, or as last saved or opened)."""
        return filing_draft(self)

    async def restore_draft(self, draft: FormDraft, *, record_changed: bool) -> None:
        """恢复: the form as typed, on the case and version it was typed against."""
        await restore_filing(self, draft, record_changed=record_changed)

    def shows_filed_case(self) -> bool:
        """The form still shows the case just filed: saving it again would receive that case a second time."""
        if self.case_id is None and self.saved_form is not None and self.saved_form == self.form.state():
            self.set_status("本表的案件已立案：Ctrl+N 新收案，或在队列中选择案件（Enter）")
            return True
        return False

    def action_save(self) -> None:
        if not self.busy() and not self.shows_filed_case():
            self.save_form(then_file=False)

    def save_form(self, *, then_file: bool) -> None:
        """Ctrl+S, and F9 while the form has unsaved changes: checked field by field, then saved (a new form is
        received); with ``then_file`` the filing follows once the save is in, and never after a refusal."""
        from zhihui_tui.services.filing import receive_materials, save_draft

        draft, ticked = self.form.read_draft(), tuple(self.form.ticked())
        outcome = "未保存，未立案" if then_file else "未保存"
        errors = draft_errors(draft, today=self.shell.runtime.clock.now().date())
        if errors:
            self.refused(FormRefused(errors, outcome))
            return
        self.form.clear_errors()
        self.set_status("正在保存修改，随后立案…" if then_file else "正在保存…")
        case_id, version = self.case_id, self.version

        def answer(case: int, new_version: int | None) -> Saved:
            return Saved(case, new_version, draft, ticked, then_file=then_file)

        if case_id is None:
            self.run_service(
                lambda ctx: fields_or(lambda: receive_materials(draft, ticked, ctx=ctx)),
                action="接收立案材料",
                done=lambda result: FormRefused(result, outcome) if isinstance(result, list) else answer(result, None),
                group=ACTION_GROUP,
            )
            return
        self.run_service(
            lambda ctx: fields_or(lambda: save_draft(case_id, draft, ticked, expected_version=version, ctx=ctx)),
            action="保存立案信息",
            done=lambda result: FormRefused(result, outcome) if isinstance(result, list) else answer(case_id, result),
            group=ACTION_GROUP,
        )

    @on(FormRefused)
    def refused(self, message: FormRefused) -> None:
        self.form.show_errors(message.errors)
        self.set_status(f"有 {len(message.errors)} 处填写有误，{message.outcome}：{message.errors[0].message}")

    @on(Saved)
    def saved(self, message: Saved) -> None:
        case_id = self.case_id = message.case_id
        if message.version is None:  # just received: read back, the form shows what was stored, with its version
            self.open_draft(case_id, "已接收材料", then_file=message.then_file)
            return
        self.version = message.version
        self.saved_form = (message.draft, frozenset(message.ticked))
        if message.then_file:
            self.load_queue()
            self.prepare_filing(case_id, message.version, saved="已保存修改")
            return
        has_agent = acts_for_applicant(message.draft.agents)
        missing = missing_items(message.draft.category, set(message.ticked), has_agent=has_agent)
        self.done(ready_text("已保存修改", case_id, missing))

    def prepare_filing(self, case_id: int, version: int, *, saved: str = "") -> None:
        """The checks before the 立案 dialog; ``saved`` (已保存修改, 已接收材料): F9 has just saved the form."""
        done = f"{saved}（收案序号 {case_id}）" if saved else ""
        self.set_status(f"{done}，正在核对疑似重复案件…" if done else "正在核对疑似重复案件…")
        self.failure_note = done
        category = self.form.category
        self.run_service(
            lambda ctx: filing_checks(ctx, case_id, category),
            action="立案",
            done=lambda checks: FilePrepared(case_id, version, checks, done),
            group=ACTION_GROUP,
        )

    # -- opening a case -----------------------------------------------------------------------------------------

    @on(QueueTable.RowSelected, "#queue")
    def open_case(self, event: QueueTable.RowSelected) -> None:
        if not self.is_clerk or event.row_key.value is None or self.busy():
            return
        self.set_status("正在读取案件…")
        self.open_draft(int(event.row_key.value), "已打开")

    def open_draft(self, case_id: int, verb: str, *, then_file: bool = False) -> None:
        from zhihui_tui.services.filing import case_draft

        self.run_service(
            lambda ctx: case_draft(case_id, ctx=ctx),
            action="读取案件",
            done=lambda draft: DraftLoaded(draft, verb, then_file=then_file),
            group=ACTION_GROUP,
        )

    @on(DraftLoaded)
    async def fill_form(self, message: DraftLoaded) -> None:
        await self.ensure_form()
        loaded = message.draft
        self.case_id, self.version = loaded.case_id, loaded.version
        await self.form.fill(loaded.draft, {row.item.code for row in loaded.materials if row.provided})
        self.form.set_title(f"收案序号 {loaded.case_id} · {loaded.stage.label}")
        self.saved_form = self.form.state()
        self.load_queue()
        if message.then_file:
            self.prepare_filing(loaded.case_id, loaded.version, saved=message.verb)
        else:
            self.set_status(ready_text(message.verb, loaded.case_id, loaded.missing))
