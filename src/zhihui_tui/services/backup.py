"""``zhihui backup``: a consistent online copy, never a file copy of a live WAL database."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from zhihui_tui.services.errors import ServiceError


@dataclass(frozen=True)
class BackupResult:
    """Where a backup was written, how large it is and how it was made."""

    path: Path
    size_bytes: int
    method: str


def backup_target(engine: Engine, destination: Path) -> tuple[Path, str]:
    """Where the copy would go and how it would be made, checked without writing (also ``--dry-run``)."""
    destination = destination.expanduser().resolve()
    if destination.is_dir():
        raise ServiceError(f"备份目标 {destination} 是一个目录，请给出文件名")
    if not destination.parent.is_dir():
        raise ServiceError(f"备份目录 {destination.parent} 不存在")
    return destination, "SQLite 在线备份" if engine.dialect.name == "sqlite" else "pg_dump"


def backup(engine: Engine, destination: Path) -> BackupResult:
    """Write the copy to a temporary name first, so a failed run never leaves a half backup at DEST."""
    destination, _ = backup_target(engine, destination)
    partial = destination.with_name(destination.name + ".partial")
    try:
        method = _sqlite_backup(engine, partial) if engine.dialect.name == "sqlite" else _pg_dump(engine, partial)
        _fsync(partial)
        os.replace(partial, destination)
    finally:
        for leftover in (partial, *_sidecars(partial)):
            leftover.unlink(missing_ok=True)
    return BackupResult(destination, destination.stat().st_size, method)


def _sidecars(database: Path) -> list[Path]:
    """The files SQLite keeps beside a database while it is open (WAL index, WAL, rollback journal)."""
    return [database.with_name(database.name + suffix) for suffix in ("-shm", "-wal", "-journal")]


def _sqlite_backup(engine: Engine, target: Path) -> str:
    source = engine.url.database
    if not source or source == ":memory:":
        raise ServiceError("内存数据库无法备份")
    # The backup API copies pages under SQLite's own locking, so writers may go on during the copy. The copy
    # would keep the live file's WAL mode and grow -wal/-shm files beside it whenever opened: it is switched to
    # a rollback journal, a single self-contained file. closing(): a sqlite3 "with" commits but never closes.
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok":
        raise ServiceError(f"备份完整性检查失败：{ok}")
    return "SQLite 在线备份"


def _pg_dump(engine: Engine, target: Path) -> str:
    from zhihui_tui.db.migrate import BackupFailed, pg_dump

    try:
        pg_dump(engine, target)
    except BackupFailed as error:
        raise ServiceError(error.message) from None
    return "pg_dump（custom 格式，快照一致）"


def _fsync(path: Path) -> None:
    """The copy is on disk before it takes DEST's name."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
