"""The end of a case (SPEC §3.10–3.11): closing, 终本 and its watch, resumption, and the dossier to the archive.

- ``zhongben``: the conditions from the case's records, the handler's measures, the director's override;
- ``close``: 结案 with its 结案方式, refused while money or matters are open;
- ``watch``: the 6-monthly inquiries after 终本 and resumption as a linked 执恢 case;
- ``dossier``: transfer, receipt, scanning and upload, archiving, 终本 supplements.
"""

from zhihui_tui.services.closing.close import close_case
from zhihui_tui.services.closing.dossier import (
    DossierRow,
    DossierState,
    add_supplement,
    archive_case,
    dossier_queue,
    mark_scanned,
    receive_dossier,
    transfer_dossier,
)
from zhihui_tui.services.closing.rules import ClosingAction, allowed_actions
from zhihui_tui.services.closing.watch import (
    ResumptionRow,
    WatchRow,
    record_watch,
    resume_case,
    resumed_from,
    resumptions_awaiting,
    watch_due,
)
from zhihui_tui.services.closing.zhongben import (
    ZhongbenCheck,
    override_zhongben,
    record_measure,
    zhongben_candidates,
    zhongben_check,
)

__all__ = [
    "ClosingAction",
    "DossierRow",
    "DossierState",
    "ResumptionRow",
    "WatchRow",
    "ZhongbenCheck",
    "add_supplement",
    "allowed_actions",
    "archive_case",
    "close_case",
    "dossier_queue",
    "mark_scanned",
    "override_zhongben",
    "receive_dossier",
    "record_measure",
    "record_watch",
    "resume_case",
    "resumed_from",
    "resumptions_awaiting",
    "transfer_dossier",
    "watch_due",
    "zhongben_candidates",
    "zhongben_check",
]
