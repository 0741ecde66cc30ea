"""全程留痕: every flushed change writes an audit row in the same transaction, hash-chained.

Services never call this by hand: ``unit_of_work`` tags the session with the actor and the action, and the
``after_flush`` hook records what changed (who, when, what, which record, before and after). Bulk Core inserts
(demo, import) call :func:`append` with one summary row.

Keyed chain (migration 0009): each row's hash is HMAC-SHA256 over the previous hash and the row, with a 32-byte
key in a file outside the database (``ZHIHUI_AUDIT_KEY_FILE``, default ``$ZHIHUI_DATA_DIR/audit.key``, mode
0600). Someone who can write the database but not read the key can no longer rewrite a row and recompute the
rest. Rows written before 0009 (ids below ``audit_chain_key.keyed_from``) keep their plain SHA-256 hashes.
:func:`seal` appends the chain's head to a log outside the database, so a tail deleted with the head rewound
(triggers dropped) shows even to someone who stole the key. Lock order: the head's advisory lock is taken last
in every transaction (after case-number counters); nothing here takes it earlier.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session, attributes
from sqlmodel import SQLModel

from zhihui_tui.db.bulk import insert_rows
from zhihui_tui.db.models import AuditChainKey, AuditHead, AuditRecord
from zhihui_tui.services.errors import ServiceError

GENESIS_HASH = "0" * 64
# Secrets and derived data never go into the trail.
REDACTED_COLUMNS = {"password_hash"}
# Postgres: one advisory lock key serialises appends to the chain (SQLite's BEGIN IMMEDIATE already does).
_CHAIN_LOCK_KEY = 0x7A68_6968  # "zhih"
KEY_BYTES = 32
# Tests and embedding callers may put the key bytes here instead of a file.
SESSION_KEY = "audit_key"


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


def row_hash(prev_hash: str, fields: dict[str, Any], *, key: bytes | None = None) -> str:
    """HMAC-SHA256 with ``key`` (plain SHA-256 without, as before 0009) over the previous hash and the row's
    content in a canonical JSON form."""
    canonical = json.dumps({k: _plain(v) for k, v in fields.items()}, ensure_ascii=False, sort_keys=True)
    message = (prev_hash + canonical).encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# -- The key file --------------------------------------------------------------------------------------------


class AuditKeyError(ServiceError):
    """The key file is missing where it is needed, unsafe or damaged; nothing was written."""


def key_file_path() -> Path:
    """``$ZHIHUI_AUDIT_KEY_FILE``, else ``audit.key`` in the data folder (outside the database, owner-only)."""
    from zhihui_tui import settings

    configured = os.environ.get("ZHIHUI_AUDIT_KEY_FILE")
    return Path(configured).expanduser().resolve() if configured else settings.data_dir() / "audit.key"


def seal_log_path() -> Path:
    """``$ZHIHUI_AUDIT_SEAL_LOG``, else ``audit-seal.log`` in the data folder."""
    from zhihui_tui import settings

    configured = os.environ.get("ZHIHUI_AUDIT_SEAL_LOG")
    return Path(configured).expanduser().resolve() if configured else settings.data_dir() / "audit-seal.log"


# (inode, mtime, mode, size) -> key, per path: one stat per write instead of an open and a read.
_key_cache: dict[Path, tuple[tuple[int, int, int, int], bytes]] = {}


def read_key(path: Path) -> bytes | None:
    """The key in ``path``, or None when there is no file. Refuses a key others can read: it would prove
    nothing, and a warning in a cron mail is easily missed."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    signature = (info.st_ino, info.st_mtime_ns, info.st_mode, info.st_size)
    cached = _key_cache.get(path)
    if cached and cached[0] == signature:
        return cached[1]
    if not stat.S_ISREG(info.st_mode):
        raise AuditKeyError(f"审计密钥文件 {path} 不是普通文件")
    if info.st_mode & 0o077:
        raise AuditKeyError(
            f"审计密钥文件 {path} 的权限为 {stat.S_IMODE(info.st_mode):04o}，其他账户可读，密钥已不可信；"
            f"请运行 chmod 600 {path}（只许运行本系统的服务账户读取）"
        )
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise AuditKeyError(f"审计密钥文件 {path} 已损坏（应为 {KEY_BYTES} 字节，实际 {len(key)} 字节），请从备份恢复")
    _key_cache[path] = (signature, key)
    return key


def ensure_key(path: Path) -> tuple[bytes, bool]:
    """The key in ``path``, creating it (32 random bytes, mode 0600) when absent; True when it was created."""
    existing = read_key(path)
    if existing is not None:
        return existing, False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    # Written whole under a private name, then linked into place: no process ever reads a half-written key,
    # and of two processes creating it at once, one wins and the other uses its key.
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(draft, path)
    except FileExistsError:
        theirs = read_key(path)
        assert theirs is not None
        return theirs, False
    finally:
        draft.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return key, True


def _fsync_dir(folder: Path) -> None:
    """Make a new file's name durable too (POSIX; skipped where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prepare_key(engine: Engine) -> tuple[Path, bool]:
    """At ``db upgrade``: the key file, created while no keyed row exists yet; True when it was created."""
    with engine.execution_options(sqlite_begin="DEFERRED").connect() as connection:
        last_id = connection.execute(select(AuditHead.last_id)).scalar() or 0  # type: ignore[call-overload]
        keyed_from = connection.execute(select(AuditChainKey.keyed_from)).scalar() or 1  # type: ignore[call-overload]
    path = key_file_path()
    if read_key(path) is not None:
        return path, False
    _file_key(path, last_id, keyed_from)
    return path, True


def _keyed_from(session: Session) -> int | None:
    return session.connection().execute(select(AuditChainKey.keyed_from)).scalar()  # type: ignore[call-overload]


def _write_key(session: Session, last_id: int, keyed_from: int) -> bytes:
    """The key for new rows: from the session if injected, else the key file, created while no keyed row
    exists yet. A missing key once keyed rows exist is refused: a new key would break the chain."""
    injected = session.info.get(SESSION_KEY)
    if injected is not None:
        return bytes(injected)
    return _file_key(key_file_path(), last_id, keyed_from)


def _file_key(path: Path, last_id: int, keyed_from: int) -> bytes:
    """The key file's key; created when absent only while the chain has no keyed row."""
    if last_id < keyed_from:
        return ensure_key(path)[0]
    key = read_key(path)
    if key is None:
        raise AuditKeyError(
            f"审计密钥文件 {path} 不存在，而第 {keyed_from} 条起的审计记录是用它签名的：请从备份恢复该文件"
            "（或用 ZHIHUI_AUDIT_KEY_FILE 指向它）；在此之前不能写入"
        )
    return key


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
_COLUMNS = (
    "id", "recorded_at", "as_of", "actor_login", "action", "entity", "entity_id", "before", "after", "prev_hash",
    "hash",
)  # fmt: skip


def prepare(entries: list[AuditEntry], *, as_of: datetime) -> list[PreparedEntry]:
    """Dump every entry once, outside any lock (the canonical text :func:`row_hash` hashes, minus its tail)."""
    plain_as_of = _plain(as_of)
    prepared = []
    for entry in entries:
        before, after = _dump(entry.before), _dump(entry.after)
        fields = {
            "id": 0,
            "recorded_at": "",
            "as_of": plain_as_of,
            "actor_login": entry.actor_login,
            "action": entry.action,
            "entity": entry.entity,
            "entity_id": entry.entity_id,
            "before": before,
            "after": after,
        }
        canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        assert canonical.endswith(_TAIL)  # id and recorded_at sort last: the tail is filled in at append
        head = canonical[: -len(_TAIL)].encode()
        prepared.append(
            PreparedEntry(entry.actor_login, entry.action, entry.entity, entry.entity_id, before, after, head)
        )
    return prepared


def append(session: Session, entries: list[AuditEntry], *, as_of: datetime) -> None:
    """Append entries to the chain with Core inserts (safe inside a flush)."""
    if entries:
        append_prepared(session, prepare(entries, as_of=as_of), as_of=as_of)


def append_prepared(session: Session, prepared: list[PreparedEntry], *, as_of: datetime) -> None:
    """Take the chain's head (the last lock of the transaction), hash the entries onto it and insert them in bulk:
    the same hashes :func:`row_hash` gives, without dumping anything again."""
    if not prepared:
        return
    last_id, prev = _chain_head(session)
    keyed_from = _keyed_from(session) or 1
    key = _write_key(session, last_id, keyed_from)
    recorded_at = datetime.now().replace(microsecond=0)
    tail = f', "recorded_at": "{_plain(recorded_at)}"}}'.encode()
    rows = []
    for position, entry in enumerate(prepared, start=last_id + 1):
        message = b"".join((prev.encode(), entry.head, b'"id": ', str(position).encode(), tail))
        digest = hmac.digest(key, message, "sha256") if position >= keyed_from else hashlib.sha256(message).digest()
        row = (position, recorded_at, as_of, entry.actor_login, entry.action, entry.entity, entry.entity_id)
        rows.append((*row, entry.before, entry.after, prev, digest.hex()))
        prev = rows[-1][-1]
    insert_rows(session.connection(), AuditRecord.__table__, _COLUMNS, rows)  # type: ignore[attr-defined]


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
    # What could not be checked (no key, no seal log), one line each: the verdict is then incomplete.
    unchecked: tuple[str, ...] = ()
    # Limits of what a passed check proves (the unkeyed rows from before 0009).
    notes: tuple[str, ...] = ()
    seals_checked: int = 0

    @property
    def complete(self) -> bool:
        """Passed, and nothing was left unchecked."""
        return self.ok and not self.unchecked


@dataclass(frozen=True)
class SealLine:
    line_no: int
    sealed_at: str
    last_id: int
    last_hash: str
    keyed_from: int


@dataclass
class _SealLog:
    path: Path
    present: bool
    seals: list[SealLine] = field(default_factory=list)
    problem: str = ""


@dataclass
class _Walk:
    checked: int = 0
    last_id: int = 0
    last_hash: str = GENESIS_HASH
    sealed_hashes: dict[int, str] = field(default_factory=dict)


def verify(
    session: Session, *, batch: int = 5000, key_file: Path | None = None, seal_log: Path | None = None
) -> VerifyResult:
    """Walk the chain in id order: a gap means a removed row, a hash mismatch an altered one; compare its end
    with the head the database kept (``audit_head``); then check every seal in the log outside the database
    names a row that still exists with that hash. Says what it could not check (no key, no log)."""
    key_file = key_file or key_file_path()
    unchecked: list[str] = []
    key = _verify_key(session, key_file, unchecked)
    log = _read_seal_log(seal_log or seal_log_path(), key)
    keyed_from = _keyed_from(session)
    if keyed_from is None:
        return VerifyResult(False, 0, None, "密钥链起点记录（audit_chain_key）缺失，数据库被改动")
    walk = _Walk()
    failure = _walk_chain(session, batch, key, keyed_from, {seal.last_id for seal in log.seals}, walk)
    failure = failure or _against_head(session, walk.checked, walk.last_id, walk.last_hash)
    failure = failure or _against_seals(log, keyed_from, walk)
    if failure is not None:
        return failure
    if key is None and walk.last_id >= keyed_from:
        unchecked.append(
            f"未找到审计密钥文件 {key_file}：第 {keyed_from}–{walk.last_id} 条只核对了链接、链尾与封存记录，"
            "未核对内容哈希；封存日志各行的签名也未核对"
        )
    if not log.present:
        unchecked.append(
            f"未找到封存日志 {log.path}：无法发现“删除链尾并回拨链尾记录”（请用 cron 定时运行 zhihui audit seal）"
        )
    elif not log.seals:
        unchecked.append(f"封存日志 {log.path} 中还没有封存记录，无法与链尾对照")
    notes = []
    if keyed_from > 1 and walk.last_id >= 1:
        notes.append(
            f"第 1–{min(keyed_from - 1, walk.last_id)} 条为无密钥链（升级到 0009 前写入），无法证明未被整体重算"
        )
    return VerifyResult(
        True, walk.checked, unchecked=tuple(unchecked), notes=tuple(notes), seals_checked=len(log.seals)
    )


def _verify_key(session: Session, path: Path, unchecked: list[str]) -> bytes | None:
    """The key to check keyed rows with; an unsafe or damaged key file is reported as not checked."""
    injected = session.info.get(SESSION_KEY)
    if injected is not None:
        return bytes(injected)
    try:
        return read_key(path)
    except AuditKeyError as error:
        unchecked.append(f"{error.message}：密钥签名未核对")
        return None


def _walk_chain(
    session: Session, batch: int, key: bytes | None, keyed_from: int, sealed_ids: set[int], walk: _Walk
) -> VerifyResult | None:
    """The first gap or altered row, else None; keeps the hashes of sealed ids for the seal check."""
    table = AuditRecord.__table__  # type: ignore[attr-defined]
    while True:
        rows = (
            session.connection()
            .execute(select(table).where(table.c.id > walk.last_id).order_by(table.c.id).limit(batch))
            .mappings()
            .all()
        )
        if not rows:
            return None
        for row in rows:
            failure = _check_row(row, walk, key, keyed_from)
            if failure is not None:
                return failure
            if row["id"] in sealed_ids:
                walk.sealed_hashes[row["id"]] = row["hash"]
            walk.last_id, walk.last_hash = row["id"], row["hash"]
            walk.checked += 1


def _check_row(row: Any, walk: _Walk, key: bytes | None, keyed_from: int) -> VerifyResult | None:
    """A gap, a broken link or (where the key, or no key, is needed) a hash that does not match."""
    expected_id, prev = walk.last_id + 1, walk.last_hash
    if row["id"] != expected_id:
        return VerifyResult(False, walk.checked, expected_id, f"第 {expected_id} 条审计记录缺失（已被删除）")
    if row["prev_hash"] != prev:
        return VerifyResult(False, walk.checked, row["id"], f"第 {row['id']} 条审计记录的前序哈希不符（链被改动）")
    keyed = row["id"] >= keyed_from
    if keyed and key is None:
        return None  # reported as not checked
    if row_hash(prev, _hashed_fields(dict(row)), key=key if keyed else None) != row["hash"]:
        hint = "；若审计密钥文件被换过，也会如此" if keyed and row["id"] == keyed_from else ""
        return VerifyResult(False, walk.checked, row["id"], f"第 {row['id']} 条审计记录内容被改动（哈希不符{hint}）")
    return None


def _against_head(session: Session, checked: int, last_id: int, last_hash: str) -> VerifyResult | None:
    head = session.connection().execute(select(AuditHead.last_id, AuditHead.last_hash)).first()  # type: ignore[call-overload]
    if head is None:
        return VerifyResult(False, checked, last_id + 1, "审计链尾记录（audit_head）缺失，无法确认末尾是否被删除")
    if head.last_id > last_id:
        return VerifyResult(
            False, checked, last_id + 1, f"第 {last_id + 1} 至 {head.last_id} 条审计记录缺失（链尾被删除）"
        )
    if head.last_id < last_id or head.last_hash != last_hash:
        return VerifyResult(False, checked, head.last_id, f"第 {head.last_id} 条审计记录与链尾记录不符（链被改动）")
    return None


def _against_seals(log: _SealLog, keyed_from: int, walk: _Walk) -> VerifyResult | None:
    """Every seal names a row that still exists with the hash it had when sealed."""
    if log.problem:
        return VerifyResult(False, walk.checked, None, log.problem)
    for seal in log.seals:
        if seal.keyed_from != keyed_from:
            return VerifyResult(
                False,
                walk.checked,
                None,
                f"密钥链起点（第 {keyed_from} 条）与封存日志第 {seal.line_no} 行（第 {seal.keyed_from} 条）不符"
                "（数据库被改动）",
            )
        if seal.last_id > walk.last_id:
            return VerifyResult(
                False,
                walk.checked,
                walk.last_id + 1,
                f"第 {walk.last_id + 1} 至 {seal.last_id} 条审计记录缺失：{seal.sealed_at} 封存时链尾在第 "
                f"{seal.last_id} 条（链尾被删除且链尾记录被回拨）",
            )
        found = walk.sealed_hashes.get(seal.last_id, GENESIS_HASH) if seal.last_id else GENESIS_HASH
        if found != seal.last_hash:
            return VerifyResult(
                False,
                walk.checked,
                seal.last_id,
                f"第 {seal.last_id} 条审计记录与 {seal.sealed_at} 的封存记录不符（链被改写）",
            )
    return None


# -- Seals: the head, appended to a log outside the database -------------------------------------------------


def _seal_mac(key: bytes, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return hmac.new(key, ("seal" + canonical).encode(), hashlib.sha256).hexdigest()


def _read_seal_log(path: Path, key: bytes | None) -> _SealLog:
    """Parse the log; a line that does not parse or whose signature is wrong marks the log as altered."""
    try:
        text_lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return _SealLog(path, present=False)
    except (OSError, UnicodeDecodeError) as error:
        return _SealLog(path, present=True, problem=f"无法读取封存日志 {path}：{error}")
    log = _SealLog(path, present=True)
    for line_no, line in enumerate(text_lines, start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
            mac = document.pop("mac")
            seal = SealLine(
                line_no,
                str(document["sealed_at"]),
                int(document["last_id"]),
                str(document["last_hash"]),
                int(document["keyed_from"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            log.problem = f"封存日志 {path} 第 {line_no} 行无法解析（日志被改动或截断）"
            return log
        if key is not None and not hmac.compare_digest(str(mac), _seal_mac(key, document)):
            log.problem = f"封存日志 {path} 第 {line_no} 行的签名不符（日志被改动，或审计密钥文件被换过）"
            return log
        log.seals.append(seal)
    return log


@dataclass(frozen=True)
class SealResult:
    log: Path
    sealed_at: str
    last_id: int
    last_hash: str
    keyed_from: int


def seal(session: Session, *, log: Path | None = None) -> SealResult:
    """Append the chain's head (time, last id, last hash, first keyed id and an HMAC of the line) to the log,
    opened O_APPEND and fsync'd. Refuses when the head and the last row disagree: that chain needs verify."""
    log = log or seal_log_path()
    head = (
        session.connection()
        .execute(
            text(
                "SELECT h.last_id, h.last_hash, r.hash AS row_hash, k.keyed_from FROM audit_head h "
                "CROSS JOIN audit_chain_key k LEFT JOIN audit_record r ON r.id = h.last_id"
            )
        )
        .first()
    )
    if head is None:
        raise ServiceError("审计链尾记录或密钥链起点缺失，拒绝封存：请运行 zhihui audit verify")
    if head.last_id and head.row_hash != head.last_hash:
        raise ServiceError(f"链尾记录（第 {head.last_id} 条）与该条审计记录不符，拒绝封存：请运行 zhihui audit verify")
    key = _write_key(session, head.last_id, head.keyed_from)
    fields: dict[str, Any] = {
        "sealed_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "last_id": head.last_id,
        "last_hash": head.last_hash,
        "keyed_from": head.keyed_from,
    }
    line = json.dumps({**fields, "mac": _seal_mac(key, fields)}, ensure_ascii=False, sort_keys=True) + "\n"
    _append_line(log, line)
    return SealResult(log, fields["sealed_at"], head.last_id, head.last_hash, head.keyed_from)


def _append_line(path: Path, line: str) -> None:
    """One write of one line, O_APPEND (atomic against another seal at once), fsync'd before returning."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        created = not path.exists()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        raise ServiceError(f"无法写入封存日志 {path}：{error.strerror or error}") from None
    if created:
        _fsync_dir(path.parent)
