"""The 网络查控 screens' messages: one per service answer, posted by ``run_service`` to the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from zhihui_tui.services.inquiry import FeedbackTable, QueueRow


class QueueLoaded(Message):
    """The post's queue (or today's pending work) as read."""

    def __init__(self, rows: list[QueueRow]) -> None:
        super().__init__()
        self.rows = rows


class TableLoaded(Message):
    """One case's feedback table as read."""

    def __init__(self, table: FeedbackTable) -> None:
        super().__init__()
        self.table = table


class FindingAdded(Message):
    """A row was added to the table."""


class FindingChanged(Message):
    """A row of the table was saved over the version read."""


class FindingRemoved(Message):
    """A row was removed from the table."""


class FlagsSaved(Message):
    """The triage facts were saved."""


class FeedbackSubmitted(Message):
    """The table was submitted: the case moved on to triage."""
