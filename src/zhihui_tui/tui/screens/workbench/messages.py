"""The workbench's typed answers from ``run_service``: one message per action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from zhihui_tui.services.delegation import MatterRow
    from zhihui_tui.services.workbench import CaseRow, WaitingItem


@dataclass(frozen=True)
class DeskLists:
    """The lists of one reading; ``None`` for a list that is not the actor's (not read, left as it is)."""

    cases: list[CaseRow] | None = None
    waiting: list[WaitingItem] | None = None
    desk: list[MatterRow] | None = None
    approvals: list[MatterRow] | None = None
    resumptions: int = 0  # watch rounds that found property, waiting on this person to confirm the resumption


class DeskRead(Message):
    """The workbench's lists were read."""

    def __init__(self, lists: DeskLists) -> None:
        super().__init__()
        self.lists = lists


class ResultAcknowledged(Message):
    """The handler marked a result read."""


class UrgentApproved(Message):
    """The bureau chief approved a temporary 拘传."""
