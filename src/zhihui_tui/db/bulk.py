"""Bulk inserts for batch jobs: many rows as tuples, without the per-row cost of SQLAlchemy's executemany.

SQLite: the driver's own ``executemany`` on the connection's transaction, values passed through the columns'
bind processors first (dates and times stored exactly as the ORM stores them). PostgreSQL: ``COPY … FROM
STDIN``, one statement whatever the row count, so statement-level triggers fire once and the server parses
nothing per row (psycopg's pipelined executemany sends one INSERT per row).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
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
    if not rows:
        return rows
    # Column by column: a batch repeats few distinct dates and times (an import's rows are stamped at 09:00 of a
    # few dozen days), flags and NULLs, so such a column's distinct values are bound once each and mapped.
    values = list(zip(*rows, strict=True))
    for position, bind in processors:
        values[position] = _bound_column(values[position], bind)
    return list(zip(*values, strict=True))


_MEMOISABLE = frozenset((type(None), bool, date, datetime))


def _bound_column(values: Sequence[Any], bind: Callable[[Any], Any]) -> tuple[Any, ...]:
    """One column's values bound; through a table of its distinct values when they are all plain dates, naive
    times, flags or NULLs (equal values then bind alike: no 1 beside True, no two zones of one instant)."""
    kinds = set(map(type, values))
    if kinds <= _MEMOISABLE and (datetime not in kinds or all(v.tzinfo is None for v in values if type(v) is datetime)):
        memo = {value: bind(value) for value in set(values)}
        return tuple(map(memo.__getitem__, values))
    return tuple(map(bind, values))
