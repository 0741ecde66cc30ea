"""After sign-in, a form the link dropped in the middle of is offered back (issue 16): 恢复 opens the same post and
form with the values filled in, 丢弃 deletes the draft, Esc leaves it for the next sign-in. Never applied silently.

A post's own form (the reception visit, the filing form) is named ``post:<mode>`` and filled in by the post screen's
``restore_draft``; a dialog form (:class:`~zhihui_tui.tui.screens.forms.FormScreen`) is opened again from its
``draft_args`` on its post. If the record it edits was saved since, the offer says so and the form still saves
through the normal conflict path (it keeps the version it was read at).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from zhihui_tui.tui.posts import POSTS
from zhihui_tui.tui.screens.forms import form_class

if TYPE_CHECKING:
    from zhihui_tui.domain.drafts import FormDraft
    from zhihui_tui.services.drafts import KeptDraft
    from zhihui_tui.tui.app import ZhihuiApp

POST_FORM = "post:"  # form_key prefix of a post's own form: "post:post-f2"
RESTORE, DISCARD = "restore", "discard"
CANNOT_RESTORE = "无法恢复该草稿：表单已不存在或当前账号无权使用该岗位（草稿已保留）"


def offer_text(kept: KeptDraft) -> str:
    """The offer, in the clerk's words."""
    draft = kept.draft
    text = f"上次连接中断时，有一份未保存的「{draft.title}」表单（保存于 {kept.saved_at:%Y-%m-%d %H:%M}）。"
    if kept.record_changed:
        now = "已被删除" if kept.current_version is None else f"现为第 {kept.current_version} 版"
        text += (
            f"\n注意：该记录此后已被修改（草稿基于第 {draft.record_version} 版，{now}）。"
            "\n恢复后请核对，提交时将按冲突提示处理。"
        )
    return text


class DraftOfferScreen(ModalScreen[str | None]):
    """恢复 / 丢弃 one kept draft; Esc decides later (the draft is offered again at the next sign-in)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,enter", "answer('restore')", "恢复", id="draft.restore"),
        Binding("d", "answer('discard')", "丢弃", id="draft.discard"),
        Binding("escape", "answer(None)", "稍后", id="draft.later"),
    ]

    def __init__(self, kept: KeptDraft) -> None:
        super().__init__()
        self.kept = kept

    def compose(self) -> ComposeResult:
        with Vertical(id="draft-box", classes="dialog"):
            yield Static("未保存的表单", classes="dialog-title")
            yield Static(offer_text(self.kept), id="draft-offer", markup=False)
            yield Static("R/Enter 恢复    D 丢弃    Esc 下次登录再提示", classes="dialog-keys")

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)


def keep_drafts_now(app: ZhihuiApp, drafts: list[FormDraft]) -> None:
    """The hang-up's save: one short transaction as the signed-in person, on the UI thread (the app is ending)."""
    if app.actor is None:
        return  # signed out: the post screens were dropped with everything typed
    from zhihui_tui.services.drafts import keep_drafts

    keep_drafts(drafts, ctx=app.service_context())


def offer_drafts(app: ZhihuiApp) -> None:
    """Read the signed-in person's drafts in a worker and offer them, newest first."""

    def read() -> None:
        from zhihui_tui.services.drafts import pending_drafts

        found = pending_drafts(ctx=app.service_context())
        if found:
            app.call_from_thread(_offer, app, found)

    app.run_worker(read, thread=True, exit_on_error=False, group="drafts", name="read-drafts")


def _offer(app: ZhihuiApp, drafts: list[KeptDraft]) -> None:
    if not drafts or app.actor is None:
        return
    kept, rest = drafts[0], drafts[1:]

    def answered(answer: str | None) -> None:
        if answer == DISCARD:
            _discard(app, kept)
            _offer(app, rest)
        elif answer == RESTORE:
            app.run_worker(restore(app, kept), exit_on_error=False, group="drafts", name="restore-draft")
        # Esc, or 恢复 (one form at a time): the others are offered at the next sign-in

    app.push_screen(DraftOfferScreen(kept), callback=answered)


def _discard(app: ZhihuiApp, kept: KeptDraft) -> None:
    def remove() -> None:
        from zhihui_tui.services.drafts import discard_draft

        discard_draft(kept.id, ctx=app.service_context())

    app.run_worker(remove, thread=True, exit_on_error=False, group="drafts", name="discard-draft")


async def restore(app: ZhihuiApp, kept: KeptDraft) -> None:
    """Open the draft's post and form with its values filled in; the draft is removed once it is on screen."""
    draft = kept.draft
    actor = app.actor
    post = next((p for p in POSTS if p.mode == draft.post), None)
    if actor is None or (post is not None and not post.allows(actor.roles)):
        app.notify(CANNOT_RESTORE, severity="warning")
        return
    if draft.form_key.startswith(POST_FORM):
        await app.switch_mode(draft.post)
        fill: Any = getattr(app.screen, "restore_draft", None)
        if not callable(fill):
            app.notify(CANNOT_RESTORE, severity="warning")
            return
        await fill(draft, record_changed=kept.record_changed)
    else:
        form = form_class(draft.form_key)
        if form is None:
            app.notify(CANNOT_RESTORE, severity="warning")
            return
        if post is not None or draft.post == "home":
            await app.switch_mode(draft.post)
        screen = form.from_draft(draft.open_args)
        screen.restore_values(draft.values, record_changed=kept.record_changed)
        await app.push_screen(screen)
    _discard(app, kept)
