"""Cases, their parties, agents and basis; stage history, deadlines, case numbers and the search index."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from zhihui_tui.db.models.base import Versioned


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
    """An enforcement case (执行案件): its number once filed, stage, category, amount, handler and times."""

    __tablename__ = "enforcement_case"  # "case" is an SQL keyword
    __table_args__ = (
        UniqueConstraint("court_code", "year", "case_type", "sequence", name="uq_case_sequence"),
        Index("ix_case_stage", "stage"),
        Index("ix_case_handler_stage", "handler_id", "stage"),
        # 我的案件 pages a handler's cases by id: without it SQLite sorted all ~50k of a busy handler's cases.
        Index("ix_case_handler_id", "handler_id", "id"),
        # The dashboard's 12-month trend and the monthly report read the cases closed in a range of days.
        Index("ix_case_closed_at", "closed_at", "closure"),
        # The dashboard's caseload per handler counts the 承办中 cases from the index alone, already grouped
        # (through ix_case_stage it looked up every case's row: 177 ms of its first frame on 1,000,000 cases).
        Index("ix_case_stage_handler", "stage", "handler_id"),
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
        # The dashboard's overdue and due-today counts per post and owner: the open steps read from the index
        # alone in group order (through ix_deadline_open_due, ~0.5 s of row lookups on 1,000,000 cases).
        Index("ix_deadline_open_owner", "done_at", "owner_role", "owner_id", "due_date"),
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


class SearchTerm(SQLModel, table=True):
    """One search key of one case, derived from the case, its parties and agents (services/search.py).

    The primary key is the lookup path: ``kind, term`` pick the key, and ``sort_key, case_id`` (the case's
    filing — else receipt — time as YYYYMMDDHHMMSS, then its id) come out of the index already in result
    order, so the first page of a key that matches 100,000 cases reads 21 index entries and no table rows.
    Derived data: rewritten by ``index_case``/``rebuild_search_index``, never edited, not audited.
    On SQLite the table is the index (WITHOUT ROWID). It has no index by case: a case's keys are known from its
    :class:`SearchCase` row, so re-keying it deletes them by primary key (a second index was half the size).
    """

    __tablename__ = "search_term"
    __table_args__ = ({"sqlite_with_rowid": False},)

    kind: str = Field(max_length=1, primary_key=True)
    term: str = Field(max_length=100, primary_key=True)
    sort_key: int = Field(sa_type=BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False})
    case_id: int = Field(foreign_key="enforcement_case.id", primary_key=True, sa_column_kwargs={"autoincrement": False})


class SearchCase(SQLModel, table=True):
    """A case's search entry: its sort key, its whole party names (of 3+ characters) and the keys of
    ``search_term`` that cannot be derived from those names, each joined by a newline (never inside one).

    The walked keys of a case are the names' 2-character windows plus ``other_keys`` (``stored_case_keys``): re-keying
    deletes exactly those rows of ``search_term``. A name query of 3+ characters checks each candidate's
    ``names`` here by primary key. Derived data like ``search_term``, written with it in one transaction.
    """

    __tablename__ = "search_case"

    case_id: int = Field(foreign_key="enforcement_case.id", primary_key=True, sa_column_kwargs={"autoincrement": False})
    sort_key: int = Field(sa_type=BigInteger)
    names: str = Field(sa_type=Text)
    other_keys: str = Field(sa_type=Text)  # kind + term each
