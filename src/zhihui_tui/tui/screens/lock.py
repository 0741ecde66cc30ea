"""The idle lock: covers everything (no case data visible) until the signed-in person's password is given."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from zhihui_tui.tui.service_calls import Failure, ServiceCaller
from zhihui_tui.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from zhihui_tui.runtime import Runtime
    from zhihui_tui.services.context import Actor

WRONG_PASSWORD = "密码错误，请重新输入"
UNLOCK_ACTION = "验证密码"


class LockScreen(ServiceCaller, Screen[None]):
    """Esc does nothing here; only the right password dismisses it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "ignore", show=False)]
    AUTO_FOCUS = "#unlock-password"

    class Checked(Message):
        """Whether the password given was the signed-in person's."""

        def __init__(self, ok: bool) -> None:
            super().__init__()
            self.ok = ok

    def __init__(self, runtime: Runtime, actor: Actor, *, court_name: str) -> None:
        super().__init__()
        self.runtime = runtime
        self.actor = actor
        self.court_name = court_name

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="lock-box", classes="form-box"):
            yield Static(f"{self.court_name} · 执行指挥中心", classes="form-title")
            yield Static("终端已锁定", id="lock-title", classes="form-subtitle")
            yield Static(f"当前用户：{self.actor.name}（{self.actor.login}）", id="lock-user")
            yield Static("密码", classes="field-label")
            yield Input(password=True, id="unlock-password", placeholder="输入本人密码后按 Enter 解锁")
            yield Static("", id="lock-message", classes="form-message")
        yield KeyBar(show_command_palette=False)

    def action_ignore(self) -> None:
        """Esc must not uncover the screen."""

    @on(Input.Submitted, "#unlock-password")
    def submit(self, event: Input.Submitted) -> None:
        if not event.value:
            self.show_message("请输入密码")
            return
        event.input.disabled = True
        self.show_message("正在验证…")
        self.check_password(event.value)

    def check_password(self, password: str) -> None:
        """Verify in a worker (argon2 takes a moment); the answer comes back as :class:`Checked`."""
        from zhihui_tui.services.accounts import verify_password

        self.run_service(
            lambda ctx: verify_password(password, ctx=ctx),
            action=UNLOCK_ACTION,
            done=self.Checked,
            group="unlock",
            exclusive=True,
        )

    @on(Checked)
    def checked(self, message: Checked) -> None:
        field = self.query_one("#unlock-password", Input)
        if message.ok:
            field.value = ""
            self.dismiss(None)
            return
        self.ask_again(WRONG_PASSWORD)

    def display_failure(self, action: str, failure: Failure) -> None:
        """A dropped database must not leave the terminal stuck: say so and ask again."""
        self.ask_again(failure.text)

    def ask_again(self, text: str) -> None:
        field = self.query_one("#unlock-password", Input)
        field.disabled = False
        field.value = ""
        field.focus()
        self.show_message(text)

    def show_message(self, text: str) -> None:
        self.query_one("#lock-message", Static).update(text)
