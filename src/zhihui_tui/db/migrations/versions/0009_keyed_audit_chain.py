"""A keyed audit chain: rows from here on are HMAC-SHA256 with a key kept outside the database

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 15:10:00

A plain SHA-256 chain can be rewritten and every later hash recomputed by anyone who can write the database.
From this revision on each new audit row's hash is an HMAC with a secret key held in a file outside the
database (``ZHIHUI_AUDIT_KEY_FILE``). ``audit_chain_key`` records the first keyed id: rows before it keep their
plain hashes and are verified as before, reported as a chain that cannot be proved not wholly recomputed. The
row is written once, here, and triggers refuse to change or delete it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_chain_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("keyed_from", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_chain_key_single_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    # Every row written from now on is keyed: the first keyed id is the one after the chain's current end.
    op.execute(
        "INSERT INTO audit_chain_key (id, keyed_from) SELECT 1, COALESCE((SELECT MAX(id) FROM audit_record), 0) + 1"
    )
    if op.get_bind().dialect.name == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_chain_key_no_{event.lower()} BEFORE {event} ON audit_chain_key "
                "BEGIN SELECT RAISE(ABORT, 'audit_chain_key is written once'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_chain_key_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'audit_chain_key is written once'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_key_frozen BEFORE UPDATE OR DELETE ON audit_chain_key "
            "FOR EACH ROW EXECUTE FUNCTION audit_chain_key_frozen()"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_key_no_truncate BEFORE TRUNCATE ON audit_chain_key "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_key_frozen()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("audit_chain_key_no_update", "audit_chain_key_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_chain_key_frozen ON audit_chain_key")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_key_no_truncate ON audit_chain_key")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_key_frozen()")
    op.drop_table("audit_chain_key")
