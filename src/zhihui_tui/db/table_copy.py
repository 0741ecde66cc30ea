"""Table-level mechanics of ``zhihui db copy``: which tables, in which order, the target's guards set aside for
the copy and put back, rows streamed in batches, identity sequences moved past the copied ids.

Everything here runs on connections the caller holds inside one transaction on each side; nothing commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Table, func, insert, inspect, select, text
from sqlmodel import SQLModel

import zhihui_tui.db.models  # noqa: F401  (registers every table on the metadata)

# Rows a fresh migration writes by itself (migrations 0001, 0007, 0009): the batch account and its role, the
# audit chain's head and key marker. A target holding just these is still empty; the copy replaces them with
# the source's. tests/services/test_db_copy.py checks this against a freshly migrated database.
SEEDED_ROWS = {"staff": 1, "staff_role": 1, "audit_head": 1, "audit_chain_key": 1}
# Alembic's own bookkeeping: written by the target's migration, never copied.
NOT_COPIED = frozenset({"alembic_version"})


def copied_tables() -> list[Table]:
    """Every table of the models, parents before children (a table added later is picked up here)."""
    return list(SQLModel.metadata.sorted_tables)


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows per table in the database behind ``connection``, for every table it has (ours or not)."""
    names = [name for name in inspect(connection).get_table_names() if name not in NOT_COPIED]
    return {name: _count(connection, name) for name in names}


def _count(connection: Connection, name: str) -> int:
    quoted = connection.dialect.identifier_preparer.quote(name)
    return int(connection.execute(text(f"SELECT count(*) FROM {quoted}")).scalar_one())


def rows_beyond_seed(counts: dict[str, int]) -> dict[str, int]:
    """The tables holding more than a fresh migration writes: non-empty means the target is not empty."""
    return {name: n for name, n in counts.items() if n > SEEDED_ROWS.get(name, 0)}


@contextmanager
def guards_set_aside(target: Connection) -> Iterator[None]:
    """The append-only and follow-the-head triggers off for the copy (the copy writes the head itself and removes
    the seed rows they protect), and back on before the transaction ends. SQLite cannot disable a trigger: they
    are dropped and recreated from their own SQL, inside the same transaction; PostgreSQL disables its user
    triggers per table (foreign keys stay checked: they are system triggers)."""
    if target.dialect.name == "sqlite":
        triggers = target.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
        for name, _sql in triggers:
            target.execute(text(f'DROP TRIGGER "{name}"'))
        # A self-reference (a resumed case's original) is checked at commit, whatever the row order.
        target.execute(text("PRAGMA defer_foreign_keys = ON"))
        yield
        for _name, sql in triggers:
            target.execute(text(sql))
        return
    names = [table.name for table in copied_tables()]
    for name in names:
        target.execute(text(f'ALTER TABLE "{name}" DISABLE TRIGGER USER'))
    yield
    for name in names:
        target.execute(text(f'ALTER TABLE "{name}" ENABLE TRIGGER USER'))


def clear_seed(target: Connection) -> None:
    """Remove what the target's migration wrote (children first), so the source's rows take their place."""
    for table in reversed(copied_tables()):
        if table.name in SEEDED_ROWS:
            target.execute(table.delete())


@dataclass(frozen=True)
class CopiedTable:
    """One table's copy: rows in the source's snapshot, rows written, rows found at the target afterwards."""

    name: str
    source_rows: int
    written: int
    target_rows: int

    @property
    def matches(self) -> bool:
        """All three counts agree."""
        return self.source_rows == self.written == self.target_rows


def copy_table(source: Connection, target: Connection, table: Table, *, batch: int) -> CopiedTable:
    """Stream ``table`` in primary-key order, ``batch`` rows at a time (server-side cursor on PostgreSQL), into
    the target with one Core executemany per batch (one COPY on PostgreSQL): never the whole table in memory."""
    order = list(table.primary_key.columns)
    result = source.execution_options(yield_per=batch).execute(select(table).order_by(*order))
    write = _copy_rows if target.dialect.name == "postgresql" else _insert_rows
    written = 0
    for part in result.partitions():
        write(target, table, part)
        written += len(part)
    source_rows = int(source.execute(select(func.count()).select_from(table)).scalar_one())
    target_rows = int(target.execute(select(func.count()).select_from(table)).scalar_one())
    return CopiedTable(table.name, source_rows, written, target_rows)


def _insert_rows(target: Connection, table: Table, rows: Sequence[Row[Any]]) -> None:
    target.execute(insert(table), [dict(row._mapping) for row in rows])


def _copy_rows(target: Connection, table: Table, rows: Sequence[Row[Any]]) -> None:
    """PostgreSQL's COPY on the transaction's own driver connection: about five times the rows per second of an
    executemany. The values are already Python values (the source's types processed them)."""
    quote = target.dialect.identifier_preparer.quote
    columns = ", ".join(quote(column.name) for column in table.columns)
    driver = target.connection.driver_connection
    assert driver is not None, "a connection in a transaction has its driver connection"
    with driver.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(tuple(row))


def reset_sequences(target: Connection) -> int:
    """PostgreSQL: move every serial/identity sequence to its column's largest id, so the next row the
    services add does not collide with a copied one. Returns how many sequences were set (0 on SQLite, whose
    rowid follows the largest id by itself)."""
    if target.dialect.name != "postgresql":
        return 0
    done = 0
    for table in copied_tables():
        for column in table.primary_key.columns:
            sequence = target.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": f'"{table.name}"', "column": column.name},
            ).scalar()
            if sequence is None:
                continue
            largest = target.execute(select(func.max(column))).scalar()
            # setval(seq, n, false) makes n the next value: 1 for an empty table, largest + 1 otherwise.
            target.execute(
                text("SELECT setval(CAST(:sequence AS regclass), :next, false)"),
                {"sequence": sequence, "next": (largest or 0) + 1},
            )
            done += 1
    return done
