"""The audit chain's head, kept by the database, so a trail cut short at its end is caught

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 20:50:00

The hash chain shows a row altered or removed in the middle, but not rows removed from its end: what is left
is still a valid chain. ``audit_head`` holds the last id and hash; a trigger moves it forward on every insert
into ``audit_record`` and it cannot be deleted or moved back, so ``zhihui audit verify`` compares the chain's end
with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_head_single_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        "INSERT INTO audit_head (id, last_id, last_hash) SELECT 1, "
        "COALESCE((SELECT MAX(id) FROM audit_record), 0), "
        f"COALESCE((SELECT hash FROM audit_record ORDER BY id DESC LIMIT 1), '{GENESIS_HASH}')"
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers()
    else:
        _postgresql_triggers()


def _sqlite_triggers() -> None:
    op.execute(
        "CREATE TRIGGER audit_head_follow AFTER INSERT ON audit_record BEGIN "
        "UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash WHERE id = 1 AND NEW.id > last_id; END"
    )
    op.execute(
        "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
        "BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_head_no_rewind BEFORE UPDATE ON audit_head WHEN NEW.last_id <= OLD.last_id "
        "BEGIN SELECT RAISE(ABORT, 'audit_head only moves forward'); END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION audit_head_follow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash WHERE id = 1 AND NEW.id > last_id; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_head_follow AFTER INSERT ON audit_record "
        "FOR EACH ROW EXECUTE FUNCTION audit_head_follow()"
    )
    op.execute(
        "CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' AND NEW.last_id > OLD.last_id THEN RETURN NEW; END IF; "
        "RAISE EXCEPTION 'audit_head only moves forward'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head "
        "FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("audit_head_follow", "audit_head_no_delete", "audit_head_no_rewind"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_head_follow ON audit_record")
        op.execute("DROP TRIGGER IF EXISTS audit_head_forward_only ON audit_head")
        op.execute("DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head")
        op.execute("DROP FUNCTION IF EXISTS audit_head_follow()")
        op.execute("DROP FUNCTION IF EXISTS audit_head_forward_only()")
    op.drop_table("audit_head")
