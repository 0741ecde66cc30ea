"""Index a handler's cases by id, for the workbench's 我的案件 pages

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 17:15:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # F6 on 1,000,000 cases: 120 ms → 0.5 ms for a handler with 50,000 cases (no sort of all of them).
    with op.batch_alter_table("enforcement_case", schema=None) as batch_op:
        batch_op.create_index("ix_case_handler_id", ["handler_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enforcement_case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_handler_id")
