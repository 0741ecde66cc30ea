"""全程留痕: every change audited in its own transaction, append-only in the database, hash-chained."""

from __future__ import annotations

import json
import multiprocessing
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.conftest import make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AuditRecord, Staff
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.audit import (
    GENESIS_HASH,
    AuditKeyError,
    VerifyResult,
    ensure_key,
    key_file_path,
    read_key,
    row_hash,
    seal,
    verify,
)
from zhihui_tui.services.audit.chain import _hashed_fields
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


# -- Keyed chain (migration 0009) and seals ------------------------------------------------------------------


def _unguard(connection: Connection) -> None:
    """Drop every trigger that keeps the trail append-only and the head moving forward, as an attacker with the
    database file or a superuser could."""
    if connection.dialect.name == "sqlite":
        for trigger in ("audit_record_no_update", "audit_record_no_delete", "audit_head_no_rewind"):
            connection.execute(text(f"DROP TRIGGER {trigger}"))
    else:
        connection.execute(text("ALTER TABLE audit_record DISABLE TRIGGER USER"))
        connection.execute(text("ALTER TABLE audit_head DISABLE TRIGGER USER"))


def _rewrite_and_recompute(engine: Engine, row_id: int, *, key: bytes | None) -> None:
    """Change one row, recompute every later hash (plain SHA-256 without the key) and move the head to match."""
    table = AuditRecord.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        _unguard(connection)
        prev = connection.execute(select(table.c.hash).where(table.c.id == row_id - 1)).scalar() or GENESIS_HASH
        rows = connection.execute(select(table).where(table.c.id >= row_id).order_by(table.c.id)).mappings().all()
        for row in rows:
            data = dict(row)
            if data["id"] == row_id:
                data["action"] = "篡改"
            digest = row_hash(prev, _hashed_fields(data), key=key)
            connection.execute(
                update(table).where(table.c.id == data["id"]).values(action=data["action"], prev_hash=prev, hash=digest)
            )
            prev = digest
        connection.execute(text("UPDATE audit_head SET last_hash = :hash"), {"hash": prev})


def _cut_tail_and_rewind(engine: Engine, keep_through: int) -> None:
    with engine.begin() as connection:
        _unguard(connection)
        kept = connection.execute(text("SELECT hash FROM audit_record WHERE id = :id"), {"id": keep_through}).scalar()
        connection.execute(text("DELETE FROM audit_record WHERE id > :id"), {"id": keep_through})
        connection.execute(
            text("UPDATE audit_head SET last_id = :id, last_hash = :hash"), {"id": keep_through, "hash": kept}
        )


def _verify(engine: Engine, log: Path, key_file: Path | None = None) -> VerifyResult:
    with read_session(engine) as session:
        return verify(session, seal_log=log, key_file=key_file)


def _seal(engine: Engine, log: Path) -> None:
    with read_session(engine) as session:
        seal(session, log=log)


def _stolen_key() -> bytes:
    key = read_key(key_file_path())
    assert key is not None
    return key


def test_a_chain_recomputed_without_the_key_fails_verify(engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    for n in range(3):
        make_staff(engine, clock, f"user{n}", Role.HANDLER)
    _rewrite_and_recompute(engine, 2, key=None)  # passed verify while the chain was plain SHA-256
    result = _verify(engine, tmp_path / "seal.log")
    assert not result.ok and result.bad_id == 2 and "内容被改动" in result.reason


def test_with_the_key_stolen_a_seal_still_catches_a_cut_tail(engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    log = tmp_path / "seal.log"
    for n in range(3):
        make_staff(engine, clock, f"user{n}", Role.HANDLER)
    _seal(engine, log)
    sealed = _audit_rows(engine)[-1].id
    _cut_tail_and_rewind(engine, sealed - 2)  # what is left is a valid keyed chain with a matching head
    assert _verify(engine, tmp_path / "no-log").ok
    result = _verify(engine, log)
    assert not result.ok and result.bad_id == sealed - 1
    assert f"第 {sealed - 1} 至 {sealed} 条审计记录缺失" in result.reason and "封存" in result.reason


def test_with_the_key_stolen_a_seal_still_catches_a_rewritten_chain(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    log = tmp_path / "seal.log"
    for n in range(3):
        make_staff(engine, clock, f"user{n}", Role.HANDLER)
    _seal(engine, log)
    sealed = _audit_rows(engine)[-1].id
    _rewrite_and_recompute(engine, 2, key=_stolen_key())
    assert _verify(engine, tmp_path / "no-log").ok
    result = _verify(engine, log)
    assert not result.ok and result.bad_id == sealed and "封存记录不符" in result.reason


def test_sealing_twice_then_writing_on_verifies_completely(engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    log = tmp_path / "seal.log"
    make_staff(engine, clock, "user0", Role.HANDLER)
    _seal(engine, log)
    make_staff(engine, clock, "user1", Role.HANDLER)
    _seal(engine, log)
    make_staff(engine, clock, "user2", Role.HANDLER)
    result = _verify(engine, log)
    assert result.complete and result.seals_checked == 2 and result.notes == ()
    assert len(log.read_text().splitlines()) == 2


def test_an_edited_seal_line_is_caught(engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    log = tmp_path / "seal.log"
    make_staff(engine, clock, "user0", Role.HANDLER)
    _seal(engine, log)
    line = json.loads(log.read_text())
    log.write_text(json.dumps({**line, "last_id": line["last_id"] - 1}) + "\n")
    result = _verify(engine, log)
    assert not result.ok and "第 1 行的签名不符" in result.reason


def test_verify_without_key_or_log_says_what_it_could_not_check(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    make_staff(engine, clock, "user0", Role.HANDLER)
    last = _audit_rows(engine)[-1].id
    result = _verify(engine, tmp_path / "missing.log", key_file=tmp_path / "missing.key")
    assert result.ok and not result.complete and len(result.unchecked) == 2
    assert result.unchecked[0].startswith(f"未找到审计密钥文件 {tmp_path / 'missing.key'}：第 1–{last} 条")
    assert result.unchecked[1].startswith(f"未找到封存日志 {tmp_path / 'missing.log'}")


def test_a_wrong_key_fails_verify_and_says_the_key_may_have_changed(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    make_staff(engine, clock, "user0", Role.HANDLER)
    other, _ = ensure_key(tmp_path / "other.key")
    result = _verify(engine, tmp_path / "seal.log", key_file=tmp_path / "other.key")
    assert other != _stolen_key() and not result.ok and result.bad_id == 1 and "密钥文件被换过" in result.reason


def test_the_key_file_is_created_owner_only_on_first_write(
    engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "keys" / "audit.key"
    monkeypatch.setenv("ZHIHUI_AUDIT_KEY_FILE", str(path))
    make_staff(engine, clock, "user0", Role.HANDLER)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(path.read_bytes()) == 32
    assert list(path.parent.iterdir()) == [path]  # no draft left behind
    assert _verify(engine, tmp_path / "seal.log", key_file=path).ok


def test_a_key_others_can_read_is_refused_and_nothing_is_written(
    engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "audit.key"
    ensure_key(path)
    path.chmod(0o644)
    monkeypatch.setenv("ZHIHUI_AUDIT_KEY_FILE", str(path))
    before = len(_audit_rows(engine))
    with pytest.raises(AuditKeyError, match=r"权限为 0644，其他账户可读.*chmod 600"):
        make_staff(engine, clock, "user0", Role.HANDLER)
    assert len(_audit_rows(engine)) == before


def test_a_lost_key_once_keyed_rows_exist_is_refused_not_replaced(
    engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_staff(engine, clock, "user0", Role.HANDLER)
    lost = tmp_path / "lost.key"
    monkeypatch.setenv("ZHIHUI_AUDIT_KEY_FILE", str(lost))
    with pytest.raises(AuditKeyError, match=r"不存在.*请从备份恢复"):
        make_staff(engine, clock, "user1", Role.HANDLER)
    assert not lost.exists()


def _write_plain_rows(connection: Connection, count: int) -> None:
    """Rows as the program wrote them before 0009: a plain SHA-256 chain."""
    prev = GENESIS_HASH
    for n in range(1, count + 1):
        row: dict[str, object] = {
            "id": n,
            "recorded_at": datetime(2026, 11, 1, 9, n),
            "as_of": datetime(2026, 11, 1, 9, n),
            "actor_login": "system",
            "action": "旧记录",
            "entity": "staff",
            "entity_id": str(n),
            "before": None,
            "after": json.dumps({"n": n}),
        }
        row["prev_hash"] = prev
        row["hash"] = prev = row_hash(prev, _hashed_fields(row))
        connection.execute(AuditRecord.__table__.insert(), [row])  # type: ignore[attr-defined]


def test_a_database_migrated_from_0008_verifies_and_reports_its_unkeyed_prefix(
    db_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    from alembic import command

    from zhihui_tui.db.engine import make_engine
    from zhihui_tui.db.migrate import _config, upgrade

    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            config = _config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0008")
            _write_plain_rows(connection, 4)
            connection.commit()
        upgrade(engine)
        make_staff(engine, clock, "user0", Role.HANDLER)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT keyed_from FROM audit_chain_key")).scalar() == 5
        result = _verify(engine, tmp_path / "seal.log")
        assert result.ok and result.checked == len(_audit_rows(engine)) > 4
        assert result.notes == ("第 1–4 条为无密钥链（升级到 0009 前写入），无法证明未被整体重算",)
        _rewrite_and_recompute(engine, 6, key=None)
        assert _verify(engine, tmp_path / "seal.log").bad_id == 6
    finally:
        engine.dispose()


def test_the_keyed_from_row_cannot_be_moved(engine: Engine) -> None:
    for statement in ("UPDATE audit_chain_key SET keyed_from = 99", "DELETE FROM audit_chain_key"):
        with pytest.raises(DBAPIError, match="written once"), engine.begin() as connection:
            connection.execute(text(statement))


def _create_key(path: str, start: Any, out: Any) -> None:
    start.wait(10)
    key, created = ensure_key(Path(path))
    out.put((key.hex(), created))


def test_two_processes_creating_the_key_at_once_share_one(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Barrier(3), ctx.Queue()
    path = tmp_path / "audit.key"
    workers = [ctx.Process(target=_create_key, args=(str(path), start, out)) for _ in range(2)]
    for worker in workers:
        worker.start()
    start.wait(10)
    results = [out.get(timeout=20) for _ in workers]
    for worker in workers:
        worker.join(10)
    assert {key for key, _ in results} == {path.read_bytes().hex()}
    assert sorted(created for _, created in results) == [False, True]
