"""The attempts awaiting the service desk, kept by the database

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 10:00:00

F10 (集约送达) lists 送达跟踪 — attempts awaiting their result, and failed ones whose recipient has no later
attempt yet — and counts 待下一步. Finding them looked for a later attempt of every failed mailing of the court
(85,000 on 1,000,000 cases: 145 ms for the list, 168 ms for the counts). ``pending_attempt`` holds exactly those
attempts, moved by triggers in the transaction of every new attempt and every result recorded; an attempt is
never deleted and its recipient (case and respondent, or matter) never changed, so these two are the whole story.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

# The results that did not serve (ServiceResult with ``served`` False: 退回、地址不详), as they are today: a
# migration is frozen, it does not read the enum. A result added later that does not serve needs a migration
# that rewrites these triggers.
_FAILED = "('returned', 'address_unknown')"


def _same_recipient(other: str, this: str) -> str:
    """``other`` is an attempt of ``this`` attempt's recipient, as the desk's service decides the next way: the same
    case and respondent when ``this`` names one (a 公告 for a respondent also names its matter, and it is the next
    way after the failed mailing), else the same handler's matter without a respondent."""
    return (
        f"{other}.case_id = {this}.case_id AND ("
        f"({this}.party_id IS NOT NULL AND {other}.party_id = {this}.party_id) OR "
        f"({this}.party_id IS NULL AND {other}.party_id IS NULL AND {other}.matter_id = {this}.matter_id))"
    )


def _awaits(this: str) -> str:
    """``this`` attempt awaits the desk: no result yet, or a failed one with no later attempt of its recipient."""
    later = f"SELECT 1 FROM service_attempt later WHERE {_same_recipient('later', this)} AND later.id > {this}.id"
    return f"({this}.result IS NULL OR ({this}.result IN {_FAILED} AND NOT EXISTS ({later})))"


_ADD_NEW = f"INSERT INTO pending_attempt (attempt_id, sent_on) SELECT NEW.id, NEW.sent_on WHERE {_awaits('NEW')}"
# A new attempt is the next way for its recipient's failed attempts (one awaiting its result stays).
_ON_INSERT = (
    "DELETE FROM pending_attempt WHERE attempt_id IN (SELECT earlier.id FROM service_attempt earlier WHERE "
    f"{_same_recipient('earlier', 'NEW')} AND earlier.id < NEW.id AND earlier.result IS NOT NULL); {_ADD_NEW}"
)
# A result recorded: the attempt stays if it failed and its recipient has no later attempt (the later attempts'
# own rows do not depend on this one's result).
_ON_UPDATE = f"DELETE FROM pending_attempt WHERE attempt_id = NEW.id; {_ADD_NEW}"
_TRIGGERS = {  # name: (event, body)
    "service_attempt_pending_insert": ("AFTER INSERT", _ON_INSERT),
    "service_attempt_pending_update": ("AFTER UPDATE OF result, sent_on", _ON_UPDATE),
}


def upgrade() -> None:
    op.create_table(
        "pending_attempt",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["attempt_id"], ["service_attempt.id"]),
        sa.PrimaryKeyConstraint("attempt_id"),
    )
    op.create_index("ix_pending_attempt_sent", "pending_attempt", ["sent_on", "attempt_id"], unique=False)
    op.execute(
        "INSERT INTO pending_attempt (attempt_id, sent_on) "
        f"SELECT attempt.id, attempt.sent_on FROM service_attempt attempt WHERE {_awaits('attempt')}"
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, (event, body) in _TRIGGERS.items():
        if sqlite:
            op.execute(f"CREATE TRIGGER {name} {event} ON service_attempt BEGIN {body}; END")
            continue
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$")
        op.execute(f"CREATE TRIGGER {name} {event} ON service_attempt FOR EACH ROW EXECUTE FUNCTION {name}()")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name in _TRIGGERS:
        if sqlite:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON service_attempt")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_index("ix_pending_attempt_sent", table_name="pending_attempt")
    op.drop_table("pending_attempt")
