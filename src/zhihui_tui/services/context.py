"""Who is acting, and when. Passed to every service explicitly (never read from ``$USER`` or globals)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhihui_tui.domain.roles import Role
from zhihui_tui.services.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    id: int
    login: str
    name: str
    roles: frozenset[Role]

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def role_labels(self) -> str:
        return "、".join(role.label for role in sorted(self.roles))


def require_role(actor: Actor, allowed: Iterable[Role], action: str) -> None:
    """Refuse ``action`` unless the actor holds one of ``allowed``."""
    allowed = tuple(allowed)
    if not actor.has(*allowed):
        posts = "、".join(role.label for role in allowed)
        raise PermissionDenied(f"{actor.name}（{actor.login}）无权{action}：需要{posts}的权限")
