"""The engine keeps SQLite safe, and nothing runs on a schema that is behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from zhihui_tui.db.engine import make_engine, normalize_url, read_session
from zhihui_tui.db.migrate import SchemaBehind, check_schema, head_revision, upgrade


def test_sqlite_pragmas(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragma == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 15000}


def test_writes_begin_immediate_and_reads_deferred(sqlite_engine: Engine, tmp_path: Path) -> None:
    """A writer holds the write lock from BEGIN; a concurrent reader is not blocked by it."""
    import sqlite3

    path = str(sqlite_engine.url.database)
    with sqlite_engine.begin() as connection:
        connection.execute(text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
        with read_session(sqlite_engine) as session:
            assert session.exec(text("SELECT count(*) FROM staff")).scalar() == 1  # type: ignore[call-overload]


def test_engine_is_not_created_at_import() -> None:
    import zhihui_tui.db.engine as module

    assert not any(isinstance(value, Engine) for value in vars(module).values())


def test_postgres_urls_use_psycopg3() -> None:
    assert normalize_url("postgresql://postgres@127.0.0.1/test").startswith("postgresql+psycopg://")


def test_uninitialised_database_is_refused(db_url: str) -> None:
    engine = make_engine(db_url)
    with pytest.raises(SchemaBehind, match="zhihui db upgrade"):
        check_schema(engine)
    upgrade(engine)
    check_schema(engine)
    engine.dispose()


def test_schema_behind_names_the_fix(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """A program one migration ahead of the database refuses to run and says which command fixes it."""
    import zhihui_tui.db.migrate as migrate

    current = migrate.head_revision()
    monkeypatch.setattr(migrate, "head_revision", lambda: "9999")
    with pytest.raises(SchemaBehind, match=rf"当前 {current}，需要 9999.*zhihui db upgrade"):
        check_schema(engine)


def test_schema_newer_than_program_is_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaBehind, match="比本程序新"):
        check_schema(engine)


def test_upgrade_twice_is_a_no_op(engine: Engine) -> None:
    result = upgrade(engine)
    assert result.before == result.after == head_revision()


def test_migrations_match_the_models(engine: Engine) -> None:
    """Autogenerate against a migrated database finds nothing: the shipped migrations are complete."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import zhihui_tui.db.models  # noqa: F401

    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
