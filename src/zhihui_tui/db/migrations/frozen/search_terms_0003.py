"""The search-term builder as of revision 0003, frozen so the migration keeps indexing the way it did then.

A copy of ``services.search``'s batch indexer (case facts → (kind, term, sort_key, case_id) rows) on lightweight
table shapes of that revision. Later changes to the application's indexer must not change what an old
migration does; the application rebuilds the index itself when its key rules change.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from zhihui_tui.domain.pinyin import name_initials
from zhihui_tui.domain.search_query import (
    MAX_TERM_LENGTH,
    TermKind,
    case_number_terms,
    id_number_key,
    name_terms,
)

BATCH = 2_000
PERSON = "person"

_case = sa.table(
    "enforcement_case",
    sa.column("id"),
    sa.column("case_number"),
    sa.column("year"),
    sa.column("case_type"),
    sa.column("sequence"),
    sa.column("filed_at"),
    sa.column("received_at"),
)
_case_party = sa.table("case_party", sa.column("case_id"), sa.column("party_id"))
_party = sa.table("party", sa.column("id"), sa.column("kind"), sa.column("name"), sa.column("id_number"))
_agent = sa.table("agent", sa.column("case_id"), sa.column("id_number"))

TermRow = tuple[str, str, int, int]


def _sort_key(filed_at: datetime | None, received_at: datetime) -> int:
    moment = filed_at or received_at
    return int(moment.strftime("%Y%m%d%H%M%S"))


def _name_keys(person: bool, name: str) -> set[tuple[str, str]]:
    keys = {(kind.value, term) for kind, term in name_terms(name)}
    if person:
        keys.update((TermKind.PINYIN.value, initials) for initials in name_initials(name))
    return keys


def _rows_between(connection: Connection, low: int, high: int) -> tuple[int, list[TermRow]]:
    """(cases seen, key rows) of the cases with ids in [low, high]."""
    sort_keys: dict[int, int] = {}
    terms: dict[int, set[tuple[str, str]]] = {}
    for case_id, number, year, case_type, sequence, filed_at, received_at in connection.execute(
        sa.select(
            _case.c.id,
            _case.c.case_number,
            _case.c.year,
            _case.c.case_type,
            _case.c.sequence,
            _case.c.filed_at,
            _case.c.received_at,
        ).where(_case.c.id.between(low, high))
    ):
        if isinstance(filed_at, str):  # SQLite through a lightweight table returns text
            filed_at = datetime.fromisoformat(filed_at)
        if isinstance(received_at, str):
            received_at = datetime.fromisoformat(received_at)
        sort_keys[case_id] = _sort_key(filed_at, received_at)
        keys = terms.setdefault(case_id, set())
        if number is not None and year is not None and sequence is not None:
            forms = case_number_terms(case_type=case_type, sequence=sequence)
            keys.update((TermKind.CASE_NUMBER.value, form) for form in forms)
    if not sort_keys:
        return 0, []
    for case_id, kind, name, id_number in connection.execute(
        sa.select(_case_party.c.case_id, _party.c.kind, _party.c.name, _party.c.id_number)
        .join(_party, _party.c.id == _case_party.c.party_id)
        .where(_case_party.c.case_id.between(low, high))
    ):
        terms[case_id].update(_name_keys(kind == PERSON, name))
        if id_number:
            terms[case_id].add((TermKind.ID_NUMBER.value, id_number_key(id_number)[:MAX_TERM_LENGTH]))
    for case_id, id_number in connection.execute(
        sa.select(_agent.c.case_id, _agent.c.id_number).where(_agent.c.case_id.between(low, high))
    ):
        if id_number:
            terms[case_id].add((TermKind.ID_NUMBER.value, id_number_key(id_number)[:MAX_TERM_LENGTH]))
    rows = [(kind, term, sort_keys[case_id], case_id) for case_id, keys in terms.items() for kind, term in keys]
    return len(sort_keys), rows


def index_all_cases(connection: Connection) -> int:
    """Key every case into the empty ``search_term`` table; returns the number of keys written."""
    low, high = connection.execute(sa.select(sa.func.min(_case.c.id), sa.func.max(_case.c.id))).one()
    if low is None:
        return 0
    term = sa.table("search_term", sa.column("kind"), sa.column("term"), sa.column("sort_key"), sa.column("case_id"))
    written = 0
    for start in range(low, high + 1, BATCH):
        _, rows = _rows_between(connection, start, start + BATCH - 1)
        if rows:
            connection.execute(
                sa.insert(term), [dict(zip(("kind", "term", "sort_key", "case_id"), r, strict=True)) for r in rows]
            )
        written += len(rows)
    return written
