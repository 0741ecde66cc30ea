"""Each case account's balance, kept by the database from its ledger

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 17:30:00

F11 (款物管理) opens on the accounts holding money. Finding them summed the court's whole ledger (570,000 entries
on 1,000,000 cases: ~60–110 ms before the first row). ``case_balance`` holds one row per case account with its
balance, moved by a trigger in the transaction of every new entry (the ledger is append-only: entries are never
updated or deleted, so an insert trigger is the whole story); a partial index lists the accounts not at zero.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_UPSERT = (
    "INSERT INTO case_balance (case_id, balance_fen) VALUES (NEW.case_id, NEW.amount_fen) "
    "ON CONFLICT (case_id) DO UPDATE SET balance_fen = case_balance.balance_fen + excluded.balance_fen"
)


def upgrade() -> None:
    op.create_table(
        "case_balance",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index(
        "ix_case_balance_holding",
        "case_balance",
        ["case_id"],
        unique=False,
        sqlite_where=sa.text("balance_fen != 0"),
        postgresql_where=sa.text("balance_fen != 0"),
    )
    op.execute(
        "INSERT INTO case_balance (case_id, balance_fen) "
        "SELECT case_id, SUM(amount_fen) FROM funds_entry GROUP BY case_id"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE TRIGGER funds_entry_balance AFTER INSERT ON funds_entry BEGIN {_UPSERT}; END")
    else:
        op.execute(
            "CREATE FUNCTION funds_entry_balance() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{_UPSERT}; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER funds_entry_balance AFTER INSERT ON funds_entry "
            "FOR EACH ROW EXECUTE FUNCTION funds_entry_balance()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS funds_entry_balance")
    else:
        op.execute("DROP TRIGGER IF EXISTS funds_entry_balance ON funds_entry")
        op.execute("DROP FUNCTION IF EXISTS funds_entry_balance()")
    op.drop_index("ix_case_balance_holding", table_name="case_balance")
    op.drop_table("case_balance")
