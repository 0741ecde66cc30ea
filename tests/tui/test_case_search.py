"""Ctrl+F 查找案件 on the demo court with real keys: case-number fragments, two-character names and pinyin initials
show exactly the cases the database holds; pages load only as the cursor reaches the last row; Enter opens the
case's history (or says why not), Esc returns; in F3 the 原案号 picker prefills a resumption from its original.
Snapshots at 80×24 and 120×36 on the fixed clock."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import tui_keys
from sqlmodel import Session, col, func, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TabbedContent
from tui_court import drive, settle, sign_in, steady_cursors, type_text

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.models import Case, CaseParty, EnforcementBasis, Party
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.money import fen_to_yuan_str
from zhihui_tui.domain.pinyin import name_initials
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.cases import PartyRole
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.case_page import CasePageScreen
from zhihui_tui.tui.screens.case_search import PAGE_BUFFER, CaseSearchScreen, PageLoaded
from zhihui_tui.tui.screens.filing import FilingScreen
from zhihui_tui.tui.screens.help import HelpScreen
from zhihui_tui.tui.screens.home import HomeScreen
from zhihui_tui.tui.screens.workbench import CaseHistoryScreen
from zhihui_tui.tui.service_calls import shell_of

CLERK, DIRECTOR = "lian1", "zhuren"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]


# -- driving the app ----------------------------------------------------------------------------------------


def search_screen(pilot: Pilot) -> CaseSearchScreen:
    screen = pilot.app.screen
    assert isinstance(screen, CaseSearchScreen)
    return screen


async def open_search(pilot: Pilot, login: str = CLERK) -> CaseSearchScreen:
    await sign_in(pilot, login=login, password=DEMO_PASSWORD)
    await pilot.press("ctrl+f")
    await settle(pilot, lambda: isinstance(pilot.app.screen, CaseSearchScreen))
    return search_screen(pilot)


async def search_for(pilot: Pilot, text: str) -> CaseSearchScreen:
    """Type the query key by key and wait for the search to answer."""
    screen = search_screen(pilot)
    await type_text(pilot, text)
    await settle(pilot, lambda: not screen.fetching)
    return screen


def status(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#cs-status", Static).render())


def shown_ids(screen: CaseSearchScreen) -> list[int]:
    table = screen.query_one("#cs-results", DataTable)
    return [int(row.value or 0) for row in table.rows]


def shown_numbers(screen: CaseSearchScreen) -> list[str]:
    table = screen.query_one("#cs-results", DataTable)
    return [str(table.get_row(row)[0]) for row in table.rows]


def visible_rows(screen: CaseSearchScreen) -> int:
    return screen.query_one("#cs-results", DataTable).scrollable_content_region.height - 1


# -- what the database says ---------------------------------------------------------------------------------


def with_session(runtime: Runtime, read: Callable[[Session], object]) -> object:
    engine = make_engine(runtime.database_url)
    try:
        with Session(engine) as session:
            return read(session)
    finally:
        engine.dispose()


def case_ids_with_party_name(runtime: Runtime, text: str) -> set[int]:
    def read(session: Session) -> set[int]:
        rows = session.exec(
            select(CaseParty.case_id)
            .join(Party, col(Party.id) == CaseParty.party_id)
            .where(col(Party.name).contains(text))
        )
        return set(rows)

    return with_session(runtime, read)  # type: ignore[return-value]


def a_two_character_name(runtime: Runtime) -> str:
    """A person's two-character name found in a few cases (the demo's names depend on its seed)."""

    def read(session: Session) -> str | None:
        return session.exec(
            select(Party.name)
            .join(CaseParty, col(CaseParty.party_id) == Party.id)
            .where(func.length(Party.name) == 2, Party.kind == "person")
            .group_by(Party.name)
            .having(func.count(func.distinct(CaseParty.case_id)).between(2, 9))
            .order_by(Party.name)
        ).first()

    name = with_session(runtime, read)
    assert isinstance(name, str)
    return name


def case_ids_with_initials(runtime: Runtime, initials: str) -> set[int]:
    def read(session: Session) -> set[int]:
        rows = session.exec(
            select(CaseParty.case_id, Party.name)
            .join(Party, col(Party.id) == CaseParty.party_id)
            .where(Party.kind == "person")
        )
        return {case_id for case_id, name in rows if initials in name_initials(name)}

    return with_session(runtime, read)  # type: ignore[return-value]


def case_by_number(runtime: Runtime, number: str) -> Case:
    case = with_session(runtime, lambda s: s.exec(select(Case).where(Case.case_number == number)).one())
    assert isinstance(case, Case)
    return case


def case_count(runtime: Runtime) -> int:
    return with_session(runtime, lambda s: s.exec(select(func.count()).select_from(Case)).one())  # type: ignore[return-value]


def newest_case(runtime: Runtime) -> Case:
    case = with_session(runtime, lambda s: s.exec(select(Case).order_by(col(Case.id).desc())).first())
    assert isinstance(case, Case)
    return case


def party_names(runtime: Runtime, case_id: int, role: PartyRole) -> list[str]:
    def read(session: Session) -> list[str]:
        rows = session.exec(
            select(Party.name)
            .join(CaseParty, col(CaseParty.party_id) == Party.id)
            .where(CaseParty.case_id == case_id, CaseParty.role == role.value)
            .order_by(col(CaseParty.position))
        )
        return list(rows)

    return with_session(runtime, read)  # type: ignore[return-value]


def a_resumable_original(runtime: Runtime) -> Case:
    """The demo court's first case closed by 终本: the original a resumption is filed against."""

    def read(session: Session) -> Case | None:
        return session.exec(
            select(Case)
            .where(Case.closure == "procedure_terminated", col(Case.case_number).is_not(None))
            .order_by(col(Case.id))
        ).first()

    case = with_session(runtime, read)
    assert isinstance(case, Case)
    return case


def sequence_query(number: str) -> str:
    """The short form a clerk types: （2026）内2221执1号 → 执1."""
    match = re.search(r"(执[恢异保]?\d+)号", number)
    assert match is not None
    return match[1]


# -- finding ------------------------------------------------------------------------------------------------


def test_a_case_number_fragment_finds_exactly_that_case(demo_runtime: Runtime) -> None:
    original = a_resumable_original(demo_runtime)
    assert original.case_number is not None

    async def scenario(pilot: Pilot) -> None:
        await open_search(pilot)
        screen = await search_for(pilot, sequence_query(original.case_number or ""))
        assert shown_ids(screen) == [original.id]
        assert shown_numbers(screen) == [original.case_number]
        assert status(pilot) == "共找到 1 件"

    drive(demo_runtime, scenario)


def test_a_two_character_name_finds_every_case_of_that_name(demo_runtime: Runtime) -> None:
    name = a_two_character_name(demo_runtime)
    expected = case_ids_with_party_name(demo_runtime, name)
    assert 1 < len(expected) < 10

    async def scenario(pilot: Pilot) -> None:
        await open_search(pilot)
        screen = await search_for(pilot, name)
        assert set(shown_ids(screen)) == expected
        assert status(pilot) == f"共找到 {len(expected)} 件"
        detail = str(screen.query_one("#cs-detail", Static).render())
        assert name in detail
        assert re.search(r"\d{6}\*{8}\d{3}[\dX]", detail), detail  # a filing clerk sees masked ID numbers

    drive(demo_runtime, scenario)


def test_each_key_asks_at_once_and_a_late_answer_never_covers_a_newer_one(
    demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No pause between the last key and the query; the last rows stay until the newer query's page replaces them;
    the answer to an older query that arrives after a newer one is dropped."""
    import threading

    from zhihui_tui.services import search

    name = a_two_character_name(demo_runtime)
    expected = case_ids_with_party_name(demo_runtime, name)
    real_search = search.search_cases
    release = threading.Event()
    asked: list[str] = []

    def held_search(query: str, **kwargs: object) -> object:
        asked.append(query)
        if query != name:
            release.wait(10)  # the newer query is held until the test lets it answer
        return real_search(query, **kwargs)  # type: ignore[arg-type]

    async def scenario(pilot: Pilot) -> None:
        await open_search(pilot)
        screen = await search_for(pilot, name)
        assert set(shown_ids(screen)) == expected
        stale = screen.generation
        monkeypatch.setattr(search, "search_cases", held_search)
        await pilot.press("x")
        for _ in range(200):  # not settle(): it would wait for the held worker
            if asked[-1:] == [f"{name}x"]:
                break
            await pilot.pause(0.01)
        assert asked[-1:] == [f"{name}x"]  # asked without waiting for a pause in the typing
        assert set(shown_ids(screen)) == expected  # the last answer's rows stay meanwhile
        assert status(pilot) == "正在查询…"
        other = a_resumable_original(demo_runtime)
        ctx = shell_of(screen).service_context()
        stale_page = real_search(sequence_query(other.case_number or ""), ctx=ctx, limit=20)
        assert stale_page.hits
        handled: list[bool] = []
        screen.post_message(PageLoaded(stale, stale_page, first=True))  # an older query's late answer
        screen.call_later(handled.append, True)  # runs after the message above has been handled
        while not handled:
            await pilot.pause(0.01)
        assert set(shown_ids(screen)) == expected
        release.set()
        await settle(pilot, lambda: not screen.fetching)
        assert shown_ids(screen) == []
        assert status(pilot).startswith("无结果")

    drive(demo_runtime, scenario)


def test_pinyin_initials_find_the_people_whose_names_they_spell(demo_runtime: Runtime) -> None:
    name = a_two_character_name(demo_runtime)
    initials = sorted(name_initials(name))[0]
    expected = case_ids_with_initials(demo_runtime, initials)
    assert len(expected) > 1  # at least the cases of that person (initials of a whole name: 张三 → zs)

    async def scenario(pilot: Pilot) -> None:
        await open_search(pilot)
        screen = await search_for(pilot, initials)
        assert set(shown_ids(screen)) == expected
        await pilot.press("backspace", "backspace")
        await settle(pilot, lambda: not screen.fetching)
        assert shown_ids(screen) == []  # an empty box asks nothing and shows nothing
        assert "输入后自动查找" in status(pilot)

    drive(demo_runtime, scenario)


def test_bad_queries_say_what_is_wrong_and_show_nothing(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await open_search(pilot)
        screen = await search_for(pilot, "张")
        assert status(pilot) == "按名称查找请至少输入两个字"
        assert shown_ids(screen) == []
        await pilot.press("backspace")
        screen = await search_for(pilot, "1234567")
        assert "无法识别的数字" in status(pilot)
        assert shown_ids(screen) == []
        await pilot.press("ctrl+u")
        screen = await search_for(pilot, "qqqqqq")
        assert status(pilot) == "无结果：没有与“qqqqqq”相符的案件"

    drive(demo_runtime, scenario)


def test_results_are_paged_in_as_the_cursor_reaches_the_last_row(demo_runtime: Runtime) -> None:
    total = len(case_ids_with_party_name(demo_runtime, "公司"))

    async def scenario(pilot: Pilot) -> None:
        await open_search(pilot)
        screen = await search_for(pilot, "公司")
        first = len(shown_ids(screen))
        assert first == visible_rows(screen) + PAGE_BUFFER < total  # what the table shows, plus a small buffer
        assert "还有更多" in status(pilot)

        await pilot.press("down")  # from the box into the results
        assert pilot.app.focused is screen.query_one("#cs-results")
        for _ in range(first - 2):
            await pilot.press("down")
        await settle(pilot)
        assert len(shown_ids(screen)) == first  # one row before the last: nothing more read
        await pilot.press("down")  # onto the last loaded row
        await settle(pilot, lambda: len(shown_ids(screen)) > first)
        ids = shown_ids(screen)
        assert len(ids) == 2 * first and len(set(ids)) == len(ids)
        assert set(ids) <= case_ids_with_party_name(demo_runtime, "公司")

        await pilot.press("end")  # to the end, page after page, until every match is shown
        for _ in range(total):
            if screen.next_cursor is None:
                break
            await pilot.press("end")
            await settle(pilot)
        assert set(shown_ids(screen)) == case_ids_with_party_name(demo_runtime, "公司")
        assert status(pilot) == f"共找到 {total} 件"

    drive(demo_runtime, scenario)


# -- choosing -----------------------------------------------------------------------------------------------


def test_enter_on_a_case_opens_its_page_and_h_its_history_for_the_director(demo_runtime: Runtime) -> None:
    original = a_resumable_original(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_search(pilot, login=DIRECTOR)
        await search_for(pilot, sequence_query(original.case_number or ""))
        await pilot.press("enter")  # into the results
        await pilot.press("enter")  # choose the case
        await settle(pilot, lambda: isinstance(pilot.app.screen, CasePageScreen))
        page = pilot.app.screen
        assert isinstance(page, CasePageScreen)
        assert (page.page.case_id, page.page.case_number) == (original.id, original.case_number)
        assert page.query_one("#parties-table", DataTable).row_count >= 2
        await pilot.press("2")  # the deadlines tab
        await settle(pilot)
        assert page.query_one(TabbedContent).active == "deadlines"
        await pilot.press("h")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaseHistoryScreen))
        history = pilot.app.screen
        assert isinstance(history, CaseHistoryScreen)
        assert history.history.case_id == original.id
        assert history.history.stage is Stage(original.stage)
        assert history.query_one("#history-table", DataTable).row_count > 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)

    drive(demo_runtime, scenario)


def test_a_clerk_reads_the_page_but_is_told_she_may_not_see_the_history(demo_runtime: Runtime) -> None:
    original = a_resumable_original(demo_runtime)
    notes: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        pilot.app.notify = lambda message, **_: notes.append(message)  # type: ignore[method-assign]
        await open_search(pilot)
        await search_for(pilot, sequence_query(original.case_number or ""))
        await pilot.press("enter", "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CasePageScreen))
        page = pilot.app.screen
        assert isinstance(page, CasePageScreen)
        assert any("*" in p.id_number for p in page.page.parties)  # 立案审查 sees a person's number masked
        await pilot.press("h")
        await settle(pilot, lambda: bool(notes))
        assert isinstance(pilot.app.screen, HomeScreen)

    drive(demo_runtime, scenario)
    assert notes == ["只能查看本人承办案件的全程记录"]


def test_a_director_sees_whole_id_numbers(demo_runtime: Runtime) -> None:
    """The director's post works with full numbers (services.search.REVEAL_ID_ROLES); a filing clerk's does not."""
    name = a_two_character_name(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        screen = await open_search(pilot, login=DIRECTOR)
        await search_for(pilot, name)
        hit = screen.current()
        assert hit is not None
        people = [p for p in (*hit.applicants, *hit.respondents) if p.name == name]
        assert people and all(p.id_number and "*" not in p.id_number for p in people)
        detail = str(screen.query_one("#cs-detail", Static).render())
        stored = with_session(
            demo_runtime,
            lambda s: s.exec(
                select(Party.id_number)
                .join(CaseParty, col(CaseParty.party_id) == Party.id)
                .where(CaseParty.case_id == hit.case_id, Party.name == name)
            ).first(),
        )
        assert isinstance(stored, str) and stored in detail

    drive(demo_runtime, scenario)


def test_up_from_the_first_row_goes_back_to_the_box_and_escape_returns(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_search(pilot)
        await search_for(pilot, "公司")
        await pilot.press("down", "down", "up")
        assert pilot.app.focused is screen.query_one("#cs-results")
        await pilot.press("up")  # on the first row: back to the box to change the query
        assert pilot.app.focused is screen.query_one("#cs-query")
        await pilot.press("down", "escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)

    drive(demo_runtime, scenario)


def test_ctrl_f_is_listed_in_help_and_found_in_the_command_palette(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login=CLERK, password=DEMO_PASSWORD)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        assert dict(pilot.app.screen.rows)["Ctrl+F"] == "查找案件"
        await pilot.press("escape", "ctrl+p")
        await settle(pilot)
        await type_text(pilot, "查找案件")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaseSearchScreen))
        await search_for(pilot, a_two_character_name(demo_runtime))
        assert shown_ids(search_screen(pilot))

    drive(demo_runtime, scenario)


# -- F3: the original of a resumption -----------------------------------------------------------------------


async def original_field(pilot: Pilot) -> FilingScreen:
    """F3 as the filing clerk, focus in 原案号 (the form's last input: Shift+Tab from the queue)."""
    await sign_in(pilot, login=CLERK, password=DEMO_PASSWORD)
    await pilot.press("f3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, FilingScreen)
    for _ in range(80):
        if pilot.app.focused is not None and pilot.app.focused.id == "original":
            return screen
        await tui_keys.press(pilot, "shift+tab")
    raise AssertionError("Shift+Tab never reached #original")


def test_ctrl_f_in_original_case_number_prefills_a_resumption(demo_runtime: Runtime) -> None:
    original = a_resumable_original(demo_runtime)
    assert original.id is not None and original.case_number is not None
    applicants = party_names(demo_runtime, original.id, PartyRole.APPLICANT)
    respondents = party_names(demo_runtime, original.id, PartyRole.RESPONDENT)
    basis = with_session(
        demo_runtime, lambda s: s.exec(select(EnforcementBasis).where(EnforcementBasis.case_id == original.id)).one()
    )
    assert isinstance(basis, EnforcementBasis)
    before = case_count(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        filing = await original_field(pilot)
        assert filing.form.category is FilingCategory.APPLICATION
        await pilot.press("ctrl+f")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaseSearchScreen))
        assert "选择原案" in str(pilot.app.screen.query_one("#cs-title", Static).render())
        await search_for(pilot, sequence_query(original.case_number or ""))
        await pilot.press("enter", "enter")
        await settle(pilot, lambda: pilot.app.screen is filing and filing.form.category is FilingCategory.RESUMPTION)

        def value(widget_id: str) -> str:
            return filing.query_one(f"#{widget_id}", Input).value

        assert value("original") == original.case_number
        assert filing.query_one("#f-category", Select).value is FilingCategory.RESUMPTION
        assert [value(f"a{n}-name") for n in range(1, filing.form.applicants + 1)] == applicants
        assert [value(f"r{n}-name") for n in range(1, filing.form.respondents + 1)] == respondents
        assert (value("b-number"), value("amount")) == (
            basis.document_number,
            fen_to_yuan_str(original.target_amount_fen),
        )
        assert pilot.app.focused is filing.query_one("#original")
        assert "已按原案" in str(filing.query_one("#fil-status", Static).render())

        await pilot.press("ctrl+s")  # saved as received materials, linked to its original
        await settle(pilot)
        assert "已接收材料" in str(filing.query_one("#fil-status", Static).render())

    drive(demo_runtime, scenario)
    saved = newest_case(demo_runtime)
    assert case_count(demo_runtime) == before + 1
    assert (saved.filing_category, saved.original_case_id) == (FilingCategory.RESUMPTION.value, original.id)
    assert saved.target_amount_fen == original.target_amount_fen


def test_a_typed_original_that_cannot_be_resumed_is_named_at_the_field(demo_runtime: Runtime) -> None:
    open_case = with_session(
        demo_runtime,
        lambda s: s.exec(select(Case).where(Case.stage == Stage.ASSIGNED.value).order_by(col(Case.id))).first(),
    )
    assert isinstance(open_case, Case) and open_case.case_number is not None
    before = case_count(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        filing = await original_field(pilot)

        def field_message() -> str:
            return str(filing.query_one("#err-original", Static).render())

        await tui_keys.type_text(pilot, "执abc")
        await tui_keys.press(pilot, "enter")
        await settle(pilot, lambda: bool(field_message()))
        assert "不是有效的案号" in field_message()

        await tui_keys.press(pilot, "ctrl+u")
        await tui_keys.type_text(pilot, "(2026)内2221执9999号")  # half-width brackets, as typed on a plain keyboard
        await tui_keys.press(pilot, "enter")
        await settle(pilot, lambda: "本院没有" in field_message())
        assert field_message() == "本院没有案号为（2026）内2221执9999号的案件"

        await tui_keys.press(pilot, "ctrl+u")
        await tui_keys.type_text(pilot, (open_case.case_number or "").replace("（", "(").replace("）", ")"))
        await tui_keys.press(pilot, "enter")
        await settle(pilot, lambda: "尚未结案" in field_message())
        assert filing.form.category is FilingCategory.APPLICATION  # nothing prefilled
        assert filing.query_one("#a1-name", Input).value == ""
        assert "尚未结案（承办中），不能恢复执行" in str(filing.query_one("#fil-status", Static).render())

    drive(demo_runtime, scenario)
    assert case_count(demo_runtime) == before


# -- snapshots ----------------------------------------------------------------------------------------------


async def search_shown(pilot: Pilot) -> None:
    await open_search(pilot)
    await search_for(pilot, "公司")
    await steady_cursors(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_case_search_snapshot(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=search_shown)
