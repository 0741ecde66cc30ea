"""Service attempts (集约送达, issue 13): each mailing, in-person service or public notice with its result, and
the owner of a handed-over matter

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 10:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_OPEN_PARTY = "result IS NULL AND party_id IS NOT NULL"
_OPEN_MATTER = "result IS NULL AND matter_id IS NOT NULL AND party_id IS NULL"


def upgrade() -> None:
    op.create_table(
        "service_attempt",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("tracking_number", sa.String(length=32), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=True),
        sa.Column("result_on", sa.Date(), nullable=True),
        sa.Column("result_by_id", sa.Integer(), nullable=True),
        sa.Column("next_attempt", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"]),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"]),
        sa.ForeignKeyConstraint(["matter_id"], ["delegated_matter.id"]),
        sa.ForeignKeyConstraint(["sent_by_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["result_by_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_service_attempt_case", "service_attempt", ["case_id", "id"])
    op.create_index("ix_service_attempt_open", "service_attempt", ["result", "sent_on"])
    op.create_index("uq_service_attempt_tracking", "service_attempt", ["tracking_number"], unique=True)
    op.create_index(
        "uq_service_attempt_open_party",
        "service_attempt",
        ["case_id", "party_id"],
        unique=True,
        sqlite_where=sa.text(_OPEN_PARTY),
        postgresql_where=sa.text(_OPEN_PARTY),
    )
    op.create_index(
        "uq_service_attempt_open_matter",
        "service_attempt",
        ["matter_id"],
        unique=True,
        sqlite_where=sa.text(_OPEN_MATTER),
        postgresql_where=sa.text(_OPEN_MATTER),
    )
    with op.batch_alter_table("delegated_matter") as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_delegated_matter_owner", "staff", ["owner_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("delegated_matter") as batch_op:
        batch_op.drop_constraint("fk_delegated_matter_owner", type_="foreignkey")
        batch_op.drop_column("owner_id")
    op.drop_table("service_attempt")
