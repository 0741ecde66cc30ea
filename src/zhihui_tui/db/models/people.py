"""Staff accounts and their roles (R-USER-1)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

from zhihui_tui.db.models.base import Versioned


class Staff(Versioned, table=True):
    """A staff account (R-USER-1). Identity comes from login, never from ``$USER``."""

    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=50)
    password_hash: str = Field(max_length=200)
    team: str | None = Field(default=None, max_length=16)
    title: str | None = Field(default=None, max_length=32)
    office_phone: str | None = Field(default=None, max_length=32)
    mobile: str | None = Field(default=None, max_length=16)
    work_card_no: str | None = Field(default=None, max_length=32)
    official_card_no: str | None = Field(default=None, max_length=32)
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=DateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=DateTime)
    created_at: datetime = Field(sa_type=DateTime)


class StaffRole(SQLModel, table=True):
    """One role held by one account (an account may hold several)."""

    __tablename__ = "staff_role"

    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    role: str = Field(max_length=32, primary_key=True)
