"""立案审查 (F3, R-FIL-1..3): the filing queue, the receive-materials form, filing with a duplicate warning, and
不予立案 — proposed by the filing clerk, ruled by the director. A resumption's 原案号 is picked with Ctrl+F (or
typed and confirmed with Enter) and the form is then prefilled from the original case (R-ZB-2). Ctrl+T adds a
respondent, Ctrl+G an agent (代理人) with the party they act for.

F9 files what the form shows: a form changed since it was opened or saved (or a new one) is saved first, exactly
as by Ctrl+S, and filed only once that save is in, on the version it produced; a refused save files nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.widgets import Input

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing import MAX_AGENTS
from zhihui_tui.domain.lifecycle import FilingCategory
from zhihui_tui.tui.screens.filing.common import ORIGINAL_FIELD, filed_text
from zhihui_tui.tui.screens.filing.dialogs import FileDialog, TextDialog
from zhihui_tui.tui.screens.filing.jobs import fields_or
from zhihui_tui.tui.screens.filing.messages import (
    Filed,
    FilePrepared,
    OriginalLoaded,
    OriginalRefused,
    Proposed,
    Ruled,
)
from zhihui_tui.tui.screens.filing.post import ACTION_GROUP, ORIGINAL_ACTION, FilingPost
from zhihui_tui.tui.screens.filing.queue import PendingTable, QueueTable

if TYPE_CHECKING:
    from zhihui_tui.services.filing import PendingRejection
    from zhihui_tui.services.search import CaseHit


class FilingScreen(FilingPost):
    """F3: the post with its decisions — 立案 (F9), 不予立案 (Ctrl+R, X, B) and the 原案号 of a resumption."""

    # -- leaving ------------------------------------------------------------------------------------------------

    def action_back(self) -> None:
        form = self.query("#form")
        if form and self.focused is not None and form.first() in self.focused.ancestors:
            self.query_one("#queue", QueueTable).focus()
            return
        self.app.action_go_home()  # type: ignore[attr-defined]

    # -- the form's keys ----------------------------------------------------------------------------------------

    async def action_add_respondent(self) -> None:
        await self.form.add_respondent()

    async def action_add_agent(self) -> None:
        if not await self.form.add_agent():
            self.set_status(f"最多登记 {MAX_AGENTS} 位代理人")

    async def action_new_form(self) -> None:
        self.case_id, self.version, self.saved_form = None, 0, None
        await self.form.new_form()

    # -- filing -------------------------------------------------------------------------------------------------

    def action_file(self) -> None:
        """F9 files what the form shows: unchanged since it was opened or saved, at once; otherwise the form is
        saved first (as Ctrl+S, a new form received), and a refused save files nothing."""
        if self.busy() or self.shows_filed_case():
            return
        case_id = self.case_id
        if case_id is not None and self.saved_form == self.form.state():
            self.prepare_filing(case_id, self.version)
        else:
            self.save_form(then_file=True)

    @on(FilePrepared)
    def confirm_filing(self, message: FilePrepared) -> None:
        self.failure_note = ""
        self.set_status("请在对话框中确认立案")
        dialog = FileDialog(message.checks.hints, message.checks.options)
        self.app.push_screen(dialog, callback=lambda assignee: self.filing_confirmed(message, assignee))

    def filing_confirmed(self, prepared: FilePrepared, assignee: int | None) -> None:
        from zhihui_tui.services.filing import file_case

        case_id, version = prepared.case_id, prepared.version
        if assignee is None:
            self.set_status(f"{prepared.saved}，已取消立案" if prepared.saved else "已取消立案")
            return
        if self.case_id != case_id or self.saved_form != self.form.state():
            self.set_status("确认期间表单有改动，未立案：请再按 F9（先保存改动再立案）")
            return
        self.set_status("正在立案…")
        self.run_service(
            lambda ctx: file_case(case_id, expected_version=version, first_assignee_id=assignee or None, ctx=ctx),
            action="立案",
            done=Filed,
            group=ACTION_GROUP,
        )

    @on(Filed)
    def filed(self, message: Filed) -> None:
        self.case_id = None  # the form keeps its saved state: F9 or Ctrl+S on it again is refused
        self.form.set_title(f"{message.filed.case_number} 已立案（Ctrl+N 新收案）")
        self.done(filed_text(message.filed))
        self.notify(filed_text(message.filed), title="立案")

    # -- 不予立案 -----------------------------------------------------------------------------------------------

    def action_reject(self) -> None:
        case_id = self.case_id
        if case_id is None:
            self.set_status("请先在队列中选择案件（Enter），再提请不予立案")
            return
        dialog = TextDialog("提请不予立案（由指挥中心主任裁定）", "不予立案理由", required=True)
        self.app.push_screen(dialog, callback=lambda reasons: self.propose(case_id, reasons))

    def propose(self, case_id: int, reasons: str | None) -> None:
        from zhihui_tui.services.filing import propose_rejection

        if not reasons:
            return
        version = self.version
        self.run_service(
            lambda ctx: propose_rejection(case_id, reasons, expected_version=version, ctx=ctx),
            action="提请不予立案",
            done=lambda _: Proposed(case_id),
            group=ACTION_GROUP,
        )

    @on(Proposed)
    def proposed(self, message: Proposed) -> None:
        self.done(f"已提请不予立案（收案序号 {message.case_id}），待主任裁定")

    def action_rule(self, decision: str) -> None:
        row = self.query_one("#pending", PendingTable).chosen()
        if row is None:
            self.set_status("没有待裁定的提请")
            return
        rejecting = decision == "reject"
        title = "裁定不予立案" if rejecting else "退回立案审查"
        label = f"{title}：{row.applicants} 申请执行 {row.respondents}"
        dialog = TextDialog(label, "主任意见", required=not rejecting)
        self.app.push_screen(dialog, callback=lambda note: self.rule(row, rejecting, note))

    def rule(self, row: PendingRejection, rejecting: bool, note: str | None) -> None:
        from zhihui_tui.services.filing import rule_on_rejection

        if note is None:
            return
        self.run_service(
            lambda ctx: rule_on_rejection(
                row.rejection_id, "reject" if rejecting else "return", note, expected_version=row.version, ctx=ctx
            ),
            action="裁定不予立案" if rejecting else "退回立案审查",
            done=lambda _: Ruled(rejecting),
            group=ACTION_GROUP,
        )

    @on(Ruled)
    def ruled(self, message: Ruled) -> None:
        self.done("已裁定不予立案" if message.rejected else "已退回立案审查")

    # -- 原案号: picked or typed, then the form prefilled from the original -------------------------------------

    def action_find_case(self) -> None:
        """Ctrl+F in 原案号 picks the original case; anywhere else it is the usual search (the case's history)."""
        focused = self.focused
        if not (self.is_clerk and focused is not None and focused.id == "original"):
            super().action_find_case()
            return
        from zhihui_tui.tui.screens.case_search import CaseSearchScreen

        title = "选择原案（恢复执行）：Enter 选定后按原案预填本表"
        self.app.push_screen(CaseSearchScreen(self.form.value("original"), title=title), callback=self.original_picked)

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

    def load_original(self, number: str) -> None:
        from zhihui_tui.services.filing import resumption_draft

        self.set_status(f"正在读取原案 {number}…")
        self.run_service(
            lambda ctx: fields_or(lambda: resumption_draft(number, ctx=ctx)),
            action=ORIGINAL_ACTION,
            done=lambda result: OriginalRefused(result) if isinstance(result, list) else OriginalLoaded(result),
            group="filing-original",
            exclusive=True,
        )

    @on(OriginalRefused)
    def original_refused(self, message: OriginalRefused) -> None:
        self.form.show_errors(message.errors)
        self.set_status(f"{message.errors[0].message}（Ctrl+F 可按案号、当事人查找原案）")

    @on(OriginalLoaded)
    async def prefill_resumption(self, message: OriginalLoaded) -> None:
        """Parties, agents, basis, amount and requests as in the original; ticks survive only within 恢复执行."""
        draft = message.draft
        form = self.form
        provided = set(form.ticked()) if form.category is FilingCategory.RESUMPTION else set()
        await form.fill(draft, provided)  # every agent of the original, each for the same party
        original = self.query_one("#original", Input)
        original.focus()
        form.scroll_to_widget(original, animate=False)
        self.set_status(f"已按原案{draft.original_case_number}预填，请核对后按 Ctrl+S 保存")
