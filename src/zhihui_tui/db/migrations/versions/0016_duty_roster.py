"""The duty roster: the days an investigator is not at work, planned by 综合事务 for the week (issue 11)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "duty_off",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("planned_by_id", sa.Integer(), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["planned_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("day", "staff_id"),
    )


def downgrade() -> None:
    op.drop_table("duty_off")
