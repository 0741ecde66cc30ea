"""Who may do what on the 网络查控 post, at which stage: one table the screen asks and every write enforces.

``allowed_actions(actor)`` answers by the actor's posts alone (which keys a screen offers);
``allowed_actions(actor, stage)`` also by the case's stage (rows are recorded and the table submitted only while
the case is 已送达; the triage facts may still be marked once it is 已查控, until the director triages it).
"""

from __future__ import annotations

from enum import StrEnum

from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor

INQUIRY_ROLES = (Role.NETWORK_INQUIRY,)
READ_ROLES = (Role.NETWORK_INQUIRY, Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF)
FLAG_ROLES = (Role.NETWORK_INQUIRY, Role.DIRECTOR)


class InquiryAction(StrEnum):
    """What a person can do on the 网络查控 post."""

    VIEW = "view"  # the queue and a case's feedback table
    START = "start"  # 提起网络查控
    RECORD = "record"  # add, edit or remove a row of the table
    SUBMIT = "submit"  # 提交查控结果反馈信息表
    FLAG = "flag"  # 标注分流事实

    @property
    def roles(self) -> tuple[Role, ...]:
        """The posts that may take this action."""
        return ACTION_ROLES[self]

    @property
    def posts(self) -> str:
        """Those posts in Chinese, as a refusal names them."""
        return "、".join(role.label for role in self.roles)


ACTION_ROLES: dict[InquiryAction, tuple[Role, ...]] = {
    InquiryAction.VIEW: READ_ROLES,
    InquiryAction.START: INQUIRY_ROLES,
    InquiryAction.RECORD: INQUIRY_ROLES,
    InquiryAction.SUBMIT: INQUIRY_ROLES,
    InquiryAction.FLAG: FLAG_ROLES,
}
AT_SERVICE = frozenset({Stage.SERVED})
# A result may arrive after the table was submitted, up to the case's closing: it is kept, marked late, and goes to
# the triage facts (still awaiting triage) or to the handler (already assigned) — never lost (issue 11).
RESULT_STAGES = frozenset({Stage.SERVED, Stage.INQUIRED, Stage.TRIAGED, Stage.ESCALATED, Stage.ASSIGNED, Stage.CLOSED})


def is_late(stage: Stage) -> bool:
    """Whether a result entered at ``stage`` comes after the feedback table was submitted."""
    return stage is not Stage.SERVED


ACTION_STAGES: dict[InquiryAction, frozenset[Stage]] = {
    InquiryAction.VIEW: frozenset(Stage),
    InquiryAction.START: AT_SERVICE,
    InquiryAction.RECORD: RESULT_STAGES,
    InquiryAction.SUBMIT: AT_SERVICE,
    InquiryAction.FLAG: frozenset({Stage.SERVED, Stage.INQUIRED}),
}


def allowed_actions(actor: Actor, stage: Stage | None = None) -> frozenset[InquiryAction]:
    """What ``actor`` may do (on a case at ``stage``; None: by posts alone); pure and cheap, asked per key."""
    return frozenset(
        action
        for action in InquiryAction
        if actor.has(*ACTION_ROLES[action]) and (stage is None or stage in ACTION_STAGES[action])
    )
