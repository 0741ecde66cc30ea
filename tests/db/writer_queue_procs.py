"""The processes of the writer-queue test (tests/db/test_writer_queue.py), each in its own spawned interpreter:
a module that imports little, so that five interpreters start quickly."""

from __future__ import annotations

import random
import time
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.writer_gate import GatedConnection

CLERKS = 4
STEP = 0.05  # seconds a batch step holds the write lock
STEPS = 60  # three seconds of batch
INSERT = text("INSERT INTO step (who, n) VALUES (:who, :n)")


def schema(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE step (id INTEGER PRIMARY KEY, who TEXT NOT NULL, n INTEGER NOT NULL)"))
    engine.dispose()


def ticket_of(connection: Connection) -> int:
    """The queue ticket this transaction began with (0 without the queue)."""
    raw = connection.connection.dbapi_connection
    ticket = raw.ticket if isinstance(raw, GatedConnection) else None
    return 0 if ticket is None else ticket.number


def batch(url: str, queued: bool, ready: Any, go: Any, done: Any, out: Any) -> None:
    """Back-to-back short steps, as ``import``, ``ledger`` and ``triage propose`` write: one transaction each."""
    engine = make_engine(url, writer_queue=queued)
    with engine.connect():
        pass
    ready.release()
    go.wait()
    began = []
    for n in range(STEPS):
        with engine.begin() as connection:
            began.append((time.monotonic(), ticket_of(connection)))
            connection.execute(INSERT, {"who": "batch", "n": n})
            time.sleep(STEP)
    done.set()
    out.put(("batch", began))
    engine.dispose()


def clerk(url: str, queued: bool, who: int, ready: Any, go: Any, done: Any, out: Any) -> None:
    """Save, read the screen for a moment, save again — until the batch has finished."""
    engine, rng, saves = make_engine(url, writer_queue=queued), random.Random(who), []
    with engine.connect():
        pass
    ready.release()
    go.wait()
    time.sleep(rng.uniform(0, STEP))
    while not done.is_set():
        asked = time.monotonic()
        try:
            with engine.begin() as connection:
                began: float | None = time.monotonic()
                ticket = ticket_of(connection)
                connection.execute(INSERT, {"who": f"clerk{who}", "n": len(saves)})
        except OperationalError:  # outwaited the timeout
            began, ticket = None, 0
        saves.append((asked, began, ticket))
        time.sleep(rng.uniform(0.02, 0.08))
    out.put((f"clerk{who}", saves))
    engine.dispose()


def die_holding(url: str, entered: Any) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(INSERT, {"who": "killed", "n": 0})
        entered.set()
        time.sleep(60)


def die_waiting(url: str, entered: Any) -> None:
    engine = make_engine(url)
    entered.set()
    with engine.begin() as connection:  # queued behind the test's own transaction; killed while waiting
        connection.execute(INSERT, {"who": "killed", "n": 1})
