"""Schema migrations (Alembic, shipped inside the package) and the "schema is behind" guard."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

from zhihui_tui.domain.errors import DomainError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaBehind(RuntimeError):
    """The database is older than this program; ``zhihui db upgrade`` fixes it."""


class BackupFailed(DomainError):
    """The copy taken before an upgrade (or by ``zhihui backup``) could not be made; nothing was migrated."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The newest migration this program ships."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before its first upgrade."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(engine: Engine) -> None:
    """Refuse to run on a database that is missing or behind, naming the command that fixes it."""
    current = current_revision(engine)
    head = head_revision()
    if current is None:
        raise SchemaBehind("数据库尚未初始化，请先运行：zhihui db upgrade（或 zhihui demo 载入演示数据）")
    if current != head:
        if not _known_revision(current):
            raise SchemaBehind(f"数据库结构版本 {current} 比本程序新，请升级本程序后再使用")
        raise SchemaBehind(f"数据库结构版本落后（当前 {current}，需要 {head}），请运行：zhihui db upgrade")


def _known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


@dataclass(frozen=True)
class UpgradeResult:
    """What ``db upgrade`` did: from which revision to which, and the backup taken first if any."""

    before: str | None
    after: str
    backup: Path | None


def upgrade(engine: Engine, *, backup_dir: Path | None = None, no_backup: bool = False) -> UpgradeResult:
    """Migrate to head, backing up first when ``backup_dir`` is given (SQLite by VACUUM INTO, PostgreSQL by
    pg_dump; without pg_dump it refuses unless ``no_backup``). SQLite is migrated with foreign keys off: a batch
    rebuild of a parent table with foreign keys on would cascade deletes into its children."""
    before = current_revision(engine)
    backup = None
    if before is not None and before != head_revision() and backup_dir and not no_backup:
        backup = _backup_before(engine, backup_dir, before)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # PRAGMA foreign_keys is ignored inside a transaction: set it on the driver connection first.
            _driver(connection).execute("PRAGMA foreign_keys=OFF")
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
        if engine.dialect.name == "sqlite":
            _driver(connection).execute("PRAGMA foreign_keys=ON")
    return UpgradeResult(before=before, after=head_revision(), backup=backup)


def _driver(connection: Connection) -> Any:
    """The DBAPI connection under ``connection`` (PRAGMAs and VACUUM must bypass SQLAlchemy's transaction)."""
    driver = connection.connection.driver_connection
    assert driver is not None, "a checked-out connection has its driver connection"
    return driver


def _backup_before(engine: Engine, backup_dir: Path, revision: str) -> Path:
    """``before-upgrade-REV-TIME.db`` (SQLite) or ``.dump`` (PostgreSQL, pg_dump custom format)."""
    stem = f"before-upgrade-{revision}-{datetime.now():%Y%m%d%H%M%S}"
    if engine.dialect.name == "sqlite":
        backup_dir.mkdir(parents=True, exist_ok=True)
        return _sqlite_backup(engine, backup_dir / f"{stem}.db")
    if shutil.which("pg_dump") is None:
        raise BackupFailed(
            "未找到 pg_dump，升级前无法自动备份 PostgreSQL 数据库，未做任何改动。请安装 PostgreSQL 客户端，"
            "或先手动备份：pg_dump --format=custom --file=升级前备份.dump 数据库URL，"
            "确认备份完好后再运行：zhihui db upgrade --no-backup"
        )
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"{stem}.dump"
    pg_dump(engine, target)
    return target


def _sqlite_backup(engine: Engine, target: Path) -> Path:
    with engine.connect() as connection:
        # VACUUM cannot run inside a transaction; the driver connection is in autocommit mode.
        _driver(connection).execute("VACUUM INTO ?", (str(target),))
    return target


def pg_dump(engine: Engine, target: Path) -> None:
    """A snapshot-consistent ``pg_dump --format=custom`` of the engine's database into ``target``."""
    if shutil.which("pg_dump") is None:
        raise BackupFailed("未找到 pg_dump，无法备份 PostgreSQL 数据库（请安装 PostgreSQL 客户端）")
    # The password goes by environment, not the command line, where any account could read it in ps.
    env = dict(os.environ)
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)
    url = engine.url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run(
        ["pg_dump", "--format=custom", f"--file={target}", url], capture_output=True, text=True, check=False, env=env
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupFailed(f"pg_dump 失败：{(result.stderr.strip().splitlines() or ['未知错误'])[-1]}")
