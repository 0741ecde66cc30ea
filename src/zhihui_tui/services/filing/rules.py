"""Who may do what in filing review, at which stage: one table the screen asks and every write enforces.

``allowed_actions(actor, stage)`` answers for a case at ``stage`` (``None``: a new form not received yet), cheaply
and without the database, so the filing screen shows or refuses its keys by asking it. The service functions check
the very same tables: the role first (``require_action``), then, inside their transaction, the stage of the case
as stored (``refuse_stage``), in the lifecycle's own words (R-CASE-4).
"""

from __future__ import annotations

from enum import StrEnum

from zhihui_tui.domain.lifecycle import Stage, check_transition
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor, require_role
from zhihui_tui.services.errors import ServiceError


class FilingAction(StrEnum):
    """What a person can do in filing review."""

    VIEW = "view"  # the queue, a case's draft, duplicate hints
    RECEIVE = "receive"  # take in a new filing at 材料接收
    SAVE = "save"  # correct the draft or the checklist before filing
    FILE = "file"  # 立案 (F9 on a new form receives it first)
    PROPOSE_REJECTION = "propose_rejection"  # 提请不予立案
    RULE_ON_REJECTION = "rule_on_rejection"  # the director's ruling (seed §四.1: 由指挥中心主任裁定)

    @property
    def label(self) -> str:
        """The action in Chinese, as refusals name it."""
        return ACTION_LABELS[self]


ACTION_LABELS: dict[FilingAction, str] = {
    FilingAction.VIEW: "查看立案信息",
    FilingAction.RECEIVE: "接收立案材料",
    FilingAction.SAVE: "修改立案信息",
    FilingAction.FILE: "立案",
    FilingAction.PROPOSE_REJECTION: "提请不予立案",
    FilingAction.RULE_ON_REJECTION: "裁定不予立案",
}

REVIEW = (Role.FILING_REVIEW,)
ACTION_ROLES: dict[FilingAction, tuple[Role, ...]] = {
    FilingAction.VIEW: (Role.FILING_REVIEW, Role.DIRECTOR),
    FilingAction.RECEIVE: REVIEW,
    FilingAction.SAVE: REVIEW,
    FilingAction.FILE: REVIEW,
    FilingAction.PROPOSE_REJECTION: REVIEW,
    FilingAction.RULE_ON_REJECTION: (Role.DIRECTOR,),
}

NEW_FORM = None  # the "stage" of a form not received yet
AT_RECEIPT: frozenset[Stage | None] = frozenset({Stage.RECEIVED})
ACTION_STAGES: dict[FilingAction, frozenset[Stage | None]] = {
    FilingAction.VIEW: frozenset({NEW_FORM, *Stage}),
    FilingAction.RECEIVE: frozenset({NEW_FORM}),
    FilingAction.SAVE: AT_RECEIPT,
    FilingAction.FILE: frozenset({NEW_FORM, Stage.RECEIVED}),
    FilingAction.PROPOSE_REJECTION: AT_RECEIPT,
    FilingAction.RULE_ON_REJECTION: AT_RECEIPT,
}
# The lifecycle move an action makes: a refusal at the wrong stage is worded by the lifecycle (R-CASE-4).
ACTION_TARGETS: dict[FilingAction, Stage] = {
    FilingAction.FILE: Stage.FILED,
    FilingAction.PROPOSE_REJECTION: Stage.REJECTED,
    FilingAction.RULE_ON_REJECTION: Stage.REJECTED,
}


def allowed_actions(actor: Actor, stage: Stage | None) -> frozenset[FilingAction]:
    """What ``actor`` may do with a case at ``stage`` (None: a new form); pure and cheap, asked per key."""
    return frozenset(
        action for action in FilingAction if actor.has(*ACTION_ROLES[action]) and stage in ACTION_STAGES[action]
    )


def require_action(actor: Actor, action: FilingAction, *, doing: str | None = None) -> None:
    """Refuse unless the actor's roles allow ``action`` (``doing`` words the refusal, default the action's label)."""
    require_role(actor, ACTION_ROLES[action], doing or action.label)


def refuse_stage(action: FilingAction, stage: Stage, *, doing: str | None = None) -> None:
    """Refuse ``action`` on a case stored at ``stage`` unless the table allows it, in the lifecycle's words."""
    if stage in ACTION_STAGES[action]:
        return
    target = ACTION_TARGETS.get(action)
    if target is not None:
        check_transition(stage, target)
    raise ServiceError(f"案件状态为“{stage.label}”，只有“{Stage.RECEIVED.label}”的案件可以{doing or action.label}")
