"""The terminal app: the login screen, then modes (home, one per post); global keys, palette, idle lock; its base
:class:`~zhihui_tui.tui.hangup.HangUpApp` ends it in order when the terminal goes away.

Nothing here imports SQLAlchemy, SQLModel, argon2 or the holiday data: the login screen is drawn first, then a
thread worker opens the database (:mod:`zhihui_tui.tui.connect`) and reports back with a message.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import AwaitMount

from zhihui_tui.domain.roles import Role
from zhihui_tui.tui.compat import build_mode_screen, has_mode_screen, return_to_default_mode
from zhihui_tui.tui.connect import (
    LATER_MODULES,
    DatabaseReady,
    DatabaseState,
    DatabaseUnavailable,
    open_database,
    warm_imports,
)
from zhihui_tui.tui.drafts_later import keep_drafts_later, offer_drafts_later
from zhihui_tui.tui.hangup import EXIT_HANGUP, HangUpApp
from zhihui_tui.tui.idle import IdleWatch
from zhihui_tui.tui.post_screens import home_screen, offer_post_screens
from zhihui_tui.tui.posts import NOT_ALLOWED, NOT_OPEN_YET, POSTS, ScreenFactory, modules_for, post_for_key
from zhihui_tui.tui.screens.confirm import ConfirmScreen
from zhihui_tui.tui.screens.help import HelpScreen
from zhihui_tui.tui.screens.lock import LockScreen
from zhihui_tui.tui.screens.login import LoginScreen

if TYPE_CHECKING:
    from zhihui_tui.domain.drafts import FormDraft
    from zhihui_tui.runtime import Runtime
    from zhihui_tui.services.context import Actor, ServiceContext

QUIT_QUESTION = "确定退出系统吗？"
SIGN_OUT_QUESTION = "确定注销当前用户吗？（系统不退出，可由他人登录）"
EXIT_DATABASE_UNAVAILABLE = 1
__all__ = ["EXIT_DATABASE_UNAVAILABLE", "EXIT_HANGUP", "ZhihuiApp"]  # EXIT_HANGUP: run.py imports it from here
PREPARE_PAUSE_SECONDS = 0.05


def freeze_long_lived_objects() -> None:
    """Leave what start-up built (modules, the calendar, the post screens) out of later garbage collections.

    A full collection walks every object the process holds: 170 ms once the posts are built, at a moment no one
    chooses, e.g. in the middle of opening a post. ``gc.freeze`` moves the objects alive now to a permanent
    generation that collections skip, so later ones only walk what was made since. Collected first, so no
    garbage is kept for good."""
    gc.collect()
    gc.freeze()


def announce_first_frame(path: str) -> None:
    """Tell a benchmark (``ZHIHUI_READY_FILE``) that the login screen is on the terminal, the CPU time it took,
    and what was imported."""
    record = {
        "shown_at": time.time(),
        "cpu_seconds": time.process_time(),
        "sqlalchemy_imported": "sqlalchemy" in sys.modules,
    }
    target = Path(path)
    partial_file = target.with_name(target.name + ".part")
    partial_file.write_text(json.dumps(record), encoding="utf-8")
    partial_file.replace(target)  # appears whole: a reader never sees half a record


def screen_commands(screen: Screen[Any]) -> Iterator[SystemCommand]:
    """The current screen's own actions for the palette ("立案审查: 立案", "分流看板: 采纳建议"), those its keys
    would run now: a clerk who forgot a key finds the action by its name."""
    name = getattr(screen, "SCREEN_NAME", "") or "本界面"
    seen: set[str] = set()
    for node, binding, enabled, _tooltip in screen.active_bindings.values():
        description = binding.description
        if node is screen.app or not enabled or binding.key == "escape" or binding.action in seen:
            continue
        if not description or description.isascii():  # Textual's own English-described keys stay out
            continue
        seen.add(binding.action)
        key = screen.app.get_key_display(binding)
        run = partial(screen.app.run_action, binding.action, node)
        yield SystemCommand(f"{name}: {description}", f"{key} {description}", run)


class ZhihuiApp(HangUpApp):
    """The court terminal: sign-in, 我的待办 and one mode per post, global keys, the palette, the idle lock."""

    CSS_PATH = "app.tcss"
    TITLE = "执行指挥中心"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "帮助", key_display="F1", id="app.help"),
        Binding("ctrl+l", "lock", "锁定", id="app.lock"),
        Binding("ctrl+q", "request_quit", "退出", priority=True, id="app.quit"),
        Binding("ctrl+p", "command_palette", "命令面板", show=False, priority=True, id="app.palette"),
    ]

    db_state: reactive[DatabaseState] = reactive(DatabaseState.CONNECTING)

    def __init__(
        self,
        runtime: Runtime,
        *,
        idle_lock_seconds: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        ready_file: str | None = None,
        handle_hangup: bool = False,
        terminal_fd: int | None = None,
        prepare_ahead: bool = True,
    ) -> None:
        super().__init__(handle_hangup=handle_hangup, terminal_fd=terminal_fd)
        self.prepare_ahead = prepare_ahead  # build the person's post screens after sign-in (prepare_posts)
        self.runtime = runtime
        self.actor: Actor | None = None
        self._service_context: ServiceContext | None = None
        self.db_error = ""
        self.ready_file = ready_file
        self._switching_to_built = False
        self._building: str | None = None  # the mode whose screen prepare_posts is mounting
        self.locked = False
        timeout = idle_lock_seconds if idle_lock_seconds is not None else runtime.court.idle_lock_minutes * 60
        self.idle = IdleWatch(timeout, monotonic=monotonic)
        offer_post_screens()  # the post table learns its screens here; the screens never import it back
        self.add_mode("home", home_screen)
        for post in POSTS:
            if post.screen is not None:
                self.add_mode(post.mode, post.screen)

    # -- start-up ---------------------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The login screen is the default mode's base screen (not a mode of its own: installing a mode makes
        Textual re-parse every stylesheet, which costs the first frame ~40 ms)."""
        return LoginScreen()

    def on_mount(self) -> None:
        self._install_hangup_handler()
        self.set_interval(self.idle.check_every, self.check_idle_lock, name="idle-lock")
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        if self.ready_file:
            announce_first_frame(self.ready_file)
        gc.enable()  # off from process start (zhihui_tui.__main__): collecting during start-up delays this frame
        self.connect_database()

    @work(thread=True, exit_on_error=False, exclusive=True, group="database")
    def connect_database(self) -> None:
        reason = open_database(self.runtime)
        self.post_message(DatabaseReady() if reason is None else DatabaseUnavailable(reason))
        if reason is None:
            warm_imports(LATER_MODULES)

    @on(DatabaseReady)
    def _database_ready(self) -> None:
        self.db_state = DatabaseState.READY

    @on(DatabaseUnavailable)
    def _database_unavailable(self, message: DatabaseUnavailable) -> None:
        self.db_error = message.reason
        self.db_state = DatabaseState.FAILED

    def signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.idle.touch()
        self.switch_mode("home")
        self.warm_up_posts(actor)
        offer_drafts_later(self)  # a form the link dropped in the middle of: 恢复 / 丢弃 (issue 16)

    def store_drafts(self, drafts: list[FormDraft]) -> None:
        keep_drafts_later(self, drafts)

    def service_context(self) -> ServiceContext:
        """The signed-in person's context for service calls, built once per sign-in (in a worker: it loads the
        engine and the calendar the first time)."""
        from zhihui_tui.services.errors import PermissionDenied

        actor = self.actor
        if actor is None:
            raise PermissionDenied("尚未登录")
        context = self._service_context
        if context is None or context.actor != actor:
            context = self._service_context = self.runtime.context(actor)
        return context

    def sign_out(self, reason: str = "") -> None:
        """Back to the login screen, so another person can sign in without quitting. The post screens are
        dropped and made afresh for the next person: nothing typed by one is shown to the other."""
        if self.actor is None:
            return
        self.actor = None
        self._service_context = None
        self.locked = False
        self.workers.cancel_group(self, "prepare-posts")
        return_to_default_mode(self)
        while len(self.screen_stack) > 1:  # a dialog or the lock screen over the login screen
            self.pop_screen()
        self.call_after_refresh(self._reinstall_modes)
        if reason:
            self.notify(reason, title="已退出登录", severity="warning", markup=False)

    def _reinstall_modes(self) -> None:
        factories: dict[str, ScreenFactory] = {"home": home_screen}
        factories.update({post.mode: post.screen for post in POSTS if post.screen is not None})
        for mode, make in factories.items():
            self.remove_mode(mode)  # its screens are unmounted; the mode itself is forgotten at once
            self.add_mode(mode, make)

    def action_sign_out(self) -> None:
        if self.actor is not None and not isinstance(self.screen, ConfirmScreen):
            self.push_screen(ConfirmScreen(SIGN_OUT_QUESTION), callback=self._sign_out_answered)

    def _sign_out_answered(self, yes: bool | None) -> None:
        if yes:
            self.sign_out()

    @work(thread=True, exit_on_error=False, group="warm-up")
    def warm_up_posts(self, actor: Actor) -> None:
        """Import the person's post screens and services while they read 我的待办 (~100 ms for F5 alone), then
        build the screens; a failure here only means the first F-key press does the work itself."""
        for module in modules_for(actor.roles):
            importlib.import_module(module)
        self.call_from_thread(self.prepare_posts if self.prepare_ahead else freeze_long_lived_objects)

    @work(exclusive=True, exit_on_error=False, group="prepare-posts")
    async def prepare_posts(self) -> None:
        """Build the person's post screens off screen, one at a time, so each F-key press only switches.

        Building a post (widgets, their styles, the layout, the first drawing) is most of its first opening:
        F2 showed its ledger 221 ms after the key when built on demand, 56 ms when built ahead (1,000,000
        cases, docs/terminal-performance.md). A key pressed meanwhile waits for one step of one build at most;
        a post already opened is skipped."""
        for post in POSTS:
            await asyncio.sleep(PREPARE_PAUSE_SECONDS)  # room for keys and the home screen's own work
            if self.actor is None or not post.allows(self.actor.roles) or post.screen is None:
                continue
            if has_mode_screen(self, post.mode):
                continue
            await self._build_off_screen(post.mode, post.screen)
        await asyncio.sleep(PREPARE_PAUSE_SECONDS)
        freeze_long_lived_objects()

    async def _build_off_screen(self, mode: str, make: ScreenFactory) -> None:
        # App.switch_mode would build it on demand (App._init_mode); this is the same minus the ScreenResume,
        # which belongs to the opening: it loads the post's rows and takes the focus.
        screen, mounted = build_mode_screen(self, mode, make())
        self._building = mode
        try:
            await mounted
        finally:
            self._building = None
        prepare = getattr(screen, "prepare_hidden", None)
        if callable(prepare) and not screen.is_current:  # not opened by a key press meanwhile
            await prepare()

    # -- global keys ------------------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste):
            self.idle.touch()
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lock":
            return self.actor is not None and not self.locked
        if action in ("command_palette", "open_post", "go_home"):
            return not self.locked
        return True

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        title = getattr(self.screen, "SCREEN_NAME", "") or "当前界面"
        self.push_screen(HelpScreen(self.screen, title))

    def action_request_quit(self) -> None:
        if self.actor is None:
            self.exit(return_code=self.quit_code())
        elif not isinstance(self.screen, ConfirmScreen):
            self.push_screen(ConfirmScreen(QUIT_QUESTION), callback=self._quit_answered)

    def _quit_answered(self, yes: bool | None) -> None:
        if yes:
            self.exit(return_code=self.quit_code())

    def quit_code(self) -> int:
        return EXIT_DATABASE_UNAVAILABLE if self.db_state is DatabaseState.FAILED else 0

    def action_help_quit(self) -> None:
        self.notify("按 Ctrl+Q 退出系统", title="退出")

    # -- switching posts ----------------------------------------------------------------------------------------

    def switch_mode(self, mode: str) -> AwaitMount:
        self._switching_to_built = has_mode_screen(self, mode) and mode != self._building
        try:
            return super().switch_mode(mode)
        finally:
            self._switching_to_built = False

    def delay_update(self, delay: float = 0.05) -> None:
        """Textual holds frames for 50 ms on every ``switch_mode``, to hide a screen still composing. A screen
        built before (by ``prepare_posts`` or an earlier visit) is laid out and drawn already: shown at once,
        with its rows following a read later, instead of a 50 ms pause on every F-key."""
        if not self._switching_to_built:
            super().delay_update(delay)

    def action_open_post(self, key: str) -> None:
        post = post_for_key(key)
        if self.actor is None:
            return
        if not post.allows(self.actor.roles):
            self.notify(f"{post.label}：{NOT_ALLOWED}", severity="warning")
        elif post.screen is None:
            self.notify(f"{post.label}：{NOT_OPEN_YET}")
        else:
            self.switch_mode(post.mode)

    def action_go_home(self) -> None:
        if self.actor is not None:
            self.switch_mode("home")

    # -- command palette --------------------------------------------------------------------------------------

    def action_command_palette(self) -> None:
        if not self.locked and not isinstance(self.screen, CommandPalette):  # CommandPalette.is_open
            self.push_screen(CommandPalette(placeholder="输入命令，如“跳转”“锁定”“退出”", id="--command-palette"))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if self.actor is not None and not self.locked:
            yield from screen_commands(screen)
            yield SystemCommand("跳转: 我的待办", "首页：本人的待办期限", self.action_go_home)
            for post in POSTS:
                yield SystemCommand(
                    f"跳转: {post.label}", f"{post.key_display} {post.label}", partial(self.action_open_post, post.key)
                )
            if self.actor.has(Role.GENERAL_AFFAIRS, Role.DIRECTOR, Role.FIELD_SEARCH):
                yield SystemCommand("跳转: 值班排班", "线索查控组的周值班表（综合事务安排）", self.open_duty_roster)
            if self.actor.has(Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF):
                yield SystemCommand("跳转: 终本案件", "承办中案件的终本条件核查；主任可批准终本", self.open_zhongben)
            find_case = getattr(screen, "action_find_case", None)  # signed-in screens (SignedInScreen)
            if callable(find_case):
                yield SystemCommand("查找: 案件", "Ctrl+F 按案号、当事人、证件号或拼音首字母查找案件", find_case)
            yield SystemCommand("系统: 锁定终端", "Ctrl+L 离开座位时锁定终端", self.lock)
            yield SystemCommand("系统: 注销", "退出当前用户，回到登录界面（系统不退出）", self.action_sign_out)
        yield SystemCommand("系统: 退出", "Ctrl+Q 退出执行指挥中心系统", self.action_request_quit)
        yield SystemCommand("帮助: 快捷键", "F1 本界面的快捷键", self.action_help)

    def open_duty_roster(self) -> None:
        """The week's duty roster; 综合事务 and the director may mark days off."""
        from zhihui_tui.tui.screens.duty_roster import DutyRosterScreen

        actor = self.actor
        may_plan = actor is not None and actor.has(Role.GENERAL_AFFAIRS, Role.DIRECTOR)
        self.push_screen(DutyRosterScreen(self.runtime.clock.now().date(), may_plan=may_plan))

    def open_zhongben(self) -> None:
        """The 终本 candidates; the director approves 终本 with a reason, the chiefs read."""
        from zhihui_tui.tui.screens.closing.zhongben import ZhongbenScreen

        actor = self.actor
        self.push_screen(ZhongbenScreen(may_override=actor is not None and actor.has(Role.DIRECTOR)))

    # -- idle lock --------------------------------------------------------------------------------------------

    def check_idle_lock(self) -> None:
        """Runs on a timer: lock a signed-in terminal that has had no key for the configured time."""
        if self.actor is not None and not self.locked and self.idle.expired():
            self.lock()

    def action_lock(self) -> None:
        self.lock()

    def lock(self) -> None:
        if self.actor is None or self.locked:
            return
        self.locked = True
        court_name = self.runtime.court.court_name
        self.push_screen(LockScreen(self.runtime, self.actor, court_name=court_name), callback=self._unlocked)

    def _unlocked(self, _result: None) -> None:
        self.locked = False
        self.idle.touch()
