"""Who may do what at the 集约送达 desk: one table, asked by the screen (keys shown) and checked by the services.

The seed names no group lead (组长) for 集约送达组 (§四.2, unlike 财产/线索查控), so the centre director, who runs
the centre's groups, assigns items; the group's clerks take items themselves and record the work.
"""

from __future__ import annotations

from enum import StrEnum

from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor, require_role


class ServiceAction(StrEnum):
    """What a person can do at the service desk."""

    VIEW = "view"  # the queues
    TAKE = "take"  # 领取: the clerk owns the item from now on
    ASSIGN = "assign"  # 指派: the director names the clerk
    GENERATE = "generate"  # 生成文书 for one case
    PRINT = "print"  # 标记已打印
    RECORD = "record"  # 登记送达（邮寄、直接送达、公告）and its result

    @property
    def label(self) -> str:
        """The action in Chinese, as refusals name it."""
        return ACTION_LABELS[self]


ACTION_LABELS: dict[ServiceAction, str] = {
    ServiceAction.VIEW: "查看送达事项",
    ServiceAction.TAKE: "领取送达事项",
    ServiceAction.ASSIGN: "指派送达事项",
    ServiceAction.GENERATE: "生成送达文书",
    ServiceAction.PRINT: "标记文书已打印",
    ServiceAction.RECORD: "登记送达",
}

CLERKS = (Role.SERVICE,)
ACTION_ROLES: dict[ServiceAction, tuple[Role, ...]] = {
    ServiceAction.VIEW: (*CLERKS, Role.DIRECTOR),
    ServiceAction.TAKE: CLERKS,
    ServiceAction.ASSIGN: (Role.DIRECTOR,),
    ServiceAction.GENERATE: CLERKS,
    ServiceAction.PRINT: CLERKS,
    ServiceAction.RECORD: CLERKS,
}


def allowed_actions(actor: Actor) -> frozenset[ServiceAction]:
    """What ``actor`` may do at the service desk; pure and cheap."""
    return frozenset(action for action in ServiceAction if actor.has(*ACTION_ROLES[action]))


def require_action(actor: Actor, action: ServiceAction) -> None:
    """Refuse unless the actor's roles allow ``action``."""
    require_role(actor, ACTION_ROLES[action], action.label)
