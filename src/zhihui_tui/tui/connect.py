"""Opening the database behind the login screen.

The first frame shows before any of this runs: SQLAlchemy, SQLModel, argon2 and the holiday tables are imported
here, in a thread worker started after that frame, and the result comes back to the app as a message.
"""

from __future__ import annotations

import importlib
from contextlib import suppress
from enum import StrEnum
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from zhihui_tui.runtime import Runtime

# Modules the first screens need: imported before the database is declared ready.
SERVICE_MODULES = ("zhihui_tui.services.accounts", "zhihui_tui.services.deadlines")
# Slow to import and needed only by later screens (search): warmed after readiness, so login never waits for them.
LATER_MODULES = ("pypinyin",)


class DatabaseState(StrEnum):
    CONNECTING = "connecting"
    READY = "ready"
    FAILED = "failed"


class DatabaseReady(Message):
    """The engine is open, the schema is current and the calendar is loaded."""


class DatabaseUnavailable(Message):
    """The database cannot be used; ``reason`` is a Chinese sentence for the clerk."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


def warm_imports(names: tuple[str, ...]) -> None:
    """Import optional modules ahead of need; one that is missing is simply skipped."""
    for name in names:
        with suppress(ImportError):
            importlib.import_module(name)


def open_database(runtime: Runtime) -> str | None:
    """Import, connect, check the schema and build the working calendar; None when all is well, else why not."""
    try:
        for name in SERVICE_MODULES:
            importlib.import_module(name)
        runtime.check_schema()
        _ = runtime.calendar  # built once here, off the UI thread; a missing year is reported where it is used
    except Exception as error:  # every failure becomes a message on the login screen
        return describe_failure(error, runtime.database_url)
    return None


def describe_failure(error: Exception, url: str) -> str:
    from sqlalchemy.exc import ArgumentError, DBAPIError

    from zhihui_tui.db.migrate import SchemaBehind
    from zhihui_tui.domain.errors import DomainError

    if isinstance(error, SchemaBehind):
        return str(error)
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, DBAPIError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
        return f"无法连接数据库（{safe_url(url)}）：{reason}"
    if isinstance(error, ArgumentError):
        return f"数据库地址无效（{safe_url(url)}），请检查 --db 或 ZHIHUI_DATABASE_URL"
    return f"数据库打开失败（{safe_url(url)}）：{type(error).__name__}: {error}"


def safe_url(url: str) -> str:
    """The URL without its password, fit to show on a screen."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@", 1)[-1]
