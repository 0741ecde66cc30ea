"""Search index half the size: no second index by case on search_term; a search_case row per case instead

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 13:40:00

``search_term`` kept a second index (case_id, kind, term) — on SQLite a full copy of the table — to find a
case's keys when re-keying it and its whole names for a longer query. Both now come from one ``search_case``
row per case (its whole names, the keys not derived from them), and whole names leave ``search_term``. The
index is rebuilt from the cases (revision 0024's frozen rules).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def _create_search_term() -> None:
    # Not in batch mode: a batch "move and copy" of this table would lose WITHOUT ROWID.
    op.create_table(
        "search_term",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("sort_key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"]),
        sa.PrimaryKeyConstraint("kind", "term", "sort_key", "case_id"),
        sqlite_with_rowid=False,
    )


def upgrade() -> None:
    # Dropped and created again: deleting every row of a WITHOUT ROWID table goes row by row.
    op.drop_index("ix_search_term_case", table_name="search_term")
    op.drop_table("search_term")
    _create_search_term()
    op.create_table(
        "search_case",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sort_key", sa.BigInteger(), nullable=False),
        sa.Column("names", sa.Text(), nullable=False),
        sa.Column("other_keys", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["enforcement_case.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )
    from zhihui_tui.db.migrations.frozen.search_index_0024 import index_all_cases  # the indexer of this revision

    index_all_cases(op.get_bind())


def downgrade() -> None:
    op.drop_table("search_case")
    op.drop_table("search_term")
    _create_search_term()
    op.create_index("ix_search_term_case", "search_term", ["case_id", "kind", "term"], unique=False)
    from zhihui_tui.db.migrations.frozen.search_terms_0003 import index_all_cases

    index_all_cases(op.get_bind())
