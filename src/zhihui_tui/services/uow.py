"""A unit of work: one write transaction, tagged with actor, action and clock, audited on every flush."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from zhihui_tui.db.models import AuditRecord
from zhihui_tui.domain.clock import Clock
from zhihui_tui.services import audit
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import ConcurrentEdit


@event.listens_for(OrmSession, "after_flush")
def _audit_after_flush(session: OrmSession, _context: Any) -> None:
    actor: Actor | None = session.info.get("actor")
    if actor is None:
        # Reads and the migration's own session never change audited tables; a write without an actor would.
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("a write outside unit_of_work(): every change must name its actor")
        return
    clock: Clock = session.info["clock"]
    entries = list(audit.entries_from_flush(session, actor.login, session.info["action"]))
    audit.append(session, entries, as_of=clock.now())


@contextmanager
def unit_of_work(engine: Engine, *, actor: Actor, action: str, clock: Clock) -> Iterator[Session]:
    """Commit on success, roll back on any error; a lost optimistic-lock race becomes ConcurrentEdit."""
    with Session(engine, expire_on_commit=False) as session:
        session.info.update(actor=actor, action=action, clock=clock)
        try:
            with session.begin():
                yield session
        except StaleDataError as error:
            raise ConcurrentEdit(_who_changed_first(engine, str(error))) from None


def _who_changed_first(engine: Engine, detail: str) -> str:
    """Name the last writer so the clerk can see who saved first and reapply."""
    table = detail.split("table '", 1)[-1].split("'", 1)[0] if "table '" in detail else None
    with Session(engine) as session:
        query = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)  # type: ignore[attr-defined]
        if table:
            query = query.where(AuditRecord.entity == table)
        last = session.exec(query).first()
    if last is None:
        return "该记录已被他人修改，请刷新后重新填写"
    return f"该记录已被 {last.actor_login} 于 {last.recorded_at:%H:%M:%S}（{last.action}）修改，请刷新后重新填写"
