"""Schema migrations (Alembic, shipped inside the package) and the "schema is behind" guard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaBehind(RuntimeError):
    """The database is older than this program; ``zhihui db upgrade`` fixes it."""


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
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
    before: str | None
    after: str
    backup: Path | None


def upgrade(engine: Engine, *, backup_dir: Path | None = None) -> UpgradeResult:
    """Migrate to head. SQLite is backed up first and migrated with foreign keys off: a batch rebuild of a
    parent table with foreign keys on would cascade deletes into its children."""
    before = current_revision(engine)
    backup = None
    if before is not None and before != head_revision() and engine.dialect.name == "sqlite" and backup_dir:
        backup = _sqlite_backup(engine, backup_dir, before)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # PRAGMA foreign_keys is ignored inside a transaction: set it on the driver connection first.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
        if engine.dialect.name == "sqlite":
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    return UpgradeResult(before=before, after=head_revision(), backup=backup)


def _sqlite_backup(engine: Engine, backup_dir: Path, revision: str) -> Path:
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"before-upgrade-{revision}-{datetime.now():%Y%m%d%H%M%S}.db"
    with engine.connect() as connection:
        # VACUUM cannot run inside a transaction; the driver connection is in autocommit mode.
        connection.connection.driver_connection.execute("VACUUM INTO ?", (str(target),))
    return target
