"""The chain itself: canonical rows, their (keyed) hashes, and appends under the chain's head lock."""

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from sqlmodel import col

from zhihui_tui.db.bulk import insert_rows
from zhihui_tui.db.models import AuditRecord
from zhihui_tui.services.audit.keys import _keyed_from, _write_key

GENESIS_HASH = "0" * 64
# Secrets and derived data never go into the trail.
REDACTED_COLUMNS = {"password_hash"}
# Postgres: one advisory lock key serialises appends to the chain (SQLite's BEGIN IMMEDIATE already does).
_CHAIN_LOCK_KEY = 0x7A68_6968  # "zhih"


@dataclass(frozen=True)
class AuditEntry:
    """One change to record: who did which action to which record, with the record before and after."""

    actor_login: str
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def plain_value(value: Any) -> Any:
    """A value as the audit JSON holds it: dates and times in ISO form, the rest as it is."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain_default(value: Any) -> Any:
    """JSON's hook for what it cannot encode: dates and times as :func:`plain_value` writes them, at any depth."""
    if isinstance(value, date):  # datetime is a date too
        return plain_value(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# orjson writes a row's JSON about six times faster than the json module (issue 12: an import's audit entries),
# dates and times natively as plain_value writes them (ISO, to the second). The stored text is compact; the chain
# hashes the stored text, whatever its spacing.
_ORJSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_OMIT_MICROSECONDS


def _dump(data: dict[str, Any] | None) -> str | None:
    """The canonical JSON of a row, rows nested in it included; what orjson refuses (an integer past 64 bits, a
    lone surrogate) is written by the json module instead."""
    if data is None:
        return None
    try:
        return orjson.dumps(data, default=_plain_default, option=_ORJSON_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, sort_keys=True, default=_plain_default)


def row_hash(prev_hash: str, fields: dict[str, Any], *, key: bytes | None = None) -> str:
    """HMAC-SHA256 with ``key`` (plain SHA-256 without, as before 0009) over the previous hash and the row's
    content in a canonical JSON form."""
    canonical = json.dumps({k: plain_value(v) for k, v in fields.items()}, ensure_ascii=False, sort_keys=True)
    message = (prev_hash + canonical).encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _hashed_fields(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "recorded_at", "as_of", "actor_login", "action", "entity", "entity_id", "before", "after")
    return {key: row[key] for key in keys}


def _chain_head(session: Session) -> tuple[int, str]:
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        bind.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    last = bind.execute(
        select(col(AuditRecord.id), col(AuditRecord.hash)).order_by(col(AuditRecord.id).desc()).limit(1)
    ).first()
    return (last[0], last[1]) if last else (0, GENESIS_HASH)


@dataclass(frozen=True)
class PreparedEntry:
    """An entry with its JSON already written: ``head`` is the canonical form of :func:`row_hash` up to the two
    fields only known when it is appended (its id, then ``recorded_at``: the last keys in sorted order), so a
    bulk writer can do the slow part before it takes the chain's head."""

    actor_login: str
    action: str
    entity: str
    entity_id: str | None
    before: str | None
    after: str | None
    head: bytes


_TAIL = '"id": 0, "recorded_at": ""}'
RECORD_COLUMNS = (
    "id", "recorded_at", "as_of", "actor_login", "action", "entity", "entity_id", "before", "after", "prev_hash",
    "hash",
)  # fmt: skip
_quoted = json.encoder.encode_basestring  # json.dumps's own string writer (ensure_ascii=False): the same escapes


def _json_text(value: str | None) -> str:
    return "null" if value is None else _quoted(value)


def canonical_head(
    *, action: str, actor_login: str, after: str | None, as_of: str, before: str | None, entity: str,
    entity_id: str | None,
) -> str:  # fmt: skip
    """``json.dumps(fields, ensure_ascii=False, sort_keys=True)`` of an entry's hashed fields up to its last two
    keys (``id``, ``recorded_at``), written by hand: json.dumps would walk a dict and sort its keys for every entry
    of an import. Keys in sorted order, json.dumps's separators (tested against it)."""
    return (
        f'{{"action": {_quoted(action)}, "actor_login": {_quoted(actor_login)}, "after": {_json_text(after)}, '
        f'"as_of": {_quoted(as_of)}, "before": {_json_text(before)}, "entity": {_quoted(entity)}, '
        f'"entity_id": {_json_text(entity_id)}, '
    )


StoredEntry = tuple[str, str, str, str | None, str | None, str | None]  # actor_login … after, as prepared


def heads_of(stored: Iterable[StoredEntry], *, as_of: datetime) -> Iterator[bytes]:
    """The :attr:`PreparedEntry.head` of entries already dumped (and stored), worked out again from their fields."""
    plain_as_of = str(plain_value(as_of))
    for actor_login, action, entity, entity_id, before, after in stored:
        yield canonical_head(
            action=action,
            actor_login=actor_login,
            after=after,
            as_of=plain_as_of,
            before=before,
            entity=entity,
            entity_id=entity_id,
        ).encode()


def prepare(entries: list[AuditEntry], *, as_of: datetime) -> list[PreparedEntry]:
    """Dump every entry once, outside any lock (the canonical text :func:`row_hash` hashes, minus its tail)."""
    stored = list(dumped(entries))
    return [PreparedEntry(*entry, head) for entry, head in zip(stored, heads_of(stored, as_of=as_of), strict=True)]


def dumped(entries: Iterable[AuditEntry]) -> Iterator[StoredEntry]:
    """Each entry as it is stored: its before and after as canonical JSON."""
    for e in entries:
        yield e.actor_login, e.action, e.entity, e.entity_id, _dump(e.before), _dump(e.after)


def append(session: Session, entries: list[AuditEntry], *, as_of: datetime) -> None:
    """Append entries to the chain with Core inserts (safe inside a flush)."""
    if entries:
        append_prepared(session, prepare(entries, as_of=as_of), as_of=as_of)


@dataclass(frozen=True)
class ChainStart:
    """The chain's head as an append finds it under the lock: the rows go after ``last_id``, hashed onto ``prev``."""

    last_id: int
    prev: str
    key: bytes
    keyed_from: int  # rows from this id on are keyed (HMAC); earlier ones were plain SHA-256 (before 0009)
    recorded_at: datetime


def chain_start(session: Session) -> ChainStart:
    """Take the chain's head (PostgreSQL: its lock) and the key new rows are signed with."""
    last_id, prev = _chain_head(session)
    keyed_from = _keyed_from(session) or 1
    key = _write_key(session, last_id, keyed_from)
    return ChainStart(last_id, prev, key, keyed_from, datetime.now().replace(microsecond=0))


def chain_links(start: ChainStart, heads: Iterable[bytes]) -> list[tuple[str, str]]:
    """(prev_hash, hash) of each new row, in order, from its :attr:`PreparedEntry.head`."""
    tail = f', "recorded_at": "{plain_value(start.recorded_at)}"}}'.encode()
    key, keyed_from, prev = start.key, start.keyed_from, start.prev
    links = []
    for position, head in enumerate(heads, start=start.last_id + 1):
        message = b"".join((prev.encode(), head, b'"id": ', str(position).encode(), tail))
        digest = hmac.digest(key, message, "sha256") if position >= keyed_from else hashlib.sha256(message).digest()
        link = (prev, digest.hex())
        links.append(link)
        prev = link[1]
    return links


def append_prepared(session: Session, prepared: list[PreparedEntry], *, as_of: datetime) -> None:
    """Take the chain's head (the last lock of the transaction), hash the entries onto it and insert them in bulk:
    the same hashes :func:`row_hash` gives, without dumping anything again."""
    if not prepared:
        return
    start = chain_start(session)
    links = chain_links(start, [entry.head for entry in prepared])
    first = start.last_id + 1
    rows = [
        (position, start.recorded_at, as_of, e.actor_login, e.action, e.entity, e.entity_id, e.before, e.after, *link)
        for position, (e, link) in enumerate(zip(prepared, links, strict=True), start=first)
    ]
    insert_rows(session.connection(), AuditRecord.__table__, RECORD_COLUMNS, rows)  # type: ignore[attr-defined]
