"""一案一账户 (SPEC §3.9): the case accounts' append-only ledger, the bank statement lines it is fed from, and
the delayed disbursements registered with their reason (R-FND-1, R-FND-2)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, Text, text
from sqlmodel import Field, SQLModel

from zhihui_tui.db.models.base import Versioned


class FundsEntry(SQLModel, table=True):
    """One entry of a case account: + money in, − money out, in fen. Never updated or deleted (a database trigger
    refuses it): a mistake is put right by a reversing entry naming the one it reverses, at most once."""

    __tablename__ = "funds_entry"
    __table_args__ = (
        Index("ix_funds_entry_case", "case_id", "id", "amount_fen"),  # balances summed from the index alone
        Index("ix_funds_entry_day", "occurred_on"),
        Index("uq_funds_entry_reverses", "reverses_id", unique=True),
        Index("uq_funds_entry_statement_line", "statement_line_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id")
    kind: str = Field(max_length=16)  # EntryKind
    amount_fen: int = Field(sa_type=BigInteger)  # signed: receipts +, disbursements −, reversals the opposite
    occurred_on: date  # arrival, payment or correction day
    counterparty: str = Field(max_length=100)  # payer or payee
    counterparty_bank: str | None = Field(default=None, max_length=100)
    counterparty_account: str | None = Field(default=None, max_length=40)
    channel: str | None = Field(default=None, max_length=16)  # Channel, receipts only
    note: str | None = Field(default=None, sa_column=Column(Text))
    statement_line_id: int | None = Field(default=None, foreign_key="statement_line.id")
    reverses_id: int | None = Field(default=None, foreign_key="funds_entry.id")
    approved_by_id: int | None = Field(default=None, foreign_key="staff.id")  # disbursements
    recorded_by_id: int = Field(foreign_key="staff.id")
    recorded_at: datetime = Field(sa_type=DateTime)


class CaseBalance(SQLModel, table=True):
    """A case account's balance: the sum of its ledger entries, kept by the database (a trigger adds each new entry
    in the entry's own transaction, migration 0027), so F11 finds the accounts holding money without summing the
    court's whole ledger. The ledger stays the record: every check on money sums the case's entries."""

    __tablename__ = "case_balance"
    __table_args__ = (
        Index(
            "ix_case_balance_holding",
            "case_id",
            sqlite_where=text("balance_fen != 0"),
            postgresql_where=text("balance_fen != 0"),
        ),
    )

    case_id: int = Field(foreign_key="enforcement_case.id", primary_key=True)
    balance_fen: int = Field(sa_type=BigInteger)


class StatementLine(Versioned, table=True):
    """A line of the bank's statement of the court's case-funds account. Its ``line_key`` (a digest of the line
    and its occurrence in the statement) is unique, so a statement imported twice posts nothing twice. A line
    whose 附言 names an existing case is posted at once; the rest wait to be claimed by ``claim_due``."""

    __tablename__ = "statement_line"
    __table_args__ = (Index("ix_statement_line_unclaimed", "case_id", "claim_due"),)

    id: int | None = Field(default=None, primary_key=True)
    line_key: str = Field(max_length=64, unique=True)
    arrived_on: date
    payer: str = Field(max_length=100)
    payer_account: str | None = Field(default=None, max_length=40)
    amount_fen: int = Field(sa_type=BigInteger)
    memo: str = Field(sa_column=Column(Text, nullable=False))
    claim_due: date
    case_id: int | None = Field(default=None, foreign_key="enforcement_case.id")  # set when posted or claimed
    claimed_by_id: int | None = Field(default=None, foreign_key="staff.id")
    claimed_at: datetime | None = Field(default=None, sa_type=DateTime)
    imported_at: datetime = Field(sa_type=DateTime)


class DisbursementDelay(SQLModel, table=True):
    """A receipt whose disbursement is late, registered with the reason (延期发放登记备案, seed §四.7③)."""

    __tablename__ = "disbursement_delay"
    __table_args__ = (
        Index("ix_disbursement_delay_case_id", "case_id"),
        Index("ix_disbursement_delay_receipt_id", "receipt_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id")
    receipt_id: int = Field(foreign_key="funds_entry.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    expected_on: date | None = None  # when it should be paid now, if known
    recorded_by_id: int = Field(foreign_key="staff.id")
    recorded_at: datetime = Field(sa_type=DateTime)


class SeizedItem(Versioned, table=True):
    """A movable item the bureau seized (扣押物品登记造册, R-FND-3), with its present 处置状态. Each change of status
    appends a :class:`SeizedItemStatus` row and updates ``status``/``status_on`` here under optimistic locking."""

    __tablename__ = "seized_item"
    __table_args__ = (
        Index("ix_seized_item_case_id", "case_id"),
        Index("ix_seized_item_status", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="enforcement_case.id")
    description: str = Field(max_length=200)
    quantity: int
    unit: str = Field(max_length=10)
    custody_place: str = Field(max_length=200)
    valuation_fen: int | None = Field(default=None, sa_type=BigInteger)  # not valued yet: None
    seized_on: date
    status: str = Field(max_length=16)  # ItemStatus
    status_on: date  # the day of the present status
    note: str | None = Field(default=None, sa_column=Column(Text))
    registered_by_id: int = Field(foreign_key="staff.id")
    registered_at: datetime = Field(sa_type=DateTime)


class SeizedItemStatus(SQLModel, table=True):
    """One status of a seized item, from its seizure on: never updated or deleted (a trigger refuses it)."""

    __tablename__ = "seized_item_status"
    __table_args__ = (Index("ix_seized_item_status_item", "item_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="seized_item.id")
    status: str = Field(max_length=16)  # ItemStatus
    changed_on: date
    note: str | None = Field(default=None, sa_column=Column(Text))
    changed_by_id: int = Field(foreign_key="staff.id")
    changed_at: datetime = Field(sa_type=DateTime)
