"""Who may do what in field work (delegation, the workbench desk, field search, counter): one table.

``allowed_actions(actor)`` answers cheaply and without the database, so a screen shows or hides its lists and
keys by asking it instead of copying role sets. The service functions check the very same table
(``require_action``), worded as before ("X无权提请委托事项：需要承办人的权限").
"""

from __future__ import annotations

from enum import StrEnum

from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor, require_role


class FieldAction(StrEnum):
    """What a person can do in field work."""

    VIEW_MY_CASES = "view_my_cases"  # the handler's cases on the workbench
    VIEW_WAITING = "view_waiting"  # results, meetings and call-backs waiting on the handler
    REQUEST = "request"  # 提请委托事项
    RECORD_RESULT = "record_result"  # 送达、公告、其他: the desk records a plain result
    DECIDE_URGENT = "decide_urgent"  # the bureau chief approves or refuses a temporary 拘传
    VIEW_SEARCHES = "view_searches"  # the 查人找物 queue
    REGISTER_SEARCH = "register_search"
    ATTACH_SEARCH_FILES = "attach_search_files"
    RECORD_SEARCH_OUTCOME = "record_search_outcome"
    VIEW_COUNTER = "view_counter"  # the 临柜 queues
    OPEN_COUNTER_TASK = "open_counter_task"
    TAKE_COUNTER_TASK = "take_counter_task"
    HAND_OVER_COUNTER_TASK = "hand_over_counter_task"

    @property
    def label(self) -> str:
        """The action in Chinese, as refusals name it."""
        return ACTION_LABELS[self]


ACTION_LABELS: dict[FieldAction, str] = {
    FieldAction.VIEW_MY_CASES: "查看承办案件",
    FieldAction.VIEW_WAITING: "查看待办事项",
    FieldAction.REQUEST: "提请委托事项",
    FieldAction.RECORD_RESULT: "办理委托事项",
    FieldAction.DECIDE_URGENT: "审批临时拘传",
    FieldAction.VIEW_SEARCHES: "查看查人找物事项",
    FieldAction.REGISTER_SEARCH: "登记查人找物",
    FieldAction.ATTACH_SEARCH_FILES: "上传查人找物材料",
    FieldAction.RECORD_SEARCH_OUTCOME: "登记查人找物结果",
    FieldAction.VIEW_COUNTER: "查看临柜业务",
    FieldAction.OPEN_COUNTER_TASK: "新建临柜业务",
    FieldAction.TAKE_COUNTER_TASK: "领取临柜业务",
    FieldAction.HAND_OVER_COUNTER_TASK: "临柜业务交接",
}

HANDLER = (Role.HANDLER,)
# Posts whose matters close with a plain result (complete_matter); field search and counter keep their own records.
RESULT_POSTS = (Role.SERVICE, Role.DIRECTOR)
CHIEF_ROLES = (Role.BUREAU_CHIEF,)
SEARCH = (Role.FIELD_SEARCH,)
COUNTER = (Role.COUNTER_CONTROL,)

ACTION_ROLES: dict[FieldAction, tuple[Role, ...]] = {
    FieldAction.VIEW_MY_CASES: HANDLER,
    FieldAction.VIEW_WAITING: HANDLER,
    FieldAction.REQUEST: HANDLER,
    FieldAction.RECORD_RESULT: RESULT_POSTS,
    FieldAction.DECIDE_URGENT: CHIEF_ROLES,
    FieldAction.VIEW_SEARCHES: (*SEARCH, Role.DIRECTOR),
    FieldAction.REGISTER_SEARCH: SEARCH,
    FieldAction.ATTACH_SEARCH_FILES: SEARCH,
    FieldAction.RECORD_SEARCH_OUTCOME: SEARCH,
    FieldAction.VIEW_COUNTER: (*COUNTER, Role.DIRECTOR),
    FieldAction.OPEN_COUNTER_TASK: (*COUNTER, Role.DIRECTOR),
    FieldAction.TAKE_COUNTER_TASK: COUNTER,
    FieldAction.HAND_OVER_COUNTER_TASK: COUNTER,
}


def allowed_actions(actor: Actor) -> frozenset[FieldAction]:
    """What ``actor`` may do in field work; pure and cheap, asked when a screen mounts or a key is checked."""
    return frozenset(action for action in FieldAction if actor.has(*ACTION_ROLES[action]))


def require_action(actor: Actor, action: FieldAction, *, doing: str | None = None) -> None:
    """Refuse unless the actor's roles allow ``action`` (``doing`` words the refusal, default the action's label)."""
    require_role(actor, ACTION_ROLES[action], doing or action.label)
