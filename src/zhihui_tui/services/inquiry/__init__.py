"""网络查控 (R-NET-1, R-NET-2): the post's queue, the result feedback table (查控结果反馈信息表) and its submission.

Lifecycle: a case reaches the post when it is 已送达 (its dossier arrives with it); the ``NETWORK_INQUIRY``
deadline opened on service is the 2-day limit to *start* the inquiry. Starting it (explicitly, or by entering the
first row) closes that step; submitting the table moves the case 已送达 → 已查控 and opens the director's 2-day
``TRIAGE`` step (R-TRI-1). ``allowed_actions`` tells a screen what a person may do; the writes enforce the same.

Every public use case takes its arguments, then ``*, ctx: ServiceContext``. The modules are an internal split
(``rules``, ``findings``, ``queries``, ``writes``, ``flags``): import from this package.
"""

from zhihui_tui.domain.triage import FLAG_LABELS
from zhihui_tui.services.inquiry.findings import (
    ASSET_LABELS,
    MAX_FINDING_YUAN,
    MAX_INSTITUTION,
    MAX_NOTE,
    MAX_QUANTITY,
    MONEY_TYPES,
    AssetType,
    FindingInput,
    ValidFinding,
    new_finding,
    parse_quantity,
    validate_finding,
)
from zhihui_tui.services.inquiry.flags import check_flags_version, set_triage_flags, write_flags
from zhihui_tui.services.inquiry.queries import (
    FeedbackTable,
    FindingRow,
    QueueRow,
    RespondentRow,
    feedback_table,
    inquiry_queue,
    join_names,
    respondent_names,
    today_pending,
)
from zhihui_tui.services.inquiry.rules import (
    FLAG_ROLES,
    INQUIRY_ROLES,
    READ_ROLES,
    InquiryAction,
    allowed_actions,
)
from zhihui_tui.services.inquiry.writes import (
    add_finding,
    ensure_inquiry,
    move_stage,
    remove_finding,
    start_inquiry,
    submit_feedback,
    update_finding,
)

__all__ = [
    "ASSET_LABELS",
    "FLAG_LABELS",
    "FLAG_ROLES",
    "INQUIRY_ROLES",
    "MAX_FINDING_YUAN",
    "MAX_INSTITUTION",
    "MAX_NOTE",
    "MAX_QUANTITY",
    "MONEY_TYPES",
    "READ_ROLES",
    "AssetType",
    "FeedbackTable",
    "FindingInput",
    "FindingRow",
    "InquiryAction",
    "QueueRow",
    "RespondentRow",
    "ValidFinding",
    "add_finding",
    "allowed_actions",
    "check_flags_version",
    "ensure_inquiry",
    "feedback_table",
    "inquiry_queue",
    "join_names",
    "move_stage",
    "new_finding",
    "parse_quantity",
    "remove_finding",
    "respondent_names",
    "set_triage_flags",
    "start_inquiry",
    "submit_feedback",
    "today_pending",
    "update_finding",
    "validate_finding",
    "write_flags",
]
