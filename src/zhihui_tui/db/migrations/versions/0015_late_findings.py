"""Late inquiry results: a finding that arrives after the feedback table was submitted is kept and marked late,
and its reading by the case's handler is recorded (issue 11)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 08:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("asset_finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("asset_finding", schema=None) as batch_op:
        batch_op.drop_column("seen_at")
        batch_op.drop_column("late")
