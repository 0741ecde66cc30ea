"""Is the signed-in person still allowed? One indexed query per unit of work, so a disabled account or a
removed role stops working at the next action, not when the terminal quits (issue 12)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from zhihui_tui.db.models import Staff, StaffRole
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import PermissionDenied

ACCOUNT_DISABLED = "账号已停用，请联系管理员"
ROLES_CHANGED = "您的权限已变更，请重新登录"

_staff = Staff.__table__  # type: ignore[attr-defined]
_staff_role = StaffRole.__table__  # type: ignore[attr-defined]
# Primary key of staff, then the (staff_id, role) primary key of staff_role: two index probes, one round trip.
_ACCOUNT_STATE = (
    select(_staff.c.active, _staff_role.c.role)
    .select_from(_staff.outerjoin(_staff_role, _staff_role.c.staff_id == _staff.c.id))
    .where(_staff.c.id == bindparam("staff_id"))
)


class AccountChanged(PermissionDenied):
    """The account behind an Actor was disabled or lost a role since sign-in: the terminal must sign out."""


def recheck_actor(session: Session, actor: Actor) -> None:
    """Refuse an actor whose staff row is gone, inactive, or no longer holds every role the Actor carries."""
    rows = session.connection().execute(_ACCOUNT_STATE, {"staff_id": actor.id}).all()
    if not rows or not rows[0][0]:
        raise AccountChanged(ACCOUNT_DISABLED)
    held = {role for _, role in rows}
    if any(role.value not in held for role in actor.roles):
        raise AccountChanged(ROLES_CHANGED)
