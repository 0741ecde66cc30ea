"""Service documents (issue 13): each generated filing-pack document with its template and file checksums,
and each merged print file

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-04 20:21:13.596198
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "print_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("document_ids", sa.Text(), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("file_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=False),
        sa.Column("printed_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["printed_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("print_run", schema=None) as batch_op:
        batch_op.create_index("ix_print_run_day", ["day", "kind"], unique=False)

    op.create_table(
        "service_document",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.Column("template_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("template_source", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("template_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("template_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("file_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("generated_by_id", sa.Integer(), nullable=False),
        sa.Column("printed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
        ),
        sa.ForeignKeyConstraint(
            ["generated_by_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "kind", "document_version", name="uq_service_document_version"),
    )
    with op.batch_alter_table("service_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_document_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_service_document_generated", ["generated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_document", schema=None) as batch_op:
        batch_op.drop_index("ix_service_document_generated")
        batch_op.drop_index(batch_op.f("ix_service_document_case_id"))

    op.drop_table("service_document")
    with op.batch_alter_table("print_run", schema=None) as batch_op:
        batch_op.drop_index("ix_print_run_day")

    op.drop_table("print_run")
