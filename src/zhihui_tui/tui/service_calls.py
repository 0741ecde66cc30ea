"""One way for a screen to run service work: :meth:`ServiceCaller.run_service`.

The call runs in a thread worker (database work never blocks a key press) with the session's
:class:`~zhihui_tui.services.context.ServiceContext`. Its result comes back as the screen's own typed message
(``done=``); any error comes back as :class:`ServiceFailed` carrying a :class:`Failure` — one shape and one
wording for every screen:

- a refused rule or a bad field (``DomainError``/``FieldError``): the service's own message, at the field if any;
- a conflict (``ConcurrentEdit``: another terminal saved first): its message, which names who and when;
- an account disabled or stripped of a role since sign-in: the terminal signs out;
- an unreachable database: say so, retry later; the first call that gets through again says the connection is
  back (the engine reconnects by itself: pre-ping on PostgreSQL), so the clerk knows saving works again;
- anything else: a bug — logged with its traceback, shown as one line, and the terminal carries on.

A cancelled worker (the screen went away, a newer call replaced it) posts nothing. No screen writes its own
``try/except`` around a service call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, TypeVar

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from zhihui_tui.tui.shell import shell_of

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from zhihui_tui.services.context import ServiceContext

T = TypeVar("T")
log = logging.getLogger("zhihui_tui.tui")

DATABASE_UNAVAILABLE = "数据库暂时无法访问，请稍后重试"
DATABASE_BACK = "数据库连接已恢复，可以继续操作"
_OUTAGE = "_zhihui_database_outage"  # set on the app while its last service call found the database unreachable


class FailureKind(Enum):
    REFUSED = "refused"  # a rule or a field said no; nothing changed
    CONFLICT = "conflict"  # another terminal saved first; nothing changed
    SIGNED_OUT = "signed_out"  # the account was disabled or lost a role
    UNAVAILABLE = "unavailable"  # the database could not be reached
    UNEXPECTED = "unexpected"  # a bug: logged with its traceback

    @property
    def title(self) -> str:
        return FAILURE_TITLES[self]


FAILURE_TITLES = {
    FailureKind.REFUSED: "未保存",
    FailureKind.CONFLICT: "保存冲突",
    FailureKind.SIGNED_OUT: "需要重新登录",
    FailureKind.UNAVAILABLE: "数据库不可用",
    FailureKind.UNEXPECTED: "系统错误",
}


@dataclass(frozen=True)
class Failure:
    """What went wrong, as the clerk reads it. ``field`` is the Chinese label of the bad field, if one."""

    kind: FailureKind
    text: str
    field: str | None = None
    fields: tuple[tuple[str, str], ...] = ()  # every bad field (label, reason) when a form had several


def describe(error: BaseException, action: str) -> Failure:
    """The one wording of ``error`` raised while doing ``action`` (a Chinese verb phrase, e.g. "保存查控结果")."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from zhihui_tui.domain.errors import DomainError, FieldError, FieldErrors
    from zhihui_tui.services.account_check import AccountChanged
    from zhihui_tui.services.errors import ConcurrentEdit

    if isinstance(error, AccountChanged):
        return Failure(FailureKind.SIGNED_OUT, error.message)
    if isinstance(error, ConcurrentEdit):
        return Failure(FailureKind.CONFLICT, error.message)
    if isinstance(error, FieldError):
        return Failure(FailureKind.REFUSED, error.message, field=error.field, fields=((error.field, error.reason),))
    if isinstance(error, FieldErrors):
        fields = tuple((e.field, e.reason) for e in error.errors)
        return Failure(FailureKind.REFUSED, error.message, field=error.errors[0].field, fields=fields)
    if isinstance(error, DomainError):
        return Failure(FailureKind.REFUSED, error.message)
    if isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated):
        return Failure(FailureKind.UNAVAILABLE, DATABASE_UNAVAILABLE)
    return Failure(FailureKind.UNEXPECTED, f"{action}失败：系统内部错误（{type(error).__name__}），已记入日志")


class ServiceFailed(Message):
    """A service call made through :meth:`ServiceCaller.run_service` failed; nothing was changed."""

    def __init__(self, action: str, failure: Failure) -> None:
        super().__init__()
        self.action = action
        self.failure = failure


class DatabaseBack(Message):
    """A service call got through after an earlier one found the database unreachable."""


class ServiceCaller:
    """Mixed into screens (and widgets) that call services; see the module docstring."""

    def run_service(
        self,
        call: Callable[[ServiceContext], T],
        *,
        action: str,
        done: Callable[[T], Message | None] | None = None,
        group: str = "service",
        exclusive: bool = False,
    ) -> Worker[None]:
        """Run ``call(ctx)`` in a thread worker; post ``done(result)`` or :class:`ServiceFailed` to this node.

        ``exclusive=True`` cancels the group's previous call (a reload replacing a reload): its late answer is
        dropped, never shown over the newer one."""
        node = self._service_node()
        return self.run_unbound(
            lambda: call(shell_of(node).service_context()), action=action, done=done, group=group, exclusive=exclusive
        )

    def run_unbound(
        self,
        call: Callable[[], T],
        *,
        action: str,
        done: Callable[[T], Message | None] | None = None,
        group: str = "service",
        exclusive: bool = False,
    ) -> Worker[None]:
        """:meth:`run_service` for the one call made before anyone is signed in (the login): no context to pass."""
        node = self._service_node()

        def body() -> None:
            worker = get_current_worker()
            try:
                result = call()
            except Exception as error:
                failure = describe(error, action)
                if failure.kind is FailureKind.UNEXPECTED:
                    log.error("%s failed", action, exc_info=error)
                if failure.kind is FailureKind.UNAVAILABLE:
                    setattr(node.app, _OUTAGE, True)
                if not worker.is_cancelled:
                    node.post_message(ServiceFailed(action, failure))
                return
            if getattr(node.app, _OUTAGE, False):
                setattr(node.app, _OUTAGE, False)
                node.post_message(DatabaseBack())
            if worker.is_cancelled or done is None:
                return
            message = done(result)
            if message is not None:
                node.post_message(message)

        return node.run_worker(body, name=action, group=group, exclusive=exclusive, thread=True, exit_on_error=False)

    async def read_ahead(self, call: Callable[[ServiceContext], T], show: Callable[[T], object]) -> None:
        """For a post built ahead (``SignedInScreen.prepare_hidden``): ``call`` run in a thread and its result
        given to ``show``, so the first opening shows the post's rows at once while it reads them again (lines
        and rows left alone when unchanged). Nothing is shown when the post was opened meanwhile (its own read is
        the fresher) or the read failed: the opening reads again and says what went wrong then."""
        node = self._service_node()
        shell = shell_of(node)
        try:
            result = await asyncio.to_thread(lambda: call(shell.service_context()))
        except Exception as error:
            if describe(error, "读取").kind is FailureKind.UNEXPECTED:
                log.warning("reading ahead failed", exc_info=error)
            return
        if not node.screen.is_current:
            show(result)

    def _service_node(self) -> Widget:
        assert isinstance(self, Widget), "ServiceCaller is mixed into a screen or widget"
        return self

    def on_service_failed(self, message: ServiceFailed) -> None:
        """Show the failure: sign out for an account change, else :meth:`display_failure` (screens override that)."""
        message.stop()
        if message.failure.kind is FailureKind.SIGNED_OUT:
            shell_of(self._service_node()).sign_out(message.failure.text)
            return
        self.display_failure(message.action, message.failure)

    def on_database_back(self, message: DatabaseBack) -> None:
        """Say once that the database answers again."""
        message.stop()
        self.display_reconnected()

    def display_reconnected(self) -> None:
        """By default a notification."""
        self._service_node().notify(DATABASE_BACK, title="数据库已恢复", markup=False)

    def display_failure(self, action: str, failure: Failure) -> None:
        """By default a notification; a form shows it under its fields, a post in its status line."""
        node = self._service_node()
        severity: SeverityLevel = "warning" if failure.kind in (FailureKind.REFUSED, FailureKind.CONFLICT) else "error"
        node.notify(failure.text, title=failure.kind.title, severity=severity, markup=False)
