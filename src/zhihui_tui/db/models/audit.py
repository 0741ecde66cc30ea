"""全程留痕: the append-only, hash-chained audit trail, its head and its key marker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Text
from sqlmodel import Field, SQLModel


class AuditRecord(SQLModel, table=True):
    """全程留痕: append-only (database triggers) and hash-chained; ``id`` is the chain position."""

    __tablename__ = "audit_record"

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    recorded_at: datetime = Field(sa_type=DateTime)
    as_of: datetime = Field(sa_type=DateTime)
    actor_login: str = Field(max_length=32)
    action: str = Field(max_length=100)
    entity: str = Field(max_length=32)
    entity_id: str | None = Field(default=None, max_length=64)
    before: str | None = Field(default=None, sa_column=Column(Text))
    after: str | None = Field(default=None, sa_column=Column(Text))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The chain's last id and hash, kept by a database trigger on every insert into ``audit_record`` and never
    moved back: what ``audit verify`` compares the chain's end with, so rows removed from the end show."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="ck_audit_head_single_row"),)

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_id: int
    last_hash: str = Field(max_length=64)


class AuditChainKey(SQLModel, table=True):
    """From which id the chain is keyed (HMAC with the key file outside the database); written once by
    migration 0009 and frozen by triggers. Rows before it hold plain SHA-256 hashes from before the key."""

    __tablename__ = "audit_chain_key"
    __table_args__ = (CheckConstraint("id = 1", name="ck_audit_chain_key_single_row"),)

    id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    keyed_from: int
