"""Seals: the chain's head, signed and appended to a log outside the database (for cron)."""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from zhihui_tui.services.audit.keys import _fsync_dir, _write_key, seal_log_path
from zhihui_tui.services.errors import ServiceError


@dataclass(frozen=True)
class SealLine:
    """One parsed line of the seal log: when the head was sealed and what it was."""

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
    """What ``audit seal`` appended, and where."""

    log: Path
    sealed_at: str
    last_id: int
    last_hash: str
    keyed_from: int


def seal(session: Session, *, log: Path | None = None, dry_run: bool = False) -> SealResult:
    """Append the chain's head (time, last id, last hash, first keyed id and an HMAC of the line) to the log,
    opened O_APPEND and fsync'd. Refuses when the head and the last row disagree: that chain needs verify.
    ``dry_run``: every check and the signed line, nothing appended."""
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
    if not dry_run:
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
