"""SQLite: the case import's rows staged in scratch files next to the database, with no lock held, and copied
in with one INSERT … SELECT per table inside the import's write transaction, so a clerk waits less. Forked
processes write them while this one builds the rest. The audit entries are staged too, without their chain
hashes: those are known only under the lock, and are worked out on a thread while the rows are copied. The files
never outlive the import (a killed run's files are removed by the next)."""

from __future__ import annotations

import multiprocessing
import os
import secrets
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from zhihui_tui.db.bulk import bind_rows
from zhihui_tui.db.models import AuditRecord
from zhihui_tui.services import audit
from zhihui_tui.services.search import CaseKeys, sorted_terms

STAGE_SCHEMA = "import_stage"  # the search keys' file, attached
ROWS_SCHEMA = "import_rows"  # the built rows' file, attached
AUDIT_SCHEMA = "import_audit"  # the audit entries' file, attached
_SCHEMAS = (STAGE_SCHEMA, ROWS_SCHEMA, AUDIT_SCHEMA)
_ENTRY_COLUMNS = ("actor_login", "action", "entity", "entity_id", "before", "after")
_STAGE_SUFFIX = ".import-stage"
Payload = TypeVar("Payload")


def stages_import(engine: Engine) -> bool:
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
StagedAudit = tuple[list[audit.AuditEntry], datetime]  # the entries, the as_of they are recorded with
Links = list[tuple[str, str]]  # (prev_hash, hash) of each staged audit entry, in order


class ImportStage:
    """The import's search keys, the rows built before the lock (:meth:`stage_rows`) and their audit entries
    (:meth:`stage_audit`), written to three scratch SQLite files (unindexed, no lock on the database), then copied
    in with one INSERT … SELECT per table inside the import's transaction; rows built again under the lock are
    inserted directly instead (and their audit entries appended as any bulk write's are).

    Each file is written by a forked process while this one works on: the keys from the moment the stage is
    entered (this one checks and builds meanwhile), the rows and the audit entries once built, side by side on
    the machine's two cores. Where fork is not available, or such a process failed, the file is written here.
    The files are attached to the one pooled connection the import writes with (ATTACH cannot run in a
    transaction, so before the first statement), detached before that connection goes back to the pool and
    deleted on every way out."""

    def __init__(self, engine: Engine, keys: list[CaseKeys]) -> None:
        self.engine = engine
        self.keys = keys
        self.database = Path(str(engine.url.database)).resolve()
        stem = f".{self.database.name}.{os.getpid()}-{secrets.token_hex(4)}"
        self.path = self.database.with_name(f"{stem}{_STAGE_SUFFIX}")
        self.rows_path = self.database.with_name(f"{stem}-rows{_STAGE_SUFFIX}")
        self.audit_path = self.database.with_name(f"{stem}-audit{_STAGE_SUFFIX}")
        self.tables: Sequence[StagedTable] = ()
        self.audit: StagedAudit = ([], datetime.min)
        self.connection: Connection | None = None
        self._writers: dict[Path, BaseProcess | None] = {}
        self._hashing: Future[Links] | None = None
        self._autocheckpoint = 1000  # SQLite's default; the connection's own is read when it is attached

    def __enter__(self) -> ImportStage:
        _remove_stale_scratch(self.database)
        self._writers[self.path] = _start_writer(_write_terms, self.path, self.keys)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._close()

    def stage_rows(self, tables: Sequence[StagedTable]) -> None:
        """The built rows, written to their file from now on."""
        self.tables = tables
        self._writers[self.rows_path] = _start_writer(_write_tables, self.rows_path, tables)

    def stage_audit(self, entries: list[audit.AuditEntry], *, as_of: datetime) -> None:
        """The audit entries, dumped and written to their file from now on (by a second process: this one is
        free meanwhile)."""
        self.audit = (entries, as_of)
        self._writers[self.audit_path] = _start_writer(_write_audit, self.audit_path, self.audit)

    def attach(self) -> Connection:
        """Once everything is built: every file written (waited for), attached to a pooled connection, which is
        returned for the write transaction."""
        try:
            if not self._written_elsewhere(self.path):
                _write_terms(self.path, self.keys)
            if not self._written_elsewhere(self.rows_path):
                _write_tables(self.rows_path, self.tables)
            if not self._written_elsewhere(self.audit_path):
                _write_audit(self.audit_path, self.audit)
            self.connection = self.engine.connect()
            raw = self.connection.connection.driver_connection
            assert raw is not None
            for schema, path in zip(_SCHEMAS, (self.path, self.rows_path, self.audit_path), strict=True):
                raw.execute(f"ATTACH DATABASE ? AS {schema}", (str(path),))
            # The commit would otherwise checkpoint the import's tens of MB of WAL frames into the database before
            # it returns, inside the writer queue: every clerk waiting would wait for that too. It is done once the
            # queue is left (:func:`_checkpoint`), beside whoever writes next.
            (self._autocheckpoint,) = raw.execute("PRAGMA wal_autocheckpoint").fetchone()
            raw.execute("PRAGMA wal_autocheckpoint=0")
        except BaseException:
            self._close()
            raise
        return self.connection

    def _written_elsewhere(self, path: Path) -> bool:
        writer = self._writers.pop(path, None)
        if writer is None:
            return False
        writer.join()
        return writer.exitcode == 0

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
                f"INSERT INTO main.{name} ({names}) SELECT {names} FROM {ROWS_SCHEMA}.{name} ORDER BY rowid"
            )

    def hash_audit(self, start: audit.ChainStart) -> Future[Links]:
        """Inside the write transaction, once the chain's head is taken: the staged entries' hashes, worked out on a
        thread while this one copies the rows in (the copies run in SQLite with the GIL let go)."""
        hasher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-chain")
        try:
            self._hashing = hasher.submit(_audit_links, self.audit_path, start, self.audit[1])
        finally:
            hasher.shutdown(wait=False)  # the thread ends with its one task (waited for on the way out)
        return self._hashing

    def copy_audit(self, start: audit.ChainStart, links: Links) -> None:
        """Inside the write transaction: the staged entries after the chain's head, with their hashes."""
        assert self.connection is not None
        raw = self.connection.connection.driver_connection
        assert raw is not None
        table = AuditRecord.__table__  # type: ignore[attr-defined]
        moments = [(start.recorded_at, self.audit[1])]
        ((recorded_at, as_of),) = bind_rows(self.connection.dialect, table, ("recorded_at", "as_of"), moments)
        raw.execute("CREATE TEMP TABLE import_chain (prev_hash TEXT, hash TEXT)")
        try:
            raw.executemany("INSERT INTO temp.import_chain VALUES (?, ?)", links)
            raw.execute(
                f"INSERT INTO main.audit_record ({', '.join(audit.RECORD_COLUMNS)}) "
                f"SELECT e.rowid + ?, ?, ?, {', '.join('e.' + c for c in _ENTRY_COLUMNS)}, c.prev_hash, c.hash "
                f"FROM {AUDIT_SCHEMA}.entry AS e JOIN temp.import_chain AS c ON c.rowid = e.rowid ORDER BY e.rowid",
                (start.last_id, recorded_at, as_of),
            )
        finally:
            raw.execute("DROP TABLE temp.import_chain")

    def _close(self) -> None:
        """Stop the writers still running (and let the hashing thread finish), roll back anything left open,
        detach (or drop the connection if that fails), delete the files."""
        writers, self._writers = self._writers, {}
        for writer in writers.values():
            if writer is not None:
                writer.kill()
                writer.join()
        if self._hashing is not None:  # still reading the audit file when the write failed
            wait([self._hashing])
        connection, self.connection = self.connection, None
        try:
            if connection is not None:
                try:
                    if connection.in_transaction():
                        connection.rollback()
                    raw = connection.connection.driver_connection
                    assert raw is not None
                    _checkpoint(raw, self._autocheckpoint)
                    for schema in _SCHEMAS:
                        raw.execute(f"DETACH DATABASE {schema}")
                except Exception:
                    connection.invalidate()  # never hand a connection with a scratch file attached to the pool
                finally:
                    connection.close()
        finally:
            for path in (self.path, self.rows_path, self.audit_path):
                path.unlink(missing_ok=True)


def _checkpoint(raw: Any, autocheckpoint: int) -> None:
    """After the write transaction, out of the writer queue: the WAL frames it added copied into the database file
    (PASSIVE: clerks read and write meanwhile; what a reader still needs is left to the next checkpoint), and the
    connection's automatic checkpoints back on before it goes back to the pool."""
    try:
        raw.execute("PRAGMA main.wal_checkpoint(PASSIVE)")
    finally:
        raw.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint)}")


def _scratch(path: Path) -> sqlite3.Connection:
    """A fresh scratch file (removing what a failed writer may have left): plain sqlite3, no journal, no sync —
    it is thrown away after the import."""
    path.unlink(missing_ok=True)
    scratch = sqlite3.connect(path, isolation_level=None)
    scratch.execute("PRAGMA journal_mode=OFF")
    scratch.execute("PRAGMA synchronous=OFF")
    return scratch


def _write_terms(path: Path, keys: list[CaseKeys]) -> None:
    """The keys' search_term rows in primary-key order (case refs for case ids)."""
    terms = sorted_terms(keys)
    scratch = _scratch(path)
    try:
        scratch.execute("CREATE TABLE term (kind TEXT, term TEXT, sort_key INTEGER, case_ref INTEGER)")
        scratch.execute("BEGIN")
        scratch.executemany("INSERT INTO term VALUES (?, ?, ?, ?)", terms)
        scratch.execute("COMMIT")
    finally:
        scratch.close()


def _write_tables(path: Path, tables: Sequence[StagedTable]) -> None:
    """The built rows, a table each, as they will be copied."""
    scratch = _scratch(path)
    try:
        scratch.execute("BEGIN")
        for name, columns, rows in tables:
            scratch.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
            marks = ", ".join("?" for _ in columns)
            scratch.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        scratch.execute("COMMIT")
    finally:
        scratch.close()


def _write_audit(path: Path, staged: StagedAudit) -> None:
    """The audit entries dumped, as they will be stored (the heads their hashes are made of are worked out again
    under the lock, from what is stored: :func:`_audit_links`)."""
    entries, _as_of = staged
    scratch = _scratch(path)
    try:
        scratch.execute(f"CREATE TABLE entry ({', '.join(_ENTRY_COLUMNS)})")
        scratch.execute("BEGIN")
        scratch.executemany("INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?)", audit.dumped(entries))
        scratch.execute("COMMIT")
    finally:
        scratch.close()


def _audit_links(path: Path, start: audit.ChainStart, as_of: datetime) -> Links:
    """The staged entries' (prev_hash, hash), read from their file on a connection of this thread's own."""
    scratch = sqlite3.connect(path)
    try:
        stored = scratch.execute(f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM entry ORDER BY rowid")
        return audit.chain_links(start, audit.heads_of(stored, as_of=as_of))
    finally:
        scratch.close()


def _start_writer(write: Callable[[Path, Payload], None], path: Path, payload: Payload) -> BaseProcess | None:
    """``write(path, payload)`` in a forked process (it sees ``payload`` without its being copied), or None where
    processes are not forked: the caller writes it."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    writer = multiprocessing.get_context("fork").Process(
        target=_quietly, args=(write, path, payload), name=f"import-{path.name}", daemon=True
    )
    writer.start()
    return writer


def _quietly(write: Callable[[Path, Payload], None], path: Path, payload: Payload) -> None:
    """In the forked process: any failure (a full disk, say) is reported by the parent, which writes the file
    again itself and so meets the same error in its own words."""
    try:
        write(path, payload)
    except BaseException:
        os._exit(1)
