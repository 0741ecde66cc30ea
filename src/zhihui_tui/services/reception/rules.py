"""Who may do what at the reception post: one table the screens ask and every write enforces.

``allowed_actions(actor)`` answers cheaply and without the database, so a screen offers or refuses its keys by
asking it; each service function checks the very same table through ``require_action``.
"""

from __future__ import annotations

from enum import StrEnum

from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor, require_role

RECEPTION_ROLES = (Role.FILING_REVIEW, Role.DIRECTOR)  # 立案审查组 runs the window (SPEC §1)
BOOKING_ROLES = (Role.FILING_REVIEW, Role.DIRECTOR, Role.HANDLER)
LEDGER_READ_ROLES = (Role.FILING_REVIEW, Role.DIRECTOR, Role.GENERAL_AFFAIRS, Role.SYSTEM)
LEDGER_REPORT_ROLES = (Role.FILING_REVIEW, Role.DIRECTOR, Role.SYSTEM)


class ReceptionAction(StrEnum):
    """What a person can do at the reception post."""

    REGISTER_VISIT = "register_visit"  # 登记来访
    LOOK_UP_VISITOR = "look_up_visitor"  # the visitor's cases, by ID number
    BOOK = "book"  # 登记预约 (a handler for their own appointments only)
    SETTLE = "settle"  # record an appointment held, or cancel it
    READ_LEDGER = "read_ledger"  # the day's ledger and counts
    REPORT_LEDGER = "report_ledger"  # 报送接待台账

    @property
    def label(self) -> str:
        """The action in Chinese, as refusals name it."""
        return ACTION_LABELS[self]


ACTION_LABELS: dict[ReceptionAction, str] = {
    ReceptionAction.REGISTER_VISIT: "登记来访",
    ReceptionAction.LOOK_UP_VISITOR: "查询来访人案件",
    ReceptionAction.BOOK: "登记预约",
    ReceptionAction.SETTLE: "登记约见结果",
    ReceptionAction.READ_LEDGER: "查看接待台账",
    ReceptionAction.REPORT_LEDGER: "报送接待台账",
}

ACTION_ROLES: dict[ReceptionAction, tuple[Role, ...]] = {
    ReceptionAction.REGISTER_VISIT: RECEPTION_ROLES,
    ReceptionAction.LOOK_UP_VISITOR: RECEPTION_ROLES,
    ReceptionAction.BOOK: BOOKING_ROLES,
    ReceptionAction.SETTLE: BOOKING_ROLES,
    ReceptionAction.READ_LEDGER: LEDGER_READ_ROLES,
    ReceptionAction.REPORT_LEDGER: LEDGER_REPORT_ROLES,
}


def allowed_actions(actor: Actor) -> frozenset[ReceptionAction]:
    """What ``actor`` may do at the reception post; pure and cheap, asked per key."""
    return frozenset(action for action in ReceptionAction if actor.has(*ACTION_ROLES[action]))


def require_action(actor: Actor, action: ReceptionAction, *, doing: str | None = None) -> None:
    """Refuse unless the actor's roles allow ``action`` (``doing`` words the refusal, default the action's label)."""
    require_role(actor, ACTION_ROLES[action], doing or action.label)


def at_reception(actor: Actor) -> bool:
    """Whether the actor works the reception window (and so may book and settle for any handler)."""
    return actor.has(*RECEPTION_ROLES)
