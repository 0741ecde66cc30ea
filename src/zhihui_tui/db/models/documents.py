"""Files kept for a record (attachments) and service documents with their print runs (issue 13, SPEC §3.3)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from zhihui_tui.db.models.base import Versioned


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


class ServiceDocument(Versioned, table=True):
    """One generated document (文书) of a case's filing pack, in one version (文书版本).

    A regenerated document gets the next ``document_version`` and a new file; the old row and file stay, so what
    was mailed can always be shown. The latest version of a (case, kind) is the current one. ``version`` is the
    optimistic lock (``printed_at`` is set later), not the document's version.
    """

    __tablename__ = "service_document"
    __table_args__ = (
        # Two runs at once cannot both write version n of the same document: the second gets a conflict.
        UniqueConstraint("case_id", "kind", "document_version", name="uq_service_document_version"),
        Index("ix_service_document_generated", "generated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id", index=True)
    kind: str = Field(max_length=24)  # DocumentKind
    document_version: int = Field(default=1)
    template_name: str = Field(max_length=100)
    template_source: str = Field(max_length=500)  # "packaged" or the court folder the template came from
    template_sha256: str = Field(max_length=64)
    template_version: str = Field(default="", max_length=32)  # the template's own version (core properties)
    file_path: str = Field(sa_column=Column(Text, nullable=False))
    file_sha256: str = Field(max_length=64)
    file_size: int = Field(sa_type=BigInteger)
    generated_at: datetime = Field(sa_type=DateTime)
    generated_by_id: int = Field(foreign_key="staff.id")
    printed_at: datetime | None = Field(default=None, sa_type=DateTime)


class PrintRun(SQLModel, table=True):
    """A merged print file of one document kind (batch printing): which recorded versions went in, append-only.

    A reprint days later rebuilds the same file from the recorded versions (their checksums are checked first)."""

    __tablename__ = "print_run"
    __table_args__ = (Index("ix_print_run_day", "day", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date  # the generation day whose documents were printed
    kind: str = Field(max_length=24)
    document_ids: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of service_document ids, in order
    file_path: str = Field(sa_column=Column(Text, nullable=False))
    file_sha256: str = Field(max_length=64)
    printed_at: datetime = Field(sa_type=DateTime)
    printed_by_id: int = Field(foreign_key="staff.id")
