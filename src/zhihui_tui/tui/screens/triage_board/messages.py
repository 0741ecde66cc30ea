"""The board's messages: one per service answer, posted by ``run_service`` to the screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from zhihui_tui.domain.lifecycle import Stage
    from zhihui_tui.services.triage import BoardPage, BoardRow, FlagsSaved, HandlerLoad


class PageLoaded(Message):
    """A page of a view: the first (``append`` False, replacing the rows shown) or the next one."""

    def __init__(self, page: BoardPage, append: bool, stage: Stage) -> None:
        super().__init__()
        self.page = page
        self.append = append
        self.stage = stage  # the view it was read for: an answer for a view already left is dropped


class HandlersLoaded(Message):
    """The handlers who may take ``row`` (二次分案), the lightest caseload first."""

    def __init__(self, row: BoardRow, options: list[HandlerLoad]) -> None:
        super().__init__()
        self.row = row
        self.options = options


class Written(Message):
    """A ruling on ``case_id`` is saved (each kind of ruling answers with its own subclass)."""

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id


class Accepted(Written):
    """The proposal was accepted."""


class Overridden(Written):
    """The other team was ruled, with a reason."""


class Escalated(Written):
    """The case went to the chief (提请局长指定)."""


class Designated(Written):
    """The chief designated the team."""


class Assigned(Written):
    """The case went to a handler (二次分案)."""

    def __init__(self, case_id: int, handler: str) -> None:
        super().__init__(case_id)
        self.handler = handler


class FlagsWritten(Written):
    """The 分流事实 were saved; the row takes the new facts and the recomputed proposal."""

    def __init__(self, case_id: int, saved: FlagsSaved) -> None:
        super().__init__(case_id)
        self.saved = saved
