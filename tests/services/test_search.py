"""Case search on both engines: every query kind, paging, the reception restriction, masking, hostile input."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select
from stdnum.cn import ric, uscc

import zhihui_tui.services.search.reading as search_module
from tests.conftest import FIXED_NOW, context_for, make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CaseParty, Party, SearchCase, SearchTerm
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewAgent, NewCase, NewParty, PartyKind, register_case, replace_parties
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.errors import PermissionDenied
from zhihui_tui.services.search import Cursor, SearchPage, mask_id_number, rebuild_search_index, search_cases
from zhihui_tui.services.uow import unit_of_work

CALENDAR = load_calendar(None)
COURT = "内2221"
FILED = datetime(2026, 11, 20, 15, 0)


def search_ctx(engine: Engine, actor: Actor) -> ServiceContext:
    """The context a search runs in: this actor on the test's database at the fixed moment."""
    return context_for(engine, actor, FixedClock(FIXED_NOW))


def resident_id(body: str) -> str:
    """A valid 居民身份证号 from its first 17 digits."""
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def person(name: str, body: str) -> NewParty:
    return NewParty(PartyKind.PERSON, name, resident_id(body))


def org(name: str, body: str) -> NewParty:
    return NewParty(PartyKind.ORGANISATION, name, credit_code(body))


ZHANG_SAN = person("张三", "15222119900307001")
ZHANG_SAN_2 = person("张三", "15222119850101002")  # another man of the same name
SHAN_MING = person("单明", "15222119700505003")
LI_SI_FENG = person("李四丰", "15222119800808004")
WANG_WU = person("王五", "15222119911111005")
JINDING = org("科右前旗金鼎商贸有限公司", "91152221MA0N2X3Y4")
LAWYER_ID = resident_id("15010219800101006")


@pytest.fixture
def clerk(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")


def register(
    engine: Engine,
    actor: Actor,
    clock: FixedClock,
    applicants: Iterable[NewParty],
    respondents: Iterable[NewParty],
    *,
    filed_at: datetime | None = FILED,
    agents: Iterable[NewAgent] = (),
    handler_id: int | None = None,
    category: FilingCategory = FilingCategory.APPLICATION,
) -> int:
    received = (filed_at or FILED) - timedelta(hours=6)
    new = NewCase(
        category=category,
        received_at=received,
        applicants=tuple(applicants),
        respondents=tuple(respondents),
        agents=tuple(agents),
        target_amount_fen=12_345_678,
        stage=Stage.FILED if filed_at else Stage.RECEIVED,
        filed_at=filed_at,
        handler_id=handler_id,
    )
    with unit_of_work(engine, actor=actor, action="收案", clock=clock) as session:
        case = register_case(session, new, actor=actor, calendar=CALENDAR, court_code=COURT)
        assert case.id is not None
        return case.id


def found(engine: Engine, actor: Actor, query: str, **kwargs: object) -> list[int]:
    page = search_cases(query, ctx=search_ctx(engine, actor), **kwargs)  # type: ignore[arg-type]
    return [hit.case_id for hit in page.hits]


def walk(
    engine: Engine, actor: Actor, query: str, *, limit: int, after: Cursor | None = None, **kwargs: object
) -> list[SearchPage]:
    """Every page of a query from ``after`` on, following next_cursor."""
    pages: list[SearchPage] = []
    while not pages or pages[-1].next_cursor is not None:
        assert len(pages) < 100, "paging does not end"
        after = pages[-1].next_cursor if pages else after
        pages.append(search_cases(query, ctx=search_ctx(engine, actor), limit=limit, after=after, **kwargs))  # type: ignore[arg-type]
    return pages


# -- every kind of query ---------------------------------------------------------------------------------------


def test_each_kind_of_query_finds_the_right_case(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    a = register(engine, clerk, clock, [SHAN_MING], [JINDING])  # （2026）内2221执1号
    b = register(engine, clerk, clock, [ZHANG_SAN], [LI_SI_FENG], filed_at=FILED + timedelta(hours=1))  # 执2
    c = register(engine, clerk, clock, [WANG_WU], [JINDING], filed_at=None)  # received, no number yet
    expectations = {
        "（2026）内2221执1号": [a],
        "(2026)内2221执1号": [a],
        "（2026）内9999执1号": [],  # another court's number
        "（2025）内2221执1号": [],
        "2026执2": [b],
        "执1": [a],
        "执恢1": [],
        "内2221执2": [b],
        "2": [b],
        "(2026)1": [a],
        SHAN_MING.id_number: [a],
        JINDING.id_number: [a, c],  # newest first: a was filed at 15:00, c only received at 09:00
        "张三": [b],
        "李四丰": [b],
        "四丰": [b],
        "金鼎商贸": [a, c],
        "金鼎": [a, c],
        "有限公司": [a, c],
        "王五": [c],
        "zs": [b],
        "lsf": [b],
        "ls": [],  # initials of the whole name: 李四丰 is lsf
        "sm": [a],  # 单 as a surname: Shàn
        "dm": [a],  # …and as most people read it
    }
    results = {query: found(engine, clerk, query or "") for query in expectations}
    assert results == {query: expected for query, expected in expectations.items()}


def test_a_hit_carries_what_the_list_shows(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    handler = make_staff(engine, clock, "chengban1", Role.HANDLER, name="赵承办")
    case_id = register(engine, clerk, clock, [SHAN_MING, ZHANG_SAN], [JINDING, LI_SI_FENG], handler_id=handler.id)
    (hit,) = search_cases("执1", ctx=search_ctx(engine, clerk)).hits
    assert hit.case_id == case_id
    assert hit.case_number == "（2026）内2221执1号"
    assert (hit.stage, hit.stage_label, hit.category_label) == ("filed", "已立案", "申请执行")
    assert (hit.applicant_names, hit.respondent_names) == ("单明、张三", "科右前旗金鼎商贸有限公司、李四丰")
    assert hit.target_amount_fen == 12_345_678
    assert hit.handler_name == "赵承办"
    assert (hit.received_on, hit.filed_on) == (date(2026, 11, 20), date(2026, 11, 20))


def test_two_character_names_and_substrings(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    two = register(engine, clerk, clock, [ZHANG_SAN], [JINDING])
    three = register(engine, clerk, clock, [person("张三丰", "15222119600101007")], [JINDING])
    register(engine, clerk, clock, [person("张丰三", "15222119600101008")], [JINDING])
    dotted = register(engine, clerk, clock, [person("阿依古丽·买买提", "65010219900101009")], [JINDING])
    assert sorted(found(engine, clerk, "张三")) == sorted([two, three])
    assert found(engine, clerk, "三丰") == [three]
    assert found(engine, clerk, "张三丰") == [three]
    assert found(engine, clerk, "阿依古丽买买提") == [dotted]
    assert found(engine, clerk, "古丽·买买") == [dotted]


def test_one_character_asks_for_more(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    register(engine, clerk, clock, [ZHANG_SAN], [JINDING])
    page = search_cases("张", ctx=search_ctx(engine, clerk))
    assert page.hits == () and page.next_cursor is None
    assert page.notice == "按名称查找请至少输入两个字"


# -- paging ----------------------------------------------------------------------------------------------------


def test_paging_is_stable_and_complete(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    times = [FILED - timedelta(days=n // 3) for n in range(16)]  # threes share a filing time: ties by id
    ids = [
        register(engine, clerk, clock, [person("李娜", f"1522211990010{n:04d}")], [JINDING], filed_at=at)
        for n, at in enumerate(times)
    ]
    ids.append(register(engine, clerk, clock, [person("李娜", "15222119900109999")], [JINDING], filed_at=None))
    expected = [
        case_id for _, case_id in sorted(zip([*times, FILED - timedelta(hours=6)], ids, strict=True), reverse=True)
    ]
    pages = walk(engine, clerk, "李娜", limit=5)
    assert [len(p.hits) for p in pages] == [5, 5, 5, 2]
    assert [hit.case_id for page in pages for hit in page.hits] == expected

    # A case filed between two page loads does not shift or repeat what comes after the cursor.
    first = search_cases("李娜", ctx=search_ctx(engine, clerk), limit=5)
    register(engine, clerk, clock, [person("李娜", "15222119900108888")], [JINDING], filed_at=FILED + timedelta(1))
    rest = walk(engine, clerk, "李娜", limit=5, after=first.next_cursor)
    assert [hit.case_id for hit in first.hits] + [h.case_id for p in rest for h in p.hits] == expected


def test_a_page_of_exactly_the_limit_has_no_next_page(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    for n in range(3):
        register(engine, clerk, clock, [person("李娜", f"1522211990010{n:04d}")], [JINDING])
    page = search_cases("李娜", ctx=search_ctx(engine, clerk), limit=3)
    assert len(page.hits) == 3 and page.next_cursor is None


def test_a_long_name_walk_is_bounded_but_pages_stay_complete(
    engine: Engine, clock: FixedClock, clerk: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every bigram of 金鼎商贸 is common, most cases with 金鼎 are not 金鼎商贸: pages may come back short (with a
    cursor and a hint) but walking them finds every match exactly once."""
    monkeypatch.setattr(search_module, "DRIVER_PROBE", 2)
    monkeypatch.setattr(search_module, "REPROBE_CAP", 3)
    monkeypatch.setattr(search_module, "FIRST_WINDOW", 2)
    monkeypatch.setattr(search_module, "SCAN_BUDGET", 3)
    matches = []
    for n in range(12):
        name = "科右前旗金鼎商贸有限公司" if n % 4 == 0 else "金鼎鼎商商贸部"  # every bigram, not the whole
        case_id = register(engine, clerk, clock, [ZHANG_SAN], [org(name, f"91152221MA0N2X{n:03d}")])
        if n % 4 == 0:
            matches.append(case_id)
    pages = walk(engine, clerk, "金鼎商贸", limit=2)
    walked = [hit.case_id for page in pages for hit in page.hits]
    assert walked == sorted(matches, reverse=True)
    assert any(len(page.hits) < 2 and page.next_cursor for page in pages)
    assert any(page.notice and "下一页" in page.notice for page in pages)


# -- reception: a visitor sees only their own cases (R-REC-2) ----------------------------------------------------


@pytest.mark.parametrize("probe", [1_000, 1], ids=["walk-visitors-cases", "walk-query-matches"])
def test_a_visitor_never_sees_someone_elses_case(
    engine: Engine, clock: FixedClock, clerk: Actor, monkeypatch: pytest.MonkeyPatch, probe: int
) -> None:
    """Both plans: a visitor with few cases walks them; one with many (a bank's clerk) filters the matches."""
    monkeypatch.setattr(search_module, "DRIVER_PROBE", probe)
    own = register(engine, clerk, clock, [ZHANG_SAN], [JINDING])  # 执1
    register(engine, clerk, clock, [ZHANG_SAN_2], [JINDING])  # 执2: same name, another person
    as_respondent = register(engine, clerk, clock, [LI_SI_FENG], [ZHANG_SAN])  # 执3
    represented = register(
        engine, clerk, clock, [WANG_WU], [JINDING], agents=[NewAgent(0, "刘律师", LAWYER_ID)]
    )  # 执4: the visitor below is the applicant's registered agent
    visitor = ZHANG_SAN.id_number
    assert visitor is not None

    def seen(query: str, who: str) -> list[int]:
        return sorted(found(engine, clerk, query, restrict_to_id_number=who))

    assert seen("张三", visitor) == sorted([own, as_respondent])
    assert seen("执2", visitor) == []
    assert seen(ZHANG_SAN_2.id_number or "", visitor) == []
    assert seen("金鼎商贸", visitor) == [own]
    assert seen("李四丰", visitor) == [as_respondent]
    assert seen("zs", visitor) == sorted([own, as_respondent])
    assert seen("王五", visitor) == []
    assert seen(visitor, visitor) == sorted([own, as_respondent])
    assert seen("张三", "152221900307001") == sorted([own, as_respondent])  # the same ID in its 15-digit form
    # The agent sees the case they are registered in, and nothing else.
    assert seen("王五", LAWYER_ID) == [represented]
    assert seen("执4", LAWYER_ID) == [represented]
    assert seen(LAWYER_ID, LAWYER_ID) == [represented]
    assert seen("张三", LAWYER_ID) == []
    assert seen("执1", LAWYER_ID) == []
    # No number, no cases: an empty restriction never means "no restriction".
    assert seen("张三", "") == []
    assert seen("张三", "   ") == []


def test_a_visitors_pages_hold_only_their_cases(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    mine = [register(engine, clerk, clock, [ZHANG_SAN], [JINDING]) for _ in range(3)]
    for n in range(4):
        register(engine, clerk, clock, [person("张三", f"1522211970010{n:04d}")], [JINDING])
    pages = walk(engine, clerk, "张三", limit=2, restrict_to_id_number=ZHANG_SAN.id_number)
    assert [hit.case_id for page in pages for hit in page.hits] == sorted(mine, reverse=True)


# -- masking ---------------------------------------------------------------------------------------------------


def test_id_numbers_are_masked_unless_a_post_needs_them(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    register(engine, clerk, clock, [ZHANG_SAN], [JINDING])
    (hit,) = search_cases("执1", ctx=search_ctx(engine, clerk)).hits
    assert hit.applicants[0].id_number == "152221********0011"
    assert hit.respondents[0].id_number == JINDING.id_number  # a credit code is public: printed on the licence
    with pytest.raises(PermissionDenied, match="查看完整证件号"):
        search_cases("执1", ctx=search_ctx(engine, clerk), reveal_id_numbers=True)
    handler = make_staff(engine, clock, "chengban1", Role.HANDLER, name="赵承办")
    (full,) = search_cases("执1", ctx=search_ctx(engine, handler), reveal_id_numbers=True).hits
    assert full.applicants[0].id_number == ZHANG_SAN.id_number


def test_mask_shapes() -> None:
    assert mask_id_number("152221199003070011") == "152221********0011"
    assert mask_id_number("152221900307001") == "152221*****7001"
    assert mask_id_number("E12345678") == "E1*****78"
    assert mask_id_number("1234") == "****"
    assert mask_id_number(None) is None


# -- hostile and odd input -------------------------------------------------------------------------------------


def test_like_wildcards_are_ordinary_characters(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    register(engine, clerk, clock, [ZHANG_SAN], [JINDING])
    odd = register(engine, clerk, clock, [WANG_WU], [org("乐_百分%商行", "91152221MA0N2X999")])
    for query in ("%", "%%", "__", "张%", "张_", "_三", "%三%", "!%", "张三%"):
        assert found(engine, clerk, query) == [], query
    assert found(engine, clerk, "分%") == [odd]
    assert found(engine, clerk, "乐_百") == [odd]
    assert found(engine, clerk, "百分%商") == [odd]


@pytest.mark.parametrize("query", ["", "   ", "\u3000", " \n "])
def test_blank_query_is_an_empty_page(engine: Engine, clock: FixedClock, clerk: Actor, query: str) -> None:
    register(engine, clerk, clock, [ZHANG_SAN], [JINDING])
    assert search_cases(query, ctx=search_ctx(engine, clerk)) == SearchPage(hits=(), next_cursor=None, notice=None)


def test_an_overlong_query_is_refused_at_the_field(engine: Engine, clerk: Actor) -> None:
    with pytest.raises(FieldError) as caught:
        search_cases("张" * 500, ctx=search_ctx(engine, clerk))
    assert caught.value.field == "查询条件"
    assert caught.value.message == "查询条件：不能超过 100 个字"


def test_page_size_is_checked(engine: Engine, clerk: Actor) -> None:
    with pytest.raises(FieldError, match="每页条数"):
        search_cases("张三", ctx=search_ctx(engine, clerk), limit=0)
    with pytest.raises(FieldError, match="每页条数"):
        search_cases("张三", ctx=search_ctx(engine, clerk), limit=10_000)


def test_a_cursor_past_the_end_gives_an_empty_page(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    register(engine, clerk, clock, [ZHANG_SAN], [JINDING])
    page = search_cases("张三", ctx=search_ctx(engine, clerk), after=Cursor(sort_key=0, case_id=0))
    assert page.hits == () and page.next_cursor is None


# -- keeping the index current ---------------------------------------------------------------------------------


def test_a_case_filed_later_is_found_by_its_new_number(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = register(engine, clerk, clock, [ZHANG_SAN], [JINDING], filed_at=None)
    assert found(engine, clerk, "执7") == []
    with unit_of_work(engine, actor=clerk, action="立案", clock=clock) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.case_number, case.court_code, case.year, case.case_type, case.sequence = (
            "（2026）内2221执7号",
            COURT,
            2026,
            "执",
            7,
        )
        case.filed_at, case.stage = FILED + timedelta(days=2), Stage.FILED.value
    assert found(engine, clerk, "执7") == [case_id]
    assert found(engine, clerk, "（2026）内2221执7号") == [case_id]
    page = search_cases("张三", ctx=search_ctx(engine, clerk))
    assert page.hits[0].filed_on == date(2026, 11, 22)


def test_renaming_a_party_or_unlinking_it_reindexes(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    first = register(engine, clerk, clock, [ZHANG_SAN], [JINDING])
    second = register(engine, clerk, clock, [WANG_WU], [ZHANG_SAN])
    with unit_of_work(engine, actor=clerk, action="更正姓名", clock=clock) as session:
        party = session.scalars(select(Party).where(Party.id_number == ZHANG_SAN.id_number)).one()
        party.name = "张叁"
    assert found(engine, clerk, "张三") == []
    assert sorted(found(engine, clerk, "张叁")) == sorted([first, second])
    with unit_of_work(engine, actor=clerk, action="删除当事人", clock=clock) as session:
        link = session.scalars(
            select(CaseParty).where(CaseParty.case_id == second, CaseParty.role == "respondent")
        ).one()
        session.delete(link)
    assert found(engine, clerk, "张叁") == [first]


def test_a_corrected_draft_is_reindexed(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    """``replace_parties`` (filing review corrects a received draft) deletes and re-adds links: caught by the
    session events without any call from the filing code."""
    case_id = register(engine, clerk, clock, [ZHANG_SAN], [JINDING], filed_at=None)
    corrected = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=FILED,
        applicants=(SHAN_MING,),
        respondents=(LI_SI_FENG,),
        target_amount_fen=1,
    )
    with unit_of_work(engine, actor=clerk, action="修改立案信息", clock=clock) as session:
        replace_parties(session, case_id, corrected)
    assert found(engine, clerk, "张三") == [] and found(engine, clerk, "金鼎") == []
    assert found(engine, clerk, "单明") == [case_id] and found(engine, clerk, "lsf") == [case_id]
    assert found(engine, clerk, ZHANG_SAN.id_number or "") == []


def test_a_rolled_back_change_leaves_the_index_alone(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = register(engine, clerk, clock, [ZHANG_SAN], [JINDING])
    with pytest.raises(RuntimeError), unit_of_work(engine, actor=clerk, action="更正", clock=clock) as session:
        party = session.scalars(select(Party).where(Party.id_number == ZHANG_SAN.id_number)).one()
        party.name = "张叁"
        session.flush()
        raise RuntimeError("clerk cancelled")
    assert found(engine, clerk, "张三") == [case_id]
    assert found(engine, clerk, "张叁") == []


def test_rebuild_writes_the_same_keys_as_incremental_indexing(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    first = register(
        engine, clerk, clock, [SHAN_MING, ZHANG_SAN], [JINDING, LI_SI_FENG], agents=[NewAgent(1, "刘律师", LAWYER_ID)]
    )
    register(engine, clerk, clock, [WANG_WU], [JINDING], filed_at=None)

    def keys() -> list[tuple[str, str, int, int]]:
        table = SearchTerm.__table__  # type: ignore[attr-defined]
        with read_session(engine) as session:
            return [tuple(row) for row in session.connection().execute(select(table).order_by(*table.c))]  # type: ignore[misc]

    before = keys()
    assert len(before) > 20
    stats = rebuild_search_index(engine)
    assert (stats.cases, stats.terms) == (2, len(before))
    assert keys() == before
    assert found(engine, clerk, "lsf") == [first]
    assert found(engine, clerk, LAWYER_ID) == [first]


def test_migration_0024s_frozen_indexer_writes_the_same_keys(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    """The copy migration 0024 runs (it imports no live service code) keys cases as the application does today:
    the same search_term rows and the same search_case rows."""
    from zhihui_tui.db.migrations.frozen.search_index_0024 import index_all_cases as frozen_index

    register(
        engine, clerk, clock, [SHAN_MING, ZHANG_SAN], [JINDING, LI_SI_FENG], agents=[NewAgent(1, "刘律师", LAWYER_ID)]
    )
    register(engine, clerk, clock, [WANG_WU], [JINDING], filed_at=None)
    tables = [SearchTerm.__table__, SearchCase.__table__]  # type: ignore[attr-defined]

    def rows() -> list[list[tuple[Any, ...]]]:
        with read_session(engine) as session:
            return [[tuple(row) for row in session.connection().execute(select(t).order_by(*t.c))] for t in tables]

    live = rows()
    assert len(live[1]) == 2
    with engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(table.delete())
        assert frozen_index(connection) == len(live[0])
    assert rows() == live
