"""The end of a case on the terminal (issue 14), with real keys on the demo court and the fixed clock: the handler's
结案 refused for an unmet 终本 condition (the service's message, nothing changed); the dossier group's receive →
scan → archive moving the row until the case is 已归档; the watch on F4; the director's F12 without the keys; the
handler confirming a resumption from F6's waiting list; snapshots at 80×24 and 120×36 of F12, the watch view and
the closing form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, col, select
from textual.pilot import Pilot
from textual.widgets import Static
from tui_court import drive, settle, sign_in, steady_cursors, type_text

from tests.conftest import context_for
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.models import Case, CounterTask, DelegatedMatter, Dossier, Staff, ZhongbenWatch
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.closing import zhongben_candidates
from zhihui_tui.services.context import Actor
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.closing.handler import CloseCaseForm
from zhihui_tui.tui.screens.closing.resume import ResumptionScreen
from zhihui_tui.tui.screens.confirm import ConfirmScreen
from zhihui_tui.tui.screens.dossier import DossierScreen
from zhihui_tui.tui.screens.dossier.dialogs import ArchiveForm
from zhihui_tui.tui.screens.inquiry.watch import WatchResultForm, WatchScreen
from zhihui_tui.tui.screens.workbench import WorkbenchScreen
from zhihui_tui.tui.widgets.table import DataTable

HANDLER, KEEPER, INQUIRY, DIRECTOR = "kuai01", "juanzong1", "chakong", "zhuren"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]


async def open_post(pilot: Pilot, login: str, key: str) -> None:
    await sign_in(pilot, login=login, password=DEMO_PASSWORD)
    await pilot.press(key)
    await settle(pilot)


def put_cursor(pilot: Pilot, selector: str, key: str) -> None:
    table = pilot.app.screen.query_one(selector, DataTable)
    table.move_cursor(row=table.get_row_index(key), animate=False)


def zhongben_refused_case(runtime: Runtime) -> tuple[int, str]:
    """A 承办中 case of kuai01 with nothing open, so the only refusal left is an unmet 终本 condition."""
    engine = make_engine(runtime.database_url)
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    with Session(engine) as session:
        handler = session.exec(select(Staff).where(Staff.login == HANDLER)).one()
        cases = session.exec(
            select(Case).where(
                Case.handler_id == handler.id,
                Case.stage == Stage.ASSIGNED.value,
                Case.filing_category != FilingCategory.OBJECTION.value,
            )
        ).all()
        busy = set(session.exec(select(DelegatedMatter.case_id).where(col(DelegatedMatter.closed_at).is_(None))))
        busy |= set(session.exec(select(CounterTask.case_id).where(col(CounterTask.closed_at).is_(None))))
    ctx = context_for(engine, Actor(handler.id or 0, handler.login, handler.name, frozenset({Role.HANDLER})), clock)
    unmet = {c.case_id for c in zhongben_candidates(ctx=ctx) if not c.eligible}
    engine.dispose()
    case = next(c for c in cases if c.id in unmet and c.id not in busy)
    assert case.id is not None and case.case_number is not None
    return case.id, case.case_number


def test_zhongben_refused_for_an_unmet_condition_shows_why_and_changes_nothing(demo_runtime: Runtime) -> None:
    case_id, number = zhongben_refused_case(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        assert isinstance(pilot.app.screen, WorkbenchScreen)
        put_cursor(pilot, "#cases", str(case_id))
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CloseCaseForm))
        form = pilot.app.screen
        assert form.heading == f"结案 · {number}"
        await pilot.press("enter")  # the 结案方式 list opens on the prompt
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # 执行完毕, 终结本次执行程序
        await settle(pilot)
        await pilot.press("ctrl+s")
        message = form.query_one("#ff-message", Static)
        await settle(pilot, lambda: "终本条件未满足" in str(message.render()))
        assert "请报指挥中心主任批准" in str(message.render())
        assert pilot.app.screen is form  # still open: nothing was sent back

    drive(demo_runtime, scenario)
    engine = make_engine(demo_runtime.database_url)
    with Session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None and (case.stage, case.closure) == (Stage.ASSIGNED.value, None)
        assert session.exec(select(ZhongbenWatch).where(ZhongbenWatch.case_id == case_id)).first() is None
    engine.dispose()


def test_the_dossier_is_received_scanned_and_archived_row_by_row(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, KEEPER, "f12")
        screen = pilot.app.screen
        assert isinstance(screen, DossierScreen)
        key = next(k for k, row in screen.rows.items() if row.state.value == "transferred")
        number = screen.rows[key].case_number

        def state() -> str:
            return screen.rows[key].state.value if key in screen.rows else "gone"

        put_cursor(pilot, "#dossiers", key)
        assert screen.check_action("scan", ()) is None  # dimmed: not received yet
        await pilot.press("a")
        await settle(pilot, lambda: state() == "received")
        put_cursor(pilot, "#dossiers", key)
        await pilot.press("s")
        await settle(pilot, lambda: state() == "scanned")
        put_cursor(pilot, "#dossiers", key)
        await pilot.press("g")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ArchiveForm))
        await pilot.press("ctrl+s")  # no 档案号: refused at the field
        await settle(pilot, lambda: str(pilot.app.screen.query_one("#err-archive-no", Static).render()) != "")
        await type_text(pilot, "2026-执-0900")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: pilot.app.screen is screen and state() == "gone")
        await pilot.press("v")  # the archived ones
        await settle(pilot, lambda: key in screen.rows)
        assert screen.rows[key].archive_no == "2026-执-0900"
        assert screen.rows[key].case_number == number

    drive(demo_runtime, scenario)
    engine = make_engine(demo_runtime.database_url)
    with Session(engine) as session:
        dossier = session.exec(select(Dossier).where(Dossier.archive_no == "2026-执-0900")).one()
        case = session.get(Case, dossier.case_id)
        assert case is not None and case.stage == Stage.ARCHIVED.value
    engine.dispose()


def test_the_inquiry_post_records_a_watch_round_and_it_leaves_the_list(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, INQUIRY, "f4")
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WatchScreen) and bool(pilot.app.screen.rows))
        watch = pilot.app.screen
        assert isinstance(watch, WatchScreen)
        first = next(iter(watch.rows))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WatchResultForm))
        await type_text(pilot, "未发现可供执行的财产")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: pilot.app.screen is watch and first not in watch.rows)

    drive(demo_runtime, scenario)


def test_the_director_reads_f12_without_the_dossier_keys(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, DIRECTOR, "f12")
        screen = pilot.app.screen
        assert isinstance(screen, DossierScreen) and screen.rows
        for action in ("receive", "scan", "archive", "supplement"):
            assert screen.check_action(action, ()) is False

    drive(demo_runtime, scenario)


@pytest.mark.parametrize("size", SIZES)
def test_dossier_post_snapshot(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_post(pilot, KEEPER, "f12")

    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_watch_view_snapshot(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_post(pilot, INQUIRY, "f4")
        await pilot.press("w")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WatchScreen) and bool(pilot.app.screen.rows))

    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_closing_form_snapshot(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CloseCaseForm))
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=run_before)


def test_the_handler_confirms_a_resumption_from_the_waiting_list(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        screen = pilot.app.screen
        assert isinstance(screen, WorkbenchScreen)
        waiting = screen.query_one("#waiting", DataTable)
        row = next(i for i in range(waiting.row_count) if str(waiting.get_row_at(i)[0]) == "恢复执行")
        waiting.focus()
        waiting.move_cursor(row=row, animate=False)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ResumptionScreen) and bool(pilot.app.screen.rows))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ResumptionScreen) and not pilot.app.screen.rows)
        await pilot.press("escape")
        await settle(pilot, lambda: "待确认恢复执行" not in str(screen.query_one("#wb-status", Static).render()))

    drive(demo_runtime, scenario)
    engine = make_engine(demo_runtime.database_url)
    with Session(engine) as session:
        watch = session.exec(select(ZhongbenWatch).where(col(ZhongbenWatch.resumed_case_id).is_not(None))).all()
        resumed = {w.resumed_case_id for w in watch}
        new = session.exec(select(Case).where(col(Case.id).in_(resumed), Case.stage == Stage.FILED.value)).all()
        assert any(case.filed_at == demo_runtime.clock.now() for case in new)  # filed now, linked to its original
    engine.dispose()
