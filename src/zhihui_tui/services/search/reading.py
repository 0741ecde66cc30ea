"""Reading the index: a query becomes key ranges walked in result order, one keyset page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, exists, func, literal, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from zhihui_tui.db.engine import read_session
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.search_query import (
    MAX_TERM_LENGTH,
    SearchQuery,
    TermKind,
    bigrams,
    like_pattern,
    parse_id_restriction,
    parse_query,
)
from zhihui_tui.services.account_check import recheck_actor
from zhihui_tui.services.context import Actor, ServiceContext, require_role
from zhihui_tui.services.search.hits import hydrate
from zhihui_tui.services.search.results import Cursor, SearchPage
from zhihui_tui.services.search.tables import CASE, ENTRY, LIKE_ESCAPE, REVEAL_ID_ROLES, TERM, Key

MAX_PAGE_SIZE = 100
DRIVER_PROBE = 1_000  # a bigram's count is probed up to this many entries…
REPROBE_CAP = 5_000  # …and up to this many when every bigram of the query reached DRIVER_PROBE
MAX_PROBED_BIGRAMS = 8
FIRST_WINDOW = 2_000  # candidates a 3+-character name query checks first…
SCAN_BUDGET = 20_000  # …and at most, for one page


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
    query: str,
    *,
    ctx: ServiceContext,
    limit: int = 20,
    after: Cursor | None = None,
    restrict_to_id_number: str | None = None,
    reveal_id_numbers: bool = False,
) -> SearchPage:
    """One page of cases matching ``query``, newest filing first; pass ``next_cursor`` back for the next page.

    ``restrict_to_id_number`` (reception, R-REC-2) keeps only cases where that number belongs to a party or a
    registered agent — applied in SQL to every candidate, and an empty number matches nothing.
    ``reveal_id_numbers`` asks for whole ID numbers: only posts that work with them may (:func:`may_reveal_id_numbers`).
    """
    actor = ctx.actor
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise FieldError("每页条数", f"应在 1 到 {MAX_PAGE_SIZE} 之间")
    if reveal_id_numbers:
        require_role(actor, REVEAL_ID_ROLES, "查看完整证件号")
    parsed = parse_query(query)
    restrict = parse_id_restriction(restrict_to_id_number) if restrict_to_id_number is not None else None
    if parsed.is_empty or restrict == "":
        return SearchPage(hits=(), next_cursor=None, notice=parsed.notice)
    with read_session(ctx.engine) as session:
        recheck_actor(session, actor)  # personal data: a disabled account or a removed role reads nothing
        connection = session.connection()
        streams = _streams(connection, parsed)
        keys, cursor, partial = _page_keys(connection, streams, after=after, limit=limit, restrict=restrict)
        hits = hydrate(connection, [case_id for _, case_id in keys], reveal=reveal_id_numbers)
    notice = parsed.notice
    if partial:
        notice = "匹配的案件较多，本页只查找了一部分；请输入更完整的名称，或翻到下一页继续"
    return SearchPage(hits=tuple(hits), next_cursor=Cursor(*cursor) if cursor else None, notice=notice)


def may_reveal_id_numbers(actor: Actor) -> bool:
    """Whether ``actor``'s post works with whole ID numbers (documents, inquiries, counter, handlers, leaders)."""
    return actor.has(*REVEAL_ID_ROLES)


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
                select(TERM.c.case_id)
                .where(TERM.c.kind == kind.value, TERM.c.term == term[:MAX_TERM_LENGTH])
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
    term = TERM
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
    statement = _ordered(select(TERM.c.sort_key, TERM.c.case_id).where(*where)).limit(count)
    return [(row[0], row[1]) for row in connection.execute(statement)]


def _has_key(kind: TermKind, value: str) -> ColumnElement[bool]:
    """The walked case is filed under (kind, value): a primary-key lookup."""
    key = TERM.alias("query_key")
    return exists().where(
        key.c.kind == kind.value,
        key.c.term == value,
        key.c.sort_key == TERM.c.sort_key,
        key.c.case_id == TERM.c.case_id,
    )


def _ordered(statement: Select[Any]) -> Select[Any]:
    return statement.order_by(TERM.c.sort_key.desc(), TERM.c.case_id.desc())


def _scan_floor(connection: Connection, where: list[ColumnElement[bool]], window: int) -> Key | None:
    """The window-th key of the range (index only), or None when the range is shorter than that."""
    statement = _ordered(select(TERM.c.sort_key, TERM.c.case_id).where(*where)).offset(window - 1).limit(1)
    row = connection.execute(statement).first()
    return (row[0], row[1]) if row else None


def _has_full_name_containing(name: str) -> ColumnElement[bool]:
    """One of the walked case's whole names contains ``name`` (its search_case row, by primary key). The names
    are joined by a newline, which a query never holds, so a match never spans two names."""
    return exists().where(
        ENTRY.c.case_id == TERM.c.case_id,
        ENTRY.c.names.like(like_pattern(name, escape=LIKE_ESCAPE), escape=LIKE_ESCAPE),
    )


def _case_matches(*, year: int | None, court_code: str | None) -> ColumnElement[bool]:
    conditions = [CASE.c.id == TERM.c.case_id]
    if year is not None:
        conditions.append(CASE.c.year == year)
    if court_code is not None:
        conditions.append(CASE.c.court_code == court_code)
    return exists().where(*conditions)


def _involves_id_number(id_number: str) -> ColumnElement[bool]:
    """R-REC-2: the number is a party's or a registered agent's in this case (a primary-key lookup)."""
    return _has_key(TermKind.ID_NUMBER, id_number[:MAX_TERM_LENGTH])
