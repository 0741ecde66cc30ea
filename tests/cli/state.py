"""What "nothing changed" is checked against in dry-run tests: every row of every table, every file of a folder."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlmodel import SQLModel

from zhihui_tui.db.engine import make_engine


def database_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of the database at ``url``."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for table in SQLModel.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def folder_files(folder: Path) -> dict[str, bytes]:
    """The folder's files with their bytes, the database's own files (court.db, -wal, -shm) aside."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".db" not in p.name
    }
