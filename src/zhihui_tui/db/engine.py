"""Engine from a URL; never at import time. SQLite gets the settings that keep a clerk's data safe."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from zhihui_tui.db import writer_gate

SQLITE_BUSY_TIMEOUT_MS = 15_000


def normalize_url(url: str) -> str:
    """Let people type ``postgresql://`` and still get psycopg 3 (psycopg2 is not installed)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, *, writer_queue: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url`` set up as the house rules say (SQLite: WAL, foreign keys, IMMEDIATE writes queued in
    arrival order; ``writer_queue=False`` leaves them to SQLite's busy handler, for comparison)."""
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, writer_queue=writer_queue, **kwargs)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_engine(url: str, *, writer_queue: bool = True, **kwargs: Any) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # Writers queue in arrival order before BEGIN IMMEDIATE (db/writer_gate.py); the busy timeout is the fallback
    # for writers that skip the queue, and the queue's own patience.
    gate = writer_gate.gate_for(database, SQLITE_BUSY_TIMEOUT_MS / 1000) if writer_queue else None
    connect_args: dict[str, Any] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    if gate is not None:
        connect_args["factory"] = writer_gate.GatedConnection
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy so that "begin" below decides how a transaction starts.
        dbapi_connection.isolation_level = None
        if gate is not None:
            dbapi_connection.writer_gate = gate
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once with "database is locked"
        # under contention (the busy timeout never applies); IMMEDIATE takes the write lock up front.
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode == "DEFERRED":  # a reader: never queues behind writers
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        dbapi_connection = connection.connection.dbapi_connection
        try:
            writer_gate.enter(dbapi_connection)
        except writer_gate.GateTimeout as error:  # told as SQLite's own timeout is: the clerk saves again
            raise OperationalError(f"BEGIN {mode}", None, sqlite3.OperationalError("database is locked")) from error
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:
            writer_gate.leave(dbapi_connection)
            raise

    return engine


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine talks to SQLite (the few dialect-specific paths branch on it)."""
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only session: on SQLite a deferred transaction, so readers never queue behind writers."""
    reader = engine.execution_options(sqlite_begin="DEFERRED") if is_sqlite(engine) else engine
    with Session(reader, expire_on_commit=False) as session:
        yield session
