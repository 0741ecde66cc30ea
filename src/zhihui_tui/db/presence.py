"""Is there a database, and is its schema the one this program needs? Asked without creating or writing anything.

Opening a SQLite URL with the normal engine creates a missing file (and its folder), and the WAL pragma writes
the header of an empty one; a reporting command must do neither. So a SQLite file is looked at on disk first and
then through a read-only ``sqlite3`` connection (``mode=ro``); PostgreSQL is asked through the caller's engine,
whose only statement here is Alembic's read of ``alembic_version`` (a missing database is an error of the
connection, told apart by its message).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from zhihui_tui.db.engine import normalize_url

if TYPE_CHECKING:
    from sqlalchemy import Engine


class SchemaState(StrEnum):
    """What a database URL points at: nothing, an empty database, an older, current or newer schema."""

    MISSING = "missing"  # no database at all (no SQLite file, no PostgreSQL database of that name)
    EMPTY = "empty"  # a database without our tables (no alembic_version)
    BEHIND = "behind"  # an older schema: zhihui db upgrade migrates it
    AHEAD = "ahead"  # a schema newer than this program
    CURRENT = "current"


@dataclass(frozen=True)
class SchemaReport:
    """The state of the database a command is pointed at, with what to tell the person running it."""

    state: SchemaState
    where: str  # the SQLite path, or the URL without its password
    current: str | None
    head: str

    @property
    def exists(self) -> bool:
        """Whether there is a database at all."""
        return self.state is not SchemaState.MISSING

    def refusal(self) -> str:
        """Why a command that needs the current schema cannot run, naming what fixes it (as
        ``migrate.check_schema`` words it for the terminal app)."""
        fix = "请先运行：zhihui db upgrade（或 zhihui demo 载入演示数据）"
        return {
            SchemaState.MISSING: f"数据库不存在：{self.where}；{fix}",
            SchemaState.EMPTY: f"数据库尚未初始化，{fix}",
            SchemaState.BEHIND: (
                f"数据库结构版本落后（当前 {self.current}，需要 {self.head}），请运行：zhihui db upgrade"
            ),
            SchemaState.AHEAD: f"数据库结构版本 {self.current} 比本程序新，请升级本程序后再使用",
            SchemaState.CURRENT: "",
        }[self.state]


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL; None for another database or an in-memory one."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def shown_url(url: str) -> str:
    """The URL as it may be shown or logged: the password hidden."""
    return make_url(normalize_url(url)).render_as_string(hide_password=True)


def inspect_schema(url: str, engine: Callable[[], Engine]) -> SchemaReport:
    """Where the database at ``url`` stands; ``engine`` is called only for a server database."""
    from zhihui_tui.db.migrate import head_revision

    head = head_revision()
    path = sqlite_path(url)
    if path is not None:
        where = str(path)
        if not path.is_file():
            return SchemaReport(SchemaState.MISSING, where, None, head)
        current = _sqlite_revision(path)
    else:
        where = shown_url(url)
        current_or_missing = _server_revision(engine())
        if current_or_missing is SchemaState.MISSING:
            return SchemaReport(SchemaState.MISSING, where, None, head)
        current = current_or_missing
    return SchemaReport(_state(current, head), where, current, head)


def _state(current: str | None, head: str) -> SchemaState:
    from zhihui_tui.db.migrate import _known_revision

    if current is None:
        return SchemaState.EMPTY
    if current == head:
        return SchemaState.CURRENT
    return SchemaState.BEHIND if _known_revision(current) else SchemaState.AHEAD


def _sqlite_revision(path: Path) -> str | None:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        has_table = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if not has_table:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    finally:
        connection.close()


def _server_revision(engine: Engine) -> str | SchemaState | None:
    from sqlalchemy.exc import OperationalError

    from zhihui_tui.db.migrate import current_revision

    try:
        return current_revision(engine)
    except OperationalError as error:
        database = engine.url.database
        if database and "does not exist" in str(error.orig) and database in str(error.orig):
            return SchemaState.MISSING
        raise
