"""The terminal shell driven with real keys at 80×24: login, home, post keys, help, quit, idle lock, hang-up."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pty
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from tui_court import (
    CLERK_LOGIN,
    CLERK_NAME,
    COURT,
    FIXED_NOW,
    OTHER_LOGIN,
    PASSWORD,
    database_settled,
    drive,
    make_staff,
    settle,
    sign_in,
    type_text,
)

from zhihui_tui.db.engine import make_engine
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role
from zhihui_tui.runtime import Runtime
from zhihui_tui.tui import app as app_module
from zhihui_tui.tui.app import EXIT_DATABASE_UNAVAILABLE, EXIT_HANGUP, ZhihuiApp
from zhihui_tui.tui.connect import DatabaseState
from zhihui_tui.tui.screens.confirm import ConfirmScreen
from zhihui_tui.tui.screens.help import HelpScreen
from zhihui_tui.tui.screens.home import EMPTY_TEXT, HomeScreen
from zhihui_tui.tui.screens.lock import WRONG_PASSWORD, LockScreen
from zhihui_tui.tui.screens.login import WAITING, LoginScreen

Scenario = Callable[[Pilot], Awaitable[None]]


def text_of(app: ZhihuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def table_rows(app: ZhihuiApp) -> list[list[str]]:
    table = app.screen.query_one("#todo-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def record_notifications(app: ZhihuiApp) -> list[str]:
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(message)  # type: ignore[method-assign]
    return notes


# -- login ------------------------------------------------------------------------------------------------------


def test_right_password_opens_home_with_own_overdue_step_first(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        assert isinstance(app.screen, HomeScreen)
        rows = table_rows(app)
        assert rows[0] == ["已超期 7 个工作日", "（2026）内2221执1号", "生成文书并邮寄", "2026-11-18"]
        assert rows[1] == ["已超期 1 个工作日", "（未立案）", "立案", "2026-11-26"]
        assert [row[0] for row in rows[2:]] == ["今日到期", "未到期"]
        assert all("执4号" not in row[1] for row in rows)  # 孙立's dossier transfer is not hers
        assert text_of(app, "#todo-summary") == "共 4 项，超期 2 项"
        assert CLERK_NAME in text_of(app, "#header-person")
        assert "立案审查组" in text_of(app, "#header-person")
        assert text_of(app, "#header-moment") == "按 2026-11-27 09:30 运行"

    drive(app, scenario)


def test_the_directors_home_lists_the_rulings_waiting_for_him_with_their_deadline(runtime: Runtime) -> None:
    """A 不予立案 proposal waits on the director's home (issue 11), against the case's 2-day filing step."""
    from sqlmodel import select

    from tests.conftest import context_for
    from zhihui_tui.db.engine import read_session
    from zhihui_tui.db.models import Case
    from zhihui_tui.services.accounts import actor_for
    from zhihui_tui.services.filing import propose_rejection

    engine = make_engine(runtime.database_url)
    clock = FixedClock(FIXED_NOW)
    make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="包主任")
    with read_session(engine) as session:
        case = session.exec(select(Case).where(Case.stage == "received")).one()
    clerk = actor_for(engine, CLERK_LOGIN)
    assert case.id is not None
    propose_rejection(case.id, "执行依据尚未生效", expected_version=case.version, ctx=context_for(engine, clerk, clock))
    engine.dispose()
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login="zhuren")
        assert isinstance(app.screen, HomeScreen)
        assert table_rows(app)[0] == [
            "不予立案待裁定",
            "收案 11-24",
            f"{CLERK_NAME}提请：执行依据尚未生效",
            "2026-11-26",
        ]
        assert text_of(app, "#todo-summary").endswith("；待我决定 1 项")

    drive(app, scenario)


def test_wrong_password_shows_the_service_message_and_stays_on_login(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, password="not-the-password")
        assert isinstance(app.screen, LoginScreen)
        assert text_of(app, "#login-message") == "登录名或密码错误（再错 4 次将锁定 30 分钟）"
        assert app.screen.query_one("#login-password", Input).value == ""
        assert app.actor is None

    drive(app, scenario)


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, password="wrong-1")
        for attempt in range(2, 6):
            await type_text(pilot, f"wrong-{attempt}")
            await pilot.press("enter")
            await settle(pilot)
        assert text_of(app, "#login-message") == "连续输错密码 5 次，账号已锁定 30 分钟"
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        message = text_of(app, "#login-message")
        assert message.startswith("连续输错密码 5 次，账号已锁定，约 ")
        assert message.endswith("分钟后（10:00）可再试")

    drive(app, scenario)


def test_enter_before_the_database_is_ready_waits_then_signs_in(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_open = app_module.open_database

    def slow_open(rt: Runtime) -> str | None:
        assert release.wait(timeout=30)
        return real_open(rt)

    monkeypatch.setattr(app_module, "open_database", slow_open)
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await pilot.pause()
        assert app.db_state is DatabaseState.CONNECTING
        assert text_of(app, "#login-status") == "正在连接数据库…"
        await type_text(pilot, CLERK_LOGIN)
        await pilot.press("enter")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(app, "#login-message") == WAITING
        assert isinstance(app.screen, LoginScreen)
        release.set()
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.actor is not None and app.actor.login == CLERK_LOGIN

    drive(app, scenario)


def test_schema_behind_names_the_upgrade_command_and_refuses_login(tmp_path: Path) -> None:
    never_upgraded = f"sqlite:///{tmp_path / 'fresh.db'}"
    runtime = Runtime(database_url=never_upgraded, clock=FixedClock(FIXED_NOW), court=COURT, data_dir=tmp_path)
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await database_settled(pilot)
        assert app.db_state is DatabaseState.FAILED
        assert "zhihui db upgrade" in text_of(app, "#login-message")
        await type_text(pilot, CLERK_LOGIN)
        await pilot.press("enter")
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "zhihui db upgrade" in text_of(app, "#login-message")
        await pilot.press("ctrl+q")
        await pilot.pause()

    drive(app, scenario)
    assert app.return_code == EXIT_DATABASE_UNAVAILABLE


def test_an_unreachable_database_is_reported_without_its_password(tmp_path: Path) -> None:
    url = "postgresql://clerk:s3cret@127.0.0.1:1/zhihui"  # nothing listens on port 1
    runtime = Runtime(database_url=url, clock=FixedClock(FIXED_NOW), court=COURT, data_dir=tmp_path)
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await database_settled(pilot)
        message = text_of(app, "#login-message")
        assert message.startswith("无法连接数据库")
        assert "s3cret" not in message

    drive(app, scenario)


# -- home -------------------------------------------------------------------------------------------------------


def test_home_without_open_steps_says_so(court_url: str, runtime: Runtime) -> None:
    engine = make_engine(court_url)
    make_staff(engine, FixedClock(FIXED_NOW), "mayumei", Role.GENERAL_AFFAIRS, name="马玉梅")
    engine.dispose()
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login="mayumei")
        assert text_of(app, "#todo-empty") == EMPTY_TEXT
        assert app.screen.query_one("#todo-empty").display
        assert not app.screen.query_one("#todo-table").display
        assert text_of(app, "#todo-summary") == "共 0 项，超期 0 项"

    drive(app, scenario)


def test_post_keys_refuse_other_posts_and_open_her_own(runtime: Runtime) -> None:
    from zhihui_tui.tui.screens.reception import ReceptionScreen

    app = ZhihuiApp(runtime)
    notes = record_notifications(app)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await pilot.press("f4")  # 网络查控: not her post
        await pilot.pause()
        assert notes == ["网络查控：无权访问该岗位"]
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f2")  # 接待台账: her post
        await pilot.pause()
        assert isinstance(app.screen, ReceptionScreen)

    drive(app, scenario)


def test_sign_out_from_a_post_returns_to_login_and_the_next_person_starts_afresh(runtime: Runtime) -> None:
    """系统: 注销 from the palette while a post is open: the login screen again (not an error), the post keys dead
    until someone signs in, and the next person's posts built for them — nothing typed by the first is shown."""
    from zhihui_tui.tui.screens.reception import ReceptionScreen

    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(app.screen, ReceptionScreen))
        first = app.screen
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"注销")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert app.actor is None
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await sign_in(pilot, login=OTHER_LOGIN)
        assert isinstance(app.screen, HomeScreen)
        assert app.actor is not None and app.actor.login == OTHER_LOGIN
        await pilot.press("f2")  # 接待台账 is not the handler's post
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert first not in app.screen_stack

    drive(app, scenario)


def test_post_keys_do_nothing_before_login(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime)
    notes = record_notifications(app)

    async def scenario(pilot: Pilot) -> None:
        await database_settled(pilot)
        await pilot.press("f2", "ctrl+l")
        await pilot.pause()
        assert notes == []
        assert isinstance(app.screen, LoginScreen)

    drive(app, scenario)


def test_f1_opens_help_listing_the_posts_and_escape_closes_it(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict(app.screen.rows)
        assert rows["F2"] == "接待台账" and rows["F8"] == "临柜业务"
        assert rows["q / Ctrl+Q"] == "退出"
        assert rows["Ctrl+L"] == "锁定"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    drive(app, scenario)


def test_command_palette_finds_lock_by_its_chinese_name(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"锁定终端")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, LockScreen))
        assert app.locked

    drive(app, scenario)


def test_the_palette_offers_the_current_posts_actions_by_name(runtime: Runtime) -> None:
    """Issue 11: a clerk who forgot a key finds 立案审查's actions in Ctrl+P by name and runs them from there."""
    from zhihui_tui.tui.app import screen_commands
    from zhihui_tui.tui.screens.filing.blocks import AgentBlock

    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(
            pilot, lambda: getattr(app.screen, "SCREEN_NAME", "") == "立案审查" and bool(app.screen.query("#form"))
        )
        titles = [command.title for command in screen_commands(app.screen)]
        assert {"立案审查: 保存", "立案审查: 立案", "立案审查: 加代理人", "立案审查: 新收案"} <= set(titles)
        before = len(app.screen.query(AgentBlock))
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"加代理人")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: len(app.screen.query(AgentBlock)) == before + 1)

    drive(app, scenario)


def test_quit_asks_first_n_stays_y_exits(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "确定退出系统吗？" in text_of(app, "#confirm-question")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("escape")  # nothing to close on home: stays
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()

    drive(app, scenario)
    assert app.return_code == 0


# -- idle lock ----------------------------------------------------------------------------------------------------


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_lock_covers_the_screen_and_only_the_password_unlocks(runtime: Runtime) -> None:
    monotonic = FakeMonotonic()
    app = ZhihuiApp(runtime, idle_lock_seconds=600, monotonic=monotonic)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        monotonic.now += 599
        app.check_idle_lock()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        monotonic.now += 1
        app.check_idle_lock()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        screen_text = app.export_screenshot()
        assert CLERK_NAME in screen_text
        assert "内2221执" not in screen_text  # no case data behind the lock
        await pilot.press("escape", "f2", "ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await type_text(pilot, "not-the-password")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert text_of(app, "#lock-message") == WRONG_PASSWORD
        await type_text(pilot, PASSWORD)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert not app.locked
        assert not app.idle.expired()

    drive(app, scenario)


def test_keys_keep_the_terminal_unlocked(runtime: Runtime) -> None:
    monotonic = FakeMonotonic()
    app = ZhihuiApp(runtime, idle_lock_seconds=600, monotonic=monotonic)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        monotonic.now += 500
        await pilot.press("down")
        monotonic.now += 500
        app.check_idle_lock()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    drive(app, scenario)


def test_idle_timer_locks_on_its_own(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime, idle_lock_seconds=0.3)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await settle(pilot, lambda: isinstance(app.screen, LockScreen), timeout=10)

    drive(app, scenario)


def test_ctrl_l_locks_on_demand(runtime: Runtime) -> None:
    app = ZhihuiApp(runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)

    drive(app, scenario)


# -- start-up and hang-up in a real process ------------------------------------------------------------------


def test_building_the_app_and_login_screen_imports_no_database_code() -> None:
    code = (
        "import sys, zhihui_tui.tui.app\n"
        "from zhihui_tui.tui.screens.login import LoginScreen\n"
        "LoginScreen()\n"
        "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'argon2', 'chinese_calendar', 'pypinyin', 'alembic')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_collection_turned_off_for_start_up_is_on_again_once_the_login_screen_is_drawn(runtime: Runtime) -> None:
    gc.disable()  # as zhihui_tui.__main__ does before the start-up imports
    try:
        app = ZhihuiApp(runtime)

        async def scenario(pilot: Pilot) -> None:
            await settle(pilot, gc.isenabled, timeout=10)
            assert isinstance(app.screen, LoginScreen)

        drive(app, scenario)
        assert gc.isenabled(), "the cyclic garbage collector stayed off after start-up"
    finally:
        gc.enable()


def _run_in_pty(argv: list[str], env: dict[str, str]) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child becomes the app
        os.environ.update(env)
        os.execv(argv[0], argv)
    return pid, fd


def _drain_until(fd: int, done: Callable[[], bool], timeout: float) -> bool:
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if done():
            return True
        readable, _, _ = select.select([fd], [], [], 0.05)
        if readable:
            with contextlib.suppress(OSError):
                os.read(fd, 1 << 16)
    return done()


class DraftScreen(Screen[None]):
    """A form in progress: on a hang-up the app asks it to keep its draft."""

    def __init__(self, kept: list[str]) -> None:
        super().__init__()
        self.kept = kept

    def save_draft(self) -> None:
        self.kept.append("draft")


@pytest.mark.parametrize("elsewhere", [False, True], ids=["on screen", "on another post"])
def test_hang_up_keeps_drafts_then_exits(runtime: Runtime, elsewhere: bool) -> None:
    app = ZhihuiApp(runtime)
    kept: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        await app.push_screen(DraftScreen(kept))  # a form left open on 我的待办 …
        if elsewhere:
            app.action_open_post("f2")  # … while the clerk works at 接待台账
            await settle(pilot)
            assert not isinstance(app.screen, DraftScreen)
        app.hang_up()
        await pilot.pause()

    drive(app, scenario)
    assert kept == ["draft"]
    assert app.return_code == EXIT_HANGUP


def test_a_terminal_that_hung_up_without_a_signal_ends_the_app(runtime: Runtime) -> None:
    master, slave = os.openpty()
    app = ZhihuiApp(runtime, terminal_fd=slave)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot)
        os.close(master)  # the far end is gone; no SIGHUP reaches us (nohup, or a leader that ignores it)
        await settle(pilot, lambda: app.hung_up, timeout=10)  # the terminal check runs every 2 s

    try:
        drive(app, scenario)
    finally:
        os.close(slave)
    assert app.return_code == EXIT_HANGUP


def test_sighup_ends_the_app_in_order(court_url: str, tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    env = {"ZHIHUI_READY_FILE": str(ready), "TERM": "xterm-256color", "ZHIHUI_DATA_DIR": str(tmp_path)}
    pid, fd = _run_in_pty([sys.executable, "-m", "zhihui_tui", "--db", court_url], env)
    status: list[int] = []

    def exited() -> bool:
        if not status:
            done, code = os.waitpid(pid, os.WNOHANG)
            if done:
                status.append(code)
        return bool(status)

    try:
        assert _drain_until(fd, ready.exists, timeout=60), "the login screen never came up"
        assert json.loads(ready.read_text(encoding="utf-8"))["sqlalchemy_imported"] is False
        os.kill(pid, signal.SIGHUP)
        assert _drain_until(fd, exited, timeout=60), "the app did not end after SIGHUP"
    finally:
        if not status:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status[0]) == EXIT_HANGUP
