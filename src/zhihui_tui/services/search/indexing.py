"""Writing the index: the keys a case is filed under, for one case, a bulk load or every case."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, insert, select, text
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.elements import ColumnElement

from zhihui_tui.domain.pinyin import name_initials
from zhihui_tui.domain.search_query import (
    KEY_SEPARATOR,
    MAX_TERM_LENGTH,
    TermKind,
    case_number_terms,
    id_number_key,
    name_terms,
    stored_case_keys,
)
from zhihui_tui.services.search.results import IndexStats
from zhihui_tui.services.search.tables import (
    AGENT,
    CASE,
    CASE_PARTY,
    ENTRY,
    INDEX_BATCH,
    PARTY,
    PENDING,
    PERSON,
    REBUILD_BATCH,
    TERM,
)


@dataclass
class _CaseFacts:
    """What a case is found by."""

    case_id: int
    sort_key: int
    number: tuple[int, str, int] | None = None  # year, type code, sequence
    names: list[tuple[str, str]] = field(default_factory=list)  # (party kind, name)
    id_numbers: set[str] = field(default_factory=set)


SORT_EPOCH = datetime(2000, 1, 1)


def sort_key_of(filed_at: datetime | None, received_at: datetime) -> int:
    """Result order: filing time, else receipt time, in whole seconds since 2000 — 4 bytes in a SQLite record
    until 2068 (a YYYYMMDDHHMMSS integer took 6, in every key of every case)."""
    moment = filed_at or received_at
    return (moment.replace(microsecond=0, tzinfo=None) - SORT_EPOCH) // _SECOND


_SECOND = timedelta(seconds=1)


_CASE_NUMBER_KIND = TermKind.CASE_NUMBER.value
_ID_KIND = TermKind.ID_NUMBER.value


def case_terms(facts: _CaseFacts) -> set[tuple[str, str]]:
    """Every (kind, term) a case is filed under, whole names included."""
    walked, names, _ = _case_keys(facts)
    return walked | {(TermKind.NAME_FULL.value, name) for name in names}


NameParts = tuple[frozenset[tuple[str, str]], str | None, frozenset[tuple[str, str]]]


@lru_cache(maxsize=262_144)
def _name_parts(person: bool, name: str) -> NameParts:
    """A name's walked keys, its whole name (3+ characters, else None) and the walked keys that whole name
    derives (its windows), cached: lenders and common names recur in thousands of cases."""
    walked: set[tuple[str, str]] = set()
    full = None
    for kind, term in name_terms(name):
        if kind is TermKind.NAME_FULL:
            full = term
        else:
            walked.add((kind.value, term))
    derived = frozenset(walked) if full is not None else frozenset()
    if person:
        walked.update((TermKind.PINYIN.value, initials) for initials in name_initials(name))
    return frozenset(walked), full, derived


def _case_keys(facts: _CaseFacts) -> tuple[set[tuple[str, str]], set[str], set[tuple[str, str]]]:
    """(walked keys, whole names, walked keys derived from those names) of a case."""
    walked: set[tuple[str, str]] = set()
    names: set[str] = set()
    derived: set[tuple[str, str]] = set()
    if facts.number is not None:
        _, case_type, sequence = facts.number
        forms = case_number_terms(case_type=case_type, sequence=sequence)
        walked.update((_CASE_NUMBER_KIND, form) for form in forms)
    for kind, name in facts.names:
        keys, full, windows = _name_parts(kind == PERSON, name)
        walked |= keys
        if full is not None:
            names.add(full)
            derived |= windows
    walked.update((_ID_KIND, number[:MAX_TERM_LENGTH]) for number in facts.id_numbers)
    return walked, names, derived


CaseFilter = Callable[[Any], ColumnElement[bool]]


def _ids_in(case_ids: list[int]) -> CaseFilter:
    """A case filter: the id column is one of ``case_ids``."""
    return lambda column: column.in_(case_ids)


def _ids_between(low: int, high: int) -> CaseFilter:
    """A case filter: the id column lies in [low, high]."""
    return lambda column: column.between(low, high)


def _load_facts(connection: Connection, case_filter: CaseFilter) -> list[_CaseFacts]:
    """Facts of the cases whose id passes ``case_filter`` (an IN list or an id range): three queries."""
    case = CASE
    facts: dict[int, _CaseFacts] = {}
    for case_id, number, year, case_type, sequence, filed_at, received_at in connection.execute(
        select(
            case.c.id,
            case.c.case_number,
            case.c.year,
            case.c.case_type,
            case.c.sequence,
            case.c.filed_at,
            case.c.received_at,
        ).where(case_filter(case.c.id))
    ):
        known = number is not None and year is not None and sequence is not None
        facts[case_id] = _CaseFacts(
            case_id, sort_key_of(filed_at, received_at), (year, case_type, sequence) if known else None
        )
    if not facts:
        return []
    cp, party = CASE_PARTY, PARTY
    for case_id, kind, name, id_number in connection.execute(
        select(cp.c.case_id, party.c.kind, party.c.name, party.c.id_number)
        .join(party, party.c.id == cp.c.party_id)
        .where(case_filter(cp.c.case_id))
    ):
        facts[case_id].names.append((kind, name))
        if id_number:
            facts[case_id].id_numbers.add(id_number_key(id_number))
    for case_id, id_number in connection.execute(
        select(AGENT.c.case_id, AGENT.c.id_number).where(case_filter(AGENT.c.case_id))
    ):
        if id_number:
            facts[case_id].id_numbers.add(id_number_key(id_number))
    return list(facts.values())


TermRow = tuple[str, str, int, int]  # kind, term, sort_key, case_id: the primary key order
EntryRow = tuple[int, int, str, str]  # case_id, sort_key, names, other_keys: a search_case row
TERM_COLUMNS = ("kind", "term", "sort_key", "case_id")
ENTRY_COLUMNS = ("case_id", "sort_key", "names", "other_keys")


CaseKeys = tuple[int, int, set[tuple[str, str]]]  # case_id, sort_key, the (kind, term) keys it is walked under


def _keyed(facts: Iterable[_CaseFacts]) -> tuple[list[CaseKeys], list[EntryRow]]:
    """Each case's walked keys and its search_case row."""
    keys: list[CaseKeys] = []
    entries: list[EntryRow] = []
    for f in facts:
        walked, names, derived = _case_keys(f)
        keys.append((f.case_id, f.sort_key, walked))
        rest = sorted(kind + term for kind, term in walked - derived)
        entries.append((f.case_id, f.sort_key, KEY_SEPARATOR.join(sorted(names)), KEY_SEPARATOR.join(rest)))
    return keys, entries


def _terms_of(keys: Iterable[CaseKeys]) -> list[TermRow]:
    return [(kind, term, sort_key, case_id) for case_id, sort_key, walked in keys for kind, term in walked]


def _rows(facts: Iterable[_CaseFacts]) -> tuple[list[TermRow], list[EntryRow]]:
    """The search_term rows (unsorted) and the search_case row of each case."""
    keys, entries = _keyed(facts)
    return _terms_of(keys), entries


def _insert_terms(connection: Connection, facts: Iterable[_CaseFacts]) -> int:
    terms, entries = _rows(facts)
    terms.sort()
    if terms:
        connection.execute(insert(TERM), [dict(zip(TERM_COLUMNS, row, strict=True)) for row in terms])
    if entries:
        connection.execute(insert(ENTRY), [dict(zip(ENTRY_COLUMNS, row, strict=True)) for row in entries])
    return len(terms)


_DELETE_KEY = delete(TERM).where(and_(*(TERM.c[name] == bindparam(f"old_{name}") for name in TERM_COLUMNS)))


def _delete_keys(connection: Connection, case_ids: list[int]) -> None:
    """Delete these cases' keys by primary key, as their search_case rows list them, then those rows."""
    old = [
        {"old_kind": kind, "old_term": term, "old_sort_key": sort_key, "old_case_id": case_id}
        for case_id, sort_key, names, keys in connection.execute(
            select(*(ENTRY.c[name] for name in ENTRY_COLUMNS)).where(ENTRY.c.case_id.in_(case_ids))
        )
        for kind, term in stored_case_keys(names, keys)
    ]
    if old:
        connection.execute(_DELETE_KEY, old)
    connection.execute(delete(ENTRY).where(ENTRY.c.case_id.in_(case_ids)))


def index_cases(connection: Connection, case_ids: Iterable[int]) -> int:
    """(Re)write the keys of these cases inside the caller's transaction; returns the number of keys."""
    ids = sorted(set(case_ids))
    written = 0
    for start in range(0, len(ids), INDEX_BATCH):
        chunk = ids[start : start + INDEX_BATCH]
        _delete_keys(connection, chunk)
        written += _insert_terms(connection, _load_facts(connection, _ids_in(chunk)))
    return written


def index_case(session: OrmSession, case_id: int) -> None:
    """(Re)write one case's keys in the session's transaction (after flushing what is pending)."""
    session.flush()
    index_cases(session.connection(), [case_id])
    pending: set[int] | None = session.info.get(PENDING)
    if pending:
        pending.discard(case_id)


def new_case_facts(
    case_id: int,
    *,
    filed_at: datetime | None,
    received_at: datetime,
    number: tuple[int, str, int] | None,
    parties: Iterable[tuple[str, str, str | None]],
    agent_id_numbers: Iterable[str] = (),
) -> _CaseFacts:
    """What a case just written in bulk is found by, built in memory from what was written: (year, type code,
    sequence) of its number, (kind, name, ID number) of each of its parties as stored, its agents' ID numbers.
    The same facts :func:`index_cases` reads back from the tables, without reading them back."""
    facts = _CaseFacts(case_id, sort_key_of(filed_at, received_at), number)
    for kind, name, id_number in parties:
        facts.names.append((kind, name))
        if id_number:
            facts.id_numbers.add(id_number_key(id_number))
    facts.id_numbers.update(id_number_key(n) for n in agent_id_numbers if n)
    return facts


def index_new_cases(connection: Connection, facts: Iterable[_CaseFacts]) -> int:
    """Key cases written in bulk in this transaction (they have no keys yet) with one executemany per table."""
    return _insert_terms(connection, facts)


def number_term_pairs(case_type: str, sequence: int) -> set[tuple[str, str]]:
    """The (kind, term) keys of a case number alone: what :func:`case_terms` adds for ``facts.number``."""
    return {(_CASE_NUMBER_KIND, form) for form in case_number_terms(case_type=case_type, sequence=sequence)}


def with_number_keys(keys: str, case_type: str, sequence: int) -> str:
    """A search_case row's ``keys`` built without a case number, with that number's keys added."""
    stored = keys.split(KEY_SEPARATOR) if keys else []
    stored += [kind + term for kind, term in number_term_pairs(case_type, sequence)]
    return KEY_SEPARATOR.join(sorted(stored))  # in the order every other writer stores them


def term_rows(facts: Iterable[_CaseFacts]) -> tuple[list[TermRow], list[EntryRow]]:
    """The search_term rows of these facts in primary-key order, and their search_case rows, written by no one
    yet: a bulk writer builds them before its write transaction and inserts them (ids filled in) inside it."""
    keys, entries = case_keys(facts)
    return sorted_terms(keys), entries


def case_keys(facts: Iterable[_CaseFacts]) -> tuple[list[CaseKeys], list[EntryRow]]:
    """:func:`term_rows` in two halves, for a bulk writer that expands the keys elsewhere (the case import, in a
    second process): each case's keys, and the search_case rows."""
    return _keyed(facts)


def sorted_terms(keys: Iterable[CaseKeys]) -> list[TermRow]:
    """The search_term rows of :func:`case_keys`'s keys, in primary-key order."""
    terms = _terms_of(keys)
    terms.sort()
    return terms


def index_all_cases(
    connection: Connection, *, progress: Callable[[int, int], None] | None = None, batch: int = INDEX_BATCH
) -> IndexStats:
    """Key every case into an empty ``search_term`` and ``search_case`` in one pass over case ids.

    Keys are appended to an unindexed temporary table first and copied over in primary-key order at the end:
    one sorted append instead of millions of random B-tree inserts.
    """
    started = time.perf_counter()
    low, high = connection.execute(select(func.min(CASE.c.id), func.max(CASE.c.id))).one()
    if low is None:
        return IndexStats(cases=0, terms=0, seconds=0.0)
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE search_term_load (kind VARCHAR(1), term VARCHAR(100), sort_key BIGINT, case_id INTEGER)"
    )
    load = f"INSERT INTO search_term_load VALUES ({marker}, {marker}, {marker}, {marker})"
    cases = terms = 0
    for start in range(low, high + 1, batch):
        end = start + batch - 1
        facts = _load_facts(connection, _ids_between(start, end))
        rows, entries = _rows(facts)
        if rows:
            connection.exec_driver_sql(load, rows)
        if entries:
            connection.execute(insert(ENTRY), [dict(zip(ENTRY_COLUMNS, row, strict=True)) for row in entries])
        terms += len(rows)
        cases += len(facts)
        if progress is not None:
            progress(min(end, high) - low + 1, high - low + 1)
    columns = ", ".join(TERM_COLUMNS)
    connection.exec_driver_sql(
        f"INSERT INTO search_term ({columns}) SELECT {columns} FROM search_term_load ORDER BY {columns}"
    )
    connection.exec_driver_sql("DROP TABLE search_term_load")
    return IndexStats(cases=cases, terms=terms, seconds=time.perf_counter() - started)


def rebuild_search_index(engine: Engine, *, progress: Callable[[int, int], None] | None = None) -> IndexStats:
    """Rebuild every key in one transaction (imports, demo loads): readers keep the old index until commit."""
    started = time.perf_counter()
    with engine.begin() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MiB for this bulk job
        # Dropping the tables is the fast "truncate" (a WITHOUT ROWID table is deleted row by row); they are
        # created again from the models.
        ENTRY.drop(connection)
        TERM.drop(connection)
        connection.execute(CreateTable(TERM))
        connection.execute(CreateTable(ENTRY))
        stats = index_all_cases(connection, progress=progress, batch=REBUILD_BATCH)
        if sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-2000")
        else:
            connection.execute(text("ANALYZE search_term"))
            connection.execute(text("ANALYZE search_case"))
    return IndexStats(cases=stats.cases, terms=stats.terms, seconds=time.perf_counter() - started)
