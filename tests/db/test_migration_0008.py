"""Migration 0008 on a database that two racing terminals already filled with duplicates (issue 12)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import _config, current_revision, head_revision, upgrade
from zhihui_tui.db.models import Case, Deadline, FilingRejection, Staff

AT = datetime(2026, 11, 27, 9, 30)
_case, _rejection, _deadline = (m.__table__ for m in (Case, FilingRejection, Deadline))  # type: ignore[attr-defined]


def _to_0007(engine: Engine) -> None:
    with engine.connect() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        connection.commit()


def _racing_leftovers(engine: Engine) -> dict[str, Any]:
    """Two cases; case 1 holds two pending proposals and two open FILING steps, as the race left them."""
    staff = Staff.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        who = connection.execute(
            insert(staff).values(login="lian1", name="王立案", password_hash="x", created_at=AT, version=1)
        ).inserted_primary_key[0]
        cases = [
            connection.execute(
                insert(_case).values(
                    case_type="执", filing_category="application", stage="received", received_at=AT, created_at=AT
                )
            ).inserted_primary_key[0]
            for _ in range(2)
        ]
        proposal = {"proposed_by_id": who, "proposed_at": AT, "reasons": "主体不适格", "status": "pending"}
        rejections = [
            connection.execute(insert(_rejection).values(case_id=case, **proposal)).inserted_primary_key[0]
            for case in (cases[0], cases[0], cases[1])
        ]
        step = {"step": "filing", "owner_role": "filing_review", "due_date": date(2026, 11, 30)}
        deadlines = [
            connection.execute(
                insert(_deadline).values(case_id=case, triggered_at=datetime(2026, 11, 27, 9, n), **step)
            ).inserted_primary_key[0]
            for n, case in enumerate((cases[0], cases[0], cases[1]))
        ]
    return {"cases": cases, "rejections": rejections, "deadlines": deadlines}


def test_duplicates_left_by_a_race_are_closed_and_the_rule_then_holds(db_url: str) -> None:
    engine = make_engine(db_url)
    _to_0007(engine)
    made = _racing_leftovers(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    kept, duplicate, other = made["rejections"]
    with engine.connect() as connection:
        rows = {r.id: r for r in connection.execute(select(_rejection))}
        steps = {r.id: r for r in connection.execute(select(_deadline))}
    assert (rows[kept].status, rows[other].status) == ("pending", "pending")
    assert rows[duplicate].status == "returned" and rows[duplicate].version == 2
    assert f"与第 {kept} 号提请重复" in rows[duplicate].ruling_note and rows[duplicate].ruled_by_id is None
    first, later, third = made["deadlines"]
    assert steps[first].done_at is None and steps[third].done_at is None
    assert steps[later].done_at == steps[later].triggered_at and steps[later].done_by_id is None
    proposal = {"proposed_by_id": rows[kept].proposed_by_id, "proposed_at": AT, "reasons": "再次", "status": "pending"}
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(_rejection).values(case_id=made["cases"][0], **proposal))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        step = {"step": "filing", "owner_role": "filing_review", "due_date": date(2026, 11, 30), "triggered_at": AT}
        connection.execute(insert(_deadline).values(case_id=made["cases"][1], **step))
    engine.dispose()
