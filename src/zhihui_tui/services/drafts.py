"""Form drafts (issue 16): what a clerk had typed when the link dropped, kept and offered back at the next sign-in.

The terminal saves them in one short transaction as it ends (:func:`keep_drafts`); after the next sign-in of the
same person :func:`pending_drafts` lists them with the version the record has now, so the offer can say the record
changed since; 恢复 or 丢弃 both remove the draft (:func:`discard_draft`). A draft is never applied by itself.

Drafts are a person's scratch, not court records: written with plain statements (no audit entry copying personal
data into the append-only log), only ever read back by their owner, and kept in the court database (never a file)
so the data in them is protected like the records they draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select
from sqlmodel import SQLModel

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import FormDraftRow
from zhihui_tui.domain.drafts import MAX_DRAFTS_PER_USER, FormDraft, decode_values, encode_values
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import NotFound

__all__ = ["KeptDraft", "count_drafts", "discard_draft", "keep_drafts", "pending_drafts"]

_TABLE = FormDraftRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class KeptDraft:
    """A stored draft as offered back: the form, its values, when it was kept, and whether its record changed
    since (``current_version`` differs from ``draft.record_version``; None when the record is gone or new)."""

    id: int
    draft: FormDraft
    saved_at: datetime
    current_version: int | None

    @property
    def record_changed(self) -> bool:
        """The record the form edits was saved by someone since the draft was typed (or was removed)."""
        draft = self.draft
        return draft.record_id is not None and self.current_version != draft.record_version


def keep_drafts(drafts: Sequence[FormDraft], *, ctx: ServiceContext) -> int:
    """Store each non-blank draft for the acting person, replacing their earlier draft of the same form; the
    oldest beyond :data:`MAX_DRAFTS_PER_USER` go. One short transaction; returns how many were kept."""
    by_form = {draft.form_key: draft for draft in drafts if not draft.is_blank()}  # one per form: the last
    rows = [_row(draft, ctx) for draft in by_form.values()]
    if not rows:
        return 0
    staff_id = ctx.actor.id
    with ctx.engine.begin() as connection:
        keys = [row["form_key"] for row in rows]
        connection.execute(delete(_TABLE).where(_TABLE.c.staff_id == staff_id, _TABLE.c.form_key.in_(keys)))
        connection.execute(insert(_TABLE), rows)
        keep = (
            select(_TABLE.c.id)
            .where(_TABLE.c.staff_id == staff_id)
            .order_by(_TABLE.c.saved_at.desc(), _TABLE.c.id.desc())
            .limit(MAX_DRAFTS_PER_USER)
        )
        kept_ids = list(connection.execute(keep).scalars())
        connection.execute(delete(_TABLE).where(_TABLE.c.staff_id == staff_id, _TABLE.c.id.not_in(kept_ids)))
    return len(rows)


def _row(draft: FormDraft, ctx: ServiceContext) -> dict[str, Any]:
    values, args = encode_values(draft)
    return {
        "staff_id": ctx.actor.id,
        "form_key": draft.form_key,
        "title": draft.title[:200],
        "post": draft.post,
        "form_values": values,
        "open_args": args,
        "record_table": draft.record_table,
        "record_id": draft.record_id,
        "record_version": draft.record_version,
        "saved_at": ctx.now(),
    }


def pending_drafts(*, ctx: ServiceContext) -> list[KeptDraft]:
    """The acting person's drafts, newest first, each with its record's version now."""
    with read_session(ctx.engine) as session:
        query = (
            select(_TABLE)
            .where(_TABLE.c.staff_id == ctx.actor.id)
            .order_by(_TABLE.c.saved_at.desc(), _TABLE.c.id.desc())
        )
        rows = session.connection().execute(query).mappings().all()
        return [_kept(row, _version_now(session.connection(), row)) for row in rows]


def _kept(row: Any, current_version: int | None) -> KeptDraft:
    draft = FormDraft(
        form_key=row["form_key"],
        title=row["title"],
        values=decode_values(row["form_values"]),
        post=row["post"],
        open_args=decode_values(row["open_args"]),
        record_table=row["record_table"],
        record_id=row["record_id"],
        record_version=row["record_version"],
    )
    return KeptDraft(id=row["id"], draft=draft, saved_at=row["saved_at"], current_version=current_version)


def _version_now(connection: Any, row: Any) -> int | None:
    """The record's version now, read from its table (only tables with optimistic locking count)."""
    table = SQLModel.metadata.tables.get(row["record_table"] or "")
    if table is None or row["record_id"] is None or "version" not in table.c or "id" not in table.c:
        return None
    version = connection.execute(select(table.c.version).where(table.c.id == row["record_id"])).scalar()
    return int(version) if version is not None else None


def discard_draft(draft_id: int, *, ctx: ServiceContext) -> None:
    """Remove one of the acting person's drafts (after 恢复 or 丢弃); another person's is not found."""
    with ctx.engine.begin() as connection:
        gone = connection.execute(
            delete(_TABLE).where(_TABLE.c.id == draft_id, _TABLE.c.staff_id == ctx.actor.id)
        ).rowcount
    if not gone:
        raise NotFound("该草稿已不存在（可能已在另一终端恢复或丢弃）")


def count_drafts(engine: Engine, staff_id: int) -> int:
    """How many drafts a person has (for tests and the operations chapter's checks)."""
    with read_session(engine) as session:
        query = select(func.count()).select_from(_TABLE).where(_TABLE.c.staff_id == staff_id)
        return int(session.connection().execute(query).scalar_one())
