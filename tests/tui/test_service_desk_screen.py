"""F10 集约送达 (issue 13) driven with real keys on the demo court and the fixed clock: a clerk takes a pack, the
director assigns one, generate → mark printed → mail → result 送达 serves a one-respondent case, a tracking number
with a wrong check digit is shown at its field and nothing is saved, a 退回 needs 下一步; snapshots of the three
views at 80×24 and 120×36."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from sqlmodel import Session, col, select
from textual.pilot import Pilot
from textual.widgets import Static
from tui_court import built_ahead, drive, settle, sign_in, steady_cursors, type_text

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.models import Case, CaseParty, Deadline, Party, ServiceAttempt
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.steps import Step
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.accounts import actor_for
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.services.service_desk import AttemptRow, ItemKey, ItemKind, PackRow, ServiceMatterRow, take_item
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.service_desk import AttemptForm, ClerkPicker, PackPreview, ResultForm, ServiceDeskScreen
from zhihui_tui.tui.screens.service_desk.common import View
from zhihui_tui.tui.screens.service_desk.dialogs import preview_text

CLERK, CLERK_NAME, DIRECTOR = "songda1", "王丽娟", "zhuren"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
DOCUMENT_ENV = {
    "ZHIHUI_FUNDS_ACCOUNT_NAME": "科尔沁右翼前旗人民法院",
    "ZHIHUI_FUNDS_BANK": "中国农业银行科尔沁右翼前旗支行",
    "ZHIHUI_FUNDS_ACCOUNT_NUMBER": "15-123456789012345",
    "ZHIHUI_COURT_ADDRESS": "内蒙古自治区兴安盟科尔沁右翼前旗大坝沟镇",
}
SnapCompare = Callable[..., bool]


@pytest.fixture
def documents_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in DOCUMENT_ENV.items():
        monkeypatch.setenv(name, value)


async def open_desk(pilot: Pilot, login: str = CLERK) -> ServiceDeskScreen:
    await sign_in(pilot, login=login, password=DEMO_PASSWORD)
    await pilot.press("f10")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ServiceDeskScreen) and pilot.app.screen.desk is not None)
    screen = pilot.app.screen
    assert isinstance(screen, ServiceDeskScreen)
    return screen


async def put_cursor(pilot: Pilot, screen: ServiceDeskScreen, key: str) -> None:
    """Move the cursor of the shown view to the row ``key`` with real arrow keys."""
    keys = list(screen.rows[screen.view])
    for _ in range(keys.index(key) - screen.table().cursor_row):
        await pilot.press("down")
    await settle(pilot)
    assert screen.row_key(screen.table()) == key


def packs(screen: ServiceDeskScreen) -> dict[str, PackRow]:
    return {k: r for k, r in screen.rows[View.PACKS].items() if isinstance(r, PackRow)}


def attempts(screen: ServiceDeskScreen) -> dict[str, AttemptRow]:
    return {k: r for k, r in screen.rows[View.ATTEMPTS].items() if isinstance(r, AttemptRow)}


def cell(screen: ServiceDeskScreen, key: str, column: str) -> str:
    return str(screen.table().get_cell(key, column))


def attempts_saved(runtime: Runtime) -> list[ServiceAttempt]:
    engine = make_engine(runtime.database_url)
    with Session(engine) as session:
        rows = list(session.exec(select(ServiceAttempt)).all())
    engine.dispose()
    return rows


def test_a_clerk_takes_an_unowned_pack(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_desk(pilot)
        assert screen.check_action("take", ()) and not screen.check_action("assign", ())
        key = next(k for k, r in packs(screen).items() if not r.owner)
        assert cell(screen, key, "负责人") == "未领取"
        await put_cursor(pilot, screen, key)
        await pilot.press("t")
        await settle(pilot, lambda: packs(screen)[key].owner == CLERK_NAME)
        assert cell(screen, key, "负责人") == CLERK_NAME
        assert screen.row_key(screen.table()) == key  # the cursor stays on the row taken

    drive(demo_runtime, scenario)


def taken_elsewhere(runtime: Runtime, row: PackRow) -> None:
    """乌日娜 (songda2) takes the pack at her own terminal."""
    engine = make_engine(runtime.database_url)
    other = ServiceContext(
        engine=engine,
        clock=runtime.clock,
        calendar=load_calendar(None),
        actor=actor_for(engine, "songda2"),
        court=runtime.court,
        data_dir=runtime.data_dir,
    )
    take_item(ItemKey(ItemKind.PACK, row.deadline_id), ctx=other)
    engine.dispose()


def test_a_pack_taken_meanwhile_by_another_clerk_is_refused_with_the_services_message(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_desk(pilot)
        key, row = next((k, r) for k, r in packs(screen).items() if not r.owner)
        await put_cursor(pilot, screen, key)
        taken_elsewhere(demo_runtime, row)  # 乌日娜 takes it at her terminal first
        await pilot.press("t")
        status = screen.query_one("#desk-status", Static)
        await settle(pilot, lambda: "songda2" in str(status.render()))  # ConcurrentEdit names who saved first
        assert "请刷新" in str(status.render())
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: packs(screen)[key].owner == "乌日娜")

    drive(demo_runtime, scenario)


def test_the_director_assigns_a_pack_to_a_clerk(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_desk(pilot, DIRECTOR)
        assert screen.check_action("assign", ()) and not screen.check_action("take", ())
        assert not screen.check_action("mail", ())
        key = next(k for k, r in packs(screen).items() if not r.owner)
        await put_cursor(pilot, screen, key)
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ClerkPicker))
        picker = pilot.app.screen
        assert isinstance(picker, ClerkPicker)
        lightest = picker.clerks[0]
        assert [c.open_items for c in picker.clerks] == sorted(c.open_items for c in picker.clerks)
        await pilot.press("enter")
        await settle(pilot, lambda: packs(screen)[key].owner == lightest.name)
        assert cell(screen, key, "负责人") == lightest.name

    drive(demo_runtime, scenario)


async def generate_and_print(pilot: Pilot, screen: ServiceDeskScreen, key: str) -> None:
    await put_cursor(pilot, screen, key)
    await pilot.press("g")
    await settle(pilot, lambda: packs(screen)[key].documents == 5)
    await pilot.press("p")
    await settle(pilot, lambda: packs(screen)[key].printed)
    assert cell(screen, key, "文书") == "5/5已印"


async def mail(pilot: Pilot, screen: ServiceDeskScreen, number: str) -> AttemptForm:
    await pilot.press("m")
    await settle(pilot, lambda: isinstance(pilot.app.screen, AttemptForm))
    form = pilot.app.screen
    assert isinstance(form, AttemptForm)
    await type_text(pilot, number)  # the cursor starts in 邮件号 for a mailing
    await pilot.press("ctrl+s")
    return form


def one_respondent_pack(screen: ServiceDeskScreen) -> tuple[str, PackRow]:
    """Not the first row: the cursor has somewhere to stay when the row leaves."""
    rows = list(packs(screen).items())[1:]
    return next((k, r) for k, r in rows if r.recipients == 1 and r.documents == 0)


def test_generate_print_mail_and_serve_a_one_respondent_case(demo_runtime: Runtime, documents_env: None) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_desk(pilot)
        key, pack = one_respondent_pack(screen)
        await generate_and_print(pilot, screen, key)
        await pilot.press("v")
        await settle(pilot, lambda: isinstance(pilot.app.screen, PackPreview))
        preview = pilot.app.screen
        assert isinstance(preview, PackPreview) and len(preview.documents) == 5
        assert all(d.printed for d in preview.documents) and pack.case_number in preview_text(preview.documents).plain
        await pilot.press("escape")
        await settle(pilot, lambda: pilot.app.screen is screen)
        index = screen.table().cursor_row
        await mail(pilot, screen, "EA123456785CN")
        await settle(pilot, lambda: key not in screen.rows[View.PACKS])  # every respondent sent: the step is done
        assert screen.table().cursor_row == index  # the cursor stays where the row was, on the next one
        sent = next(k for k, r in attempts(screen).items() if r.case_id == pack.case_id)
        assert attempts(screen)[sent].tracking_number == "EA123456785CN"
        await pilot.press("2")
        await settle(pilot)
        await put_cursor(pilot, screen, sent)
        assert cell(screen, sent, "状态") == "待结果"
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ResultForm))
        await pilot.press("ctrl+s")  # 送达 and today are preset
        await settle(pilot, lambda: sent not in screen.rows[View.ATTEMPTS])
        assert "全案已送达" in str(screen.query_one("#desk-status", Static).render())

    drive(demo_runtime, scenario)
    engine = make_engine(demo_runtime.database_url)
    with Session(engine) as session:
        served = session.exec(select(Case.stage).join(ServiceAttempt, col(ServiceAttempt.case_id) == Case.id)).one()
    engine.dispose()
    assert served == Stage.SERVED.value


def test_a_wrong_tracking_number_is_shown_at_its_field_and_nothing_is_saved(
    demo_runtime: Runtime, documents_env: None
) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_desk(pilot)
        key, _pack = one_respondent_pack(screen)
        await generate_and_print(pilot, screen, key)
        form = await mail(pilot, screen, "EA123456780CN")
        error = form.query_one("#err-tracking", Static)
        await settle(pilot, lambda: error.display)
        assert "校验位不正确" in str(error.render())
        assert "邮件号有误" in str(form.query_one("#ff-message", Static).render())
        assert pilot.app.screen is form  # the form stays as typed

    drive(demo_runtime, scenario)
    assert attempts_saved(demo_runtime) == []


def test_a_returned_mailing_needs_the_next_step(demo_runtime: Runtime, documents_env: None) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_desk(pilot)
        key, pack = one_respondent_pack(screen)
        await generate_and_print(pilot, screen, key)
        await mail(pilot, screen, "EA123456785CN")
        await settle(pilot, lambda: any(r.case_id == pack.case_id for r in attempts(screen).values()))
        sent = next(k for k, r in attempts(screen).items() if r.case_id == pack.case_id)
        await pilot.press("2")
        await put_cursor(pilot, screen, sent)
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ResultForm))
        form = pilot.app.screen
        assert isinstance(form, ResultForm)
        await pilot.press("enter", "down", "down", "enter")  # 送达 → 退回
        await pilot.press("ctrl+s")
        error = form.query_one("#err-next", Static)
        await settle(pilot, lambda: error.display)
        assert "退回后须选择下一步" in str(error.render())
        assert attempts_saved(demo_runtime)[0].result is None
        await pilot.press("enter", "down", "enter")  # the cursor is on 下一步: 另址邮寄
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: attempts(screen)[sent].result is not None)
        assert cell(screen, sent, "状态") == "退回→另址邮寄"

    drive(demo_runtime, scenario)


def add_attempts(runtime: Runtime) -> None:
    """Two mailings of the first packs due: one awaiting its result, one returned (另址邮寄 next)."""
    engine = make_engine(runtime.database_url)
    clerk = actor_for(engine, CLERK)
    with unit_of_work(engine, actor=clerk, action="登记送达", clock=runtime.clock) as session:
        cases = session.exec(
            select(Deadline.case_id)
            .where(Deadline.step == Step.SERVICE_PACK.value, col(Deadline.done_at).is_(None))
            .order_by(col(Deadline.due_date), col(Deadline.id))
            .limit(2)
        ).all()
        for n, (case_id, number) in enumerate(zip(cases, ("EA123456785CN", "1151234567890"), strict=True)):
            party = session.exec(
                select(Party).join(CaseParty).where(CaseParty.case_id == case_id, CaseParty.role == "respondent")
            ).first()
            assert party is not None and clerk.id is not None
            returned = {"result": "returned", "result_on": date(2026, 11, 26), "next_attempt": "another_address"}
            session.add(
                ServiceAttempt(
                    case_id=case_id,
                    party_id=party.id,
                    recipient=party.name,
                    address=party.address or "—",
                    method="mail",
                    tracking_number=number,
                    sent_on=date(2026, 11, 23 + n),
                    sent_by_id=clerk.id,
                    recorded_at=datetime(2026, 11, 23 + n, 16),
                    **(returned if n else {}),
                )
            )
    engine.dispose()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", ["1", "2", "3"])
def test_service_desk_snapshot(
    snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int], view: str
) -> None:
    add_attempts(demo_runtime)

    async def run_before(pilot: Pilot) -> None:
        await open_desk(pilot)
        await pilot.press(view)
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=run_before)


def test_matter_rows_are_read(demo_runtime: Runtime) -> None:
    """The 交办事项 view lists the handlers' 送达 and 公告 matters (the demo hands four to the desk)."""

    async def scenario(pilot: Pilot) -> None:
        screen = await open_desk(pilot)
        await pilot.press("3")
        await settle(pilot)
        matters = [r for r in screen.rows[View.MATTERS].values() if isinstance(r, ServiceMatterRow)]
        assert matters and screen.check_action("mail", ()) and not screen.check_action("generate", ())

    drive(demo_runtime, scenario)


def test_the_desk_read_ahead_at_sign_in_shows_at_once_and_then_what_changed_meanwhile(demo_runtime: Runtime) -> None:
    """Built ahead after sign-in, the post reads its views off screen too; the opening shows them at once and
    reads them again, so a pack taken at another terminal in between shows its new owner."""
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login=CLERK, password=DEMO_PASSWORD)
        desk = await built_ahead(pilot, "post-f10", ServiceDeskScreen)
        table = desk.table(View.PACKS)
        assert desk.desk is not None and table.row_count == len(packs(desk)) > 0  # read and drawn off screen
        key, row = next((k, r) for k, r in packs(desk).items() if not r.owner)
        taken_elsewhere(demo_runtime, row)
        await pilot.press("f10")
        assert app.screen is desk
        await settle(pilot, lambda: packs(desk)[key].owner == "乌日娜")
        assert "乌日娜" in cell(desk, key, "负责人")

    drive(app, scenario, (120, 36))
