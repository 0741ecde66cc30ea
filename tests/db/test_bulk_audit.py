"""Bulk writes (issue 12): rows as tuples, audit entries hashed onto the chain in bulk, the head moved once."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from zhihui_tui.db.models import AuditHead, AuditRecord
from zhihui_tui.services import audit

AT = datetime(2026, 12, 4, 9, 30)


def test_bulk_entries_hash_exactly_as_row_hash_and_verify(engine: Engine) -> None:
    entries = [
        audit.AuditEntry(
            "admin", "导入案件", "party", str(n), None, {"name": f"张三{n}", "at": AT, "note": '含"引号"\n'}
        )
        for n in range(1, 1201)
    ]
    with Session(engine) as session, session.begin():
        audit.append_prepared(session, audit.prepare(entries, as_of=AT), as_of=AT)
    with Session(engine) as session:
        rows = session.exec(select(AuditRecord).order_by(col(AuditRecord.id))).all()
        head = session.get(AuditHead, 1)
    assert len(rows) == 1200 and head is not None
    assert (head.last_id, head.last_hash) == (rows[-1].id, rows[-1].hash)
    key = audit.read_key(audit.key_file_path())
    for previous, row in zip([None, *rows], rows, strict=False):
        prev_hash = previous.hash if previous else audit.GENESIS_HASH
        fields = {name: getattr(row, name) for name in ("id", "recorded_at", "as_of", "actor_login", "action")}
        fields |= {name: getattr(row, name) for name in ("entity", "entity_id", "before", "after")}
        assert row.prev_hash == prev_hash
        assert row.hash == audit.row_hash(prev_hash, fields, key=key)
    with Session(engine) as session:
        assert audit.verify(session).ok


@pytest.mark.postgres
def test_postgresql_moves_the_head_once_per_statement(pg_url: str) -> None:
    from tests.conftest import reset_postgres
    from zhihui_tui.db.engine import make_engine
    from zhihui_tui.db.migrate import upgrade

    reset_postgres(pg_url)
    engine = make_engine(pg_url)
    upgrade(engine)
    entries = [audit.AuditEntry("admin", "导入案件", "party", str(n), None, {"n": n}) for n in range(500)]
    with Session(engine) as session, session.begin():
        audit.append_prepared(session, audit.prepare(entries, as_of=AT), as_of=AT)
        updates = session.connection().execute(
            text("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'audit_head'")
        )
        assert updates.scalar_one() == 1  # 0007's row trigger made it 500
    with Session(engine) as session:
        head = session.get(AuditHead, 1)
        assert head is not None and head.last_id == 500
    engine.dispose()
