"""Delegated matters (事项委托), field searches (查人找物) with their investigators, counter tasks (临柜业务),
attachments stored by SHA-256

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 14:00:44.166017
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("file_type", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("original_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index("ix_attachment_owner", ["owner_kind", "owner_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_sha256"), ["sha256"], unique=False)

    op.create_table(
        "delegated_matter",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("post", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("effective_day", sa.Date(), nullable=False),
        sa.Column("handler_deadline", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("result_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["result_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("delegated_matter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegated_matter_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_delegated_matter_queue", ["post", "closed_at", "id"], unique=False)
        batch_op.create_index("ix_delegated_matter_requester", ["requested_by_id", "status", "id"], unique=False)

    op.create_table(
        "counter_task",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("institution", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("institution_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("taken_by_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("receipt_no", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("receipt_officer", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("receipt_signed_by", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["handler_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["delegated_matter.id"],
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("matter_id"),
    )
    with op.batch_alter_table("counter_task", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_task_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_counter_task_queue", ["institution", "closed_at", "id"], unique=False)

    op.create_table(
        "field_search",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=False),
        sa.Column("duty_day", sa.Date(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("target_names", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("outcome_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["delegated_matter.id"],
        ),
        sa.ForeignKeyConstraint(
            ["outcome_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("matter_id"),
    )
    with op.batch_alter_table("field_search", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_field_search_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_field_search_duty_day"), ["duty_day"], unique=False)

    op.create_table(
        "field_search_investigator",
        sa.Column("field_search_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("duty_day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_search_id"],
            ["field_search.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("field_search_id", "staff_id"),
    )
    with op.batch_alter_table("field_search_investigator", schema=None) as batch_op:
        batch_op.create_index("ix_field_search_investigator_day", ["duty_day", "staff_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("field_search_investigator", schema=None) as batch_op:
        batch_op.drop_index("ix_field_search_investigator_day")

    op.drop_table("field_search_investigator")
    with op.batch_alter_table("field_search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_search_duty_day"))
        batch_op.drop_index(batch_op.f("ix_field_search_case_id"))

    op.drop_table("field_search")
    with op.batch_alter_table("counter_task", schema=None) as batch_op:
        batch_op.drop_index("ix_counter_task_queue")
        batch_op.drop_index(batch_op.f("ix_counter_task_case_id"))

    op.drop_table("counter_task")
    with op.batch_alter_table("delegated_matter", schema=None) as batch_op:
        batch_op.drop_index("ix_delegated_matter_requester")
        batch_op.drop_index("ix_delegated_matter_queue")
        batch_op.drop_index(batch_op.f("ix_delegated_matter_case_id"))

    op.drop_table("delegated_matter")
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_sha256"))
        batch_op.drop_index("ix_attachment_owner")

    op.drop_table("attachment")
