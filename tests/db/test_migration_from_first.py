"""A court that ran the first released schema (revision 0001) upgrades to head and loses nothing: every row of
every table it had is there with its key fields, the audit chain of that time still verifies and goes on, the
backup taken before the upgrade opens, and the cases are found by the search index migration 0003 built."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Connection, Engine, MetaData, insert, text
from sqlalchemy.orm import Session

from tests.conftest import FIXED_NOW, context_for
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import _config, current_revision, head_revision, upgrade
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import NewStaff, add_staff, system_actor
from zhihui_tui.services.audit import verify
from zhihui_tui.services.search import search_cases

FIRST = "0001"
CASES = 40
AT = datetime(2026, 3, 2, 9, 0)
# The columns that must come through each table unchanged (every column the first schema had).
KEYS = {
    "staff": ("id", "login", "name", "password_hash", "team", "title", "active", "created_at"),
    "staff_role": ("staff_id", "role"),
    "party": ("id", "kind", "name", "id_number", "phone", "address"),
    "enforcement_case": (
        "id", "case_number", "court_code", "year", "case_type", "sequence", "filing_category", "stage",
        "received_at", "filed_at", "target_amount_fen", "handler_id", "original_case_id", "closed_at", "closure",
    ),
    "case_party": ("id", "case_id", "party_id", "role", "position", "service_address"),
    "agent": ("id", "case_id", "party_id", "name", "id_number", "kind"),
    "deadline": ("id", "case_id", "step", "owner_role", "triggered_at", "due_date", "done_at", "done_by_id"),
    "enforcement_basis": ("id", "case_id", "issuing_court", "document_number", "effective_date"),
    "stage_change": ("id", "case_id", "from_stage", "to_stage", "at", "actor_id", "note"),
    "case_sequence": ("court_code", "year", "case_type", "last"),
    "audit_record": ("id", "recorded_at", "actor_login", "action", "entity", "entity_id", "before", "after", "hash"),
}  # fmt: skip


def _at_first(engine: Engine) -> None:
    with engine.connect() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, FIRST)
        connection.commit()


def _populate(connection: Connection) -> None:
    """Rows as the first release wrote them, through its own tables (reflected, not today's models)."""
    t = MetaData()
    t.reflect(connection)
    staff = [
        {"id": 2 + n, "login": f"kuai{n:02d}", "name": f"法官{n}", "password_hash": "$argon2id$old", "team": "fast",
         "title": "judge", "active": True, "failed_logins": 0, "created_at": AT, "version": 1}
        for n in range(3)
    ]  # fmt: skip
    connection.execute(insert(t.tables["staff"]), staff)
    connection.execute(insert(t.tables["staff_role"]), [{"staff_id": s["id"], "role": "handler"} for s in staff])
    parties = [
        {"id": n, "kind": "person", "name": f"申请人{n}", "id_number": f"1522211990{n:04d}001X"[:18],
         "phone": "13948201234", "address": "科右前旗大坝沟镇", "version": 1}
        for n in range(1, 2 * CASES + 1)
    ]  # fmt: skip
    connection.execute(insert(t.tables["party"]), parties)
    cases, links, steps, bases, changes = [], [], [], [], []
    for n in range(1, CASES + 1):
        filed = n % 4 != 0
        closed = n % 5 == 0
        cases.append(
            {"id": n, "version": 2, "case_type": "执", "filing_category": "application",
             "stage": "closed" if closed else ("filed" if filed else "received"),
             "received_at": AT + timedelta(hours=n), "filed_at": AT + timedelta(days=1, hours=n) if filed else None,
             "case_number": f"（2026）内2221执{n}号" if filed else None, "court_code": "内2221" if filed else None,
             "year": 2026 if filed else None, "sequence": n if filed else None,
             "target_amount_fen": 15_200_050 + n, "consumption_restriction_requested": True,
             "dishonest_list_requested": n % 2 == 0, "disputed": False, "handler_id": staff[n % 3]["id"],
             "first_assignee_id": None, "team": "fast", "original_case_id": n - 5 if closed and n > 5 else None,
             "closed_at": AT + timedelta(days=30) if closed else None, "closure": "执行完毕" if closed else None,
             "created_at": AT}
        )  # fmt: skip
        for position, (role, party) in enumerate((("applicant", 2 * n - 1), ("respondent", 2 * n))):
            links.append({"id": 2 * n - 1 + position, "case_id": n, "party_id": party, "role": role,
                          "position": 0, "whereabouts_unknown": False, "service_address": "科尔沁镇",
                          "address_confirmed": position == 0, "version": 1})  # fmt: skip
        steps.append({"id": n, "case_id": n, "step": "filing", "owner_role": "filing_review", "version": 1,
                      "triggered_at": AT + timedelta(hours=n), "due_date": date(2026, 3, 4),
                      "done_at": AT + timedelta(days=1) if filed else None,
                      "done_by_id": 2 if filed else None})  # fmt: skip
        bases.append({"id": n, "case_id": n, "issuing_court": "科尔沁右翼前旗人民法院", "version": 1,
                      "document_number": f"（2025）内2221民初{n}号", "effective_date": date(2025, 12, 1)})  # fmt: skip
        changes.append({"id": n, "case_id": n, "from_stage": None, "to_stage": "received",
                        "at": AT + timedelta(hours=n), "actor_id": 1, "note": f"收案{n}"})  # fmt: skip
    connection.execute(insert(t.tables["enforcement_case"]), cases)
    connection.execute(insert(t.tables["case_party"]), links)
    connection.execute(insert(t.tables["agent"]), [
        {"id": 1, "case_id": 1, "party_id": 1, "name": "王律师", "id_number": "152221198808080044", "kind": "律师",
         "version": 1}])  # fmt: skip
    connection.execute(insert(t.tables["deadline"]), steps)
    connection.execute(insert(t.tables["enforcement_basis"]), bases)
    connection.execute(insert(t.tables["stage_change"]), changes)
    connection.execute(insert(t.tables["case_sequence"]), [
        {"court_code": "内2221", "year": 2026, "case_type": "执", "last": CASES}])  # fmt: skip
    connection.execute(insert(t.tables["audit_record"]), _unkeyed_chain(cases))
    if connection.dialect.name == "postgresql":  # as the first release's own inserts left its sequences
        for name, table in t.tables.items():
            if "id" in table.c and name != "audit_record":
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}"))


def _unkeyed_chain(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first release's audit rows: plain SHA-256 over the previous hash and the canonical row."""
    rows, prev = [], "0" * 64
    for n, case in enumerate(cases, start=1):
        after = json.dumps({"id": case["id"], "stage": case["stage"]}, ensure_ascii=False, sort_keys=True)
        fields = {"id": n, "recorded_at": case["received_at"].isoformat(timespec="seconds"),
                  "as_of": case["received_at"].isoformat(timespec="seconds"), "actor_login": "lian1",
                  "action": "收案", "entity": "enforcement_case", "entity_id": str(case["id"]), "before": None,
                  "after": after}  # fmt: skip
        canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256((prev + canonical).encode()).hexdigest()
        rows.append({**fields, "recorded_at": case["received_at"], "as_of": case["received_at"],
                     "prev_hash": prev, "hash": digest})  # fmt: skip
        prev = digest
    return rows


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return {
            name: [tuple(r) for r in connection.execute(text(f"SELECT {', '.join(cols)} FROM {name} ORDER BY 1, 2"))]
            for name, cols in KEYS.items()
        }


def test_a_populated_first_release_database_upgrades_to_head_losing_nothing(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    try:
        _at_first(engine)
        with engine.begin() as connection:
            _populate(connection)
        before = _snapshot(engine)
        assert len(before["enforcement_case"]) == CASES and len(before["audit_record"]) == CASES
        backups = tmp_path / "backups"
        result = upgrade(engine, backup_dir=None if db_url.startswith("postgres") else backups)
        assert (result.before, result.after) == (FIRST, head_revision()) == (FIRST, current_revision(engine))
        after = _snapshot(engine)
        for name in KEYS:
            assert after[name] == before[name], name
        with Session(engine) as session:
            checked = verify(session)
        assert checked.ok and checked.checked == CASES, checked.reason
        _search_and_write_on(engine, tmp_path)
        if result.backup:  # SQLite: the copy taken first is the first release's database, whole
            old = make_engine(f"sqlite:///{result.backup}")
            assert current_revision(old) == FIRST and _snapshot(old) == before
            old.dispose()
    finally:
        engine.dispose()


def _search_and_write_on(engine: Engine, tmp_path: Path) -> None:
    """Migration 0003 indexed the old cases; the keyed chain goes on after the unkeyed rows."""
    clock = FixedClock(FIXED_NOW)
    system = system_actor(engine)
    found = search_cases("内2221执7号", ctx=context_for(engine, system, clock, data_dir=tmp_path))
    assert [hit.case_id for hit in found.hits] == [7]
    add_staff(engine, NewStaff("lian9", "新同事", (Role.FILING_REVIEW,), "pw-123456789"), actor=system, clock=clock)
    with Session(engine) as session:
        checked = verify(session)
    assert checked.ok and checked.checked > CASES and checked.notes, checked.reason
