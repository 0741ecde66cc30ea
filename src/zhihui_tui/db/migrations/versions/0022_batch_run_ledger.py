"""The run ledger: each run of a batch command that writes, so a re-run for the same business day is skipped
(issue 15, R-CLI-2)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

CLAIMING = "outcome IN ('running', 'succeeded')"


def upgrade() -> None:
    op.create_table(
        "batch_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("command", sa.String(length=32), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("scope_key", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=400), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("produced", sa.String(length=400), nullable=False),
        sa.Column("output_path", sa.String(length=1000), nullable=True),
        sa.Column("output_sha256", sa.String(length=64), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # One running or succeeded run per command, business day and scope: the atomic claim two machines race for.
    with op.batch_alter_table("batch_run", schema=None) as batch_op:
        batch_op.create_index(
            "uq_batch_run_claim",
            ["command", "business_day", "scope_key"],
            unique=True,
            sqlite_where=sa.text(CLAIMING),
            postgresql_where=sa.text(CLAIMING),
        )


def downgrade() -> None:
    with op.batch_alter_table("batch_run", schema=None) as batch_op:
        batch_op.drop_index("uq_batch_run_claim", sqlite_where=sa.text(CLAIMING), postgresql_where=sa.text(CLAIMING))
    op.drop_table("batch_run")
