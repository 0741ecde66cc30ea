"""Index cases by the day they closed, for the dashboard's 12-month trend and the monthly report

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 11:45:00
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # 综合看板 counts the cases closed in each of the last 12 months, and stats monthly reads the month's closed
    # cases: without it both scanned every case (the trend query on 1,000,000 cases read them all to keep a year).
    # The closure rides along so the trend's counts per closure are read from the index alone.
    with op.batch_alter_table("enforcement_case", schema=None) as batch_op:
        batch_op.create_index("ix_case_closed_at", ["closed_at", "closure"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enforcement_case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_closed_at")
