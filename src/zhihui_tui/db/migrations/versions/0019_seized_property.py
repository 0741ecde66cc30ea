"""Seized movable property register (扣押物品登记造册, R-FND-3): the items and their append-only status history

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seized_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("custody_place", sa.String(length=200), nullable=False),
        sa.Column("valuation_fen", sa.BigInteger(), nullable=True),
        sa.Column("seized_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"]),
        sa.ForeignKeyConstraint(["registered_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_seized_item_case_id", "seized_item", ["case_id"])
    op.create_index("ix_seized_item_status", "seized_item", ["status", "id"])
    op.create_table(
        "seized_item_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["seized_item.id"]),
        sa.ForeignKeyConstraint(["changed_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_seized_item_status_item", "seized_item_status", ["item_id", "id"])
    _history_append_only()


def _history_append_only() -> None:
    """A status once recorded stays as it was: the history is the register's trail (R-FND-3)."""
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER seized_item_status_no_{event.lower()} BEFORE {event} ON seized_item_status "
                "BEGIN SELECT RAISE(ABORT, 'seized_item_status is append-only'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION seized_item_status_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'seized_item_status is append-only'; END $$"
    )
    op.execute(
        "CREATE TRIGGER seized_item_status_append_only BEFORE UPDATE OR DELETE ON seized_item_status "
        "FOR EACH ROW EXECUTE FUNCTION seized_item_status_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TRIGGER IF EXISTS seized_item_status_append_only ON seized_item_status")
        op.execute("DROP FUNCTION IF EXISTS seized_item_status_append_only()")
    op.drop_table("seized_item_status")
    op.drop_table("seized_item")
