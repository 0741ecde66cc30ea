"""Case search (issue 3): one box for case numbers, ID numbers, party names and pinyin initials.

How it works. Every case is filed under a few dozen short keys in ``search_term`` (kind, term, sort_key,
case_id), primary key in that order: its case-number forms (123 and 执123), the ID numbers of its parties
and registered agents, every 2-character window of each party name plus the whole name, and the pinyin
initials of each person's name (every reading of a polyphonic surname). A query is read into one or more
keys (``domain.search_query``); each key is an index range that already comes out in result order (filing
time, newest first, then id), so a page is the first 21 entries of a range — flat at 1M cases whether the key
matches 3 cases or 300,000. A name query of 3+ characters walks the rarest of its bigrams (probed with a
bounded count) and keeps the cases one of whose full names contains the query; that walk is capped at
:data:`SCAN_BUDGET` candidates per page so a query made only of very common bigrams cannot stall the screen.
Pages continue with a keyset cursor (sort_key, case_id), never OFFSET.

Why not the alternatives (measured on 1M cases, ``benchmarks/search_bench.py --compare``): ``LIKE '%…%'``
scans every party name; FTS5's trigram tokenizer cannot match 1–2-character names, and its virtual and
shadow tables show up in Alembic autogenerate as tables to drop; pg_trgm cannot use its index for 2-character
Chinese queries either and returns matches unordered. A plain table is the same on both engines.

Keeping it current. :func:`index_case` rewrites one case's keys (``register_case`` calls it). Later changes
are caught by session events: a flush that inserts or changes what a case is found by (case number, filing
and receipt time, a party's name or ID number, parties and agents joining a case) marks the case, and the
marked cases are re-indexed just before the transaction commits — in the same transaction, so the index
never disagrees with committed data. Bulk Core inserts (import, demo) bypass the ORM and must call
:func:`rebuild_search_index` (or :func:`index_cases`) themselves. Keys are written with Core: derived data,
not audited.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, Select, delete, event, exists, func, insert, literal, select, text, tuple_
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.elements import ColumnElement

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Agent, Case, CaseParty, Party, SearchTerm, Staff
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.pinyin import name_initials
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.search_query import (
    MAX_TERM_LENGTH,
    SearchQuery,
    TermKind,
    bigrams,
    case_number_terms,
    id_number_key,
    like_pattern,
    name_terms,
    parse_id_restriction,
    parse_query,
)
from zhihui_tui.services.account_check import recheck_actor
from zhihui_tui.services.context import Actor, require_role

__all__ = [
    "CaseHit",
    "Cursor",
    "HitParty",
    "IndexStats",
    "SearchPage",
    "index_all_cases",
    "index_case",
    "index_cases",
    "index_new_cases",
    "mask_id_number",
    "new_case_facts",
    "rebuild_search_index",
    "search_cases",
]

MAX_PAGE_SIZE = 100
DRIVER_PROBE = 1_000  # a bigram's count is probed up to this many entries…
REPROBE_CAP = 5_000  # …and up to this many when every bigram of the query reached DRIVER_PROBE
MAX_PROBED_BIGRAMS = 8
FIRST_WINDOW = 2_000  # candidates a 3+-character name query checks first…
SCAN_BUDGET = 20_000  # …and at most, for one page
INDEX_BATCH = 2_000  # cases per batch when (re)indexing
REBUILD_BATCH = 10_000
PERSON = "person"  # Party.kind
LIKE_ESCAPE = "!"

# Posts that work with full ID numbers (documents, inquiries, counter business, funds). Reception only
# matches a visitor's number and is not on the list (R-REC-2, R-Q-3).
REVEAL_ID_ROLES: frozenset[Role] = frozenset(
    {
        Role.SERVICE,
        Role.NETWORK_INQUIRY,
        Role.COUNTER_CONTROL,
        Role.FIELD_SEARCH,
        Role.FUNDS,
        Role.HANDLER,
        Role.DIRECTOR,
        Role.BUREAU_CHIEF,
        Role.DEPUTY_CHIEF,
        Role.SYSTEM,
    }
)

_TERM = SearchTerm.__table__  # type: ignore[attr-defined]
_CASE = Case.__table__  # type: ignore[attr-defined]
_CASE_PARTY = CaseParty.__table__  # type: ignore[attr-defined]
_PARTY = Party.__table__  # type: ignore[attr-defined]
_AGENT = Agent.__table__  # type: ignore[attr-defined]
_STAFF = Staff.__table__  # type: ignore[attr-defined]

Key = tuple[int, int]  # (sort_key, case_id): the result order, newest first


# -- results -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Cursor:
    """Where the next page starts: strictly after this (sort_key, case_id). Opaque to screens."""

    sort_key: int
    case_id: int


@dataclass(frozen=True)
class HitParty:
    name: str
    id_number: str | None  # a person's number masked unless the caller asked for it in full


@dataclass(frozen=True)
class CaseHit:
    case_id: int
    case_number: str | None
    stage: str
    stage_label: str
    category_label: str
    applicants: tuple[HitParty, ...]
    respondents: tuple[HitParty, ...]
    target_amount_fen: int
    handler_name: str | None
    received_on: date
    filed_on: date | None

    @property
    def applicant_names(self) -> str:
        return "、".join(p.name for p in self.applicants)

    @property
    def respondent_names(self) -> str:
        return "、".join(p.name for p in self.respondents)


@dataclass(frozen=True)
class SearchPage:
    hits: tuple[CaseHit, ...]
    next_cursor: Cursor | None
    notice: str | None = None  # a hint for the clerk (query too short, checksum wrong, partial scan)


@dataclass(frozen=True)
class IndexStats:
    cases: int
    terms: int
    seconds: float


def mask_id_number(value: str | None) -> str | None:
    """152221199003070013 → 152221********0013; other numbers keep their first and last two characters."""
    if not value:
        return value
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) > 4:
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    return "*" * len(value)


# -- searching -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stream:
    """One index range read in result order, with optional checks on each candidate."""

    kind: TermKind
    term: str
    contains: str | None = None  # the case must have a full party name containing this (3+-char names)
    driver_count: int = 0  # bounded size of the range (only probed for ``contains`` streams)
    year: int | None = None
    court_code: str | None = None


def search_cases(
    engine: Engine,
    query: str,
    *,
    actor: Actor,
    limit: int = 20,
    after: Cursor | None = None,
    restrict_to_id_number: str | None = None,
    reveal_id_numbers: bool = False,
) -> SearchPage:
    """One page of cases matching ``query``, newest filing first; pass ``next_cursor`` back for the next page.

    ``restrict_to_id_number`` (reception, R-REC-2) keeps only cases where that number belongs to a party or a
    registered agent — applied in SQL to every candidate, and an empty number matches nothing.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise FieldError("每页条数", f"应在 1 到 {MAX_PAGE_SIZE} 之间")
    if reveal_id_numbers:
        require_role(actor, REVEAL_ID_ROLES, "查看完整证件号")
    parsed = parse_query(query)
    restrict = parse_id_restriction(restrict_to_id_number) if restrict_to_id_number is not None else None
    if parsed.is_empty or restrict == "":
        return SearchPage(hits=(), next_cursor=None, notice=parsed.notice)
    with read_session(engine) as session:
        recheck_actor(session, actor)  # personal data: a disabled account or a removed role reads nothing
        connection = session.connection()
        streams = _streams(connection, parsed)
        keys, cursor, partial = _page_keys(connection, streams, after=after, limit=limit, restrict=restrict)
        hits = _hydrate(connection, [case_id for _, case_id in keys], reveal=reveal_id_numbers)
    notice = parsed.notice
    if partial:
        notice = "匹配的案件较多，本页只查找了一部分；请输入更完整的名称，或翻到下一页继续"
    return SearchPage(hits=tuple(hits), next_cursor=Cursor(*cursor) if cursor else None, notice=notice)


def _streams(connection: Connection, parsed: SearchQuery) -> list[_Stream]:
    streams: list[_Stream] = []
    if parsed.case_number is not None:
        number = parsed.case_number
        streams.append(_Stream(TermKind.CASE_NUMBER, number.term, year=number.year, court_code=number.court_code))
    if parsed.id_number is not None:
        streams.append(_Stream(TermKind.ID_NUMBER, parsed.id_number[:MAX_TERM_LENGTH]))
    if parsed.pinyin is not None:
        streams.append(_Stream(TermKind.PINYIN, parsed.pinyin))
    if parsed.name is not None:
        stream = _name_stream(connection, parsed.name)
        if stream is not None:
            streams.append(stream)
    return streams


def _name_stream(connection: Connection, name: str) -> _Stream | None:
    """A 2-character name is a key of its own; a longer one walks its rarest bigram and checks full names."""
    if len(name) == 2:
        return _Stream(TermKind.NAME_BIGRAM, name)
    windows = bigrams(name)
    if len(windows) > MAX_PROBED_BIGRAMS:
        step = len(windows) / MAX_PROBED_BIGRAMS
        windows = [windows[int(i * step)] for i in range(MAX_PROBED_BIGRAMS)]
    counts = _bounded_counts(connection, TermKind.NAME_BIGRAM, windows, cap=DRIVER_PROBE)
    if len(windows) > 1 and min(counts) >= DRIVER_PROBE:
        # Every bigram is common (张芳 and 芳静 of 张芳静): count further to walk the least common one.
        counts = _bounded_counts(connection, TermKind.NAME_BIGRAM, windows, cap=REPROBE_CAP)
    term, count = min(zip(windows, counts, strict=True), key=lambda pair: pair[1])
    if count == 0:
        return None  # some part of the name occurs nowhere
    return _Stream(TermKind.NAME_BIGRAM, term, contains=name, driver_count=count)


def _bounded_counts(connection: Connection, kind: TermKind, terms: Sequence[str], *, cap: int) -> list[int]:
    """How many cases each key has, counting no further than ``cap`` (one statement, index only)."""
    probes = [
        select(
            select(func.count())
            .select_from(
                select(_TERM.c.case_id)
                .where(_TERM.c.kind == kind.value, _TERM.c.term == term[:MAX_TERM_LENGTH])
                .limit(cap)
                .subquery()
            )
            .scalar_subquery()
        )
        for term in terms
    ]
    statement = probes[0] if len(probes) == 1 else probes[0].union_all(*probes[1:])
    return [int(count) for count in connection.execute(statement).scalars()]


def _page_keys(
    connection: Connection, streams: list[_Stream], *, after: Cursor | None, limit: int, restrict: str | None
) -> tuple[list[Key], Key | None, bool]:
    """Merge the streams' first ``limit + 1`` keys: (page keys, next cursor, whether the scan was cut short)."""
    visitor_drives = restrict is not None and _has_few_cases(connection, restrict)
    found: set[Key] = set()
    floors: list[Key] = []
    for stream in streams:
        keys, floor = _fetch(
            connection, stream, after=after, count=limit + 1, restrict=restrict, visitor_drives=visitor_drives
        )
        found.update(keys)
        if floor is not None:
            floors.append(floor)
    floor = max(floors, default=None)
    ordered = _unique_cases(sorted((key for key in found if floor is None or key >= floor), reverse=True))
    if len(ordered) > limit:
        return ordered[:limit], ordered[limit - 1], False
    if floor is not None:
        return ordered, floor, True
    return ordered, None, False


def _unique_cases(keys: list[Key]) -> list[Key]:
    """One key per case (on PostgreSQL two statements may see a case before and after a concurrent re-index)."""
    seen: set[int] = set()
    unique: list[Key] = []
    for key in keys:
        if key[1] not in seen:
            seen.add(key[1])
            unique.append(key)
    return unique


def _has_few_cases(connection: Connection, id_number: str) -> bool:
    """A visitor has a handful of cases: walk those and check the query on each, rather than walk every case
    named 张伟 (or every company) and check the visitor on each."""
    return _bounded_counts(connection, TermKind.ID_NUMBER, [id_number], cap=DRIVER_PROBE)[0] < DRIVER_PROBE


def _fetch(
    connection: Connection,
    stream: _Stream,
    *,
    after: Cursor | None,
    count: int,
    restrict: str | None,
    visitor_drives: bool,
) -> tuple[list[Key], Key | None]:
    """The stream's first ``count`` keys after the cursor, and the floor it stopped at if its budget ran out.

    The range walked (the driver) is the stream's own key, or — for a visitor with few cases — the visitor's
    ID number, with the stream's key checked on each of their cases by primary key.
    """
    term = _TERM
    order_key = tuple_(term.c.sort_key, term.c.case_id)
    checks: list[ColumnElement[bool]] = []
    if visitor_drives:
        assert restrict is not None
        where = [term.c.kind == TermKind.ID_NUMBER.value, term.c.term == restrict[:MAX_TERM_LENGTH]]
        checks.append(_has_key(stream.kind, stream.term))
    else:
        where = [term.c.kind == stream.kind.value, term.c.term == stream.term]
        if restrict is not None:
            checks.append(_involves_id_number(restrict))
    if after is not None:
        where.append(order_key < tuple_(literal(after.sort_key), literal(after.case_id)))
    if stream.contains is not None:
        checks.append(_has_full_name_containing(stream.contains))
    if stream.year is not None or stream.court_code is not None:
        checks.append(_case_matches(year=stream.year, court_code=stream.court_code))
    if visitor_drives or stream.contains is None or stream.driver_count < DRIVER_PROBE:
        return _run(connection, [*where, *checks], count), None
    # A long walk: look at a first window of candidates, widen it once if the page is not full yet.
    for window in (FIRST_WINDOW, SCAN_BUDGET):
        floor = _scan_floor(connection, where, window)
        bounded = where if floor is None else [*where, order_key >= tuple_(literal(floor[0]), literal(floor[1]))]
        keys = _run(connection, [*bounded, *checks], count)
        if floor is None or len(keys) >= count:
            break
    return keys, floor


def _run(connection: Connection, where: list[ColumnElement[bool]], count: int) -> list[Key]:
    statement = _ordered(select(_TERM.c.sort_key, _TERM.c.case_id).where(*where)).limit(count)
    return [(row[0], row[1]) for row in connection.execute(statement)]


def _has_key(kind: TermKind, value: str) -> ColumnElement[bool]:
    """The walked case is filed under (kind, value): a primary-key lookup."""
    key = _TERM.alias("query_key")
    return exists().where(
        key.c.kind == kind.value,
        key.c.term == value,
        key.c.sort_key == _TERM.c.sort_key,
        key.c.case_id == _TERM.c.case_id,
    )


def _ordered(statement: Select[Any]) -> Select[Any]:
    return statement.order_by(_TERM.c.sort_key.desc(), _TERM.c.case_id.desc())


def _scan_floor(connection: Connection, where: list[ColumnElement[bool]], window: int) -> Key | None:
    """The window-th key of the range (index only), or None when the range is shorter than that."""
    statement = _ordered(select(_TERM.c.sort_key, _TERM.c.case_id).where(*where)).offset(window - 1).limit(1)
    row = connection.execute(statement).first()
    return (row[0], row[1]) if row else None


def _has_full_name_containing(name: str) -> ColumnElement[bool]:
    full = _TERM.alias("full_name")
    return exists().where(
        full.c.case_id == _TERM.c.case_id,
        full.c.kind == TermKind.NAME_FULL.value,
        full.c.term.like(like_pattern(name, escape=LIKE_ESCAPE), escape=LIKE_ESCAPE),
    )


def _case_matches(*, year: int | None, court_code: str | None) -> ColumnElement[bool]:
    conditions = [_CASE.c.id == _TERM.c.case_id]
    if year is not None:
        conditions.append(_CASE.c.year == year)
    if court_code is not None:
        conditions.append(_CASE.c.court_code == court_code)
    return exists().where(*conditions)


def _involves_id_number(id_number: str) -> ColumnElement[bool]:
    """R-REC-2: the number is a party's or a registered agent's in this case."""
    own = _TERM.alias("visitor")
    return exists().where(
        own.c.case_id == _TERM.c.case_id,
        own.c.kind == TermKind.ID_NUMBER.value,
        own.c.term == id_number[:MAX_TERM_LENGTH],
    )


def _hydrate(connection: Connection, case_ids: list[int], *, reveal: bool) -> list[CaseHit]:
    """The rows of one page, in page order: two queries whatever the page size."""
    if not case_ids:
        return []
    case, staff = _CASE, _STAFF
    rows = connection.execute(
        select(
            case.c.id,
            case.c.case_number,
            case.c.stage,
            case.c.filing_category,
            case.c.target_amount_fen,
            case.c.received_at,
            case.c.filed_at,
            staff.c.name,
        )
        .select_from(case.outerjoin(staff, staff.c.id == case.c.handler_id))
        .where(case.c.id.in_(case_ids))
    ).all()
    parties = _parties(connection, case_ids, reveal=reveal)
    by_id = {row[0]: row for row in rows}
    return [_hit(by_id[case_id], parties.get(case_id, {})) for case_id in case_ids if case_id in by_id]


def _parties(connection: Connection, case_ids: list[int], *, reveal: bool) -> dict[int, dict[str, list[HitParty]]]:
    cp, party = _CASE_PARTY, _PARTY
    rows = connection.execute(
        select(cp.c.case_id, cp.c.role, party.c.kind, party.c.name, party.c.id_number)
        .join(party, party.c.id == cp.c.party_id)
        .where(cp.c.case_id.in_(case_ids))
        .order_by(cp.c.case_id, cp.c.role, cp.c.position, cp.c.id)
    )
    result: dict[int, dict[str, list[HitParty]]] = {}
    for case_id, role, kind, name, id_number in rows:
        shown = id_number if reveal or kind != PERSON else mask_id_number(id_number)
        result.setdefault(case_id, {}).setdefault(role, []).append(HitParty(name=name, id_number=shown))
    return result


def _hit(row: Any, parties: dict[str, list[HitParty]]) -> CaseHit:
    case_id, number, stage, category, amount, received_at, filed_at, handler = row
    return CaseHit(
        case_id=case_id,
        case_number=number,
        stage=stage,
        stage_label=_label(Stage, stage),
        category_label=_label(FilingCategory, category),
        applicants=tuple(parties.get("applicant", ())),
        respondents=tuple(parties.get("respondent", ())),
        target_amount_fen=amount,
        handler_name=handler,
        received_on=received_at.date(),
        filed_on=filed_at.date() if filed_at else None,
    )


def _label(enum: type[Stage] | type[FilingCategory], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


# -- indexing ------------------------------------------------------------------------------------------------


@dataclass
class _CaseFacts:
    """What a case is found by."""

    case_id: int
    sort_key: int
    number: tuple[int, str, int] | None = None  # year, type code, sequence
    names: list[tuple[str, str]] = field(default_factory=list)  # (party kind, name)
    id_numbers: set[str] = field(default_factory=set)


def sort_key_of(filed_at: datetime | None, received_at: datetime) -> int:
    """Result order: filing time, else receipt time, as a YYYYMMDDHHMMSS integer."""
    moment = filed_at or received_at
    return int(moment.strftime("%Y%m%d%H%M%S"))


_CASE_NUMBER_KIND = TermKind.CASE_NUMBER.value
_ID_KIND = TermKind.ID_NUMBER.value


def case_terms(facts: _CaseFacts) -> set[tuple[str, str]]:
    """Every (kind, term) a case is filed under."""
    terms: set[tuple[str, str]] = set()
    if facts.number is not None:
        _, case_type, sequence = facts.number
        forms = case_number_terms(case_type=case_type, sequence=sequence)
        terms.update((_CASE_NUMBER_KIND, form) for form in forms)
    for kind, name in facts.names:
        terms.update(_name_keys(kind == PERSON, name))
    terms.update((_ID_KIND, number[:MAX_TERM_LENGTH]) for number in facts.id_numbers)
    return terms


@lru_cache(maxsize=262_144)
def _name_keys(person: bool, name: str) -> frozenset[tuple[str, str]]:
    """A name's keys, cached: lenders and common names recur in thousands of cases."""
    keys = {(kind.value, term) for kind, term in name_terms(name)}
    if person:
        keys.update((TermKind.PINYIN.value, initials) for initials in name_initials(name))
    return frozenset(keys)


CaseFilter = Callable[[Any], ColumnElement[bool]]


def _load_facts(connection: Connection, case_filter: CaseFilter) -> list[_CaseFacts]:
    """Facts of the cases whose id passes ``case_filter`` (an IN list or an id range): three queries."""
    case = _CASE
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
    cp, party = _CASE_PARTY, _PARTY
    for case_id, kind, name, id_number in connection.execute(
        select(cp.c.case_id, party.c.kind, party.c.name, party.c.id_number)
        .join(party, party.c.id == cp.c.party_id)
        .where(case_filter(cp.c.case_id))
    ):
        facts[case_id].names.append((kind, name))
        if id_number:
            facts[case_id].id_numbers.add(id_number_key(id_number))
    for case_id, id_number in connection.execute(
        select(_AGENT.c.case_id, _AGENT.c.id_number).where(case_filter(_AGENT.c.case_id))
    ):
        if id_number:
            facts[case_id].id_numbers.add(id_number_key(id_number))
    return list(facts.values())


TermRow = tuple[str, str, int, int]  # kind, term, sort_key, case_id: the primary key order


def _term_rows(facts: Iterable[_CaseFacts]) -> list[TermRow]:
    return [(kind, term, f.sort_key, f.case_id) for f in facts for kind, term in case_terms(f)]


def _insert_terms(connection: Connection, facts: Iterable[_CaseFacts]) -> int:
    rows = sorted(_term_rows(facts))
    if rows:
        connection.execute(insert(_TERM), [dict(zip(_TERM_COLUMNS, row, strict=True)) for row in rows])
    return len(rows)


_TERM_COLUMNS = ("kind", "term", "sort_key", "case_id")


def index_cases(connection: Connection, case_ids: Iterable[int]) -> int:
    """(Re)write the keys of these cases inside the caller's transaction; returns the number of keys."""
    ids = sorted(set(case_ids))
    written = 0
    for start in range(0, len(ids), INDEX_BATCH):
        chunk = ids[start : start + INDEX_BATCH]
        connection.execute(delete(_TERM).where(_TERM.c.case_id.in_(chunk)))
        written += _insert_terms(connection, _load_facts(connection, lambda column, c=chunk: column.in_(c)))
    return written


def index_case(session: OrmSession, case_id: int) -> None:
    """(Re)write one case's keys in the session's transaction (after flushing what is pending)."""
    session.flush()
    index_cases(session.connection(), [case_id])
    pending: set[int] | None = session.info.get(_PENDING)
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
    """Key cases written in bulk in this transaction (they have no keys yet) with one executemany."""
    return _insert_terms(connection, facts)


def number_term_pairs(case_type: str, sequence: int) -> set[tuple[str, str]]:
    """The (kind, term) keys of a case number alone: what :func:`case_terms` adds for ``facts.number``."""
    return {(_CASE_NUMBER_KIND, form) for form in case_number_terms(case_type=case_type, sequence=sequence)}


def term_rows(facts: Iterable[_CaseFacts]) -> list[TermRow]:
    """(kind, term, sort_key, case_id) of every key of these facts, in primary-key order, written by no one yet:
    a bulk writer builds them before its write transaction and inserts them (ids filled in) inside it."""
    return sorted(_term_rows(facts))


def index_all_cases(
    connection: Connection, *, progress: Callable[[int, int], None] | None = None, batch: int = INDEX_BATCH
) -> IndexStats:
    """Key every case into an empty ``search_term`` in one pass over case ids.

    Keys are appended to an unindexed temporary table first and copied over in primary-key order at the end:
    one sorted append instead of millions of random B-tree inserts.
    """
    started = time.perf_counter()
    low, high = connection.execute(select(func.min(_CASE.c.id), func.max(_CASE.c.id))).one()
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
        facts = _load_facts(connection, lambda column, s=start, e=end: column.between(s, e))
        rows = _term_rows(facts)
        if rows:
            connection.exec_driver_sql(load, rows)  # type: ignore[arg-type]
        terms += len(rows)
        cases += len(facts)
        if progress is not None:
            progress(min(end, high) - low + 1, high - low + 1)
    columns = ", ".join(_TERM_COLUMNS)
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
        # Dropping the table is the fast "truncate" (a WITHOUT ROWID table is deleted row by row); it is created
        # again from the model, and its secondary index only after the load.
        _TERM.drop(connection)
        connection.execute(CreateTable(_TERM))
        stats = index_all_cases(connection, progress=progress, batch=REBUILD_BATCH)
        for index in _TERM.indexes:
            index.create(connection)
        if sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-2000")
        else:
            connection.execute(text("ANALYZE search_term"))
    return IndexStats(cases=stats.cases, terms=stats.terms, seconds=time.perf_counter() - started)


# -- keeping the index current -------------------------------------------------------------------------------

_PENDING = "search_index_pending"
_CASE_FIELDS = ("case_number", "year", "case_type", "sequence", "filed_at", "received_at")
_PARTY_FIELDS = ("name", "id_number", "kind")
_LINK_FIELDS = ("case_id", "party_id", "id_number")


def _changed(obj: Any, names: Iterable[str]) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names if name in state.attrs)


def _old_case_ids(obj: Any) -> set[int]:
    """The case a moved CaseParty or Agent row belonged to before this flush."""
    history = sa_inspect(obj).attrs["case_id"].history
    return {value for value in history.deleted if value is not None}


def _cases_touched(session: OrmSession) -> tuple[set[int], set[int]]:
    """(case ids, party ids) whose search keys this flush may have changed."""
    cases: set[int] = set()
    parties: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Case) and obj.id is not None:
            cases.add(obj.id)
        elif isinstance(obj, CaseParty | Agent):
            cases.add(obj.case_id)
    for obj in session.dirty:
        if isinstance(obj, Case) and _changed(obj, _CASE_FIELDS) and obj.id is not None:
            cases.add(obj.id)
        elif isinstance(obj, Party) and _changed(obj, _PARTY_FIELDS) and obj.id is not None:
            parties.add(obj.id)
        elif isinstance(obj, CaseParty | Agent) and _changed(obj, _LINK_FIELDS):
            cases.add(obj.case_id)
            cases.update(_old_case_ids(obj))
    for obj in session.deleted:
        if isinstance(obj, CaseParty | Agent):
            cases.add(obj.case_id)
    return cases, parties


@event.listens_for(OrmSession, "after_flush")
def _note_search_changes(session: OrmSession, _context: Any) -> None:
    cases, parties = _cases_touched(session)
    if parties:
        rows = session.connection().execute(
            select(_CASE_PARTY.c.case_id).where(_CASE_PARTY.c.party_id.in_(sorted(parties)))
        )
        cases.update(row[0] for row in rows)
    if cases:
        session.info.setdefault(_PENDING, set()).update(cases)


@event.listens_for(OrmSession, "before_commit")
def _reindex_before_commit(session: OrmSession) -> None:
    # Two writers never re-index the same case at once: on SQLite BEGIN IMMEDIATE serialises writers, and on
    # PostgreSQL every flush already holds the audit chain's advisory lock until commit.
    if session.new or session.dirty or session.deleted:
        session.flush()  # before_commit runs before the final flush; changes in it must be seen
    pending: set[int] | None = session.info.pop(_PENDING, None)
    if pending:
        index_cases(session.connection(), pending)


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)
