"""Login: 登录名 and 密码. Enter moves to the next field, then signs in once the database is ready.

Kept light on purpose (no Button: its stylesheet alone is a measurable part of the first frame); Enter submits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from zhihui_tui.tui.connect import DatabaseState
from zhihui_tui.tui.service_calls import Failure, ServiceCaller
from zhihui_tui.tui.shell import Shell, shell_of
from zhihui_tui.tui.widgets.header import court_title
from zhihui_tui.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from zhihui_tui.services.context import Actor

CONNECTING = "正在连接数据库…"
READY = "数据库已就绪"
SIGNING_IN = "正在登录…"
SIGN_IN_ACTION = "登录"
WAITING = "正在连接数据库…，连接后自动登录"


class LoginScreen(ServiceCaller, Screen[None]):
    SCREEN_NAME = "登录"
    AUTO_FOCUS = "#login-name"

    class SignedIn(Message):
        """The password was right: the person now signed in."""

        def __init__(self, actor: Actor) -> None:
            super().__init__()
            self.actor = actor

    def __init__(self) -> None:
        super().__init__()
        self._waiting_for_database = False
        self._busy = False

    @property
    def shell(self) -> Shell:
        return shell_of(self)

    def compose(self) -> ComposeResult:
        with Center(id="login-center"), Vertical(id="login-box", classes="form-box"):
            court_name = self.shell.runtime.court.court_name
            yield Static(court_title(court_name), id="login-court", classes="form-title", markup=False)
            yield Static("用户登录", classes="form-subtitle")
            with Horizontal(classes="field-row"):
                yield Static("登录名", classes="field-label")
                yield Input(id="login-name", placeholder="如 zhangsan", max_length=32)
            with Horizontal(classes="field-row"):
                yield Static("密码", classes="field-label")
                yield Input(id="login-password", password=True, max_length=128)
            yield Static("Enter 下一项 / 登录", id="login-hint", classes="form-hint")
            yield Static("", id="login-message", classes="form-message", markup=False)
            yield Static(CONNECTING, id="login-status", classes="form-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.watch(self.app, "db_state", self._database_state_changed, init=True)

    def on_screen_resume(self) -> None:
        """Shown again after a sign-out: the next person starts at the login name, not the last one's password."""
        self.query_one("#login-name", Input).focus()

    def _database_state_changed(self, state: DatabaseState) -> None:
        status = self.query_one("#login-status", Static)
        if state is DatabaseState.CONNECTING:
            status.update(CONNECTING)
        elif state is DatabaseState.READY:
            status.update(READY)
            if self._waiting_for_database:
                self._waiting_for_database = False
                self.attempt()
        else:
            status.update("")
            self.set_class(True, "-database-failed")
            self.show_message(self.shell.db_error)

    @on(Input.Submitted, "#login-name")
    def name_entered(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    def submitted(self) -> None:
        self.attempt()

    def attempt(self) -> None:
        """Sign in with what is typed, or say what is missing; waits for the database if it is not ready."""
        if self._busy:
            return
        login = self.query_one("#login-name", Input).value.strip()
        password = self.query_one("#login-password", Input).value
        if not login:
            self._refuse("请输入登录名", "#login-name")
            return
        if not password:
            self._refuse("请输入密码", "#login-password")
            return
        state = self.shell.db_state
        if state is DatabaseState.FAILED:
            self.show_message(self.shell.db_error)
            return
        if state is DatabaseState.CONNECTING:
            self._waiting_for_database = True
            self.show_message(WAITING)
            return
        self._busy = True
        self.show_message(SIGNING_IN)
        self.authenticate(login, password)

    def authenticate(self, login: str, password: str) -> None:
        """Check the password in a worker (argon2 takes a moment); the answer comes back as :class:`SignedIn`."""

        def call() -> Actor:
            from zhihui_tui.services.accounts import authenticate

            runtime = self.shell.runtime
            return authenticate(runtime.engine, login, password, clock=runtime.clock)

        self.run_unbound(call, action=SIGN_IN_ACTION, done=self.SignedIn, group="login", exclusive=True)

    @on(SignedIn)
    def signed_in(self, message: SignedIn) -> None:
        self._busy = False
        self.query_one("#login-password", Input).value = ""
        self.query_one("#login-name", Input).value = ""
        self.show_message("")
        self.shell.signed_in(message.actor)

    def display_failure(self, action: str, failure: Failure) -> None:
        """A refusal (wrong password, locked, disabled) or an unreachable database: said under the fields."""
        self._busy = False
        self.query_one("#login-password", Input).value = ""
        self._refuse(failure.text, "#login-password")

    def _refuse(self, text: str, focus: str) -> None:
        self.show_message(text)
        self.query_one(focus, Input).focus()

    def show_message(self, text: str) -> None:
        self.query_one("#login-message", Static).update(text)
