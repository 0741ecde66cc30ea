"""The search index as of revision 0022, frozen so the migration keeps writing it the way it did then.

Revision 0003's key rules (its frozen builder) split as revision 0022 stores them: every key but whole names in
``search_term``, and per case a ``search_case`` row with the whole names and the keys not derived from them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Connection

from zhihui_tui.db.migrations.frozen.search_terms_0003 import BATCH, _case, _rows_between

_FULL = "f"
_BIGRAM = "b"
_SEPARATOR = "\n"
_term = sa.table("search_term", sa.column("kind"), sa.column("term"), sa.column("sort_key"), sa.column("case_id"))
_entry = sa.table(
    "search_case", sa.column("case_id"), sa.column("sort_key"), sa.column("names"), sa.column("other_keys")
)


def _split(keys: set[tuple[str, str]]) -> tuple[list[tuple[str, str]], str, str]:
    walked = sorted(key for key in keys if key[0] != _FULL)
    names = sorted(term for kind, term in keys if kind == _FULL)
    derived = {(_BIGRAM, text[i : i + 2]) for text in names for i in range(len(text) - 1)}
    rest = sorted(kind + term for kind, term in walked if (kind, term) not in derived)
    return walked, _SEPARATOR.join(names), _SEPARATOR.join(rest)


def index_all_cases(connection: Connection) -> int:
    """Key every case into the empty ``search_term`` and ``search_case`` tables; returns the keys written."""
    low, high = connection.execute(sa.select(sa.func.min(_case.c.id), sa.func.max(_case.c.id))).one()
    if low is None:
        return 0
    written = 0
    for start in range(low, high + 1, BATCH):
        _, rows = _rows_between(connection, start, start + BATCH - 1)
        by_case: dict[int, tuple[int, set[tuple[str, str]]]] = {}
        for kind, term, sort_key, case_id in rows:
            by_case.setdefault(case_id, (sort_key, set()))[1].add((kind, term))
        terms, entries = [], []
        for case_id, (sort_key, keys) in sorted(by_case.items()):
            walked, names, rest = _split(keys)
            terms += [{"kind": k, "term": t, "sort_key": sort_key, "case_id": case_id} for k, t in walked]
            entries.append({"case_id": case_id, "sort_key": sort_key, "names": names, "other_keys": rest})
        if terms:
            connection.execute(sa.insert(_term), sorted(terms, key=lambda r: (r["kind"], r["term"], r["sort_key"])))
            connection.execute(sa.insert(_entry), entries)
        written += len(terms)
    return written
