"""The filing form as a draft (issue 16): kept at a hang-up, filled in again on 恢复."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhihui_tui.domain.drafts import FormDraft
from zhihui_tui.domain.filing.draft_json import filing_from_json, filing_is_blank, filing_to_json
from zhihui_tui.tui.drafts import RECORD_CHANGED, RESTORED

if TYPE_CHECKING:
    from zhihui_tui.tui.screens.filing.post import FilingPost


def filing_draft(screen: FilingPost) -> FormDraft | None:
    """The form as typed: None when it is not built, empty, or as last saved or opened."""
    if not screen.form_built:
        return None
    draft, ticked = screen.form.state()
    if filing_is_blank(draft, ticked) or screen.saved_form == (draft, ticked):
        return None
    case_id = screen.case_id
    return FormDraft(
        form_key="post:filing",
        title="收案登记" if case_id is None else f"收案登记（收案序号 {case_id}）",
        values={"filing": filing_to_json(draft), "ticked": sorted(ticked)},
        open_args={"case_id": case_id, "version": screen.version},
        record_table="enforcement_case" if case_id is not None else None,
        record_id=case_id,
        record_version=screen.version if case_id is not None else None,
    )


async def restore_filing(screen: FilingPost, draft: FormDraft, *, record_changed: bool) -> None:
    """The form as typed, on the case and version it was typed against: a newer save of that case then
    reaches the clerk as a conflict (the normal path), never as a silent overwrite."""
    await screen.ensure_form()
    case_id, version = draft.open_args.get("case_id"), draft.open_args.get("version")
    screen.case_id = case_id if isinstance(case_id, int) else None
    screen.version = version if isinstance(version, int) else 0
    ticked = draft.values.get("ticked")
    provided: set[str] = {item for item in ticked if isinstance(item, str)} if isinstance(ticked, list) else set()
    await screen.form.fill(filing_from_json(draft.values.get("filing")), provided)
    screen.saved_form = None
    screen.set_status(RECORD_CHANGED if record_changed else RESTORED)
