"""Case search: the search_term index (case numbers, ID numbers, name bigrams, pinyin initials)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 14:05:00

A plain table on both engines (no FTS5 virtual table, no pg_trgm): everything it needs is expressible in the
models, so autogenerate sees no difference and SQLite and PostgreSQL run the same queries. Cases that exist
already are indexed here, so an upgraded database finds them at once.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_term",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("sort_key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_case.id"],
        ),
        sa.PrimaryKeyConstraint("kind", "term", "sort_key", "case_id"),
        sqlite_with_rowid=False,
    )
    # Not in batch mode: a batch "move and copy" of this table would lose WITHOUT ROWID.
    op.create_index("ix_search_term_case", "search_term", ["case_id", "kind", "term"], unique=False)

    from zhihui_tui.db.migrations.frozen.search_terms_0003 import index_all_cases  # the indexer of this revision

    index_all_cases(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_search_term_case", table_name="search_term")
    op.drop_table("search_term")
