"""Form drafts kept when a terminal's link dropped mid-form (issue 16): one per person and form."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class FormDraftRow(SQLModel, table=True):
    """What a clerk had typed in one form when the link dropped, offered back at their next sign-in.

    Not an editable record (no ``version``): replaced whole at the next hang-up, deleted on 恢复 or 丢弃. Kept in
    the court database like the records it drafts, so its personal data has the same protection (no files)."""

    __tablename__ = "form_draft"
    __table_args__ = (UniqueConstraint("staff_id", "form_key", name="uq_form_draft_form"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    form_key: str = Field(max_length=120)
    title: str = Field(max_length=200)
    post: str = Field(default="", max_length=120)
    form_values: str = Field(sa_column=Column(Text, nullable=False))
    open_args: str = Field(sa_column=Column(Text, nullable=False))
    record_table: str | None = Field(default=None, max_length=64)
    record_id: int | None = None
    record_version: int | None = None
    saved_at: datetime = Field(sa_type=DateTime)
