"""The link dropped mid-form (issue 16), with real keys on the demo court: what was typed is kept at the hang-up,
offered back at the same person's next sign-in (恢复 / 丢弃, never applied by itself), and 恢复 opens the same post
and form filled in; a record saved since is named in the offer and its save goes through the normal conflict path.
A real process in a pty is hung up with SIGHUP and keeps its draft too. Snapshots of the offer at 80×24 and
120×36."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session, select
from test_filing_screen import first_received_case, open_filing, tab_to
from test_reception_screen import DEMO_CLERK, demo_party, open_reception, type_id_and_pick
from test_service_desk_screen import CLERK as DESK_CLERK
from test_service_desk_screen import add_attempts, attempts, open_desk, put_cursor
from test_tui_shell import _drain_until, _run_in_pty
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static
from tui_court import drive, settle, sign_in, steady_cursors
from tui_keys import press, type_text

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.models import Case, FormDraftRow
from zhihui_tui.domain.drafts import FormDraft
from zhihui_tui.domain.mailing import ServiceResult
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.accounts import actor_for
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.services.drafts import keep_drafts
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.tui.app import EXIT_HANGUP, ZhihuiApp
from zhihui_tui.tui.screens.draft_offer import DraftOfferScreen
from zhihui_tui.tui.screens.filing import FilingScreen
from zhihui_tui.tui.screens.home import HomeScreen
from zhihui_tui.tui.screens.reception import ReceptionScreen
from zhihui_tui.tui.screens.service_desk import ResultForm, ServiceDeskScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]
SAVED_AT = "2026-11-27 09:30"  # the demo court's fixed clock


def stored_drafts(runtime: Runtime) -> list[FormDraftRow]:
    engine = make_engine(runtime.database_url)
    with Session(engine) as session:
        rows = list(session.exec(select(FormDraftRow)).all())
    engine.dispose()
    return rows


def offer_of(pilot: Pilot) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, DraftOfferScreen), screen
    return str(screen.query_one("#draft-offer", Static).render())


def value_of(pilot: Pilot, selector: str) -> str:
    return pilot.app.screen.query_one(selector, Input).value


async def sign_in_to_offer(pilot: Pilot, login: str = DEMO_CLERK) -> None:
    await sign_in(pilot, login=login, password=DEMO_PASSWORD)
    await settle(pilot, lambda: isinstance(pilot.app.screen, DraftOfferScreen))


def test_a_visit_typed_when_the_link_dropped_is_offered_back_and_restored(demo_runtime: Runtime) -> None:
    number, _ = demo_party(demo_runtime)

    async def typing_then_hang_up(pilot: Pilot) -> None:
        screen = await open_reception(pilot)
        await type_id_and_pick(pilot, screen, number)
        await type_text(pilot, "询问执行款何时发放")
        app = pilot.app
        assert isinstance(app, ZhihuiApp)
        app.hang_up()  # what SIGHUP or a dead tty runs
        await pilot.pause()

    first = ZhihuiApp(demo_runtime)
    drive(first, typing_then_hang_up)
    assert first.return_code == EXIT_HANGUP
    [row] = stored_drafts(demo_runtime)
    assert (row.form_key, row.title, row.post) == ("post:reception", "登记来访", "post-f2")

    async def signing_in_again(pilot: Pilot) -> None:
        await sign_in_to_offer(pilot)
        assert offer_of(pilot) == f"上次连接中断时，有一份未保存的「登记来访」表单（保存于 {SAVED_AT}）。"
        await press(pilot, "r")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ReceptionScreen))
        assert value_of(pilot, "#rc-id") == number
        assert value_of(pilot, "#rc-outcome") == "询问执行款何时发放"
        message = str(pilot.app.screen.query_one("#rc-message", Static).render())
        assert message.startswith("已恢复上次连接中断时未保存的内容")
        await settle(pilot, lambda: not stored_drafts(demo_runtime))

    drive(ZhihuiApp(demo_runtime), signing_in_again)
    assert stored_drafts(demo_runtime) == []


def test_discarded_drafts_are_gone_and_a_draft_is_only_offered_to_its_owner(demo_runtime: Runtime) -> None:
    engine = make_engine(demo_runtime.database_url)
    clerk = actor_for(engine, DEMO_CLERK)
    engine.dispose()
    draft = FormDraft("post:reception", "登记来访", {"rc-outcome": "半句话"}, post="post-f2")
    keep_drafts([draft], ctx=demo_runtime.context(clerk))

    async def someone_else(pilot: Pilot) -> None:
        await sign_in(pilot, login="zhuren", password=DEMO_PASSWORD)
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)  # not offered another person's draft

    drive(ZhihuiApp(demo_runtime), someone_else)

    async def later(pilot: Pilot) -> None:
        await sign_in_to_offer(pilot)
        await press(pilot, "escape")  # decide later: kept, offered again at the next sign-in
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen) and len(stored_drafts(demo_runtime)) == 1

    async def later_then_discard(pilot: Pilot) -> None:
        await sign_in_to_offer(pilot)
        await press(pilot, "d")
        await settle(pilot, lambda: not stored_drafts(demo_runtime))
        assert isinstance(pilot.app.screen, HomeScreen)

    drive(ZhihuiApp(demo_runtime), later)
    drive(ZhihuiApp(demo_runtime), later_then_discard)
    assert stored_drafts(demo_runtime) == []


def test_a_filing_form_whose_case_was_saved_since_restores_and_meets_the_conflict(demo_runtime: Runtime) -> None:
    case_id = first_received_case(demo_runtime)

    async def typing_then_hang_up(pilot: Pilot) -> None:
        await open_filing(pilot)
        await press(pilot, "enter")  # open the queue's first case
        await settle(pilot)
        await tab_to(pilot, "amount")
        await press(pilot, "end", "ctrl+u")
        await type_text(pilot, "888.88")
        app = pilot.app
        assert isinstance(app, ZhihuiApp)
        app.hang_up()
        await pilot.pause()

    drive(ZhihuiApp(demo_runtime), typing_then_hang_up)
    [row] = stored_drafts(demo_runtime)
    assert (row.record_table, row.record_id) == ("enforcement_case", case_id)
    engine = make_engine(demo_runtime.database_url)
    with unit_of_work(engine, actor=actor_for(engine, "zhuren"), action="修改立案信息", clock=demo_runtime.clock) as s:
        case = s.get(Case, case_id)
        assert case is not None
        case.target_amount_fen = 4_200_00  # another terminal saved the case meanwhile
    engine.dispose()

    async def restoring(pilot: Pilot) -> None:
        await sign_in_to_offer(pilot)
        offer = offer_of(pilot)
        assert f"「收案登记（收案序号 {case_id}）」" in offer
        assert f"该记录此后已被修改（草稿基于第 {row.record_version} 版，现为第 {row.record_version + 1} 版）" in offer
        await press(pilot, "enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, FilingScreen))
        await settle(pilot, lambda: value_of(pilot, "#amount") == "888.88")
        status = str(pilot.app.screen.query_one("#fil-status", Static).render())
        assert status.startswith("注意：该记录在草稿保存后已被他人修改")
        await press(pilot, "ctrl+s")  # the normal save: refused as a conflict, nothing overwritten
        await settle(pilot)
        status = str(pilot.app.screen.query_one("#fil-status", Static).render())
        assert "已被" in status and "修改" in status, status

    drive(ZhihuiApp(demo_runtime), restoring)
    engine = make_engine(demo_runtime.database_url)
    with Session(engine) as session:
        case = session.get(Case, case_id)
    engine.dispose()
    assert case is not None and case.target_amount_fen == 4_200_00


def test_sighup_to_a_real_terminal_keeps_the_form_typed(demo_runtime: Runtime, tmp_path: Path) -> None:
    """A real process in a pty: sign in, open F2, type into the visit form, then SIGHUP; the draft is stored."""
    env = {"TERM": "xterm-256color", "ZHIHUI_DATA_DIR": str(tmp_path)}
    argv = [sys.executable, "-m", "zhihui_tui", "--db", demo_runtime.database_url, "--as-of", "2026-11-27T09:30"]
    ready = tmp_path / "ready.json"
    env["ZHIHUI_READY_FILE"] = str(ready)
    pid, fd = _run_in_pty(argv, env)
    status: list[int] = []

    def exited() -> bool:
        if not status:
            done, code = os.waitpid(pid, os.WNOHANG)
            if done:
                status.append(code)
        return bool(status)

    def send(text: str, settle_for: float = 1.5) -> None:
        os.write(fd, text.encode())
        _drain_until(fd, lambda: False, timeout=settle_for)

    try:
        assert _drain_until(fd, ready.exists, timeout=60), "the login screen never came up"
        _drain_until(fd, lambda: False, timeout=3)  # the database connects
        send(f"{DEMO_CLERK}\r")
        send(f"{DEMO_PASSWORD}\r", settle_for=4)
        send("\x1bOQ", settle_for=4)  # F2
        send("断线前输入的处理结果", settle_for=2)  # the ID field has the focus: typed there
        os.kill(pid, signal.SIGHUP)
        assert _drain_until(fd, exited, timeout=60), "the app did not end after SIGHUP"
    finally:
        if not status:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status[0]) == EXIT_HANGUP
    [row] = stored_drafts(demo_runtime)
    assert row.form_key == "post:reception" and "断线前输入的处理结果" in row.form_values


async def offer_on_screen(pilot: Pilot) -> None:
    engine = make_engine(pilot.app.runtime.database_url)  # type: ignore[attr-defined]
    clerk = actor_for(engine, DEMO_CLERK)
    engine.dispose()
    draft = FormDraft(
        "post:filing",
        "收案登记（收案序号 3）",
        {"ticked": []},
        post="post-f3",
        record_table="enforcement_case",
        record_id=3,
        record_version=0,
    )
    keep_drafts([draft], ctx=pilot.app.runtime.context(clerk))  # type: ignore[attr-defined]
    await sign_in_to_offer(pilot)
    await steady_cursors(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_draft_offer_screen(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=offer_on_screen)


def test_a_service_result_dialog_is_reopened_on_its_post_with_the_choice_made(demo_runtime: Runtime) -> None:
    """A FormScreen dialog (登记结果 on F10): reopened from its row on the same post, the result chosen back."""
    add_attempts(demo_runtime)
    chosen: list[object] = []

    async def choosing_then_hang_up(pilot: Pilot) -> None:
        screen = await open_desk(pilot)
        await pilot.press("2")
        await settle(pilot)
        waiting = next(key for key, row in attempts(screen).items() if row.result is None)
        await put_cursor(pilot, screen, waiting)
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ResultForm))
        await pilot.press("enter", "down", "down", "enter")  # 送达 → another result
        chosen.append(pilot.app.screen.query_one("#f-result", Select).value)
        app = pilot.app
        assert isinstance(app, ZhihuiApp)
        app.hang_up()
        await pilot.pause()

    drive(ZhihuiApp(demo_runtime), choosing_then_hang_up)
    [row] = stored_drafts(demo_runtime)
    assert row.form_key == "zhihui_tui.tui.screens.service_desk.forms:ResultForm" and row.post == "post-f10"
    assert chosen and chosen[0] is not ServiceResult.SERVED

    async def restoring(pilot: Pilot) -> None:
        await sign_in_to_offer(pilot, login=DESK_CLERK)
        assert offer_of(pilot).startswith("上次连接中断时，有一份未保存的「登记结果 · ")
        await press(pilot, "r")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ResultForm))
        form = pilot.app.screen
        assert form.query_one("#f-result", Select).value == chosen[0]
        assert isinstance(pilot.app.screen_stack[0], ServiceDeskScreen)  # on its post, as it was opened
        assert str(form.query_one("#ff-message", Static).render()).startswith("已恢复")

    drive(ZhihuiApp(demo_runtime), restoring)
    assert stored_drafts(demo_runtime) == []


def test_a_draft_that_cannot_be_kept_does_not_keep_the_app_from_ending(
    demo_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhihui_tui.services import drafts

    def database_gone(*_args: object, **_kwargs: object) -> int:
        raise OSError("server closed the connection unexpectedly")

    monkeypatch.setattr(drafts, "keep_drafts", database_gone)

    async def typing_then_hang_up(pilot: Pilot) -> None:
        await open_reception(pilot)
        await type_text(pilot, "152221")
        app = pilot.app
        assert isinstance(app, ZhihuiApp)
        app.hang_up()
        await pilot.pause()

    app = ZhihuiApp(demo_runtime)
    drive(app, typing_then_hang_up)
    assert app.return_code == EXIT_HANGUP and stored_drafts(demo_runtime) == []
