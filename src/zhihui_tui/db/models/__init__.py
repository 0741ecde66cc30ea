"""Tables. Money is integer fen; times are naive court-local datetimes (one court, one time zone:
stored without a zone, so a date typed at the window reads back unchanged); editable tables have ``version``.

Enum values are stored as their English codes (see GLOSSARY.md); screens show the Chinese labels.

One module per family of tables; every model is re-exported here, so
``from zhihui_tui.db.models import Case`` works and importing this package registers every table on the one
metadata (migrations compare against it).
"""

from __future__ import annotations

from zhihui_tui.db.models.audit import AuditChainKey, AuditHead, AuditRecord
from zhihui_tui.db.models.base import Versioned
from zhihui_tui.db.models.cases import (
    Agent,
    Case,
    CaseParty,
    CaseSequence,
    Deadline,
    EnforcementBasis,
    Party,
    SearchCase,
    SearchTerm,
    StageChange,
)
from zhihui_tui.db.models.closing import (
    Dossier,
    DossierSupplement,
    EnforcementMeasure,
    ZhongbenOverride,
    ZhongbenWatch,
)
from zhihui_tui.db.models.documents import Attachment, PrintRun, ServiceDocument
from zhihui_tui.db.models.drafts import FormDraftRow
from zhihui_tui.db.models.field_work import (
    CounterTask,
    DelegatedMatter,
    DutyOff,
    FieldSearch,
    FieldSearchInvestigator,
)
from zhihui_tui.db.models.front_desk import Appointment, CaseMaterial, FilingRejection, LedgerReport, Visit
from zhihui_tui.db.models.funds import (
    CaseBalance,
    DisbursementDelay,
    FundsEntry,
    SeizedItem,
    SeizedItemStatus,
    StatementLine,
)
from zhihui_tui.db.models.imports import ImportRun
from zhihui_tui.db.models.inquiry import AssetFinding, NetworkInquiry, TriageDecision, TriageFlags
from zhihui_tui.db.models.people import Staff, StaffRole
from zhihui_tui.db.models.runs import BatchRun
from zhihui_tui.db.models.service import PendingAttempt, ServiceAttempt

__all__ = [
    "Agent",
    "Appointment",
    "AssetFinding",
    "Attachment",
    "AuditChainKey",
    "AuditHead",
    "AuditRecord",
    "BatchRun",
    "Case",
    "CaseBalance",
    "CaseMaterial",
    "CaseParty",
    "CaseSequence",
    "CounterTask",
    "Deadline",
    "DelegatedMatter",
    "DisbursementDelay",
    "Dossier",
    "DossierSupplement",
    "DutyOff",
    "EnforcementBasis",
    "EnforcementMeasure",
    "FieldSearch",
    "FieldSearchInvestigator",
    "FilingRejection",
    "FormDraftRow",
    "FundsEntry",
    "ImportRun",
    "LedgerReport",
    "NetworkInquiry",
    "Party",
    "PendingAttempt",
    "PrintRun",
    "SearchCase",
    "SearchTerm",
    "SeizedItem",
    "SeizedItemStatus",
    "ServiceAttempt",
    "ServiceDocument",
    "Staff",
    "StaffRole",
    "StageChange",
    "StatementLine",
    "TriageDecision",
    "TriageFlags",
    "Versioned",
    "Visit",
    "ZhongbenOverride",
    "ZhongbenWatch",
]
