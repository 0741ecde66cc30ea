"""At most one open X per case, enforced by the database (placeholder: filled in by the race fixes)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 15:10:00
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
