"""The drafts' screen, reached at sign-in or hang-up only: imported then, so it stays out of the path to the login
screen's first frame (start-up is measured against a bare Textual app, issue 16)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhihui_tui.domain.drafts import FormDraft
    from zhihui_tui.tui.app import ZhihuiApp


def offer_drafts_later(app: ZhihuiApp) -> None:
    """After sign-in: offer the person's drafts back (恢复 / 丢弃)."""
    from zhihui_tui.tui.screens.draft_offer import offer_drafts

    offer_drafts(app)


def keep_drafts_later(app: ZhihuiApp, drafts: list[FormDraft]) -> None:
    """On hang-up: keep the forms in progress."""
    from zhihui_tui.tui.screens.draft_offer import keep_drafts_now

    keep_drafts_now(app, drafts)
