"""F4 网络查控 driven with real keys: the queue, adding a finding row, submitting; today's view; snapshots."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import select
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Static
from tui_court import COURT, FIXED_NOW, drive, settle, sign_in, steady_cursors, type_text

from tests.conftest import make_staff
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import AssetFinding, Case
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.inquiry import EMPTY_TODAY, FeedbackScreen, FindingForm, InquiryScreen
from zhihui_tui.tui.widgets.keybar import KeyBar

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
INQUIRY_CLERK, DIRECTOR, CHIEF = "chakong", "zhuren", "juzhang"
SnapCompare = Callable[..., bool]


def _case(
    stage: Stage, filed: datetime, respondents: tuple[tuple[str, bool], ...], target_fen: int, **extra
) -> NewCase:  # type: ignore[no-untyped-def]
    return NewCase(
        category=FilingCategory.APPLICATION,
        received_at=datetime(2026, 11, 16, 9),
        filed_at=filed,
        stage=stage,
        applicants=(NewParty(PartyKind.ORGANISATION, "兴安盟农村信用合作联社", None),),
        respondents=tuple(NewParty(PartyKind.PERSON, n, None, whereabouts_unknown=u) for n, u in respondents),
        target_amount_fen=target_fen,
        **extra,
    )


def build_post_court(url: str) -> None:
    """Staff of the inquiry post, the director, the chief and handlers; cases at the post and awaiting triage."""
    clock = FixedClock(FIXED_NOW)
    engine = make_engine(url)
    upgrade(engine)
    clerk = make_staff(engine, clock, INQUIRY_CLERK, Role.NETWORK_INQUIRY, name="周晓梅")
    make_staff(engine, clock, DIRECTOR, Role.DIRECTOR, name="高振华")
    make_staff(engine, clock, CHIEF, Role.BUREAU_CHIEF, name="包文斌")
    for login, name, team in (
        ("kuai1", "王建国", Team.FAST),
        ("kuai2", "李春梅", Team.FAST),
        ("jing1", "赵刚", Team.INTENSIVE),
    ):
        make_staff(engine, clock, login, Role.HANDLER, name=name, team=team, title=Title.JUDGE)
    calendar = load_calendar(None)
    cases = [
        _case(Stage.SERVED, datetime(2026, 11, 25, 9), (("王建军", False),), 8_500_000),  # due today
        _case(Stage.SERVED, datetime(2026, 11, 23, 9), (("刘桂芝", False), ("刘海", False)), 35_000_000),  # overdue
        _case(Stage.SERVED, datetime(2026, 11, 27, 8), (("孙丽", False),), 1_200_000),  # due next week
        _case(Stage.INQUIRED, datetime(2026, 11, 24, 9), (("张海军", False),), 12_345_678),  # 快执
        _case(Stage.INQUIRED, datetime(2026, 11, 24, 9), (("陈志强", True),), 5_000_000),  # 精执: whereabouts
        _case(Stage.INQUIRED, datetime(2026, 11, 25, 9), (("周立波", False),), 80_000_000),  # 精执: over 20 万
        _case(Stage.INQUIRED, datetime(2026, 11, 25, 9), (("吴某某", False),), 3_000_000, disputed=True),  # 局长
        _case(Stage.ESCALATED, datetime(2026, 11, 20, 9), (("郑大勇", False),), 90_000_000, disputed=True),
        _case(Stage.TRIAGED, datetime(2026, 11, 20, 9), (("冯小刚", False),), 6_000_000, team=Team.FAST),
    ]
    with unit_of_work(engine, actor=clerk, action="登记案件", clock=clock) as session:
        for new in cases:
            register_case(session, new, actor=clerk, calendar=calendar, court_code=COURT.court_code)
    engine.dispose()


@pytest.fixture(scope="session")
def post_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("posts") / "posts.db"
    build_post_court(f"sqlite:///{path}")
    return path


@pytest.fixture
def post_runtime(post_template: Path, tmp_path: Path) -> Runtime:
    import shutil

    copy = tmp_path / "posts.db"
    shutil.copyfile(post_template, copy)
    return Runtime(database_url=f"sqlite:///{copy}", clock=FixedClock(FIXED_NOW), court=COURT, data_dir=tmp_path)


def rows(app: ZhihuiApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def open_post(login: str, key: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await sign_in(pilot, login=login)
        await pilot.press(key)
        await settle(pilot)
        await steady_cursors(pilot)

    return run_before


def test_queue_shows_served_cases_overdue_first(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(INQUIRY_CLERK, "f4")(pilot)
        assert isinstance(app.screen, InquiryScreen)
        queue = rows(app, "#inquiry-queue")
        assert [r[0] for r in queue] == ["已超期", "今日到期", "未到期"]
        assert queue[0][2] == "刘桂芝、刘海" and queue[0][5] == "未启动"

    drive(app, scenario)


def test_add_a_finding_row_and_submit(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(INQUIRY_CLERK, "f4")(pilot)
        await pilot.press("down", "enter")  # 王建军, due today
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FindingForm)
        await type_text(pilot, "农业银行")
        await pilot.press("tab")
        await type_text(pilot, "-5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FindingForm)  # refused at the field, nothing saved
        assert "不能为负数" in str(app.screen.query_one("#finding-error", Static).render())
        await pilot.press("backspace", "backspace")  # the cursor is back in the amount field
        await type_text(pilot, "90000")
        await pilot.press("tab", "tab", "space")  # quantity, then tick 冻结
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert rows(app, "#findings") == [["王建军", "存款", "农业银行", "90,000.00", "", "是", ""]]
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, InquiryScreen)
        assert len(rows(app, "#inquiry-queue")) == 2

    drive(app, scenario)
    engine = make_engine(post_runtime.database_url)
    with read_session(engine) as session:
        (finding,) = session.exec(select(AssetFinding)).all()
        stage = session.get(Case, finding.case_id).stage  # type: ignore[union-attr]
    engine.dispose()
    assert (finding.amount_fen, finding.frozen, stage) == (9_000_000, True, Stage.INQUIRED.value)


def test_triage_facts_are_ticked_on_the_table(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(INQUIRY_CLERK, "f4")(pilot)
        await pilot.press("enter", "f")
        await settle(pilot)
        await pilot.press("space", "tab", "space", "ctrl+s")  # 重大疑难复杂, 需强制措施
        await settle(pilot)
        summary = str(app.screen.query_one("#feedback-summary", Static).render())
        assert summary.endswith("重大疑难复杂、需强制措施")

    drive(app, scenario, size=(120, 36))


def test_flags_saved_meanwhile_by_the_director_are_not_overwritten(post_runtime: Runtime) -> None:
    """The director ticks 重大 while the clerk has the table open: the clerk's save is refused with who saved,
    the table reloads with the director's flag, and a save from there goes through."""
    from zhihui_tui.services.accounts import actor_for
    from zhihui_tui.services.inquiry import set_triage_flags

    app = ZhihuiApp(post_runtime)
    engine = make_engine(post_runtime.database_url)

    async def scenario(pilot: Pilot) -> None:
        await open_post(INQUIRY_CLERK, "f4")(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        case_id = app.screen.case_id
        director = actor_for(engine, DIRECTOR)
        set_triage_flags(case_id, {"major"}, expected_version=None, ctx=post_runtime.context(director))
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab", "space", "ctrl+s")  # the clerk's copy: 需强制措施 only
        await settle(pilot)
        status = str(app.screen.query_one("#feedback-status", Static).render())
        assert "已被 zhuren 于" in status and "请刷新后重新标注" in status
        summary = str(app.screen.query_one("#feedback-summary", Static).render())
        assert summary.endswith("重大疑难复杂")  # reloaded: the director's flag, nothing overwritten
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab", "space", "ctrl+s")
        await settle(pilot)
        summary = str(app.screen.query_one("#feedback-summary", Static).render())
        assert summary.endswith("重大疑难复杂、需强制措施")

    drive(app, scenario, size=(120, 36))
    engine.dispose()


def test_today_view_empties_when_the_work_is_done(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(INQUIRY_CLERK, "f4")(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert len(rows(app, "#inquiry-queue")) == 2  # overdue + due today; next week's case is not today's work
        for _ in range(2):
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
        assert str(app.screen.query_one("#inquiry-empty", Static).render()) == EMPTY_TODAY

    drive(app, scenario)


FORM_FIELDS = ("#f-party", "#f-type", "#f-institution", "#f-amount", "#f-quantity", "#f-frozen", "#f-note")
FORM_LABELS = ("被执行人", "财产类型", "机构", "金额（元）", "数量", "冻结", "备注")


def findings(runtime: Runtime) -> list[AssetFinding]:
    engine = make_engine(runtime.database_url)
    with read_session(engine) as session:
        found = list(session.exec(select(AssetFinding)).all())
    engine.dispose()
    return found


def assert_form_on_screen(app: ZhihuiApp) -> None:
    """Every field, its label (on one line), the error line and the key hints lie inside the terminal."""
    form = app.screen
    assert isinstance(form, FindingForm)
    screen = Region(0, 0, *app.size)
    shown: list[Widget] = [form.query_one(selector) for selector in FORM_FIELDS]
    shown += [form.query_one("#finding-error"), form.query_one(".entry-keys")]
    for widget in shown:
        assert widget.region.height >= 1 and screen.contains_region(widget.region), (widget, widget.region)
    for label, text in zip(form.query(Label), FORM_LABELS, strict=True):
        assert str(label.render()) == text and label.region.height == 1 and screen.contains_region(label.region)
    assert "Ctrl+S 保存  Esc 取消" in str(form.query_one(".entry-keys", Static).render())


def test_finding_dialog_fits_80x24_and_checks_the_amount(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(INQUIRY_CLERK, "f4")(pilot)
        await pilot.press("down", "enter")  # 王建军, due today
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert_form_on_screen(app)
        await type_text(pilot, "农业银行")
        await pilot.press("tab")
        await type_text(pilot, "12.345")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, FindingForm)  # refused at the field, nothing saved
        assert str(app.screen.query_one("#finding-error", Static).render()) == "金额：最多两位小数"
        assert app.screen.focused is app.screen.query_one("#f-amount", Input)
        assert_form_on_screen(app)
        assert findings(post_runtime) == []
        await pilot.press("backspace", "ctrl+s")  # 12.34
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        assert rows(app, "#findings") == [["王建军", "存款", "农业银行", "12.34", "", "否", ""]]
        await pilot.press("e")  # the edit dialog is the same form, filled in
        await settle(pilot)
        assert_form_on_screen(app)
        assert str(app.screen.query_one(".entry-title", Static).render()) == "修改查控结果"
        assert app.screen.query_one("#f-amount", Input).value == "12.34"
        await pilot.press("tab", "tab", "tab", "space", "tab")  # amount, quantity, tick 冻结, note
        await type_text(pilot, "已冻结")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(app, "#findings") == [["王建军", "存款", "农业银行", "12.34", "", "是", "已冻结"]]

    drive(app, scenario)
    (finding,) = findings(post_runtime)
    assert (finding.institution, finding.amount_fen, finding.frozen, finding.note) == ("农业银行", 1234, True, "已冻结")


def test_finding_dialog_scrolls_to_the_focused_field_on_a_short_terminal(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(INQUIRY_CLERK, "f4")(pilot)
        await pilot.press("enter", "a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FindingForm)
        assert form.query_one("#finding-form").max_scroll_y > 0  # 7 fields, room for 5: they must scroll
        screen = Region(0, 0, *app.size)
        docked = [form.query_one(selector) for selector in (".entry-title", "#finding-error", ".entry-keys")]
        for selector in FORM_FIELDS[2:] + FORM_FIELDS[:2]:  # from 机构 round to 财产类型, one Tab at a time
            focused = form.focused
            assert focused is form.query_one(selector)
            assert screen.contains_region(focused.region), (focused, focused.region)
            for widget in docked:  # the title, the error line and the hints stay put, the fields scroll under them
                assert screen.contains_region(widget.region) and not widget.region.overlaps(focused.region)
            await pilot.press("tab")
            await settle(pilot)
        assert form.query_one("#finding-form").scroll_y == 0  # back at the top

    drive(app, scenario, size=(80, 12))


def test_director_cannot_open_the_finding_form(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)
    notes: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f4")(pilot)
        app.notify = lambda message, **_: notes.append(message)  # type: ignore[method-assign]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        hints = [binding.description for binding, _ in app.screen.query_one(KeyBar).shown_hints()]
        assert "添加" not in hints and "提交分流" not in hints and "分流事实" in hints
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)  # refused at the key, no form to fill in first
        assert notes == ["高振华（zhuren）无权录入查控结果：需要网络查控组的权限"]
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen) and len(notes) == 2 and "无权提交" in notes[1]
        summary = str(app.screen.query_one("#feedback-summary", Static).render())
        assert "只读" in summary

    drive(app, scenario)
    assert findings(post_runtime) == []


@pytest.mark.parametrize("size", SIZES)
def test_inquiry_queue_snapshot(snap_compare: SnapCompare, post_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(post_runtime), terminal_size=size, run_before=open_post(INQUIRY_CLERK, "f4"))


@pytest.mark.parametrize("size", SIZES)
def test_feedback_table_snapshot(snap_compare: SnapCompare, post_runtime: Runtime, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_post(INQUIRY_CLERK, "f4")(pilot)
        await pilot.press("enter", "a")
        await settle(pilot)
        await type_text(pilot, "农业银行")
        await pilot.press("tab")
        await type_text(pilot, "1234.5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(post_runtime), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_finding_dialog_snapshot(snap_compare: SnapCompare, post_runtime: Runtime, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_post(INQUIRY_CLERK, "f4")(pilot)
        await pilot.press("enter", "a")
        await settle(pilot)
        await type_text(pilot, "农业银行")
        await pilot.press("tab")
        await type_text(pilot, "12.345")
        await pilot.press("ctrl+s")  # refused: the error line shows above the key hints
        await settle(pilot)
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(post_runtime), terminal_size=size, run_before=run_before)
