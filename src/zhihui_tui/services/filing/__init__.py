"""Filing review (SPEC §3.1): receive materials, correct the draft, file, or propose 不予立案 for the director.

Lifecycle: 材料接收 (``receive_materials``; the 2-day FILING step runs from the receipt time) → 已立案
(``file_case``: case number, first assignment, SERVICE_PACK counted from receipt or, for objections,
OBJECTION_TRANSFER from filing), or → 不予立案 (``propose_rejection`` by filing review, ``rule_on_rejection`` by
the director). ``allowed_actions`` tells a screen what a person may do at a stage; the writes enforce the same.

Every public function takes its arguments, then ``*, ctx: ServiceContext``. The modules are an internal split
(``rules``, ``intake``, ``decisions``, ``rejection``, ``duplicates``, ``queries``, ``records``, ``results``):
import from this package.
"""

from zhihui_tui.services.filing.decisions import check_fileable, file_case, first_assignment_options
from zhihui_tui.services.filing.duplicates import likely_duplicates
from zhihui_tui.services.filing.intake import (
    receive_materials,
    save_draft,
    to_new_case,
    update_draft,
    update_materials,
)
from zhihui_tui.services.filing.queries import case_draft, filing_queue, resumption_draft
from zhihui_tui.services.filing.rejection import REASONS_MAX, pending_rejections, propose_rejection, rule_on_rejection
from zhihui_tui.services.filing.results import (
    QUEUE_PAGE,
    CaseDraft,
    Decision,
    FiledCase,
    FilingQueuePage,
    FilingQueueRow,
    MaterialRow,
    MaterialsMissing,
    PendingRejection,
    QueueKey,
    RejectionRow,
    StaffLoad,
)
from zhihui_tui.services.filing.rules import FilingAction, allowed_actions

__all__ = [
    "QUEUE_PAGE",
    "REASONS_MAX",
    "CaseDraft",
    "Decision",
    "FiledCase",
    "FilingAction",
    "FilingQueuePage",
    "FilingQueueRow",
    "MaterialRow",
    "MaterialsMissing",
    "PendingRejection",
    "QueueKey",
    "RejectionRow",
    "StaffLoad",
    "allowed_actions",
    "case_draft",
    "check_fileable",
    "file_case",
    "filing_queue",
    "first_assignment_options",
    "likely_duplicates",
    "pending_rejections",
    "propose_rejection",
    "receive_materials",
    "resumption_draft",
    "rule_on_rejection",
    "save_draft",
    "to_new_case",
    "update_draft",
    "update_materials",
]
