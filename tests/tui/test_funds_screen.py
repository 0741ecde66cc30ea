"""F11 款物管理 (R-FND-1..3) on the demo court with real key presses: the three views at 80×24 and 120×36, a case
account, a disbursement over the balance refused at the 金额 field with nothing saved, a claim that takes the
line out of 待认领, and the director reading without the clerk's keys."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, func, select
from textual.pilot import Pilot
from textual.widgets import Static
from tui_court import built_ahead, drive, settle, sign_in, steady_cursors, type_text

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.models import FundsEntry
from zhihui_tui.domain.money import format_yuan
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.funds import FundsScreen
from zhihui_tui.tui.screens.funds.account import AccountScreen
from zhihui_tui.tui.screens.funds.forms import ClaimForm, DisburseForm

CLERK = "kuanwu1"  # 周晓燕, 款物管理组
DIRECTOR = "zhuren"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]


async def open_funds(pilot: Pilot, login: str = CLERK) -> FundsScreen:
    await sign_in(pilot, login=login, password=DEMO_PASSWORD)
    await pilot.press("f11")
    await settle(pilot, lambda: isinstance(pilot.app.screen, FundsScreen) and pilot.app.screen.loaded)
    screen = pilot.app.screen
    assert isinstance(screen, FundsScreen)
    return screen


def entries(runtime: Runtime) -> int:
    engine = make_engine(runtime.database_url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(FundsEntry)).one()
    engine.dispose()
    return int(count)


def view_keys(*keys: str) -> Callable[[Pilot], object]:
    async def run_before(pilot: Pilot) -> None:
        await open_funds(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        await steady_cursors(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", ["1", "2", "3"])
def test_funds_views_snapshot(
    snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int], view: str
) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=view_keys(view))


def test_funds_account_snapshot(snap_compare: SnapCompare, demo_runtime: Runtime) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=(80, 24), run_before=view_keys("1", "enter"))


def test_a_disbursement_over_the_balance_is_refused_at_the_amount_and_saves_nothing(
    snap_compare: SnapCompare, demo_runtime: Runtime
) -> None:
    before = entries(demo_runtime)

    async def run_before(pilot: Pilot) -> None:
        screen = await open_funds(pilot)
        row = screen.data.due[0]
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(pilot.app.screen, DisburseForm))
        form = pilot.app.screen
        assert isinstance(form, DisburseForm) and form.applicants
        await pilot.press("enter")  # the case's one applicant is filled in
        await type_text(pilot, "中国农业银行科右前旗支行")
        await pilot.press("enter")
        await type_text(pilot, "6228480088123456789")
        await pilot.press("enter")
        await type_text(pilot, f"{row.amount_fen // 100 + 1}")
        await pilot.press("enter", "enter", "enter", "down", "enter")  # 日期 as filled; the first approver
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "超过账户余额" in str(form.query_one("#err-amount", Static).render()))
        assert form.query_one("#err-amount").has_class("-shown")
        assert pilot.app.screen is form  # still open, nothing saved
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=(80, 24), run_before=run_before)
    assert entries(demo_runtime) == before


def test_a_claim_moves_the_line_out_of_unclaimed(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_funds(pilot)
        number = screen.data.due[0].case_number or ""
        await pilot.press("2")
        await settle(pilot)
        assert len(screen.data.unclaimed) == 2 and screen.table.row_count == 2
        line = screen.data.unclaimed[0]
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ClaimForm))
        await type_text(pilot, number.replace("（", "(").replace("）", ")"))  # as typed on a keyboard
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: pilot.app.screen is screen and len(screen.data.unclaimed) == 1)
        assert line.id not in [u.id for u in screen.data.unclaimed] and screen.table.row_count == 1
        claimed = [s for s in screen.data.due if s.case_number == number and s.amount_fen == line.amount_fen]
        assert claimed, "the claimed money is now due from the case"

    drive(demo_runtime, scenario)


def test_the_director_reads_without_the_clerks_keys(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_funds(pilot, DIRECTOR)
        for action in ("receive", "disburse", "reverse", "delay", "seize"):
            assert screen.check_action(action, ()) is False
        assert screen.check_action("account", ()) is True
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, AccountScreen))
        account = pilot.app.screen
        assert isinstance(account, AccountScreen)
        assert account.check_action("reverse", ()) is False
        await pilot.press("2")  # not a key of the account: nothing happens there
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert screen.check_action("claim", ()) is False

    drive(demo_runtime, scenario)


def test_ctrl_f_opens_the_account_of_any_filed_case(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        screen = await open_funds(pilot)
        number = screen.data.due[-1].case_number or ""
        await pilot.press("ctrl+f")
        await settle(pilot)
        await type_text(pilot, number.replace("（", "(").replace("）", ")"))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, AccountScreen))
        account = pilot.app.screen
        assert isinstance(account, AccountScreen) and account.view.case_number == number

    drive(demo_runtime, scenario)


def receive_many(runtime: Runtime, count: int) -> None:
    """``count`` receipts at the counter into the demo court's filed cases, each a sum due of its own."""
    from datetime import timedelta

    from sqlmodel import col

    from tests.conftest import context_for
    from zhihui_tui.db.models import Case
    from zhihui_tui.services import funds
    from zhihui_tui.services.accounts import actor_for

    engine = make_engine(runtime.database_url)
    ctx = context_for(engine, actor_for(engine, CLERK), runtime.clock)
    with Session(engine) as session:
        cases = session.exec(select(Case.id).where(col(Case.case_number).is_not(None)).limit(20)).all()
    today = runtime.clock.now().date()
    for n in range(count):
        day = today - timedelta(days=n % 5)
        raw = funds.ReceiptInput("张三", "", "现场缴纳", day.isoformat(), f"{n + 1}.00")
        funds.record_receipt(cases[n % len(cases)] or 0, raw, ctx=ctx)
    engine.dispose()


def test_a_long_due_list_pages_in_as_the_cursor_reaches_its_last_row(demo_runtime: Runtime) -> None:
    from zhihui_tui.tui.screens.funds.screen import PAGE_ROWS

    receive_many(demo_runtime, 2 * PAGE_ROWS + 50)

    async def scenario(pilot: Pilot) -> None:
        screen = await open_funds(pilot)
        due = screen.data.due
        assert len(due) > 2 * PAGE_ROWS + 50
        await settle(pilot, lambda: screen.table.row_count == PAGE_ROWS)
        tabs = str(screen.query_one("#funds-tabs", Static).render())
        assert f"应发案款 {len(due)}" in tabs  # the count is the whole list's
        total = f"合计 {format_yuan(sum(s.amount_fen for s in due))} 元"
        assert total in str(screen.query_one("#funds-status", Static).render())
        await pilot.press("ctrl+end")
        await settle(pilot, lambda: screen.table.row_count == 2 * PAGE_ROWS)
        await pilot.press("down")  # on the row that joined first: its record, not one of the first page's
        await settle(pilot)
        assert screen.current() is due[PAGE_ROWS]
        await pilot.press("ctrl+end", "ctrl+end")
        await settle(pilot, lambda: screen.table.row_count == len(due))
        keys = [row.value for row in screen.table.rows]
        assert keys == [f"{s.case_id}:{s.receipt_id}" for s in due]  # each once, in the list's order
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert screen.table.row_count == len(due) and screen.limit == 3 * PAGE_ROWS
        await pilot.press("r")  # read again: the rows paged in stay in
        await settle(pilot)
        assert screen.table.row_count == len(due)
        await pilot.press("3", "1")  # another view and back: the first page again
        await settle(pilot)
        assert screen.table.row_count == PAGE_ROWS

    drive(demo_runtime, scenario)


def test_the_money_read_ahead_at_sign_in_shows_at_once_and_then_what_arrived_meanwhile(demo_runtime: Runtime) -> None:
    """Built ahead after sign-in, F11 reads its money views off screen too; the opening shows them at once and
    reads them again, so a receipt recorded in between joins the due list."""
    app = ZhihuiApp(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login=CLERK, password=DEMO_PASSWORD)
        funds = await built_ahead(pilot, "post-f11", FundsScreen)
        ahead = funds.table.row_count
        assert funds.loaded and ahead == len(funds.data.due) > 0  # read and drawn off screen
        receive_many(demo_runtime, 1)
        await pilot.press("f11")
        assert app.screen is funds
        await settle(pilot, lambda: funds.table.row_count == ahead + 1)
        assert len(funds.data.due) == ahead + 1

    drive(app, scenario, (120, 36))
