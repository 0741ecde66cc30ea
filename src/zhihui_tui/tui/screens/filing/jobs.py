"""The service work of the filing screen, as run in ``run_service``'s worker with the session's context.

A refusal that names several fields at once (``DraftInvalid``) comes back as the list of its field errors, so the
screen can mark each at its field; every other error goes the one way ``run_service`` reports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from zhihui_tui.domain.filing import DraftInvalid
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.services.filing import (
    FilingAction,
    allowed_actions,
    check_fileable,
    filing_queue,
    first_assignment_options,
    likely_duplicates,
    pending_rejections,
)
from zhihui_tui.tui.screens.filing.messages import FilingChecks, QueueRead

if TYPE_CHECKING:
    from zhihui_tui.domain.errors import FieldError
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.filing import QueueKey

T = TypeVar("T")


def fields_or(call: Callable[[], T]) -> T | list[FieldError]:
    """The call's result, or the fields it refused (each to be marked where it is typed)."""
    try:
        return call()
    except DraftInvalid as invalid:
        return invalid.errors


def read_queue(ctx: ServiceContext, after: QueueKey | None) -> QueueRead:
    """A page of the queue; with the first page, the proposals the director may rule on."""
    page = filing_queue(after=after, ctx=ctx)
    rules = FilingAction.RULE_ON_REJECTION in allowed_actions(ctx.actor, Stage.RECEIVED)
    pending = pending_rejections(ctx=ctx) if after is None and rules else None
    return QueueRead(page, pending, more=after is not None)


def filing_checks(ctx: ServiceContext, case_id: int, category: FilingCategory) -> FilingChecks:
    """Missing materials refused before any dialog; then the duplicate hints and the first assignees."""
    check_fileable(case_id, ctx=ctx)
    hints = likely_duplicates(case_id, ctx=ctx)
    options = None if category is FilingCategory.OBJECTION else first_assignment_options(ctx=ctx)
    return FilingChecks(hints, options)
