"""Case funds (一案一账户, issue 14): the append-only ledger, the bank statement lines, delayed disbursements

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 10:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statement_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_key", sa.String(length=64), nullable=False),
        sa.Column("arrived_on", sa.Date(), nullable=False),
        sa.Column("payer", sa.String(length=100), nullable=False),
        sa.Column("payer_account", sa.String(length=40), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("claim_due", sa.Date(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"]),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("line_key"),
    )
    op.create_index("ix_statement_line_unclaimed", "statement_line", ["case_id", "claim_due"])
    op.create_table(
        "funds_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("counterparty", sa.String(length=100), nullable=False),
        sa.Column("counterparty_bank", sa.String(length=100), nullable=True),
        sa.Column("counterparty_account", sa.String(length=40), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("statement_line_id", sa.Integer(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"]),
        sa.ForeignKeyConstraint(["statement_line_id"], ["statement_line.id"]),
        sa.ForeignKeyConstraint(["reverses_id"], ["funds_entry.id"]),
        sa.ForeignKeyConstraint(["approved_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_funds_entry_case", "funds_entry", ["case_id", "id"])
    op.create_index("ix_funds_entry_day", "funds_entry", ["occurred_on"])
    op.create_index("uq_funds_entry_reverses", "funds_entry", ["reverses_id"], unique=True)
    op.create_index("uq_funds_entry_statement_line", "funds_entry", ["statement_line_id"], unique=True)
    op.create_table(
        "disbursement_delay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("expected_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"]),
        sa.ForeignKeyConstraint(["receipt_id"], ["funds_entry.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_disbursement_delay_case_id", "disbursement_delay", ["case_id"])
    op.create_index("ix_disbursement_delay_receipt_id", "disbursement_delay", ["receipt_id"])
    _ledger_append_only()


def _ledger_append_only() -> None:
    """No entry of a case account is ever edited or deleted, whatever writes to the database (R-FND-1)."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER funds_entry_no_{event.lower()} BEFORE {event} ON funds_entry "
                "BEGIN SELECT RAISE(ABORT, 'funds_entry is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION funds_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'funds_entry is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER funds_entry_append_only BEFORE UPDATE OR DELETE ON funds_entry "
        "FOR EACH ROW EXECUTE FUNCTION funds_entry_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS funds_entry_append_only ON funds_entry")
        op.execute("DROP FUNCTION IF EXISTS funds_entry_append_only()")
    op.drop_table("disbursement_delay")
    op.drop_table("funds_entry")
    op.drop_table("statement_line")
