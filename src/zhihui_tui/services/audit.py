"""全程留痕: every flushed change writes an audit row in the same transaction, hash-chained.

Services never call this by hand: ``unit_of_work`` tags the session with the actor and the action, and the
``after_flush`` hook records what changed (who, when, what, which record, before and after). Bulk Core inserts
(demo, import) call :func:`append` with one summary row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session, attributes
from sqlmodel import SQLModel

from zhihui_tui.db.models import AuditHead, AuditRecord

GENESIS_HASH = "0" * 64
# Secrets and derived data never go into the trail.
REDACTED_COLUMNS = {"password_hash"}
# Postgres: one advisory lock key serialises appends to the chain (SQLite's BEGIN IMMEDIATE already does).
_CHAIN_LOCK_KEY = 0x7A68_6968  # "zhih"


@dataclass(frozen=True)
class AuditEntry:
    actor_login: str
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _dump(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps({k: _plain(v) for k, v in data.items()}, ensure_ascii=False, sort_keys=True)


def row_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the row's content in a canonical JSON form."""
    canonical = json.dumps({k: _plain(v) for k, v in fields.items()}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def _hashed_fields(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "recorded_at", "as_of", "actor_login", "action", "entity", "entity_id", "before", "after")
    return {key: row[key] for key in keys}


def _chain_head(session: Session) -> tuple[int, str]:
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        bind.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    last = bind.execute(
        select(AuditRecord.id, AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1)  # type: ignore[attr-defined]
    ).first()
    return (last[0], last[1]) if last else (0, GENESIS_HASH)


def append(session: Session, entries: list[AuditEntry], *, as_of: datetime) -> None:
    """Append entries to the chain with Core inserts (safe inside a flush)."""
    if not entries:
        return
    last_id, prev = _chain_head(session)
    recorded_at = datetime.now().replace(microsecond=0)
    rows = []
    for offset, entry in enumerate(entries, start=1):
        row = {
            "id": last_id + offset,
            "recorded_at": recorded_at,
            "as_of": as_of,
            "actor_login": entry.actor_login,
            "action": entry.action,
            "entity": entry.entity,
            "entity_id": entry.entity_id,
            "before": _dump(entry.before),
            "after": _dump(entry.after),
        }
        row["prev_hash"] = prev
        row["hash"] = prev = row_hash(prev, _hashed_fields(row))
        rows.append(row)
    session.connection().execute(AuditRecord.__table__.insert(), rows)  # type: ignore[attr-defined]


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


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    reason: str = ""


def verify(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in id order: a gap means a removed row, a hash mismatch an altered one; then compare its
    end with the head the database kept (``audit_head``), which shows rows removed from the end."""
    expected_id, prev = 1, GENESIS_HASH
    checked = 0
    last_seen = 0
    table = AuditRecord.__table__  # type: ignore[attr-defined]
    while True:
        rows = (
            session.connection()
            .execute(select(table).where(table.c.id > last_seen).order_by(table.c.id).limit(batch))
            .mappings()
            .all()
        )
        if not rows:
            return _against_head(session, checked, last_seen, prev)
        for row in rows:
            if row["id"] != expected_id:
                return VerifyResult(False, checked, expected_id, f"第 {expected_id} 条审计记录缺失（已被删除）")
            if row["prev_hash"] != prev:
                return VerifyResult(False, checked, row["id"], f"第 {row['id']} 条审计记录的前序哈希不符（链被改动）")
            if row_hash(prev, _hashed_fields(dict(row))) != row["hash"]:
                return VerifyResult(False, checked, row["id"], f"第 {row['id']} 条审计记录内容被改动（哈希不符）")
            prev = row["hash"]
            expected_id += 1
            checked += 1
            last_seen = row["id"]


def _against_head(session: Session, checked: int, last_id: int, last_hash: str) -> VerifyResult:
    head = session.connection().execute(select(AuditHead.last_id, AuditHead.last_hash)).first()  # type: ignore[call-overload]
    if head is None:
        return VerifyResult(False, checked, last_id + 1, "审计链尾记录（audit_head）缺失，无法确认末尾是否被删除")
    if head.last_id > last_id:
        return VerifyResult(
            False, checked, last_id + 1, f"第 {last_id + 1} 至 {head.last_id} 条审计记录缺失（链尾被删除）"
        )
    if head.last_id < last_id or head.last_hash != last_hash:
        return VerifyResult(False, checked, head.last_id, f"第 {head.last_id} 条审计记录与链尾记录不符（链被改动）")
    return VerifyResult(ok=True, checked=checked)
