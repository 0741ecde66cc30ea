"""Serving the filing pack and handed-over documents (集约送达, SPEC §3.3): one row per attempt to serve one
recipient — by post (邮寄), in person (直接送达) or by public notice (公告送达) — with its result."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, DateTime, Index, Text, text
from sqlmodel import Field, SQLModel

from zhihui_tui.db.models.base import Versioned


class ServiceAttempt(Versioned, table=True):
    """送达记录: one attempt to serve one recipient (R-SRV-2). Append-only in substance: a failed attempt keeps its
    result and names the next way chosen (``next_attempt``); the next way is a new row.

    A pack attempt names the respondent (``party_id``); a handler's handed-over service names its matter
    (``matter_id``). At most one attempt per recipient waits for its result, and a tracking number is used once:
    both are unique indexes, so two terminals recording at once get a conflict, not two mailings.
    """

    __tablename__ = "service_attempt"
    __table_args__ = (
        Index("ix_service_attempt_case", "case_id", "id"),
        Index("ix_service_attempt_open", "result", "sent_on"),
        Index("uq_service_attempt_tracking", "tracking_number", unique=True),
        Index(
            "uq_service_attempt_open_party",
            "case_id",
            "party_id",
            unique=True,
            sqlite_where=text("result IS NULL AND party_id IS NOT NULL"),
            postgresql_where=text("result IS NULL AND party_id IS NOT NULL"),
        ),
        Index(
            "uq_service_attempt_open_matter",
            "matter_id",
            unique=True,
            sqlite_where=text("result IS NULL AND matter_id IS NOT NULL AND party_id IS NULL"),
            postgresql_where=text("result IS NULL AND matter_id IS NOT NULL AND party_id IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id")
    party_id: int | None = Field(default=None, foreign_key="party.id")  # the respondent served with the pack
    matter_id: int | None = Field(default=None, foreign_key="delegated_matter.id")  # a handler's 送达/公告 matter
    recipient: str = Field(max_length=100)  # the name as it went on the envelope or notice
    address: str = Field(sa_column=Column(Text, nullable=False))
    method: str = Field(max_length=16)  # ServiceMethod: mail / direct / public_notice
    tracking_number: str | None = Field(default=None, max_length=32)
    sent_on: date  # mailed, handed over in person, or the notice published
    sent_by_id: int = Field(foreign_key="staff.id")
    recorded_at: datetime = Field(sa_type=DateTime)
    result: str | None = Field(default=None, max_length=16)  # ServiceResult
    result_on: date | None = None
    result_by_id: int | None = Field(default=None, foreign_key="staff.id")
    next_attempt: str | None = Field(default=None, max_length=16)  # NextAttempt, after a failed result
    note: str | None = Field(default=None, sa_column=Column(Text))


class PendingAttempt(SQLModel, table=True):
    """An attempt awaiting the desk, kept by the database (triggers on ``service_attempt``, migration 0028): one
    awaiting its result, or a failed one (退回、地址不详) whose recipient — the same case, respondent and matter —
    has no later attempt yet. 送达跟踪 and 待下一步 read these few rows instead of looking for a later attempt of
    every failed mailing of the court. ``sent_on`` is the attempt's, copied, for the list's order.

    The triggers follow what the desk does to an attempt: it is inserted, and its result recorded once. An
    attempt's recipient (case, respondent, matter) is never changed and an attempt never deleted."""

    __tablename__ = "pending_attempt"
    __table_args__ = (Index("ix_pending_attempt_sent", "sent_on", "attempt_id"),)

    attempt_id: int = Field(foreign_key="service_attempt.id", primary_key=True)
    sent_on: date
