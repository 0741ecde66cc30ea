"""Who may do what with case funds and seized property: the 款物管理组 keeps the accounts and the register; the
director and the leaders read them."""

from __future__ import annotations

from enum import StrEnum

from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor, require_role


class FundsAction(StrEnum):
    """What a person can do with case accounts."""

    VIEW = "view"
    RECEIVE = "receive"  # 登记到账 (counter, online) and import the bank statement
    CLAIM = "claim"  # 认领 unassigned money into its case
    DISBURSE = "disburse"  # 发放
    REVERSE = "reverse"  # 冲正
    DELAY = "delay"  # 延期发放登记
    PROPERTY = "property"  # 登记扣押物品, change its 处置状态 (R-FND-3)

    @property
    def label(self) -> str:
        """The action in Chinese, as refusals name it."""
        return {
            "view": "查看案款账户",
            "receive": "登记到账",
            "claim": "认领案款",
            "disburse": "发放案款",
            "reverse": "冲正",
            "delay": "登记延期发放",
            "property": "登记扣押物品",
        }[self.value]


CLERKS = (Role.FUNDS,)
READERS = (Role.FUNDS, Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF, Role.GENERAL_AFFAIRS, Role.SYSTEM)
APPROVERS = (Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF, Role.DIRECTOR)  # who may approve a disbursement
ACTION_ROLES: dict[FundsAction, tuple[Role, ...]] = {
    FundsAction.VIEW: READERS,
    FundsAction.RECEIVE: (*CLERKS, Role.SYSTEM),
    FundsAction.CLAIM: CLERKS,
    FundsAction.DISBURSE: CLERKS,
    FundsAction.REVERSE: CLERKS,
    FundsAction.DELAY: CLERKS,
    FundsAction.PROPERTY: CLERKS,
}


def allowed_actions(actor: Actor) -> frozenset[FundsAction]:
    """What ``actor`` may do with case accounts; pure and cheap."""
    return frozenset(action for action in FundsAction if actor.has(*ACTION_ROLES[action]))


def require_action(actor: Actor, action: FundsAction) -> None:
    """Refuse unless the actor's roles allow ``action``."""
    require_role(actor, ACTION_ROLES[action], action.label)
