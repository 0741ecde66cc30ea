"""The board's service work, as run in ``run_service``'s worker with the session's context.

Rulings are queued and written one after another (:class:`WriteJob`): key presses never wait, writes never race
each other, and a refusal is known to be about the case at the head of the queue, whose row is put back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhihui_tui.domain.roles import Team
from zhihui_tui.domain.triage import Track
from zhihui_tui.services import triage
from zhihui_tui.tui.screens.triage_board.common import PAGE_SIZE
from zhihui_tui.tui.screens.triage_board.messages import (
    Accepted,
    Assigned,
    Designated,
    Escalated,
    FlagsWritten,
    HandlersLoaded,
    Overridden,
    PageLoaded,
    Written,
)

if TYPE_CHECKING:
    from zhihui_tui.domain.lifecycle import Stage
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.triage import BoardKey, BoardRow, HandlerLoad


def read_page(ctx: ServiceContext, stage: Stage, after: BoardKey | None) -> PageLoaded:
    """A page of the view at ``stage``: the first, or the one after ``after``."""
    page = triage.board_page(stage=stage, after=after, limit=PAGE_SIZE, ctx=ctx)
    return PageLoaded(page, after is not None, stage)


def read_handlers(ctx: ServiceContext, row: BoardRow) -> HandlersLoaded:
    """The handlers of the row's team, for the picker."""
    assert row.team is not None
    return HandlersLoaded(row, triage.handler_options(row.team, ctx=ctx))


@dataclass(frozen=True)
class WriteJob:
    """One ruling waiting for the writer: the case, the action's Chinese name, and the call answering it."""

    case_id: int
    action: str
    call: Callable[[ServiceContext], Written]


def accept_job(case_id: int, track: Track) -> WriteJob:
    """Accept the proposal the director read (refused if the facts changed since)."""

    def call(ctx: ServiceContext) -> Written:
        triage.accept(case_id, expected=track, ctx=ctx)
        return Accepted(case_id)

    return WriteJob(case_id, "采纳建议", call)


def override_job(case_id: int, track: Track, reason: str) -> WriteJob:
    """Rule ``track`` against the proposal, with the reason."""

    def call(ctx: ServiceContext) -> Written:
        triage.override(case_id, track, reason, ctx=ctx)
        return Overridden(case_id)

    return WriteJob(case_id, "改判", call)


def escalate_job(case_id: int, reason: str) -> WriteJob:
    """提请局长指定."""

    def call(ctx: ServiceContext) -> Written:
        triage.escalate(case_id, reason=reason, ctx=ctx)
        return Escalated(case_id)

    return WriteJob(case_id, "提请局长指定", call)


def designate_job(case_id: int, track: Track, note: str) -> WriteJob:
    """局长指定 the team of ``track``."""
    team = Team.FAST if track is Track.FAST else Team.INTENSIVE

    def call(ctx: ServiceContext) -> Written:
        triage.designate(case_id, team, note=note, ctx=ctx)
        return Designated(case_id)

    return WriteJob(case_id, "局长指定分案", call)


def assign_job(case_id: int, handler: HandlerLoad) -> WriteJob:
    """二次分案 to ``handler``."""

    def call(ctx: ServiceContext) -> Written:
        triage.assign(case_id, handler.staff_id, ctx=ctx)
        return Assigned(case_id, handler.name)

    return WriteJob(case_id, "二次分案", call)


def flags_job(case_id: int, flags: frozenset[str], version: int | None) -> WriteJob:
    """Save the 分流事实 over the version read."""

    def call(ctx: ServiceContext) -> Written:
        return FlagsWritten(case_id, triage.set_flags(case_id, flags, expected_version=version, ctx=ctx))

    return WriteJob(case_id, "保存分流事实", call)
