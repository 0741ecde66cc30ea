"""SQLite: the case import's rows staged in a scratch file next to the database, with no lock held, and copied
in with one INSERT … SELECT per table inside the import's write transaction, so a clerk waits less. The file never
outlives the import (a killed run's file is removed by the next)."""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

STAGE_SCHEMA = "import_stage"
_STAGE_SUFFIX = ".import-stage"


def stages_terms(engine: Engine) -> bool:
    """Staging needs a database file to put the scratch file next to (not an in-memory database)."""
    return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")


def _scratch_files(database: Path) -> list[Path]:
    return sorted(database.parent.glob(f".{database.name}.*{_STAGE_SUFFIX}"))


def _remove_stale_scratch(database: Path) -> None:
    """Scratch files a killed import left behind (its process is gone): harmless, removed on the next run."""
    for path in _scratch_files(database):
        try:
            pid = int(path.name.removeprefix(f".{database.name}.").split("-", 1)[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except (ValueError, PermissionError, OSError):
            continue


StagedTable = tuple[str, tuple[str, ...], Sequence[Sequence[Any]]]  # table name, columns, bound rows


class TermStage:
    """The import's search keys (and the rows built before the lock, ``tables``) written to a scratch SQLite file
    (unindexed, no lock on the database), then copied in with one INSERT … SELECT per table inside the import's
    transaction; rows built again under the lock are inserted directly instead. The file is attached
    to the one pooled connection the import writes with (ATTACH cannot run in a transaction, so before the
    first statement), detached before that connection goes back to the pool and deleted on every way out."""

    def __init__(
        self, engine: Engine, terms: list[tuple[str, str, int, int]], tables: Sequence[StagedTable] = ()
    ) -> None:
        self.engine = engine
        self.terms = terms
        self.tables = tables
        self.database = Path(str(engine.url.database)).resolve()
        self.path = self.database.with_name(
            f".{self.database.name}.{os.getpid()}-{secrets.token_hex(4)}{_STAGE_SUFFIX}"
        )
        self.connection: Connection | None = None

    def __enter__(self) -> TermStage:
        _remove_stale_scratch(self.database)
        try:
            self._fill()
            self.connection = self.engine.connect()
            raw = self.connection.connection.driver_connection
            assert raw is not None
            raw.execute(f"ATTACH DATABASE ? AS {STAGE_SCHEMA}", (str(self.path),))
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self._close()

    def _fill(self) -> None:
        """Write the keys to the scratch file: plain sqlite3, no journal, no sync (it is thrown away after)."""
        scratch = sqlite3.connect(self.path, isolation_level=None)
        try:
            scratch.execute("PRAGMA journal_mode=OFF")
            scratch.execute("PRAGMA synchronous=OFF")
            scratch.execute("CREATE TABLE term (kind TEXT, term TEXT, sort_key INTEGER, case_ref INTEGER)")
            scratch.execute("BEGIN")
            scratch.executemany("INSERT INTO term VALUES (?, ?, ?, ?)", self.terms)
            for name, columns, rows in self.tables:
                scratch.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
                marks = ", ".join("?" for _ in columns)
                scratch.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
            scratch.execute("COMMIT")
        finally:
            scratch.close()

    def swap(self, *, case_offset: int) -> None:
        """Inside the write transaction: the staged keys with their cases' ids (ref + offset: ids are contiguous)."""
        assert self.connection is not None
        self.connection.exec_driver_sql(
            f"INSERT INTO main.search_term (kind, term, sort_key, case_id) "
            f"SELECT kind, term, sort_key, case_ref + ? FROM {STAGE_SCHEMA}.term ORDER BY rowid",
            (case_offset,),
        )

    def copy_tables(self) -> None:
        """Inside the write transaction: the staged rows as they are (built with their final ids and bound)."""
        assert self.connection is not None
        for name, columns, _rows in self.tables:
            names = ", ".join(columns)
            self.connection.exec_driver_sql(
                f"INSERT INTO main.{name} ({names}) SELECT {names} FROM {STAGE_SCHEMA}.{name} ORDER BY rowid"
            )

    def _close(self) -> None:
        """Roll back anything left open, detach (or drop the connection if that fails), delete the file."""
        connection, self.connection = self.connection, None
        try:
            if connection is not None:
                try:
                    if connection.in_transaction():
                        connection.rollback()
                    raw = connection.connection.driver_connection
                    assert raw is not None
                    raw.execute(f"DETACH DATABASE {STAGE_SCHEMA}")
                except Exception:
                    connection.invalidate()  # never hand a connection with the scratch file attached to the pool
                finally:
                    connection.close()
        finally:
            self.path.unlink(missing_ok=True)
