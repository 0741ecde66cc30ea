"""Tables. Money is integer fen; times are naive court-local datetimes (one court, one time zone:
stored without a zone, so a date typed at the window reads back unchanged); editable tables have ``version``.

Enum values are stored as their English codes (see GLOSSARY.md); screens show the Chinese labels.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Column, DateTime, Index, Text, UniqueConstraint, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel


class Versioned(SQLModel):
    """Optimistic locking: SQLAlchemy bumps ``version`` on every UPDATE and refuses a stale one,
    so a clerk whose save lost a race is told instead of silently overwriting (R-Q-2)."""

    version: int = Field(default=1, nullable=False)

    @declared_attr  # type: ignore[misc]
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}


class Staff(Versioned, table=True):
    """A staff account (R-USER-1). Identity comes from login, never from ``$USER``."""

    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=50)
    password_hash: str = Field(max_length=200)
    team: str | None = Field(default=None, max_length=16)
    title: str | None = Field(default=None, max_length=32)
    office_phone: str | None = Field(default=None, max_length=32)
    mobile: str | None = Field(default=None, max_length=16)
    work_card_no: str | None = Field(default=None, max_length=32)
    official_card_no: str | None = Field(default=None, max_length=32)
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=DateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=DateTime)
    created_at: datetime = Field(sa_type=DateTime)


class StaffRole(SQLModel, table=True):
    __tablename__ = "staff_role"

    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    role: str = Field(max_length=32, primary_key=True)


class Party(Versioned, table=True):
    """A natural person (居民身份证) or an organisation (统一社会信用代码); shared across cases."""

    __tablename__ = "party"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # person / organisation
    name: str = Field(max_length=100, index=True)
    id_number: str | None = Field(default=None, max_length=18, unique=True)
    phone: str | None = Field(default=None, max_length=32)
    address: str | None = Field(default=None, max_length=200)


class Case(Versioned, table=True):
    __tablename__ = "enforcement_case"  # "case" is an SQL keyword
    __table_args__ = (
        UniqueConstraint("court_code", "year", "case_type", "sequence", name="uq_case_sequence"),
        Index("ix_case_stage", "stage"),
        Index("ix_case_handler_stage", "handler_id", "stage"),
        # 我的案件 pages a handler's cases by id: without it SQLite sorted all ~50k of a busy handler's cases.
        Index("ix_case_handler_id", "handler_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_number: str | None = Field(default=None, max_length=40, unique=True)
    court_code: str | None = Field(default=None, max_length=8)
    year: int | None = None
    case_type: str = Field(max_length=8)
    sequence: int | None = None
    filing_category: str = Field(max_length=16)
    stage: str = Field(max_length=16)
    received_at: datetime = Field(sa_type=DateTime)
    filed_at: datetime | None = Field(default=None, sa_type=DateTime)
    target_amount_fen: int = Field(default=0, sa_type=BigInteger)
    consumption_restriction_requested: bool = Field(default=False)
    dishonest_list_requested: bool = Field(default=False)
    disputed: bool = Field(default=False)
    handler_id: int | None = Field(default=None, foreign_key="staff.id")
    first_assignee_id: int | None = Field(default=None, foreign_key="staff.id")
    team: str | None = Field(default=None, max_length=16)
    original_case_id: int | None = Field(default=None, foreign_key="enforcement_case.id")
    closed_at: datetime | None = Field(default=None, sa_type=DateTime)
    closure: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_type=DateTime)


class CaseParty(Versioned, table=True):
    """A party's place in a case: applicant or respondent, in the order the filing lists them."""

    __tablename__ = "case_party"
    __table_args__ = (Index("ix_case_party_party", "party_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    party_id: int = Field(foreign_key="party.id")
    role: str = Field(max_length=16)  # applicant / respondent
    position: int = Field(default=0)
    whereabouts_unknown: bool = Field(default=False)
    service_address: str | None = Field(default=None, max_length=200)
    address_confirmed: bool = Field(default=False)


class Agent(Versioned, table=True):
    """A registered agent (代理人) of one party in one case; reception checks visitors against it."""

    __tablename__ = "agent"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    party_id: int = Field(foreign_key="party.id")
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=18, index=True)
    kind: str = Field(default="lawyer", max_length=16)  # lawyer / relative / other
    phone: str | None = Field(default=None, max_length=32)


class EnforcementBasis(Versioned, table=True):
    """执行依据: the judgment, award or deed being enforced."""

    __tablename__ = "enforcement_basis"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", unique=True)
    issuing_court: str = Field(max_length=100)
    document_number: str = Field(max_length=100, index=True)
    document_kind: str | None = Field(default=None, max_length=20)  # 民事判决书, 仲裁裁决书 …; None when not written
    effective_date: date | None = None


class StageChange(SQLModel, table=True):
    """Stage history: append-only, one row per transition."""

    __tablename__ = "stage_change"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    from_stage: str | None = Field(default=None, max_length=16)
    to_stage: str = Field(max_length=16)
    at: datetime = Field(sa_type=DateTime)
    actor_id: int = Field(foreign_key="staff.id")
    note: str | None = Field(default=None, sa_column=Column(Text))


class Deadline(Versioned, table=True):
    """An open or done step with its owner (责任倒查) and due date (R-TIME-1)."""

    __tablename__ = "deadline"
    __table_args__ = (
        Index("ix_deadline_owner_open", "owner_id", "done_at", "due_date"),
        Index("ix_deadline_open_due", "done_at", "due_date"),
        # One open step of a kind per case: two terminals opening it at once get a conflict, not two clocks.
        Index(
            "uq_deadline_open_step",
            "case_id",
            "step",
            unique=True,
            sqlite_where=text("done_at IS NULL"),
            postgresql_where=text("done_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    step: str = Field(max_length=32)
    owner_id: int | None = Field(default=None, foreign_key="staff.id")
    owner_role: str = Field(max_length=32)
    triggered_at: datetime = Field(sa_type=DateTime)
    due_date: date
    done_at: datetime | None = Field(default=None, sa_type=DateTime)
    done_by_id: int | None = Field(default=None, foreign_key="staff.id")


class CaseSequence(SQLModel, table=True):
    """Last sequence number handed out per court, year and type; bumped inside the filing transaction."""

    __tablename__ = "case_sequence"

    court_code: str = Field(max_length=8, primary_key=True)
    year: int = Field(primary_key=True)
    case_type: str = Field(max_length=8, primary_key=True)
    last: int = Field(default=0)


class AuditRecord(SQLModel, table=True):
    """全程留痕: append-only (database triggers) and hash-chained; ``id`` is the chain position."""

    __tablename__ = "audit_record"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    recorded_at: datetime = Field(sa_type=DateTime)
    as_of: datetime = Field(sa_type=DateTime)
    actor_login: str = Field(max_length=32)
    action: str = Field(max_length=100)
    entity: str = Field(max_length=32)
    entity_id: str | None = Field(default=None, max_length=64)
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The chain's last id and hash, kept by a database trigger on every insert into ``audit_record`` and never
    moved back: what ``audit verify`` compares the chain's end with, so rows removed from the end show."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="ck_audit_head_single_row"),)

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_id: int
    last_hash: str = Field(max_length=64)


class AuditChainKey(SQLModel, table=True):
    """From which id the chain is keyed (HMAC with the key file outside the database); written once by
    migration 0009 and frozen by triggers. Rows before it hold plain SHA-256 hashes from before the key."""

    __tablename__ = "audit_chain_key"
    __table_args__ = (CheckConstraint("id = 1", name="ck_audit_chain_key_single_row"),)

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    keyed_from: int


# -- Front desk: reception ledger and filing review (SPEC §3.1, §3.2) ----------------------------------------


class Visit(Versioned, table=True):
    """One row of the reception ledger (接待台账): a visit at the window or a hotline call (R-REC-1)."""

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_day", "visited_at"),)

    id: int | None = Field(default=None, primary_key=True)
    visited_at: datetime = Field(sa_type=DateTime)
    channel: str = Field(max_length=16)  # window / hotline
    visitor_name: str = Field(max_length=50)
    visitor_id_kind: str = Field(default="resident_id", max_length=16)  # resident_id / credit_code / other
    visitor_id_number: str | None = Field(default=None, max_length=32, index=True)
    visitor_phone: str | None = Field(default=None, max_length=32)
    case_id: int | None = Field(default=None, foreign_key="enforcement_case.id", index=True)
    purpose: str = Field(max_length=32)
    staff_id: int = Field(foreign_key="staff.id")
    outcome: str = Field(default="", sa_column=Column(Text, nullable=False))
    late_entry_reason: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_type=DateTime)


class Appointment(Versioned, table=True):
    """A booked handler–party meeting or handler call-back (登记备案, R-REC-4)."""

    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_handler_time", "handler_id", "scheduled_at"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    handler_id: int = Field(foreign_key="staff.id")
    kind: str = Field(max_length=16)  # meeting / callback
    channel: str = Field(max_length=16)  # in_person / phone / video
    scheduled_at: datetime = Field(sa_type=DateTime)
    party_name: str = Field(max_length=100)
    party_phone: str | None = Field(default=None, max_length=32)
    note: str | None = Field(default=None, max_length=500)
    visit_id: int | None = Field(default=None, foreign_key="visit.id")
    booked_by_id: int = Field(foreign_key="staff.id")
    booked_at: datetime = Field(sa_type=DateTime)
    status: str = Field(default="booked", max_length=16)  # booked / held / cancelled
    held_at: datetime | None = Field(default=None, sa_type=DateTime)
    outcome: str | None = Field(default=None, max_length=500)


class LedgerReport(SQLModel, table=True):
    """The day's ledger reported to the centre (R-REC-5): once per day, whoever ran it and when."""

    __tablename__ = "ledger_report"

    day: date = Field(primary_key=True)
    reported_at: datetime = Field(sa_type=DateTime)
    reported_by_id: int = Field(foreign_key="staff.id")
    visit_count: int
    file_sha256: str = Field(max_length=64)


class CaseMaterial(Versioned, table=True):
    """One item of the filing checklist (R-FIL-1) for a case: provided or not, with a note."""

    __tablename__ = "case_material"
    __table_args__ = (UniqueConstraint("case_id", "item", name="uq_case_material_item"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    item: str = Field(max_length=32)
    provided: bool = Field(default=False)
    note: str | None = Field(default=None, max_length=200)
    checked_by_id: int | None = Field(default=None, foreign_key="staff.id")
    checked_at: datetime | None = Field(default=None, sa_type=DateTime)


class FilingRejection(Versioned, table=True):
    """A reviewer's proposal not to file, and the director's ruling on it (R-FIL-2)."""

    __tablename__ = "filing_rejection"
    __table_args__ = (
        # One pending 不予立案 proposal per case, kept by the database (a read before the insert is not enough).
        Index(
            "uq_filing_rejection_pending",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    proposed_by_id: int = Field(foreign_key="staff.id")
    proposed_at: datetime = Field(sa_type=DateTime)
    reasons: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)  # pending / rejected / returned
    ruled_by_id: int | None = Field(default=None, foreign_key="staff.id")
    ruled_at: datetime | None = Field(default=None, sa_type=DateTime)
    ruling_note: str | None = Field(default=None, sa_column=Column(Text))


# -- Case search (issue 3) -----------------------------------------------------------------------------------


class SearchTerm(SQLModel, table=True):
    """One search key of one case, derived from the case, its parties and agents (services/search.py).

    The primary key is the lookup path: ``kind, term`` pick the key, and ``sort_key, case_id`` (the case's
    filing — else receipt — time as YYYYMMDDHHMMSS, then its id) come out of the index already in result
    order, so the first page of a key that matches 100,000 cases reads 21 index entries and no table rows.
    Derived data: rewritten by ``index_case``/``rebuild_search_index``, never edited, not audited.
    On SQLite the table is the index (WITHOUT ROWID).
    """

    __tablename__ = "search_term"
    __table_args__ = (
        Index("ix_search_term_case", "case_id", "kind", "term"),
        {"sqlite_with_rowid": False},
    )

    kind: str = Field(max_length=1, primary_key=True)
    term: str = Field(max_length=100, primary_key=True)
    sort_key: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    case_id: int = Field(foreign_key="enforcement_case.id", primary_key=True, sa_column_kwargs={"autoincrement": False})


# -- Network inquiry and triage (issue 4: SPEC §3.4, §3.5) ----------------------------------------------------


class NetworkInquiry(Versioned, table=True):
    """网络查控 of one case: when the dossier reached the post, when the inquiry started and was submitted."""

    __tablename__ = "network_inquiry"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", unique=True)
    dossier_received_at: datetime = Field(sa_type=DateTime)
    started_at: datetime | None = Field(default=None, sa_type=DateTime)
    started_by_id: int | None = Field(default=None, foreign_key="staff.id")
    submitted_at: datetime | None = Field(default=None, sa_type=DateTime)
    submitted_by_id: int | None = Field(default=None, foreign_key="staff.id")


class AssetFinding(Versioned, table=True):
    """One row of the 查控结果反馈信息表: an asset found for one respondent (R-NET-1)."""

    __tablename__ = "asset_finding"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    party_id: int = Field(foreign_key="party.id")
    # deposit / online_funds / vehicle / real_estate / securities / shares / other
    asset_type: str = Field(max_length=16)
    institution: str = Field(default="", max_length=100)
    amount_fen: int | None = Field(default=None, sa_type=BigInteger)
    quantity: int | None = None
    frozen: bool = Field(default=False)
    note: str | None = Field(default=None, max_length=500)
    source: str = Field(default="manual", max_length=16)  # manual / import
    entered_by_id: int = Field(foreign_key="staff.id")
    entered_at: datetime = Field(sa_type=DateTime)


class TriageFlags(Versioned, table=True):
    """Facts about a case that the proposal reads and the inquiry clerk or the director records (R-TRI-2)."""

    __tablename__ = "triage_flags"

    case_id: int = Field(foreign_key="enforcement_case.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    major: bool = Field(default=False)
    coercive_measures: bool = Field(default=False)
    social_conflict: bool = Field(default=False)
    bankruptcy_referral: bool = Field(default=False)
    quick_preservation: bool = Field(default=False)
    voluntary_performance: bool = Field(default=False)


class TriageDecision(Versioned, table=True):
    """The director's ruling on a case's track, the chief's designation, and the second assignment (R-TRI-3)."""

    __tablename__ = "triage_decision"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    proposed_track: str = Field(max_length=8)
    proposal_reasons: str = Field(sa_column=Column(Text, nullable=False))  # JSON list, as shown to the director
    status: str = Field(max_length=16)  # accepted / overridden / escalated / designated
    track: str | None = Field(default=None, max_length=8)  # the team finally chosen
    override_reason: str | None = Field(default=None, sa_column=Column(Text))
    decided_by_id: int = Field(foreign_key="staff.id")
    decided_at: datetime = Field(sa_type=DateTime)
    designated_by_id: int | None = Field(default=None, foreign_key="staff.id")
    designated_at: datetime | None = Field(default=None, sa_type=DateTime)
    handler_id: int | None = Field(default=None, foreign_key="staff.id")
    assigned_by_id: int | None = Field(default=None, foreign_key="staff.id")
    assigned_at: datetime | None = Field(default=None, sa_type=DateTime)


# -- Delegated matters, counter business, field search (issue 5: SPEC §3.6, §3.7, §3.8) -------------------------


class DelegatedMatter(Versioned, table=True):
    """事项委托: a handler's request to the centre (R-DEL-1), counted from ``effective_day`` (R-DEL-2).

    ``post`` is the centre post whose queue holds it; the queue index reads ``post, closed_at IS NULL, id``.
    An urgent 拘传 waits in ``pending_approval`` for the bureau chief before it reaches the field-search queue.
    """

    __tablename__ = "delegated_matter"
    __table_args__ = (
        Index("ix_delegated_matter_queue", "post", "closed_at", "id"),
        Index("ix_delegated_matter_requester", "requested_by_id", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    kind: str = Field(max_length=24)  # MatterKind: service / counter / site_investigation / compelled_appearance …
    post: str = Field(max_length=32)  # the Role value of the centre post that does it
    requirements: str = Field(sa_column=Column(Text, nullable=False))
    urgent: bool = Field(default=False)
    requested_by_id: int = Field(foreign_key="staff.id")
    requested_at: datetime = Field(sa_type=DateTime)
    effective_day: date
    handler_deadline: date
    status: str = Field(max_length=16)  # pending_approval / open / in_progress / done / refused
    decided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    decided_at: datetime | None = Field(default=None, sa_type=DateTime)
    decision_note: str | None = Field(default=None, sa_column=Column(Text))
    result: str | None = Field(default=None, sa_column=Column(Text))
    result_by_id: int | None = Field(default=None, foreign_key="staff.id")
    closed_at: datetime | None = Field(default=None, sa_type=DateTime)
    seen_at: datetime | None = Field(default=None, sa_type=DateTime)  # the handler has read the result


class FieldSearch(Versioned, table=True):
    """查人找物 record of a site investigation or 拘传 (R-CLU-1): what, where, when, by whom, and the outcome."""

    __tablename__ = "field_search"

    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="delegated_matter.id", unique=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    planned_at: datetime = Field(sa_type=DateTime)
    duty_day: date = Field(index=True)
    place: str = Field(max_length=200)
    category: str = Field(max_length=16)  # person / property
    quantity: int
    target_names: str = Field(max_length=500)
    registered_by_id: int = Field(foreign_key="staff.id")
    registered_at: datetime = Field(sa_type=DateTime)
    result: str | None = Field(default=None, sa_column=Column(Text))
    outcome_by_id: int | None = Field(default=None, foreign_key="staff.id")
    outcome_at: datetime | None = Field(default=None, sa_type=DateTime)


class FieldSearchInvestigator(SQLModel, table=True):
    """An investigator sent out on a field search; ``duty_day`` feeds the roster (R-CLU-2)."""

    __tablename__ = "field_search_investigator"
    __table_args__ = (Index("ix_field_search_investigator_day", "duty_day", "staff_id"),)

    field_search_id: int = Field(foreign_key="field_search.id", primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    duty_day: date


class CounterTask(Versioned, table=True):
    """临柜业务 at a co-operating institution (R-CTR-1): taken by a carded officer, handed over with a receipt."""

    __tablename__ = "counter_task"
    __table_args__ = (Index("ix_counter_task_queue", "institution", "closed_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    matter_id: int | None = Field(default=None, foreign_key="delegated_matter.id", unique=True)
    institution: str = Field(max_length=24)  # bank / vehicle_office / real_estate_registry / market_regulator
    institution_name: str = Field(max_length=100)
    source: str = Field(max_length=16)  # preservation / delegated / handler_request
    requirements: str = Field(sa_column=Column(Text, nullable=False))
    handler_id: int | None = Field(default=None, foreign_key="staff.id")  # who gets the result
    created_by_id: int = Field(foreign_key="staff.id")
    created_at: datetime = Field(sa_type=DateTime)
    status: str = Field(max_length=16)  # open / taken / handed_over
    taken_by_id: int | None = Field(default=None, foreign_key="staff.id")
    taken_at: datetime | None = Field(default=None, sa_type=DateTime)
    receipt_no: str | None = Field(default=None, max_length=64)
    receipt_officer: str | None = Field(default=None, max_length=50)  # the institution's officer on the receipt
    receipt_signed_by: str | None = Field(default=None, max_length=50)  # 经办人签字
    result: str | None = Field(default=None, sa_column=Column(Text))
    closed_at: datetime | None = Field(default=None, sa_type=DateTime)
    seen_at: datetime | None = Field(default=None, sa_type=DateTime)


class Attachment(SQLModel, table=True):
    """A file attached to a field search, counter task or delegated matter; the bytes live in the store under
    their SHA-256 (never overwritten, stored once). Append-only: a wrong file is superseded, not replaced."""

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_owner", "owner_kind", "owner_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_kind: str = Field(max_length=24)  # field_search / counter_task / delegated_matter
    owner_id: int
    kind: str = Field(max_length=16)  # transcript / video / photo / survey_form / receipt
    file_type: str = Field(max_length=8)  # jpeg / png / mp4 / mov / avi / pdf / docx
    original_name: str = Field(max_length=255)
    sha256: str = Field(max_length=64, index=True)
    size: int = Field(sa_type=BigInteger)
    added_by_id: int = Field(foreign_key="staff.id")
    added_at: datetime = Field(sa_type=DateTime)


from zhihui_tui.db import models_documents as _models_documents  # noqa: E402, F401  (service documents, issue 13)
