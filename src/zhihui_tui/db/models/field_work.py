"""Delegated matters, counter business, field search (issue 5: SPEC §3.6, §3.7, §3.8)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

from zhihui_tui.db.models.base import Versioned


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
    owner_id: int | None = Field(default=None, foreign_key="staff.id")  # who in the post took it (责任倒查)
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


class DutyOff(SQLModel, table=True):
    """A day an investigator is not at work (休息、调休、请假), planned by 综合事务: the roster counts him out
    (R-CLU-2: at least two stay at the bureau each day)."""

    __tablename__ = "duty_off"

    day: date = Field(primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    planned_by_id: int = Field(foreign_key="staff.id")
    planned_at: datetime = Field(sa_type=DateTime)


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
