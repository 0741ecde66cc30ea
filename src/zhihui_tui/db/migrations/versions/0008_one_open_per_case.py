"""At most one open X per case, enforced by the database

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 15:10:00

Two partial unique indexes: one pending 不予立案 proposal per case, and one open step of a kind per case. The
other "at most one" rules already had a unique key (network_inquiry.case_id, triage_flags' primary key,
field_search.matter_id, counter_task.matter_id, ledger_report's day).

A database written by two terminals racing (issue 12) may already hold duplicates. They are not refused: the
oldest row (lowest id) stays open and every later duplicate is closed, with its version bumped so a screen that
still shows it gets a conflict on save, and each one is named in the migration log:

* a later pending proposal is marked 退回 (``returned``) with the reason in ``ruling_note`` and no ruler;
* a later open step is marked done at its own trigger time by nobody (``done_by_id`` NULL), so it is never
  counted as overdue nor as anyone's work.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
PENDING = "status = 'pending'"
OPEN = "done_at IS NULL"


def upgrade() -> None:
    _close_duplicate_proposals()
    _close_duplicate_steps()
    with op.batch_alter_table("filing_rejection", schema=None) as batch_op:
        batch_op.create_index(
            "uq_filing_rejection_pending",
            ["case_id"],
            unique=True,
            sqlite_where=sa.text(PENDING),
            postgresql_where=sa.text(PENDING),
        )
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.create_index(
            "uq_deadline_open_step",
            ["case_id", "step"],
            unique=True,
            sqlite_where=sa.text(OPEN),
            postgresql_where=sa.text(OPEN),
        )


def _close_duplicate_proposals() -> None:
    """Keep each case's first pending proposal; later ones are returned as duplicates, with the reason."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            f"SELECT r.id, r.case_id, k.keep FROM filing_rejection r JOIN (SELECT case_id, MIN(id) AS keep "
            f"FROM filing_rejection WHERE {PENDING} GROUP BY case_id HAVING COUNT(*) > 1) k "
            f"ON k.case_id = r.case_id WHERE r.{PENDING} AND r.id > k.keep ORDER BY r.id"
        )
    ).all()
    for rejection_id, case_id, keep in rows:
        note = f"系统关闭：与第 {keep} 号提请重复（两终端同时提交，迁移 0008 保留最早一份）"
        bind.execute(
            sa.text(
                "UPDATE filing_rejection SET status = 'returned', ruled_at = proposed_at, ruling_note = :note, "
                "version = version + 1 WHERE id = :id"
            ),
            {"note": note, "id": rejection_id},
        )
        log.warning("0008: case %s: duplicate pending proposal %s closed, %s kept", case_id, rejection_id, keep)


def _close_duplicate_steps() -> None:
    """Keep each case's first open step of a kind; later duplicates are closed at their own trigger time."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            f"SELECT d.id, d.case_id, d.step, k.keep FROM deadline d JOIN (SELECT case_id, step, MIN(id) AS keep "
            f"FROM deadline WHERE {OPEN} GROUP BY case_id, step HAVING COUNT(*) > 1) k "
            f"ON k.case_id = d.case_id AND k.step = d.step WHERE d.{OPEN} AND d.id > k.keep ORDER BY d.id"
        )
    ).all()
    for deadline_id, case_id, step, keep in rows:
        bind.execute(
            sa.text("UPDATE deadline SET done_at = triggered_at, version = version + 1 WHERE id = :id"),
            {"id": deadline_id},
        )
        log.warning("0008: case %s: duplicate open step %s (%s) closed, %s kept", case_id, deadline_id, step, keep)


def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index("uq_deadline_open_step")
    with op.batch_alter_table("filing_rejection", schema=None) as batch_op:
        batch_op.drop_index("uq_filing_rejection_pending")
