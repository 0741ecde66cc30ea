"""What a flush changed, as audit entries: who, what, which record, before and after."""

from collections.abc import Iterator
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session, attributes
from sqlmodel import SQLModel

from zhihui_tui.db.models import AuditRecord
from zhihui_tui.services.audit.chain import REDACTED_COLUMNS, AuditEntry


def _entity_id(obj: SQLModel) -> str:
    # After the INSERT ran, the primary key is on the instance even before its identity key is registered.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(part) for part in key)


def _columns(obj: SQLModel) -> list[str]:
    return [column.key for column in inspect(obj).mapper.column_attrs]


def _snapshot(obj: SQLModel) -> dict[str, Any]:
    return {key: ("***" if key in REDACTED_COLUMNS else getattr(obj, key)) for key in _columns(obj)}


def _changes(obj: SQLModel) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _columns(obj):
        history = attributes.get_history(obj, key)
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if key in REDACTED_COLUMNS:
            old, new = "***", "***（已修改）"
        before[key], after[key] = old, new
    return before, after


def entries_from_flush(session: Session, actor_login: str, action: str) -> Iterator[AuditEntry]:
    """Audit entries for everything this flush inserted, changed or deleted (``unit_of_work`` calls it)."""
    for obj in session.new:
        if isinstance(obj, SQLModel) and not isinstance(obj, AuditRecord):
            yield AuditEntry(actor_login, action, obj.__tablename__, _entity_id(obj), None, _snapshot(obj))  # type: ignore[arg-type]
    for obj in session.dirty:
        if isinstance(obj, SQLModel) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                yield AuditEntry(actor_login, action, obj.__tablename__, _entity_id(obj), before, after)  # type: ignore[arg-type]
    for obj in session.deleted:
        if isinstance(obj, SQLModel):
            yield AuditEntry(actor_login, action, obj.__tablename__, _entity_id(obj), _snapshot(obj), None)  # type: ignore[arg-type]
