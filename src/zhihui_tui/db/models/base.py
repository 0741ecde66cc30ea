"""The optimistic-locking base of every editable table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel


class Versioned(SQLModel):
    """Optimistic locking: SQLAlchemy bumps ``version`` on every UPDATE and refuses a stale one,
    so a clerk whose save lost a race is told instead of silently overwriting (R-Q-2)."""

    version: int = Field(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        """Per table: its own ``version`` column is the version counter."""
        table: Table = cls.__table__  # type: ignore[attr-defined]  # SQLModel sets it on each table=True class
        return {"version_id_col": table.c.version}
