"""The kind of the enforcement basis document (民事判决书, 仲裁裁决书 …) as its own field (issue 11)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: bases filed before this revision were recorded without their kind and keep none.
    with op.batch_alter_table("enforcement_basis", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_kind", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enforcement_basis", schema=None) as batch_op:
        batch_op.drop_column("document_kind")
