"""Bulk inserts for batch jobs: many rows as tuples, without the per-row cost of SQLAlchemy's executemany.

SQLite: the driver's own ``executemany`` on the connection's transaction, values passed through the columns'
bind processors first (dates and times stored exactly as the ORM stores them). PostgreSQL: ``COPY … FROM
STDIN``, one statement whatever the row count, so statement-level triggers fire once and the server parses
nothing per row (psycopg's pipelined executemany sends one INSERT per row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Dialect, Table


def insert_rows(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    bound: bool = False,
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` inside the connection's transaction;
    ``bound``: already passed through :func:`bind_rows` (a batch does that before it takes its lock)."""
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
        values = rows if bound else bind_rows(connection.dialect, table, columns, rows)
        cursor.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", values)
    finally:
        cursor.close()


def bind_rows(
    dialect: Dialect, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Sequence[Sequence[Any]]:
    """SQLite: the rows with each value as the column's type binds it (only the columns whose type converts).
    PostgreSQL's COPY adapts Python values itself: the rows unchanged."""
    if dialect.name == "postgresql":
        return rows
    processors: list[tuple[int, Callable[[Any], Any]]] = []
    for position, name in enumerate(columns):
        column_type = table.c[name].type
        processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors.append((position, processor))
    if not processors:
        return rows
    # A batch repeats few distinct dates and times (an import's rows are stamped at 09:00 of a few dozen days),
    # flags and NULLs: each is bound once per column and looked up after (keyed with its type and zone: equal
    # instants in two zones print differently).
    memos: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = [(p, bind, {}) for p, bind in processors]
    bound = []
    for row in rows:
        values = list(row)
        for position, bind, memo in memos:
            value = values[position]
            if value is None or isinstance(value, date | bool):
                key = (type(value), value, getattr(value, "tzinfo", None))
                hit = memo.get(key)
                if hit is None:
                    hit = memo[key] = bind(value)
                values[position] = hit
            else:
                values[position] = bind(value)
        bound.append(values)
    return bound
