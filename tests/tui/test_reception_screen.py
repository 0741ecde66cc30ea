"""F2 接待台账 driven with real keys on the demo court: the common visit in a few keys, bad input kept and refused,
the 16:45 banner and the late-entry reason after 17:00, booking a handler meeting; snapshots at 80×24 and 120×36."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import pytest
from sqlmodel import col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from tui_court import drive, settle, sign_in, steady_cursors, type_text

from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import Appointment, Case, CaseParty, Party, Staff, Visit
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.reception import VisitPurpose
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.reception import BookingScreen, ReceptionScreen

DEMO_CLERK = "lian1"  # 陈淑芬, 立案审查组: F2 is her post
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
Scenario = Callable[[Pilot], Awaitable[None]]
SnapCompare = Callable[..., bool]


def demo_party(runtime: Runtime) -> tuple[str, set[int]]:
    """A person of the demo court with an 18-digit resident ID (no X: typed digit by digit) whose cases all have
    a handler (so a meeting can be booked), and those cases."""
    engine = make_engine(runtime.database_url)
    try:
        with read_session(engine) as session:
            rows = session.exec(
                select(Party.id_number, CaseParty.case_id, Case.handler_id)
                .join(CaseParty, col(CaseParty.party_id) == Party.id)
                .join(Case, col(Case.id) == CaseParty.case_id)
                .where(col(Party.id_number).is_not(None))
                .order_by(Party.id)
            ).all()
    finally:
        engine.dispose()
    cases: dict[str, set[int]] = {}
    unassigned: set[str] = set()
    for number, case_id, handler_id in rows:
        cases.setdefault(number, set()).add(case_id)
        if handler_id is None:
            unassigned.add(number)
    number = next(n for n in cases if len(n) == 18 and n.isdigit() and n[:2] == "15" and n not in unassigned)
    return number, cases[number]


def visits(runtime: Runtime) -> list[Visit]:
    engine = make_engine(runtime.database_url)
    try:
        with read_session(engine) as session:
            return list(session.exec(select(Visit)).all())
    finally:
        engine.dispose()


def text_of(app: ZhihuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_reception(pilot: Pilot) -> ReceptionScreen:
    await sign_in(pilot, login=DEMO_CLERK, password=DEMO_PASSWORD)
    await pilot.press("f2")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ReceptionScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ReceptionScreen)
    return screen


async def type_id_and_pick(pilot: Pilot, screen: ReceptionScreen, number: str) -> None:
    await type_text(pilot, number)
    await settle(pilot, lambda: bool(screen.cases))
    await pilot.press("enter", "enter")  # to the case list; pick the first (newest) case
    await pilot.pause()


def test_a_party_asking_about_their_case_is_registered_in_a_few_keys(demo_runtime: Runtime) -> None:
    number, case_ids = demo_party(demo_runtime)
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        assert text_of(app, "#rc-banner") == "接待中（17:00 截止）"
        await type_id_and_pick(pilot, screen, number)
        assert screen.picked is not None and screen.picked.case_id in case_ids
        assert {case.case_id for case in screen.cases} == case_ids  # only the cases they are a party of
        assert "办公电话" in text_of(app, "#rc-contact")
        assert app.focused is app.screen.query_one("#rc-outcome", Input)
        await type_text(pilot, "告知执行进展")
        await pilot.press("enter")
        await settle(pilot, lambda: screen.last_visit is not None)
        assert text_of(app, "#rc-message").startswith("已登记")
        assert app.screen.query_one("#rc-ledger", DataTable).row_count == 1
        assert "案件查询 1" in text_of(app, "#rc-counts") and "信访 0" in text_of(app, "#rc-counts")
        assert app.screen.query_one("#rc-id", Input).value == ""  # ready for the next visitor

    drive(app, scenario)
    [visit] = visits(demo_runtime)
    assert visit.case_id in case_ids
    assert visit.purpose == VisitPurpose.CASE_QUERY.value
    assert visit.visitor_id_number == number
    assert visit.outcome == "告知执行进展"
    assert visit.visited_at == demo_runtime.clock.now()


def test_the_handler_mobile_is_never_shown(demo_runtime: Runtime) -> None:
    number, _ = demo_party(demo_runtime)
    app = ZhihuiApp(demo_runtime)
    engine = make_engine(demo_runtime.database_url)
    with read_session(engine) as session:
        mobiles = [m for m in session.exec(select(Staff.mobile)).all() if m]
    engine.dispose()

    async def scenario(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        await type_id_and_pick(pilot, screen, number)
        shown = app.export_screenshot()
        assert not any(mobile in shown for mobile in mobiles)

    drive(app, scenario, size=(120, 36))


def test_an_invalid_id_shows_the_chinese_message_and_saves_nothing(demo_runtime: Runtime) -> None:
    number, _ = demo_party(demo_runtime)
    wrong = number[:17] + str((int(number[17]) + 1) % 10)  # a wrong check digit
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        await type_text(pilot, wrong[:10])
        assert text_of(app, "#rc-id-note") == "已输入 10 位"  # still typing: a count, not an error
        await type_text(pilot, wrong[10:])
        await settle(pilot)
        assert text_of(app, "#err-id").startswith("不是有效的居民身份证号：校验位错误")
        assert not screen.cases
        await pilot.press("enter")  # no cases: on to the outcome
        await type_text(pilot, "咨询")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#err-id").startswith("不是有效的居民身份证号：校验位错误")
        assert text_of(app, "#rc-message") == "未保存：证件号码有误"
        assert screen.query_one("#rc-id", Input).value == wrong
        assert screen.query_one("#rc-outcome", Input).value == "咨询"

    drive(app, scenario)
    assert visits(demo_runtime) == []


@pytest.mark.parametrize(
    ("selector", "value", "error_line", "expected"),
    [
        pytest.param("#rc-name", "张" * 500, "#err-name", "不能超过", id="500-char-name"),
        pytest.param("#rc-name", "张三\n李四", "#err-name", "", id="pasted-newline"),
        pytest.param("#rc-outcome", "结果\x07", "#err-outcome", "", id="control-char"),
        pytest.param("#rc-time", "2026-02-30 10:00", "#err-time", "", id="impossible-date"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_the_form_kept(
    demo_runtime: Runtime, selector: str, value: str, error_line: str, expected: str
) -> None:
    number, _ = demo_party(demo_runtime)
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        await type_id_and_pick(pilot, screen, number)
        await type_text(pilot, "告知进展")
        field = screen.query_one(selector, Input)
        field.value = value  # as pasted
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = text_of(app, error_line)
        assert message and expected in message
        assert field.value == value
        assert screen.picked is not None
        assert text_of(app, "#rc-message").startswith("未保存")
        field.value = "x"  # typed in again: the refusal no longer describes it (issue 11)
        await settle(pilot)
        assert text_of(app, error_line) == "" and text_of(app, "#rc-message") == ""

    drive(app, scenario)
    assert visits(demo_runtime) == []


def test_every_bad_field_is_marked_at_once(demo_runtime: Runtime) -> None:
    """Issue 11: a save with two bad fields marks both and names both; nothing is written."""
    number, _ = demo_party(demo_runtime)
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        await type_id_and_pick(pilot, screen, number)
        screen.query_one("#rc-phone", Input).value = "12345"  # and no 处理结果 typed
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert text_of(app, "#err-phone") and text_of(app, "#err-outcome") == "不能为空"
        assert text_of(app, "#rc-message") == "未保存：电话、处理结果有误"

    drive(app, scenario)
    assert visits(demo_runtime) == []


def test_from_16_45_the_banner_warns(demo_runtime: Runtime) -> None:
    assert isinstance(demo_runtime.clock, FixedClock)
    demo_runtime.clock.at = datetime(2026, 11, 27, 16, 50)
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_reception(pilot)
        banner = app.screen.query_one("#rc-banner", Static)
        assert str(banner.render()) == "距接待截止（17:00）不足 15 分钟"
        assert banner.has_class("-warning")

    drive(app, scenario)


def test_after_17_00_a_late_entry_needs_a_reason(demo_runtime: Runtime) -> None:
    number, _ = demo_party(demo_runtime)
    clock = demo_runtime.clock
    assert isinstance(clock, FixedClock)
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        clock.at = datetime(2026, 11, 27, 17, 10)  # the clerk stayed on the screen past closing time
        await type_id_and_pick(pilot, screen, number)
        await type_text(pilot, "告知进展")
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#err-late").startswith("不能为空：已过 17:00")
        assert app.focused is screen.query_one("#rc-late", Input)
        assert "已过 17:00" in text_of(app, "#rc-banner")
        assert visits(demo_runtime) == []
        await type_text(pilot, "当事人16:55到达 排队超时")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: screen.last_visit is not None)

    drive(app, scenario)
    [visit] = visits(demo_runtime)
    assert visit.late_entry_reason == "当事人16:55到达 排队超时"
    assert visit.visited_at == datetime(2026, 11, 27, 17, 10)


def test_a_handler_meeting_is_booked_from_the_picked_case(demo_runtime: Runtime) -> None:
    number, _ = demo_party(demo_runtime)
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        await type_id_and_pick(pilot, screen, number)
        picked = screen.picked
        assert picked is not None
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, BookingScreen)
        await pilot.press("tab", "tab")  # kind 约见, channel 面谈 as offered; on to the time
        await type_text(pilot, "2026-11-30 10:00")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceptionScreen))

    drive(app, scenario)
    engine = make_engine(demo_runtime.database_url)
    with read_session(engine) as session:
        booked = session.exec(select(Appointment).where(Appointment.scheduled_at == datetime(2026, 11, 30, 10))).all()
    engine.dispose()
    assert len(booked) == 1
    assert booked[0].kind == "meeting" and booked[0].channel == "in_person"


def test_a_refused_booking_shows_at_its_field_and_the_dialog_stays(demo_runtime: Runtime) -> None:
    """A time already past is refused at 预约时间 in the dialog (through run_service), the form kept as typed;
    corrected, the same dialog books."""
    number, _ = demo_party(demo_runtime)
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        await type_id_and_pick(pilot, screen, number)
        await pilot.press("ctrl+o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, BookingScreen)
        await pilot.press("tab", "tab")
        await type_text(pilot, "2026-11-26 10:00")  # the day before the demo's today
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and not dialog.busy
        assert text_of(app, "#err-time").startswith("须晚于当前时间")
        assert dialog.query_one("#bk-time", Input).value == "2026-11-26 10:00"
        dialog.query_one("#bk-time", Input).value = "2026-11-30 14:00"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, ReceptionScreen))

    drive(app, scenario)
    engine = make_engine(demo_runtime.database_url)
    with read_session(engine) as session:
        booked = session.exec(select(Appointment).where(Appointment.scheduled_at == datetime(2026, 11, 30, 14))).all()
        past = session.exec(select(Appointment).where(Appointment.scheduled_at == datetime(2026, 11, 26, 10))).all()
    engine.dispose()
    assert len(booked) == 1 and past == []


def test_escape_goes_back_home(demo_runtime: Runtime) -> None:
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_reception(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReceptionScreen)

    drive(app, scenario)


# -- snapshots -----------------------------------------------------------------------------------------------------


async def reception_open(pilot: Pilot) -> None:
    await open_reception(pilot)
    await steady_cursors(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_reception_screen(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=reception_open)


@pytest.mark.parametrize("size", SIZES)
def test_reception_screen_with_a_visitor_case_picked(
    snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]
) -> None:
    number, _ = demo_party(demo_runtime)

    async def run_before(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        await type_id_and_pick(pilot, screen, number)
        await type_text(pilot, "告知执行进展")
        await settle(pilot)
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=run_before)
