"""The run ledger: each run of a batch command that writes, by command, business day and scope (R-CLI-2: a re-run
for the same business day does not do the work again)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, text
from sqlmodel import Field, SQLModel

_CLAIMING = "outcome IN ('running', 'succeeded')"


class BatchRun(SQLModel, table=True):
    """One run: what, for which business day and scope, when, where, how it ended and what it produced."""

    __tablename__ = "batch_run"
    __table_args__ = (
        # The claim: one running or succeeded run per command, business day and scope, so two machines starting
        # the same work at once get exactly one winner; failed and superseded runs stay as history.
        Index(
            "uq_batch_run_claim",
            "command",
            "business_day",
            "scope_key",
            unique=True,
            sqlite_where=text(_CLAIMING),
            postgresql_where=text(_CLAIMING),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    command: str = Field(max_length=32)
    business_day: date = Field(sa_type=Date)
    scope_key: str = Field(max_length=64)  # SHA-256 of the scope text
    scope: str = Field(max_length=400)
    started_at: datetime = Field(sa_type=DateTime)
    finished_at: datetime | None = Field(default=None, sa_type=DateTime)
    outcome: str = Field(max_length=16)  # RunOutcome
    produced: str = Field(default="", max_length=400)  # counts, in Chinese, without personal data
    output_path: str | None = Field(default=None, max_length=1000)
    output_sha256: str | None = Field(default=None, max_length=64)
    host: str = Field(max_length=255)
    pid: int
    forced: bool = False
