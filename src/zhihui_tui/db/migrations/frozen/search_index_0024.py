"""The search index as of revision 0024, frozen so the migration keeps writing it the way it did then.

Revision 0003's key rules (its frozen builder) split as revision 0024 stores them: every key but whole names in
``search_term``, and per case a ``search_case`` row with the whole names and the keys not derived from them; the
sort key in whole seconds since 2000.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from zhihui_tui.db.migrations.frozen.search_terms_0003 import BATCH, _case, _rows_between

_FULL = "f"
_BIGRAM = "b"
_SEPARATOR = "\n"
_COLUMNS = ("kind", "term", "sort_key", "case_id")
_EPOCH = datetime(2000, 1, 1)
_entry = sa.table(
    "search_case", sa.column("case_id"), sa.column("sort_key"), sa.column("names"), sa.column("other_keys")
)


def _split(keys: set[tuple[str, str]]) -> tuple[list[tuple[str, str]], str, str]:
    walked = sorted(key for key in keys if key[0] != _FULL)
    names = sorted(term for kind, term in keys if kind == _FULL)
    derived = {(_BIGRAM, text[i : i + 2]) for text in names for i in range(len(text) - 1)}
    rest = sorted(kind + term for kind, term in walked if (kind, term) not in derived)
    return walked, _SEPARATOR.join(names), _SEPARATOR.join(rest)


def _seconds(sort_key_0003: int) -> int:
    """Revision 0003's YYYYMMDDHHMMSS sort key as 0024's: whole seconds since 2000."""
    moment = datetime.strptime(str(sort_key_0003), "%Y%m%d%H%M%S")
    return int((moment - _EPOCH).total_seconds())


def index_all_cases(connection: Connection) -> int:
    """Key every case into the empty ``search_term`` and ``search_case`` tables; returns the keys written.

    The keys go to an unindexed temporary table first and are copied over in primary-key order at the end, so
    the index is written in order and its pages are full."""
    low, high = connection.execute(sa.select(sa.func.min(_case.c.id), sa.func.max(_case.c.id))).one()
    if low is None:
        return 0
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE search_term_0024 (kind VARCHAR(1), term VARCHAR(100), sort_key BIGINT, case_id INTEGER)"
    )
    load = sa.table("search_term_0024", *(sa.column(name) for name in _COLUMNS))
    written = 0
    for start in range(low, high + 1, BATCH):
        _, rows = _rows_between(connection, start, start + BATCH - 1)
        by_case: dict[int, tuple[int, set[tuple[str, str]]]] = {}
        for kind, term, sort_key, case_id in rows:
            by_case.setdefault(case_id, (_seconds(sort_key), set()))[1].add((kind, term))
        terms, entries = [], []
        for case_id, (sort_key, keys) in sorted(by_case.items()):
            walked, names, rest = _split(keys)
            terms += [{"kind": k, "term": t, "sort_key": sort_key, "case_id": case_id} for k, t in walked]
            entries.append({"case_id": case_id, "sort_key": sort_key, "names": names, "other_keys": rest})
        if terms:
            connection.execute(sa.insert(load), terms)
            connection.execute(sa.insert(_entry), entries)
        written += len(terms)
    columns = ", ".join(_COLUMNS)
    connection.exec_driver_sql(
        f"INSERT INTO search_term ({columns}) SELECT {columns} FROM search_term_0024 ORDER BY {columns}"
    )
    connection.exec_driver_sql("DROP TABLE search_term_0024")
    return written
