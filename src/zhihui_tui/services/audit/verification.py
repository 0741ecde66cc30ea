"""Verifying the trail: every link and hash in id order, the kept head, and the seals outside."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhihui_tui.db.models import AuditHead, AuditRecord
from zhihui_tui.services.audit.chain import GENESIS_HASH, _hashed_fields, row_hash
from zhihui_tui.services.audit.keys import (
    SESSION_KEY,
    AuditKeyError,
    _keyed_from,
    key_file_path,
    read_key,
    seal_log_path,
)
from zhihui_tui.services.audit.seals import _read_seal_log, _SealLog


@dataclass(frozen=True)
class VerifyResult:
    """The verdict of ``audit verify``: the first bad row if any, and what could not be checked."""

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
