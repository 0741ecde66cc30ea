"""集约送达 (SPEC §3.3): the service desk's queues, owners, attempts and results, and the pack's documents.

- ``queues``: 待寄送 packs (R-SRV-1), 送达跟踪 attempts, 交办事项 (R-SRV-2, R-SRV-3), and the desk's caseload;
- ``owners``: 领取 and 指派, so every service item names a person (R-SUP-1);
- ``attempts``: mailing, in-person service and public notice, their results and what they close and open;
- ``pack_files``: generate one case's pack now, read it as text, mark it printed.
"""

from zhihui_tui.services.service_desk.attempts import ResultOutcome, Target, record_attempt, record_result
from zhihui_tui.services.service_desk.owners import (
    ClerkLoad,
    ItemKey,
    ItemKind,
    assign_item,
    open_items_by_owner,
    service_clerks,
    take_item,
)
from zhihui_tui.services.service_desk.pack_files import DocumentText, generate_case_pack, mark_printed, preview_pack
from zhihui_tui.services.service_desk.queues import (
    AttemptRow,
    Caseload,
    PackRow,
    ServiceMatterRow,
    attempt_queue,
    awaiting_next,
    caseload,
    describe_attempt,
    matter_due,
    matter_queue,
    pack_queue,
)
from zhihui_tui.services.service_desk.recipients import Recipient, pack_recipients
from zhihui_tui.services.service_desk.rules import ServiceAction, allowed_actions

__all__ = [
    "AttemptRow",
    "Caseload",
    "ClerkLoad",
    "DocumentText",
    "ItemKey",
    "ItemKind",
    "PackRow",
    "Recipient",
    "ResultOutcome",
    "ServiceAction",
    "ServiceMatterRow",
    "Target",
    "allowed_actions",
    "assign_item",
    "attempt_queue",
    "awaiting_next",
    "caseload",
    "describe_attempt",
    "generate_case_pack",
    "mark_printed",
    "matter_due",
    "matter_queue",
    "open_items_by_owner",
    "pack_queue",
    "pack_recipients",
    "preview_pack",
    "record_attempt",
    "record_result",
    "service_clerks",
    "take_item",
]
