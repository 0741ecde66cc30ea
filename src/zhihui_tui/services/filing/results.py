"""What the filing services return (plain, frozen) and the refusal that names the missing materials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from zhihui_tui.domain.filing import ChecklistItem, FilingDraft, describe_missing
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.steps import DeadlineState, Step
from zhihui_tui.services.errors import ServiceError

Decision = Literal["reject", "return"]
# A page of the queue: the table shows 7 rows, so a page is a few screens' worth and the next is read on demand.
QUEUE_PAGE = 40
QueueKey = tuple[datetime, int]  # (received_at, case id): where a page ends and the next begins


class MaterialsMissing(ServiceError):
    """Filing refused: required checklist items are not ticked (R-FIL-1)."""

    def __init__(self, items: list[ChecklistItem]) -> None:
        super().__init__(f"缺少必备材料，不能立案：{describe_missing(items)}")
        self.items = items


@dataclass(frozen=True)
class FiledCase:
    """A case just filed: its number, first assignee and the step that now runs (R-FIL-3)."""

    case_id: int
    case_number: str
    filed_at: datetime
    first_assignee_id: int | None
    first_assignee_name: str | None
    next_step: Step
    next_due: date
    version: int


@dataclass(frozen=True)
class MaterialRow:
    """One checklist unit of a case as stored: ticked or not, by whom, with the reviewer's note."""

    item: ChecklistItem
    required: bool
    provided: bool
    note: str | None
    checked_by: str | None
    checked_at: datetime | None


@dataclass(frozen=True)
class RejectionRow:
    """A 不予立案 proposal of a case and the director's ruling on it, if any."""

    rejection_id: int
    version: int
    status: str  # pending / rejected / returned
    proposed_by: str
    proposed_at: datetime
    reasons: str
    ruled_by: str | None
    ruled_at: datetime | None
    ruling_note: str | None

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return {"pending": "待主任裁定", "rejected": "已裁定不予立案", "returned": "主任退回"}[self.status]


@dataclass(frozen=True)
class CaseDraft:
    """Everything the filing screen shows and edits for one case."""

    case_id: int
    version: int
    stage: Stage
    case_number: str | None
    received_at: datetime
    filed_at: datetime | None
    filing_due: date | None
    draft: FilingDraft
    materials: tuple[MaterialRow, ...]
    missing: tuple[ChecklistItem, ...]
    rejections: tuple[RejectionRow, ...]
    first_assignee_id: int | None

    @property
    def pending_rejection(self) -> RejectionRow | None:
        """The proposal waiting for the director, if one is."""
        return next((r for r in self.rejections if r.status == "pending"), None)


@dataclass(frozen=True)
class FilingQueueRow:
    """One case at 材料接收 in the queue: its filing deadline, who owns it, what is still missing."""

    case_id: int
    version: int
    category: FilingCategory
    received_at: datetime
    due: date | None
    state: DeadlineState | None
    overdue_days: int  # working days past the due date (0 when not overdue)
    owner_name: str | None
    applicants: str
    respondents: str
    missing: tuple[ChecklistItem, ...]
    pending_rejection: bool
    returned_note: str | None


@dataclass(frozen=True)
class FilingQueuePage:
    """A page of the queue, with the size of the whole queue and where the next page starts."""

    rows: list[FilingQueueRow]
    total: int  # every case at 材料接收, for the status line
    next_after: QueueKey | None  # the key the next page starts after; None on the last page


@dataclass(frozen=True)
class PendingRejection:
    """A proposal waiting for the director's ruling, with the case it concerns."""

    rejection_id: int
    version: int
    case_id: int
    category: FilingCategory
    received_at: datetime
    filing_due: date | None
    applicants: str
    respondents: str
    proposed_by: str
    proposed_at: datetime
    reasons: str


@dataclass(frozen=True)
class StaffLoad:
    """A batch-service clerk who may receive a new case, with the service steps they have open."""

    staff_id: int
    login: str
    name: str
    open_steps: int
