"""Who is acting, when, and against which database: the one context every use case takes.

A :class:`ServiceContext` is built once at the edge — per terminal session after sign-in, per batch command —
and passed keyword-only (``ctx=``) to every service function, instead of engine, clock, calendar and actor one by
one. Nothing in it is read from ``$USER`` or globals deep inside, so tests and ``--as-of`` runs are exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from zhihui_tui.domain.roles import Role
from zhihui_tui.services.errors import PermissionDenied
from zhihui_tui.settings import CourtSettings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from zhihui_tui.domain.calendar import WorkCalendar
    from zhihui_tui.domain.clock import Clock


@dataclass(frozen=True)
class Actor:
    """The signed-in person (or the batch account) with the roles held at sign-in; re-checked per unit of work."""

    id: int
    login: str
    name: str
    roles: frozenset[Role]

    def has(self, *roles: Role) -> bool:
        """Whether the actor holds any of ``roles``."""
        return bool(self.roles.intersection(roles))

    @property
    def role_labels(self) -> str:
        """The Chinese role names, for messages."""
        return "、".join(role.label for role in sorted(self.roles))


@dataclass(frozen=True, kw_only=True)
class ServiceContext:
    """Engine, clock, working calendar, acting user and court settings of one session or command."""

    engine: Engine
    clock: Clock
    calendar: WorkCalendar
    actor: Actor
    court: CourtSettings = field(default_factory=CourtSettings)
    data_dir: Path = field(default_factory=lambda: Path("data").resolve())

    def now(self) -> datetime:
        """The current moment on the injected clock (R-TIME-2)."""
        return self.clock.now()

    def today(self) -> date:
        """The current court day on the injected clock."""
        return self.clock.now().date()

    def acting(self, actor: Actor) -> ServiceContext:
        """The same session acting as someone else (tests, the batch account of a command)."""
        return replace(self, actor=actor)

    def at(self, clock: Clock) -> ServiceContext:
        """The same session on another clock (a replay, a late batch run)."""
        return replace(self, clock=clock)


def require_role(actor: Actor, allowed: Iterable[Role], action: str) -> None:
    """Refuse ``action`` unless the actor holds one of ``allowed``."""
    allowed = tuple(allowed)
    if not actor.has(*allowed):
        posts = "、".join(role.label for role in allowed)
        raise PermissionDenied(f"{actor.name}（{actor.login}）无权{action}：需要{posts}的权限")
