"""SQLite: the case import's rows staged in a scratch file next to the database, with no lock held, and copied
in with one INSERT … SELECT per table inside the import's write transaction, so a clerk waits less. The search
keys are written there by a second process while this one builds the rest. The file never outlives the import (a
killed run's file is removed by the next)."""

from __future__ import annotations

import multiprocessing
import os
import secrets
import sqlite3
from collections.abc import Sequence
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from zhihui_tui.services.search import CaseKeys, sorted_terms

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
    """The import's search keys (and the rows built before the lock, given to :meth:`attach`) written to a scratch
    SQLite file (unindexed, no lock on the database), then copied in with one INSERT … SELECT per table inside the
    import's transaction; rows built again under the lock are inserted directly instead.

    The keys are expanded, sorted and written by a forked second process from the moment the stage is entered,
    while this one checks and builds the rest (the machine's second core is idle once the parse is done); where
    fork is not available, or that process failed, they are written here. The file is attached to the one pooled
    connection the import writes with (ATTACH cannot run in a transaction, so before the first statement),
    detached before that connection goes back to the pool and deleted on every way out."""

    def __init__(self, engine: Engine, keys: list[CaseKeys]) -> None:
        self.engine = engine
        self.keys = keys
        self.database = Path(str(engine.url.database)).resolve()
        self.path = self.database.with_name(
            f".{self.database.name}.{os.getpid()}-{secrets.token_hex(4)}{_STAGE_SUFFIX}"
        )
        self.tables: Sequence[StagedTable] = ()
        self.connection: Connection | None = None
        self._writer: BaseProcess | None = None

    def __enter__(self) -> TermStage:
        _remove_stale_scratch(self.database)
        self._writer = _start_writer(self.path, self.keys)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._close()

    def attach(self, tables: Sequence[StagedTable] = ()) -> Connection:
        """Once the rows are built: the keys written (waited for), the rows added, the file attached to a pooled
        connection, which is returned for the write transaction."""
        try:
            if not self._written_elsewhere():
                _write_terms(self.path, self.keys)
            self._fill(tables)
            self.connection = self.engine.connect()
            raw = self.connection.connection.driver_connection
            assert raw is not None
            raw.execute(f"ATTACH DATABASE ? AS {STAGE_SCHEMA}", (str(self.path),))
        except BaseException:
            self._close()
            raise
        return self.connection

    def _written_elsewhere(self) -> bool:
        writer, self._writer = self._writer, None
        if writer is None:
            return False
        writer.join()
        return writer.exitcode == 0

    def _fill(self, tables: Sequence[StagedTable]) -> None:
        """Add the built rows to the scratch file beside the keys."""
        scratch = _scratch_connection(self.path)
        try:
            scratch.execute("BEGIN")
            for name, columns, rows in tables:
                scratch.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
                marks = ", ".join("?" for _ in columns)
                scratch.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
            scratch.execute("COMMIT")
        finally:
            scratch.close()
        self.tables = tables

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
        """Stop the key writer if it still runs, roll back anything left open, detach (or drop the connection if
        that fails), delete the file."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.kill()
            writer.join()
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


def _scratch_connection(path: Path) -> sqlite3.Connection:
    """Plain sqlite3, no journal, no sync: the file is thrown away after the import."""
    scratch = sqlite3.connect(path, isolation_level=None)
    scratch.execute("PRAGMA journal_mode=OFF")
    scratch.execute("PRAGMA synchronous=OFF")
    return scratch


def _write_terms(path: Path, keys: list[CaseKeys]) -> None:
    """A fresh scratch file holding the keys' search_term rows in primary-key order (case refs for case ids)."""
    path.unlink(missing_ok=True)  # what a failed writer may have left
    terms = sorted_terms(keys)
    scratch = _scratch_connection(path)
    try:
        scratch.execute("CREATE TABLE term (kind TEXT, term TEXT, sort_key INTEGER, case_ref INTEGER)")
        scratch.execute("BEGIN")
        scratch.executemany("INSERT INTO term VALUES (?, ?, ?, ?)", terms)
        scratch.execute("COMMIT")
    finally:
        scratch.close()


def _start_writer(path: Path, keys: list[CaseKeys]) -> BaseProcess | None:
    """The keys written by a forked process (it sees ``keys`` without their being copied), or None where processes
    are not forked: the caller writes them."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    writer = multiprocessing.get_context("fork").Process(
        target=_write_terms_quietly, args=(path, keys), name="import-terms", daemon=True
    )
    writer.start()
    return writer


def _write_terms_quietly(path: Path, keys: list[CaseKeys]) -> None:
    """In the forked process: any failure (a full disk, say) is reported by the parent, which writes the keys
    again itself and so meets the same error in its own words."""
    try:
        _write_terms(path, keys)
    except BaseException:
        os._exit(1)
