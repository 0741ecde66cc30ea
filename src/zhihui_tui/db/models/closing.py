"""The end of a case (SPEC §3.10–3.11): measures the handler records, the director's 终本 overrides, the watch
after 终本, and the dossier's path from the handler to the archive."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from zhihui_tui.db.models.base import Versioned


class EnforcementMeasure(SQLModel, table=True):
    """A measure taken on a case (限制消费令, 失信, 财产处置完毕 …), recorded by its handler; 终本 reads them."""

    __tablename__ = "enforcement_measure"
    __table_args__ = (UniqueConstraint("case_id", "kind", name="uq_enforcement_measure_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    kind: str = Field(max_length=32)  # MeasureKind
    done_on: date
    note: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by_id: int = Field(foreign_key="staff.id")
    recorded_at: datetime = Field(sa_type=DateTime)


class ZhongbenOverride(SQLModel, table=True):
    """The director allows 终本 although conditions are unmet, with the reason (R-ZB-1); those conditions are kept."""

    __tablename__ = "zhongben_override"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", unique=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    unmet: str = Field(sa_column=Column(Text, nullable=False))  # the conditions overridden, one per line
    decided_by_id: int = Field(foreign_key="staff.id")
    decided_at: datetime = Field(sa_type=DateTime)


class ZhongbenWatch(Versioned, table=True):
    """One round of the watch after 终本 (R-ZB-2): a network inquiry due on ``due_on``, and what it found."""

    __tablename__ = "zhongben_watch"
    __table_args__ = (
        UniqueConstraint("case_id", "round", name="uq_zhongben_watch_round"),
        Index("ix_zhongben_watch_due", "done_at", "due_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id")
    round: int
    due_on: date
    done_at: datetime | None = Field(default=None, sa_type=DateTime)
    done_by_id: int | None = Field(default=None, foreign_key="staff.id")
    found_property: bool = Field(default=False)
    result: str | None = Field(default=None, sa_column=Column(Text))
    resumed_case_id: int | None = Field(default=None, foreign_key="enforcement_case.id")


class Dossier(Versioned, table=True):
    """A closed case's dossier on its way to the archive (R-ARC-1): transferred by the handler, received,
    catalogued, scanned and uploaded by the dossier group, archived."""

    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_archived", "archived_at", "id"),)  # F12: open ones, archived newest first

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", unique=True)
    pages: int
    transfer_form_no: str = Field(max_length=40)
    transferred_by_id: int = Field(foreign_key="staff.id")
    transferred_at: datetime = Field(sa_type=DateTime)
    received_by_id: int | None = Field(default=None, foreign_key="staff.id")
    received_at: datetime | None = Field(default=None, sa_type=DateTime)
    scanned_by_id: int | None = Field(default=None, foreign_key="staff.id")
    scanned_at: datetime | None = Field(default=None, sa_type=DateTime)  # catalogued, scanned and uploaded
    archive_no: str | None = Field(default=None, max_length=40)
    archived_at: datetime | None = Field(default=None, sa_type=DateTime)


class DossierSupplement(SQLModel, table=True):
    """Material added to a 终本 case's dossier after it went to the archive (evidence bag and e-dossier)."""

    __tablename__ = "dossier_supplement"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    description: str = Field(sa_column=Column(Text, nullable=False))
    pages: int
    added_by_id: int = Field(foreign_key="staff.id")
    added_at: datetime = Field(sa_type=DateTime)
