"""Optimistic locking, one way: load a record for update against the version the clerk read.

Every versioned save goes through :func:`load_for_update`. It takes the row lock first (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite's write transactions are already serialised by ``BEGIN IMMEDIATE``), so no other terminal can
change the row between the check and the write, then compares versions. A stale copy is refused with the name of
the last writer of *that* record — from the audit trail, never another record's — and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import and_, or_
from sqlmodel import Session, SQLModel, col, select

from zhihui_tui.db.models import AuditRecord
from zhihui_tui.services.errors import ConcurrentEdit, NotFound

M = TypeVar("M", bound=SQLModel)

REFILL = "请刷新后重新填写"


def load_for_update(
    session: Session,
    model: type[M],
    key: Any,
    expected_version: int | None,
    *,
    what: str,
    advice: str = REFILL,
    missing: str | None = None,
    covers: Callable[[Session], Mapping[str, Iterable[Any]]] | None = None,
) -> M:
    """The row of ``model`` with primary key ``key``, locked for this transaction and at ``expected_version``.

    ``what`` names the record in Chinese ("该案件", "该条查控结果"); ``expected_version=None`` skips the check (the
    caller owns the row outright, e.g. it just created it). Raises :class:`NotFound` (``missing`` or a default
    message) for a row that is gone, :class:`ConcurrentEdit` naming the last writer for a stale version. When
    the row's version also covers other rows (a case draft's parties and checklist), ``covers`` returns their
    keys by table, and the last writer among all of them is named."""
    row = session.get(model, key, with_for_update=True)
    if row is None:
        raise NotFound(missing or f"{what}已不存在，请刷新")
    if expected_version is not None and row.version != expected_version:  # type: ignore[attr-defined]
        records: dict[str, Iterable[Any]] = {table_of(model): [key]}
        if covers is not None:
            records.update(covers(session))
        raise ConcurrentEdit(stale_message(session, records, what=what, advice=advice))
    return row


def table_of(model: type[SQLModel]) -> str:
    """The table name the audit trail records for ``model``."""
    return str(model.__tablename__)


def audit_key(key: Any) -> str:
    """A primary key as the audit trail writes it (composite keys joined by ``/``)."""
    if isinstance(key, tuple):
        return "/".join(str(part) for part in key)
    return str(key)


def last_writer(session: Session, records: Mapping[str, Iterable[Any]]) -> AuditRecord | None:
    """The newest audit record of any of ``records`` (table name → primary keys); None if none was audited."""
    wanted = [
        and_(col(AuditRecord.entity) == table, col(AuditRecord.entity_id).in_(sorted({audit_key(k) for k in keys})))
        for table, keys in records.items()
        if keys
    ]
    if not wanted:
        return None
    statement = select(AuditRecord).where(or_(*wanted)).order_by(col(AuditRecord.id).desc()).limit(1)
    return session.exec(statement).first()


def stale_message(
    session: Session, records: Mapping[str, Iterable[Any]], *, what: str = "该记录", advice: str = REFILL
) -> str:
    """How a lost race reads to the clerk: who saved ``what`` last, when, doing what; and what to do now."""
    last = last_writer(session, records)
    if last is None:
        return f"{what}已被他人修改，{advice}"
    return f"{what}已被 {last.actor_login} 于 {last.recorded_at:%H:%M:%S}（{last.action}）修改，{advice}"
