"""Bulk inserts for batch jobs: many rows as tuples, without the per-row cost of SQLAlchemy's executemany.

SQLite: the driver's own ``executemany`` on the connection's transaction, values passed through the columns'
bind processors first (dates and times stored exactly as the ORM stores them). PostgreSQL: ``COPY … FROM
STDIN``, one statement whatever the row count, so statement-level triggers fire once and the server parses
nothing per row (psycopg's pipelined executemany sends one INSERT per row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` inside the connection's transaction."""
    if not rows:
        return
    names = ", ".join(columns)
    raw = connection.connection.driver_connection
    assert raw is not None
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {table.name} ({names}) VALUES ({marks})", _bound(connection, table, columns, rows)
        )
    finally:
        cursor.close()


def _bound(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Sequence[Sequence[Any]]:
    """The rows with each value as the column's type would bind it (only the columns whose type converts)."""
    processors: list[tuple[int, Callable[[Any], Any]]] = []
    for position, name in enumerate(columns):
        column_type = table.c[name].type
        processor = column_type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
        if processor is not None:
            processors.append((position, processor))
    if not processors:
        return rows
    bound = []
    for row in rows:
        values = list(row)
        for position, processor in processors:
            values[position] = processor(values[position])
        bound.append(values)
    return bound
