"""Form drafts kept when a terminal's link dropped mid-form, offered back at the next sign-in (issue 16)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Produced by alembic's produce_migrations against a database at 0022; one draft per person and form.
    op.create_table(
        "form_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("form_key", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("post", sa.String(length=120), nullable=False),
        sa.Column("form_values", sa.Text(), nullable=False),
        sa.Column("open_args", sa.Text(), nullable=False),
        sa.Column("record_table", sa.String(length=64), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("record_version", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "form_key", name="uq_form_draft_form"),
    )
    with op.batch_alter_table("form_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_draft_staff_id"), ["staff_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("form_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_draft_staff_id"))

    op.drop_table("form_draft")
