"""The one way a screen runs service work: results come back as the screen's own message, every error as one
Failure shape with one wording, an account change signs out, and a cancelled call's answer is dropped."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from textual.app import App
from textual.message import Message
from textual.screen import Screen

from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.services.account_check import ACCOUNT_DISABLED, AccountChanged
from zhihui_tui.services.errors import ConcurrentEdit
from zhihui_tui.tui.service_calls import (
    DATABASE_BACK,
    DATABASE_UNAVAILABLE,
    Failure,
    FailureKind,
    ServiceCaller,
    describe,
)


class Answered(Message):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


class CallingScreen(ServiceCaller, Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.answers: list[Any] = []
        self.failures: list[tuple[str, Failure]] = []

    def on_answered(self, message: Answered) -> None:
        self.answers.append(message.value)

    def display_failure(self, action: str, failure: Failure) -> None:
        self.failures.append((action, failure))

    def display_reconnected(self) -> None:
        self.failures.append(("reconnected", Failure(FailureKind.UNAVAILABLE, DATABASE_BACK)))


class FakeShell(App[None]):
    """The two things a screen asks of the app: the session's context, and signing out."""

    CONTEXT = object()

    def __init__(self) -> None:
        super().__init__()
        self.signed_out: list[str] = []
        self.contexts: list[object] = []

    def get_default_screen(self) -> Screen[None]:
        return CallingScreen()

    def service_context(self) -> object:
        return self.CONTEXT

    def sign_out(self, reason: str = "") -> None:
        self.signed_out.append(reason)


def _raise(error: BaseException) -> Any:
    raise error


def _run(call: Any, **options: Any) -> tuple[FakeShell, CallingScreen]:
    app = FakeShell()

    async def main() -> CallingScreen:
        async with app.run_test() as pilot:
            screen = app.screen
            assert isinstance(screen, CallingScreen)
            worker = screen.run_service(call, action="保存测试", done=Answered, **options)
            await worker.wait()
            await pilot.pause()
            return screen

    return app, asyncio.run(main())


def test_the_result_comes_back_as_the_screens_own_message_with_the_sessions_context() -> None:
    seen: list[object] = []
    _app, screen = _run(lambda ctx: seen.append(ctx) or 42)
    assert screen.answers == [42] and screen.failures == []
    assert seen == [FakeShell.CONTEXT]


@pytest.mark.parametrize(
    ("error", "kind", "text", "field"),
    [
        (DomainError("该案件已立案"), FailureKind.REFUSED, "该案件已立案", None),
        (FieldError("执行标的", "应大于 0"), FailureKind.REFUSED, "执行标的：应大于 0", "执行标的"),
        (ConcurrentEdit("该案件已被 lian2 于 09:31:00（立案）修改"), FailureKind.CONFLICT, "该案件已被 lian2", None),
        (RuntimeError("boom"), FailureKind.UNEXPECTED, "保存测试失败：系统内部错误（RuntimeError），已记入日志", None),
    ],
)
def test_every_error_is_one_failure_shape(error: Exception, kind: FailureKind, text: str, field: str) -> None:
    _app, screen = _run(lambda ctx: _raise(error))
    assert screen.answers == []
    [(action, failure)] = screen.failures
    assert action == "保存测试"
    assert failure.kind is kind and failure.text.startswith(text) and failure.field == field


def test_an_account_changed_since_sign_in_signs_the_terminal_out() -> None:
    app, screen = _run(lambda ctx: _raise(AccountChanged(ACCOUNT_DISABLED)))
    assert app.signed_out == [ACCOUNT_DISABLED]
    assert screen.failures == [] and screen.answers == []


def test_a_replaced_call_posts_nothing() -> None:
    """``exclusive``: a reload replacing a reload; the slow first answer must never land over the second."""
    asyncio.run(_replaced_call())


async def _replaced_call() -> None:
    release = threading.Event()
    app = FakeShell()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, CallingScreen)

        def slow(ctx: object) -> str:
            release.wait(5)
            return "old"

        first = screen.run_service(slow, action="刷新", done=Answered, group="reload", exclusive=True)
        second = screen.run_service(lambda ctx: "new", action="刷新", done=Answered, group="reload", exclusive=True)
        await second.wait()
        release.set()
        await pilot.pause(0.2)
        assert first.is_cancelled
        await pilot.pause()
        assert screen.answers == ["new"]


def test_an_unreachable_database_is_said_as_such() -> None:
    from sqlalchemy.exc import OperationalError

    failure = describe(OperationalError("SELECT 1", {}, Exception("connection refused")), "读取队列")
    assert failure.kind is FailureKind.UNAVAILABLE and failure.text == "数据库暂时无法访问，请稍后重试"


def test_the_call_before_sign_in_runs_without_a_context_and_fails_the_same_way() -> None:
    """``run_unbound`` (the login): no session context is asked for, answers and failures arrive alike."""
    asyncio.run(_unbound_calls())


async def _unbound_calls() -> None:
    app = FakeShell()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, CallingScreen)
        await screen.run_unbound(lambda: "signed in", action="登录", done=Answered).wait()
        await screen.run_unbound(lambda: _raise(DomainError("登录名或密码错误")), action="登录", done=Answered).wait()
        await pilot.pause()
        assert screen.answers == ["signed in"]
        [(action, failure)] = screen.failures
        assert action == "登录" and failure.kind is FailureKind.REFUSED and failure.text == "登录名或密码错误"


def test_the_first_call_through_after_an_outage_says_the_database_is_back() -> None:
    """PostgreSQL restarted (issue 16): one Chinese message while it is down, one when saving works again."""
    from sqlalchemy.exc import OperationalError

    asyncio.run(_outage_then_back(OperationalError("SELECT 1", {}, Exception("connection refused"))))


async def _outage_then_back(down: Exception) -> None:
    app = FakeShell()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, CallingScreen)
        for call in (lambda ctx: _raise(down), lambda ctx: _raise(down), lambda ctx: 1, lambda ctx: 2):
            await screen.run_service(call, action="保存测试", done=Answered).wait()
            await pilot.pause()
        told = [(action, failure.text) for action, failure in screen.failures]
        assert told == [("保存测试", DATABASE_UNAVAILABLE)] * 2 + [("reconnected", DATABASE_BACK)]
        assert screen.answers == [1, 2]
