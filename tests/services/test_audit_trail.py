"""全程留痕: every change audited in its own transaction, append-only in the database, hash-chained."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AuditRecord, Staff
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.audit import verify
from zhihui_tui.services.context import Actor
from zhihui_tui.services.uow import unit_of_work


def _audit_rows(engine: Engine) -> list[AuditRecord]:
    from sqlmodel import select

    with read_session(engine) as session:
        return list(session.exec(select(AuditRecord).order_by(AuditRecord.id)))  # type: ignore[arg-type]


def test_change_records_who_when_what_before_and_after(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")
    admin = make_staff(engine, clock, "admin", Role.ADMIN, name="管理员")
    clock.advance(minutes=5)
    with unit_of_work(engine, actor=admin, action="修改座机", clock=clock) as session:
        staff = session.get(Staff, clerk.id)
        assert staff is not None
        staff.office_phone = "0482-8888888"
    last = _audit_rows(engine)[-1]
    assert (last.actor_login, last.action, last.entity, last.entity_id) == ("admin", "修改座机", "staff", str(clerk.id))
    assert last.as_of == datetime(2026, 11, 27, 9, 35)
    assert json.loads(last.before or "{}")["office_phone"] is None
    assert json.loads(last.after or "{}")["office_phone"] == "0482-8888888"


def test_password_hashes_never_reach_the_trail(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    created = [r for r in _audit_rows(engine) if r.entity == "staff"][-1]
    assert "argon2" not in (created.after or "")
    assert json.loads(created.after or "{}")["password_hash"] == "***"


def test_failed_write_leaves_no_audit_row(engine: Engine, clock: FixedClock, system: Actor) -> None:
    before = len(_audit_rows(engine))
    with pytest.raises(RuntimeError), unit_of_work(engine, actor=system, action="x", clock=clock) as session:
        session.add(Staff(login="ghost", name="幽灵", password_hash="!", created_at=clock.now()))
        session.flush()
        raise RuntimeError("the service failed after flushing")
    assert len(_audit_rows(engine)) == before


def test_application_cannot_update_or_delete_audit_rows(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    for statement in ("UPDATE audit_record SET action = 'x' WHERE id = 1", "DELETE FROM audit_record WHERE id = 1"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert verify_ok(engine)


def verify_ok(engine: Engine) -> bool:
    with read_session(engine) as session:
        return verify(session).ok


def _tamper(engine: Engine, statement: str) -> None:
    """What someone with the database file could do behind the application's back."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER audit_record_no_update"))
            connection.execute(text("DROP TRIGGER audit_record_no_delete"))
        else:
            connection.execute(text("ALTER TABLE audit_record DISABLE TRIGGER USER"))
        connection.execute(text(statement))


def test_verify_names_an_altered_row(engine: Engine, clock: FixedClock) -> None:
    for n in range(3):
        make_staff(engine, clock, f"user{n}", Role.HANDLER)
    with read_session(engine) as session:
        assert verify(session).ok
    _tamper(
        engine,
        "UPDATE audit_record SET after = replace(after, 'user1', 'userX') WHERE entity = 'staff' "
        "AND after LIKE '%user1%'",
    )
    bad = next(r for r in _audit_rows(engine) if "userX" in (r.after or ""))
    with read_session(engine) as session:
        result = verify(session)
    assert not result.ok and result.bad_id == bad.id
    assert f"第 {bad.id} 条" in result.reason


def test_verify_names_a_removed_row(engine: Engine, clock: FixedClock) -> None:
    for n in range(3):
        make_staff(engine, clock, f"user{n}", Role.HANDLER)
    _tamper(engine, "DELETE FROM audit_record WHERE id = 3")
    with read_session(engine) as session:
        result = verify(session)
    assert not result.ok and result.bad_id == 3 and "删除" in result.reason


def test_verify_names_rows_removed_from_the_end(engine: Engine, clock: FixedClock) -> None:
    for n in range(3):
        make_staff(engine, clock, f"user{n}", Role.HANDLER)
    last = _audit_rows(engine)[-1].id
    _tamper(engine, f"DELETE FROM audit_record WHERE id >= {last - 1}")  # what is left is still a valid chain
    with read_session(engine) as session:
        result = verify(session)
    assert not result.ok and result.bad_id == last - 1
    assert f"第 {last - 1} 至 {last} 条审计记录缺失" in result.reason


def test_verify_notices_a_trail_emptied_behind_the_applications_back(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "user0", Role.HANDLER)
    _tamper(engine, "DELETE FROM audit_record")
    with read_session(engine) as session:
        result = verify(session)
    assert not result.ok and result.bad_id == 1 and "链尾被删除" in result.reason


def test_the_chains_head_follows_every_insert_and_never_moves_back(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "user0", Role.HANDLER)
    rows = _audit_rows(engine)
    with engine.connect() as connection:
        head = connection.execute(text("SELECT last_id, last_hash FROM audit_head")).one()
    assert tuple(head) == (rows[-1].id, rows[-1].hash)
    for statement in ("UPDATE audit_head SET last_id = 1", "DELETE FROM audit_head"):
        with pytest.raises(DBAPIError, match="only moves forward"), engine.begin() as connection:
            connection.execute(text(statement))
    assert verify_ok(engine)
