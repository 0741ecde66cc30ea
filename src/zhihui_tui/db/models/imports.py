"""The import ledger: each file a batch import took in, by checksum, so the same file run again is recognised
(R-CLI-2: re-running a batch is safe)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel


class ImportRun(SQLModel, table=True):
    """One file imported whole: what kind, its SHA-256, when, by whom, how many rows went in."""

    __tablename__ = "import_run"
    __table_args__ = (UniqueConstraint("kind", "sha256", name="uq_import_run_file"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)  # cases / findings
    sha256: str = Field(max_length=64)
    file_name: str = Field(max_length=255)
    rows: int
    imported: int
    imported_at: datetime = Field(sa_type=DateTime)
    actor_login: str = Field(max_length=32)
