"""Who may do what at the end of a case: the handler closes and records measures on the cases they hold; the
director overrides 终本 conditions; the network-inquiry post runs the watch; the dossier group takes dossiers
to the archive; resumption is confirmed by the original handler or, when they are gone, the bureau chief."""

from __future__ import annotations

from enum import StrEnum

from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor, require_role


class ClosingAction(StrEnum):
    """What a person can do at the end of a case."""

    CLOSE = "close"
    RECORD_MEASURE = "record_measure"
    OVERRIDE_ZHONGBEN = "override_zhongben"
    VIEW_CANDIDATES = "view_candidates"
    WATCH = "watch"
    RESUME = "resume"
    TRANSFER_DOSSIER = "transfer_dossier"
    KEEP_DOSSIER = "keep_dossier"  # receive, scan and upload, archive, supplement
    VIEW_DOSSIERS = "view_dossiers"  # the dossier list: the dossier group, and the leaders read-only

    @property
    def label(self) -> str:
        """The action in Chinese, as refusals name it."""
        return {
            "close": "结案",
            "record_measure": "登记执行措施",
            "override_zhongben": "批准终本",
            "view_candidates": "查看终本案件",
            "watch": "登记终本案件定期查控",
            "resume": "确认恢复执行",
            "transfer_dossier": "移交卷宗",
            "keep_dossier": "卷宗整理归档",
            "view_dossiers": "查看卷宗",
        }[self.value]


ACTION_ROLES: dict[ClosingAction, tuple[Role, ...]] = {
    ClosingAction.CLOSE: (Role.HANDLER,),
    ClosingAction.RECORD_MEASURE: (Role.HANDLER,),
    ClosingAction.OVERRIDE_ZHONGBEN: (Role.DIRECTOR,),
    ClosingAction.VIEW_CANDIDATES: (Role.HANDLER, Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF, Role.SYSTEM),
    ClosingAction.WATCH: (Role.NETWORK_INQUIRY,),
    ClosingAction.RESUME: (Role.HANDLER, Role.BUREAU_CHIEF),
    ClosingAction.TRANSFER_DOSSIER: (Role.HANDLER,),
    ClosingAction.KEEP_DOSSIER: (Role.DOSSIER,),
    ClosingAction.VIEW_DOSSIERS: (Role.DOSSIER, Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF),
}


def allowed_actions(actor: Actor) -> frozenset[ClosingAction]:
    """What ``actor`` may do at the end of a case; pure and cheap."""
    return frozenset(action for action in ClosingAction if actor.has(*ACTION_ROLES[action]))


def require_action(actor: Actor, action: ClosingAction) -> None:
    """Refuse unless the actor's roles allow ``action``."""
    require_role(actor, ACTION_ROLES[action], action.label)
