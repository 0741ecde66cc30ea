"""Front desk: the reception ledger, appointments and filing review (SPEC §3.1, §3.2)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from zhihui_tui.db.models.base import Versioned


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
