"""The service work of the workbench, as run in ``run_service``'s worker with the session's context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhihui_tui.domain.roles import Role
from zhihui_tui.services import closing
from zhihui_tui.services.counter import acknowledge_task
from zhihui_tui.services.delegation import acknowledge_result, matter_queue, result_queue
from zhihui_tui.services.field_rules import FieldAction, allowed_actions
from zhihui_tui.services.inquiry.late import acknowledge_late_finding
from zhihui_tui.services.workbench import WaitingItem, my_cases, waiting_on_me
from zhihui_tui.tui.screens.forms import PAGE
from zhihui_tui.tui.screens.workbench.closing_keys import RESUME_KIND, RESUME_TEXT
from zhihui_tui.tui.screens.workbench.messages import DeskLists

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext


def read_desk(ctx: ServiceContext, after_id: int | None) -> DeskLists:
    """The lists the actor's roles see: their cases and what waits on them, the desk, the chief's approvals, and
    how many resumptions wait on them (a handler's are waiting items too)."""
    actions = allowed_actions(ctx.actor)
    cases = waiting = desk = approvals = None
    if FieldAction.VIEW_MY_CASES in actions:
        cases = my_cases(after_id=after_id, limit=PAGE, ctx=ctx)
        waiting = waiting_on_me(ctx=ctx)
    if FieldAction.RECORD_RESULT in actions:
        desk = result_queue(limit=PAGE, ctx=ctx)
    if FieldAction.DECIDE_URGENT in actions:
        approvals = matter_queue(post=Role.BUREAU_CHIEF, ctx=ctx)
    resumptions = []
    if closing.ClosingAction.RESUME in closing.allowed_actions(ctx.actor):
        resumptions = closing.resumptions_awaiting(ctx=ctx)
    if waiting is not None:
        waiting = [*(resume_item(row) for row in resumptions), *waiting]
    return DeskLists(cases, waiting, desk, approvals, len(resumptions))


def resume_item(row: closing.ResumptionRow) -> WaitingItem:
    """A round that found property, as the handler's waiting item (Enter opens the confirmation)."""
    return WaitingItem(RESUME_KIND, row.case_id, row.case_number, row.done_at, f"{RESUME_TEXT}：{row.result}")


def acknowledge(item: WaitingItem, ctx: ServiceContext) -> None:
    """Mark a result read: a delegated matter's, a counter task's the centre opened, or a late inquiry result."""
    if item.matter_id is not None:
        acknowledge_result(item.matter_id, ctx=ctx)
    elif item.task_id is not None:
        acknowledge_task(item.task_id, ctx=ctx)
    elif item.finding_id is not None:
        acknowledge_late_finding(item.finding_id, ctx=ctx)
