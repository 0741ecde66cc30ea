"""The filing screen's messages: one per service answer, posted by ``run_service`` to the screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from zhihui_tui.domain.errors import FieldError
    from zhihui_tui.domain.filing import DuplicateHint, FilingDraft
    from zhihui_tui.services.filing import CaseDraft, FiledCase, FilingQueuePage, PendingRejection, StaffLoad


@dataclass(frozen=True)
class QueueRead:
    """A page of the queue and, with the first page for the director, the proposals pending."""

    page: FilingQueuePage
    pending: list[PendingRejection] | None
    more: bool  # a further page for the rows shown, not a fresh first page


@dataclass(frozen=True)
class FilingChecks:
    """What F9 checked before the 立案 dialog: likely duplicates and, but for objections, who may receive it."""

    hints: list[DuplicateHint]
    options: list[StaffLoad] | None


class QueueLoaded(Message):
    def __init__(self, read: QueueRead) -> None:
        super().__init__()
        self.read = read


class Saved(Message):
    """The form as saved (``draft``, ``ticked``): ``version`` None when it was just received (read back next);
    ``then_file``: F9 saved it and goes on to file it."""

    def __init__(
        self,
        case_id: int,
        version: int | None,
        draft: FilingDraft,
        ticked: tuple[str, ...],
        *,
        then_file: bool,
    ) -> None:
        super().__init__()
        self.case_id = case_id
        self.version = version
        self.draft = draft
        self.ticked = ticked
        self.then_file = then_file


class FormRefused(Message):
    """Fields refused by the service (several at once: each is marked at its field); nothing was saved."""

    def __init__(self, errors: list[FieldError], outcome: str = "未保存") -> None:
        super().__init__()
        self.errors = errors
        self.outcome = outcome


class DraftLoaded(Message):
    def __init__(self, draft: CaseDraft, verb: str, *, then_file: bool = False) -> None:
        super().__init__()
        self.draft = draft
        self.verb = verb  # 已打开 / 已接收材料, for the status line
        self.then_file = then_file


class FilePrepared(Message):
    def __init__(self, case_id: int, version: int, checks: FilingChecks, saved: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.version = version  # the version the checks saw: filing carries it, so nothing saved since is lost
        self.checks = checks
        self.saved = saved  # "已保存修改（收案序号 …）" when F9 saved the form first, else ""


class Filed(Message):
    def __init__(self, filed: FiledCase) -> None:
        super().__init__()
        self.filed = filed


class Proposed(Message):
    """不予立案 proposed for the director's ruling."""

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id


class Ruled(Message):
    """The director ruled: ``rejected`` (不予立案) or returned to review."""

    def __init__(self, rejected: bool) -> None:
        super().__init__()
        self.rejected = rejected


class OriginalLoaded(Message):
    """A resumption form drafted from its original case (``services.filing.resumption_draft``)."""

    def __init__(self, draft: FilingDraft) -> None:
        super().__init__()
        self.draft = draft


class OriginalRefused(Message):
    """The 原案号 cannot be resumed (unknown, malformed, not closed by 终本/终结): shown at the field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__()
        self.errors = errors
