"""SQLite: the import stages its search keys in a scratch file next to the database; the file never outlives it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, text

from tests.conftest import context_for
from tests.services.test_importing import GOOD_ROWS, add_account, row, write_csv
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.audit import verify
from zhihui_tui.services.importing import case_stage as case_import_stage
from zhihui_tui.services.importing import case_write as case_import_write
from zhihui_tui.services.importing.cases import ImportResult, import_cases

COURT = "内2221"


@pytest.fixture
def sqlite_engine(tmp_path: Path, clock: FixedClock) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'zhihui.db'}")
    upgrade(engine)
    add_account(engine, clock, "kuai01", Role.HANDLER, "王建国", team=Team.FAST.value, title=Title.JUDGE.value)
    add_account(engine, clock, "jing01", Role.HANDLER, "孙立军", team=Team.INTENSIVE.value, title=Title.JUDGE.value)
    return engine


def _import(engine: Engine, path: Path, clock: FixedClock) -> ImportResult:
    return import_cases(path, ctx=context_for(engine, system_actor(engine), clock))


def _scratch(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.glob(".zhihui.db.*"))


def test_scratch_file_is_gone_after_success_and_after_a_refused_run(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "cases.csv", GOOD_ROWS)
    assert _import(sqlite_engine, path, clock).imported == len(GOOD_ROWS)
    assert _scratch(tmp_path) == []
    other = write_csv(tmp_path / "again.csv", GOOD_ROWS, bom=False)  # other bytes, the same cases
    again = _import(sqlite_engine, other, clock)  # refused row by row, nothing written
    assert again.imported == 0 and again.errors
    assert _scratch(tmp_path) == []
    with sqlite_engine.connect() as connection:  # the pooled connection went back without the scratch attached
        names = [row[1] for row in connection.execute(text("PRAGMA database_list"))]
        assert case_import_stage.STAGE_SCHEMA not in names
        terms = connection.execute(text("SELECT count(*) FROM search_term")).scalar_one()
        linked = connection.execute(text("SELECT count(DISTINCT case_id) FROM search_term")).scalar_one()
    assert terms > 0 and linked == len(GOOD_ROWS)
    with read_session(sqlite_engine) as session:
        assert verify(session).ok


def test_scratch_file_is_gone_after_an_error_in_the_write(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(case_import_write, "_insert_terms", broken)
    with pytest.raises(RuntimeError):
        _import(sqlite_engine, write_csv(tmp_path / "cases.csv", GOOD_ROWS), clock)
    assert _scratch(tmp_path) == []
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM enforcement_case")).scalar_one() == 0


def test_a_failure_while_hashing_the_staged_trail_writes_nothing(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chain's hashes are worked out on a thread under the lock: its failure reaches the import, which rolls
    back whole and leaves no scratch file behind."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("hashing failed")

    monkeypatch.setattr(case_import_stage.audit, "chain_links", broken)
    with pytest.raises(RuntimeError, match="hashing failed"):
        _import(sqlite_engine, write_csv(tmp_path / "cases.csv", GOOD_ROWS), clock)
    assert _scratch(tmp_path) == []
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM enforcement_case")).scalar_one() == 0
        assert (
            connection.execute(text("SELECT count(*) FROM audit_record WHERE entity = 'enforcement_case'")).scalar_one()
            == 0
        )
    with read_session(sqlite_engine) as session:
        assert verify(session).ok


def test_a_scratch_file_left_by_a_killed_import_is_removed_next_run(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    dead = 2**22 + 12345  # above the default pid_max: no such process
    with pytest.raises(ProcessLookupError):
        os.kill(dead, 0)
    left = tmp_path / f".zhihui.db.{dead}-deadbeef.import-stage"
    left.write_bytes(b"half-written")
    assert _import(sqlite_engine, write_csv(tmp_path / "cases.csv", GOOD_ROWS), clock).imported == len(GOOD_ROWS)
    assert _scratch(tmp_path) == []


def _keys(engine: Engine) -> list[tuple[str, str, int, int]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text("SELECT * FROM search_term ORDER BY 1, 2, 3, 4"))]


def test_files_written_by_second_processes_hold_what_is_written_here(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked writers run (their pids differ) for the keys, the rows and the audit entries, and the import they
    stage equals one staged in this process (no fork available), its trail included."""
    writers: list[int | None] = []
    start = case_import_stage._start_writer

    def spy(write: object, path: Path, payload: object) -> object:
        writer = start(write, path, payload)  # type: ignore[arg-type]
        writers.append(writer.pid if writer is not None else None)
        return writer

    monkeypatch.setattr(case_import_stage, "_start_writer", spy)
    assert _import(sqlite_engine, write_csv(tmp_path / "cases.csv", GOOD_ROWS), clock).imported == len(GOOD_ROWS)
    assert len(writers) == 3 and os.getpid() not in writers and None not in writers
    forked = _tables(sqlite_engine)

    here = make_engine(f"sqlite:///{tmp_path / 'here.db'}")
    upgrade(here)
    add_account(here, clock, "kuai01", Role.HANDLER, "王建国", team=Team.FAST.value, title=Title.JUDGE.value)
    add_account(here, clock, "jing01", Role.HANDLER, "孙立军", team=Team.INTENSIVE.value, title=Title.JUDGE.value)
    monkeypatch.setattr(case_import_stage, "_start_writer", lambda _write, _path, _payload: None)
    assert _import(here, write_csv(tmp_path / "again.csv", GOOD_ROWS), clock).imported == len(GOOD_ROWS)
    assert forked["search_term"] and forked["enforcement_case"] and _tables(here) == forked
    assert len(forked["audit_record"]) > len(GOOD_ROWS)
    for engine in (sqlite_engine, here):
        with read_session(engine) as session:
            assert verify(session).ok


def _tables(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """The staged tables' rows, in a stable order (the rows' own ids and stamps included)."""
    names = ("search_term", "enforcement_case", "party", "case_party", "stage_change", "deadline", "search_case")
    trail = "SELECT id, as_of, actor_login, action, entity, entity_id, before, after FROM audit_record"
    with engine.connect() as connection:
        tables = {
            name: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {name} ORDER BY 1, 2, 3, 4"))]
            for name in names
        }
        tables["audit_record"] = [tuple(row) for row in connection.execute(text(f"{trail} ORDER BY id"))]
    return tables


def test_a_failed_writer_is_replaced_by_this_process(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both second processes die having written half a file: the files are written again here, complete."""

    def dies_half_way(_write: object, path: Path, _payload: object) -> None:
        path.write_bytes(b"half-written")
        os._exit(1)

    monkeypatch.setattr(case_import_stage, "_quietly", dies_half_way)
    assert _import(sqlite_engine, write_csv(tmp_path / "cases.csv", GOOD_ROWS), clock).imported == len(GOOD_ROWS)
    assert _scratch(tmp_path) == []
    with sqlite_engine.connect() as connection:
        linked = connection.execute(text("SELECT count(DISTINCT case_id) FROM search_term")).scalar_one()
        cases = connection.execute(text("SELECT count(*) FROM enforcement_case")).scalar_one()
    assert linked == cases == len(GOOD_ROWS)
    with read_session(sqlite_engine) as session:
        assert verify(session).ok


def test_the_wal_is_checkpointed_after_the_write_lock_is_let_go_not_inside_the_commit(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint inside the import's COMMIT copies its frames into the database file while the writer queue is
    held, and every clerk queued waits for it (a 20,000-row import: ~90 MB, 0.1–0.5 s). It runs once the
    transaction is over; the pooled connection goes back with its own automatic checkpoints."""

    @event.listens_for(sqlite_engine, "connect")
    def checkpoint_every_commit(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=1")

    sqlite_engine.dispose()
    database = tmp_path / "zhihui.db"
    with closing(sqlite3.connect(database)) as raw:  # everything so far in the database file, none in the WAL
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sizes: dict[str, int] = {}
    importing: list[Any] = []  # the import's pooled connection
    transaction = case_import_write.unit_of_work

    @contextmanager
    def watched(*args: Any, **kwargs: Any) -> Iterator[Any]:
        sizes["begin"] = database.stat().st_size
        with transaction(*args, **kwargs) as session:
            importing.append(session.connection().connection.driver_connection)
            yield session
        sizes["committed"] = database.stat().st_size

    monkeypatch.setattr(case_import_write, "unit_of_work", watched)
    rows = [row() for _ in range(300)]  # 300 cases of one pair of parties, each on a basis of its own
    assert _import(sqlite_engine, write_csv(tmp_path / "cases.csv", rows), clock).imported == len(rows)
    assert sizes["committed"] == sizes["begin"]  # the commit wrote the WAL only
    assert database.stat().st_size > sizes["committed"]  # then the checkpoint copied it in
    assert importing[0].execute("PRAGMA wal_autocheckpoint").fetchone() == (1,)  # back as the engine set it
