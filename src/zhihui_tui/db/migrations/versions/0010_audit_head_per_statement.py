"""PostgreSQL: the audit head follows once per INSERT statement, not once per row

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 20:45:00

0007's row trigger updated the single ``audit_head`` row once per audit record. A bulk import appends tens of
thousands of records in one transaction, and each update of the same row adds a row version the next one must
step over: measured, a 20,000-case import held its lock for 88 s, most of it here. A statement trigger with a
transition table moves the head once per statement to the highest id it inserted. SQLite has only row triggers,
and its in-place update is cheap: unchanged there.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_head_follow ON audit_record")
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_head_follow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE audit_head SET last_id = newest.id, last_hash = newest.hash "
        "FROM (SELECT id, hash FROM inserted ORDER BY id DESC LIMIT 1) AS newest "
        "WHERE audit_head.id = 1 AND newest.id > audit_head.last_id; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_head_follow AFTER INSERT ON audit_record REFERENCING NEW TABLE AS inserted "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_head_follow()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_head_follow ON audit_record")
    op.execute(
        "CREATE OR REPLACE FUNCTION audit_head_follow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash WHERE id = 1 AND NEW.id > last_id; "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_head_follow AFTER INSERT ON audit_record "
        "FOR EACH ROW EXECUTE FUNCTION audit_head_follow()"
    )
