"""Who may do what on the triage board, at which stage: one table the screen asks and every write enforces.

``allowed_actions(actor, stage)`` answers for a case at ``stage`` cheaply and without the database, so the board
shows or refuses its keys by asking it (the footer shows only the keys that work in the view at hand). The
service functions check the very same tables: the role first (``require_action``), then, inside their
transaction, the stage of the case as stored (``case_for``), in the lifecycle's own words (R-CASE-4).
"""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session

from zhihui_tui.db.models import Case
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.lifecycle import Stage, check_transition
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor, require_role
from zhihui_tui.services.locking import load_for_update


class TriageAction(StrEnum):
    """What a person can do on the triage board."""

    VIEW = "view"  # the board's three views
    ACCEPT = "accept"  # 采纳建议 (one case, or the marked ones)
    OVERRIDE = "override"  # 改判: the other team, with a reason (R-TRI-3)
    ESCALATE = "escalate"  # 提请局长指定
    SET_FLAGS = "set_flags"  # 分流事实 the director re-ticks before ruling (R-TRI-2)
    DESIGNATE = "designate"  # 局长指定分案
    ASSIGN = "assign"  # 二次分案

    @property
    def label(self) -> str:
        """The action in Chinese, as refusals name it."""
        return ACTION_LABELS[self]


ACTION_LABELS: dict[TriageAction, str] = {
    TriageAction.VIEW: "查看分流看板",
    TriageAction.ACCEPT: "繁简分流",
    TriageAction.OVERRIDE: "繁简分流",
    TriageAction.ESCALATE: "提请局长指定",
    TriageAction.SET_FLAGS: "修改分流事实",
    TriageAction.DESIGNATE: "局长指定分案",
    TriageAction.ASSIGN: "二次分案",
}

DIRECTOR = (Role.DIRECTOR,)
ACTION_ROLES: dict[TriageAction, tuple[Role, ...]] = {
    TriageAction.VIEW: (Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF, Role.SYSTEM, Role.ADMIN),
    TriageAction.ACCEPT: DIRECTOR,
    TriageAction.OVERRIDE: DIRECTOR,
    TriageAction.ESCALATE: DIRECTOR,
    TriageAction.SET_FLAGS: DIRECTOR,
    TriageAction.DESIGNATE: (Role.BUREAU_CHIEF,),
    TriageAction.ASSIGN: (Role.DIRECTOR, Role.BUREAU_CHIEF),
}

BOARD_STAGES = frozenset({Stage.INQUIRED, Stage.ESCALATED, Stage.TRIAGED})
ACTION_STAGES: dict[TriageAction, frozenset[Stage]] = {
    TriageAction.VIEW: BOARD_STAGES,
    TriageAction.ACCEPT: frozenset({Stage.INQUIRED}),
    TriageAction.OVERRIDE: frozenset({Stage.INQUIRED}),
    TriageAction.ESCALATE: frozenset({Stage.INQUIRED}),
    TriageAction.SET_FLAGS: frozenset({Stage.INQUIRED}),
    TriageAction.DESIGNATE: frozenset({Stage.ESCALATED}),
    TriageAction.ASSIGN: frozenset({Stage.TRIAGED}),
}


def allowed_actions(actor: Actor, stage: Stage) -> frozenset[TriageAction]:
    """What ``actor`` may do with a case at ``stage`` on the board; pure and cheap, asked per key."""
    return frozenset(
        action for action in TriageAction if actor.has(*ACTION_ROLES[action]) and stage in ACTION_STAGES[action]
    )


def ruling_stage(action: TriageAction) -> Stage:
    """The one stage (the board's view) a ruling is taken at; not for ``VIEW``, which every view allows."""
    (stage,) = ACTION_STAGES[action]
    return stage


def first_view(actor: Actor) -> Stage:
    """The view a person's board opens on: the first where they rule on something (the chief: 局长指定)."""
    views = (Stage.INQUIRED, Stage.ESCALATED, Stage.TRIAGED)
    return next((stage for stage in views if allowed_actions(actor, stage) - {TriageAction.VIEW}), Stage.INQUIRED)


def require_action(actor: Actor, action: TriageAction, *, doing: str | None = None) -> None:
    """Refuse unless the actor's roles allow ``action`` (``doing`` words the refusal, default the action's label)."""
    require_role(actor, ACTION_ROLES[action], doing or action.label)


def lock_case(session: Session, case_id: int) -> Case:
    """The case row, locked for this transaction: a second terminal ruling on it waits, then reads the outcome."""
    return load_for_update(session, Case, case_id, None, what="该案件", missing="没有该案件")


def check_stage(found: Case, action: TriageAction, target: Stage) -> None:
    """Refuse ``action`` unless the case is at the one stage it is taken at and may move to ``target``, in the
    lifecycle's words (a second ruling on a case already ruled)."""
    stage = Stage(found.stage)
    check_transition(stage, target)
    wanted = ruling_stage(action)
    if stage is not wanted:
        raise DomainError(f"该案状态为“{stage.label}”，不是“{wanted.label}”")


def case_for(session: Session, case_id: int, action: TriageAction, target: Stage) -> Case:
    """The case, locked, at the stage ``action`` needs and able to move to ``target`` (see :func:`check_stage`)."""
    found = lock_case(session, case_id)
    check_stage(found, action, target)
    return found
