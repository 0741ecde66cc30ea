"""The service work of the 网络查控 screens, as run in ``run_service``'s worker with the session's context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhihui_tui.services.inquiry import add_finding, inquiry_queue, today_pending, update_finding
from zhihui_tui.tui.screens.inquiry.messages import FindingAdded, FindingChanged

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.inquiry import FindingInput, FindingRow, QueueRow

READ_QUEUE = "读取网络查控队列"
READ_TABLE = "读取查控结果反馈信息表"


def read_queue(ctx: ServiceContext, today_only: bool) -> list[QueueRow]:
    """The post's queue, or only what must be cleared today (每日清零)."""
    return today_pending(ctx=ctx) if today_only else inquiry_queue(ctx=ctx)


def save_finding(
    ctx: ServiceContext, case_id: int, editing: FindingRow | None, row: FindingInput
) -> FindingAdded | FindingChanged:
    """A new row, or the row being edited saved over the version read; answers with the message to post."""
    if editing is None:
        add_finding(case_id, row, ctx=ctx)
        return FindingAdded()
    update_finding(editing.id, row, expected_version=editing.version, ctx=ctx)
    return FindingChanged()
