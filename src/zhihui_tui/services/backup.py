"""``zhihui backup``: a consistent online copy, never a file copy of a live WAL database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from zhihui_tui.services.errors import ServiceError


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    method: str


def backup(engine: Engine, destination: Path) -> BackupResult:
    """Write the copy to a temporary name first, so a failed run never leaves a half backup at DEST."""
    destination = destination.expanduser().resolve()
    if destination.is_dir():
        raise ServiceError(f"备份目标 {destination} 是一个目录，请给出文件名")
    if not destination.parent.is_dir():
        raise ServiceError(f"备份目录 {destination.parent} 不存在")
    partial = destination.with_name(destination.name + ".partial")
    try:
        method = _sqlite_backup(engine, partial) if engine.dialect.name == "sqlite" else _pg_dump(engine, partial)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(destination, destination.stat().st_size, method)


def _sqlite_backup(engine: Engine, target: Path) -> str:
    source = engine.url.database
    if not source or source == ":memory:":
        raise ServiceError("内存数据库无法备份")
    # The backup API copies pages under SQLite's own locking, so writers may go on during the copy.
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
    if ok != "ok":
        raise ServiceError(f"备份完整性检查失败：{ok}")
    return "SQLite 在线备份"


def _pg_dump(engine: Engine, target: Path) -> str:
    if shutil.which("pg_dump") is None:
        raise ServiceError("未找到 pg_dump，无法备份 PostgreSQL 数据库")
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    result = subprocess.run(
        ["pg_dump", "--format=custom", f"--file={target}", url], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ServiceError(f"pg_dump 失败：{(result.stderr.strip().splitlines() or ['未知错误'])[-1]}")
    return "pg_dump（custom 格式，快照一致）"
