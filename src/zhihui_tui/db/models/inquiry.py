"""Network inquiry and triage (issue 4: SPEC §3.4, §3.5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, Text
from sqlmodel import Field

from zhihui_tui.db.models.base import Versioned


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
    late: bool = Field(default=False)  # arrived after the feedback table was submitted
    seen_at: datetime | None = Field(default=None, sa_type=DateTime)  # a late result read by the case's handler


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
