"""``db copy``: a demo court copied SQLite → PostgreSQL → SQLite and SQLite → SQLite, row for row; the target
works afterwards (new ids do not collide, the chain goes on); refusals and failures leave the target empty."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import FIXED_NOW, context_for, reset_postgres
from tests.services.test_filing import APPLICATION_ITEMS, DRAFT
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.table_copy import NOT_COPIED, SEEDED_ROWS, copied_tables, table_counts
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import db_copy
from zhihui_tui.services.accounts import NewStaff, actor_for, add_staff, system_actor
from zhihui_tui.services.audit import verify
from zhihui_tui.services.db_copy import copy_database
from zhihui_tui.services.errors import ServiceError
from zhihui_tui.services.filing import file_case, receive_materials

AS_OF = "2026-11-27T09:30"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A demo court on SQLite, built once for the module (the copies only read it)."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.db'}"
    loaded = CliRunner().invoke(app, ["--db", url, "--as-of", AS_OF, "demo"], env={"ZHIHUI_DATA_DIR": str(folder)})
    assert loaded.exit_code == 0, loaded.output
    return url


@pytest.fixture
def demo(demo_url: str) -> Iterator[Engine]:
    engine = make_engine(demo_url)
    yield engine
    engine.dispose()


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary-key order, as Python values."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key.columns))
                ]
                for table in copied_tables()
            }
    finally:
        engine.dispose()


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return table_counts(connection)
    finally:
        engine.dispose()


def test_every_table_of_a_migrated_database_is_copied_and_only_the_known_seed_is_there(db_url: str) -> None:
    """A table a later migration adds is in the models' metadata, hence copied; one made outside the models
    (or a new seed row a migration writes) fails here until db copy learns about it."""
    engine = make_engine(db_url)
    upgrade(engine)
    try:
        with engine.connect() as connection:
            counts = table_counts(connection)
    finally:
        engine.dispose()
    assert set(counts) == {table.name for table in copied_tables()}
    assert NOT_COPIED.isdisjoint(counts)
    assert {name: n for name, n in counts.items() if n} == SEEDED_ROWS


def test_sqlite_to_sqlite_copies_every_row_and_the_chain_verifies(demo: Engine, demo_url: str, tmp_path: Path) -> None:
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    result = copy_database(demo, target)
    source_rows = _rows(demo_url)
    assert _rows(target) == source_rows
    assert {t.name: t.target_rows for t in result.tables} == {name: len(rows) for name, rows in source_rows.items()}
    assert result.audit_checked == len(source_rows["audit_record"]) > 1000
    assert result.sequences_reset == 0


@pytest.mark.postgres
def test_sqlite_to_postgres_and_back_copies_every_row(demo: Engine, demo_url: str, pg_url: str, tmp_path: Path) -> None:
    reset_postgres(pg_url)
    to_pg = copy_database(demo, pg_url)
    assert to_pg.sequences_reset >= 30
    source_rows = _rows(demo_url)
    assert _rows(pg_url) == source_rows
    back = f"sqlite:///{tmp_path / 'back.db'}"
    pg = make_engine(pg_url)
    try:
        copy_database(pg, back)
    finally:
        pg.dispose()
    assert _rows(back) == source_rows


@pytest.mark.postgres
def test_the_postgres_copy_takes_new_cases_and_accounts_through_the_services(demo: Engine, pg_url: str) -> None:
    """Sequences were moved past the copied ids: a new case, its parties, steps and audit rows all insert."""
    reset_postgres(pg_url)
    copy_database(demo, pg_url)
    target = make_engine(pg_url)
    try:
        clock = FixedClock(FIXED_NOW)
        clerk = actor_for(target, "lian1")
        ctx = context_for(target, clerk, clock)
        case_id = receive_materials(DRAFT, APPLICATION_ITEMS, ctx=ctx)
        with target.connect() as connection:
            largest = connection.execute(text("SELECT max(id) FROM enforcement_case WHERE id <> :id"), {"id": case_id})
            assert case_id > largest.scalar_one()
        with target.connect() as connection:
            version = connection.execute(text("SELECT version FROM enforcement_case WHERE id = :id"), {"id": case_id})
            songda1 = actor_for(target, "songda1").id
            filed = file_case(case_id, expected_version=version.scalar_one(), first_assignee_id=songda1, ctx=ctx)
        assert filed.case_number.endswith("号")
        new = NewStaff("xinren", "新同事", (Role.FILING_REVIEW,), "pw-123456789")
        add_staff(target, new, actor=system_actor(target), clock=clock)
        with Session(target) as session:
            assert verify(session).ok
    finally:
        target.dispose()


def test_copy_writes_in_batches_of_at_most_the_batch_size(demo: Engine, tmp_path: Path) -> None:
    target_url = f"sqlite:///{tmp_path / 'copy.db'}"
    sizes: list[int] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if executemany and statement.startswith("INSERT INTO search_term"):
            sizes.append(len(parameters))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        copy_database(demo, target_url, batch=500)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert len(sizes) > 10 and max(sizes) == 500 and sum(sizes) == _counts(target_url)["search_term"]


def test_a_target_with_rows_is_refused_and_left_alone(demo: Engine, demo_url: str, db_url: str) -> None:
    target = make_engine(db_url)
    upgrade(target)
    new = NewStaff("lian9", "某人", (Role.FILING_REVIEW,), "pw-123456789")
    add_staff(target, new, actor=system_actor(target), clock=FixedClock(FIXED_NOW))
    target.dispose()
    before = _counts(db_url)
    with pytest.raises(ServiceError, match=r"已有数据（audit_record 表 2 行等 3 张表）.*只写入空数据库"):
        copy_database(demo, db_url)
    assert _counts(db_url) == before


def test_a_failure_midway_rolls_the_whole_copy_back(demo: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    real = db_copy.copy_table
    copied: list[str] = []

    def fail_at_funds(source: Any, target: Any, table: Any, *, batch: int) -> Any:
        if table.name == "funds_entry":
            raise ServiceError("模拟的中途失败")
        copied.append(table.name)
        return real(source, target, table, batch=batch)

    monkeypatch.setattr(db_copy, "copy_table", fail_at_funds)
    with pytest.raises(ServiceError, match="模拟的中途失败"):
        copy_database(demo, db_url)
    assert "audit_record" in copied and "enforcement_case" in copied
    counts = _counts(db_url)
    assert {name: n for name, n in counts.items() if n} == SEEDED_ROWS  # migrated, and as empty as before
    engine = make_engine(db_url)
    try:  # the guards are back: the append-only trail still refuses a delete
        with pytest.raises(Exception, match=r"append|only|audit"), engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_chain_key"))
    finally:
        engine.dispose()
    monkeypatch.setattr(db_copy, "copy_table", real)
    copy_database(demo, db_url)  # and a second run on the same target then succeeds
    assert _counts(db_url)["audit_record"] > 1000


def test_a_mismatched_chain_at_the_target_rolls_back(demo: Engine, tmp_path: Path) -> None:
    """The chain is checked with the key file: the wrong key fails the check and nothing is kept."""
    wrong = tmp_path / "wrong.key"
    wrong.write_bytes(b"k" * 32)
    wrong.chmod(0o600)
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    with pytest.raises(ServiceError, match=r"审计链校验失败.*已全部撤销"):
        copy_database(demo, target, key_file=wrong)
    assert {name: n for name, n in _counts(target).items() if n} == SEEDED_ROWS
