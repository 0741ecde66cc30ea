"""``zhihui backup`` while another real process writes without pause: each backup restores, passes
``PRAGMA integrity_check`` (SQLite) or ``pg_restore`` (PostgreSQL), and holds an intact audit chain whose every
written row has its audit record (one consistent moment, not a torn copy)."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import FIXED_NOW, _admin, reset_postgres
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.services.audit import verify

runner = CliRunner()
BACKUPS = 3
WRITES_BEFORE_EACH = 25


def _writer(url: str, stop: Any, written: Any) -> None:
    """A clerk's terminal that never pauses: one party per transaction, each with its audit record."""
    from zhihui_tui.db.models import Party
    from zhihui_tui.domain.clock import FixedClock
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.uow import unit_of_work

    engine = make_engine(url)
    actor, clock = system_actor(engine), FixedClock(FIXED_NOW)
    n = 0
    while not stop.is_set():
        with unit_of_work(engine, actor=actor, action="登记当事人", clock=clock) as session:
            session.add(Party(kind="person", name=f"当事人{n}", address="科右前旗" * 20))
        n += 1
        written.value = n
    engine.dispose()


class _Load:
    """The writing process, started and stopped around a test."""

    def __init__(self, url: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.stop, self.written = context.Event(), context.Value("i", 0)
        self.process = context.Process(target=_writer, args=(url, self.stop, self.written))

    def wait_for(self, rows: int) -> None:
        deadline = 600
        while self.written.value < rows and deadline:
            self.process.join(timeout=0.1)
            assert self.process.exitcode is None, "the writer died"
            deadline -= 1
        assert self.written.value >= rows


@contextmanager
def _writing(url: str) -> Iterator[_Load]:
    """A migrated database at ``url`` with the writer running on it until the block ends."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    writer = _Load(url)
    writer.process.start()
    try:
        yield writer
    finally:
        writer.stop.set()
        writer.process.join(timeout=60)
    assert writer.process.exitcode == 0


def _backups_during(load: _Load, url: str, folder: Path, suffix: str) -> list[Path]:
    made = []
    for n in range(BACKUPS):
        load.wait_for(load.written.value + WRITES_BEFORE_EACH)
        target = folder / f"nightly-{n}{suffix}"
        result = runner.invoke(app, ["--db", url, "backup", str(target)])
        assert result.exit_code == 0, result.output
        made.append(target)
    assert load.process.exitcode is None and load.written.value >= BACKUPS * WRITES_BEFORE_EACH
    return made


def _check_restored(url: str) -> int:
    """The restored database's chain verifies and every party has its audit record; returns the parties."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            result = verify(session)
            assert result.ok, result.reason
            parties = session.execute(text("SELECT count(*) FROM party")).scalar_one()
            recorded = session.execute(text("SELECT count(*) FROM audit_record WHERE entity = 'party'")).scalar_one()
    finally:
        engine.dispose()
    assert parties == recorded > 0
    return int(parties)


def test_sqlite_backups_under_writes_restore_whole(sqlite_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    with _writing(sqlite_url) as load:
        backups = _backups_during(load, sqlite_url, folder, ".db")
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in backups]  # no .partial, -wal, -shm
    parties = []
    for n, backup in enumerate(backups):
        restored = tmp_path / f"restored-{n}.db"
        shutil.copyfile(backup, restored)  # a restore is a copy of the backup file into place
        with closing(sqlite3.connect(restored)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        parties.append(_check_restored(f"sqlite:///{restored}"))
    assert parties == sorted(parties) and parties[0] < parties[-1]  # each taken later, mid-stream


@pytest.mark.postgres
def test_postgres_backups_under_writes_restore_whole(pg_url: str, tmp_path: Path) -> None:
    reset_postgres(pg_url)
    db_url = pg_url
    with _writing(db_url) as load:
        backups = _backups_during(load, db_url, tmp_path, ".dump")
    parties = []
    for n, backup in enumerate(backups):
        name = f"{make_url(db_url).database}_restored_{n}"
        _admin(f'CREATE DATABASE "{name}"')
        try:
            restored = make_url(db_url).set(database=name)
            plain = restored.set(drivername="postgresql").render_as_string(hide_password=False)
            subprocess.run(["pg_restore", "--exit-on-error", f"--dbname={plain}", str(backup)], check=True)
            parties.append(_check_restored(restored.render_as_string(hide_password=False)))
        finally:
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert parties == sorted(parties) and parties[0] < parties[-1]
