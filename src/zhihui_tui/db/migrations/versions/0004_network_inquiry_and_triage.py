"""Network inquiry (查控结果反馈信息表), triage flags and decisions, second assignment

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:58:40.138913
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "asset_finding",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("asset_type", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("institution", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=True),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["party.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("asset_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_finding_case_id"), ["case_id"], unique=False)

    op.create_table(
        "network_inquiry",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("dossier_received_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
    )
    op.create_table(
        "triage_decision",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("proposed_track", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("proposal_reasons", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("track", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("designated_by_id", sa.Integer(), nullable=True),
        sa.Column("designated_at", sa.DateTime(), nullable=True),
        sa.Column("handler_id", sa.Integer(), nullable=True),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["designated_by_id"],
            ["staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["handler_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("triage_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_triage_decision_case_id"), ["case_id"], unique=False)

    op.create_table(
        "triage_flags",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("major", sa.Boolean(), nullable=False),
        sa.Column("coercive_measures", sa.Boolean(), nullable=False),
        sa.Column("social_conflict", sa.Boolean(), nullable=False),
        sa.Column("bankruptcy_referral", sa.Boolean(), nullable=False),
        sa.Column("quick_preservation", sa.Boolean(), nullable=False),
        sa.Column("voluntary_performance", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
        ),
        sa.PrimaryKeyConstraint("case_id"),
    )


def downgrade() -> None:
    op.drop_table("triage_flags")
    with op.batch_alter_table("triage_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_decision_case_id"))

    op.drop_table("triage_decision")
    op.drop_table("network_inquiry")
    with op.batch_alter_table("asset_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_finding_case_id"))

    op.drop_table("asset_finding")
