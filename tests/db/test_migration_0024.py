"""Migration 0024 on a populated database: the index of revision 0003 becomes search_term without whole names
and search_case, exactly what a rebuild writes today; a downgrade brings the old index back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alembic import command
from sqlalchemy import Engine, insert, inspect, select, text

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import _config, upgrade
from zhihui_tui.db.migrations.frozen.search_terms_0003 import index_all_cases as index_0003
from zhihui_tui.db.models import Agent, Case, CaseParty, Party, SearchCase, SearchTerm
from zhihui_tui.services.search import rebuild_search_index

AT = datetime(2026, 11, 27, 9, 30, 15)
_case, _party, _link, _agent = (m.__table__ for m in (Case, Party, CaseParty, Agent))  # type: ignore[attr-defined]
TABLES = [SearchTerm.__table__, SearchCase.__table__]  # type: ignore[attr-defined]


def _migrate(engine: Engine, verb: str, revision: str) -> None:
    with engine.connect() as connection:
        config = _config()
        config.attributes["connection"] = connection
        getattr(command, verb)(config, revision)
        connection.commit()


def _fill(engine: Engine) -> None:
    """Three cases at revision 0023 with persons, a company, an agent, and their 0003 keys."""
    party = {"version": 1}
    link = {"version": 1, "role": "applicant", "position": 0}
    with engine.begin() as connection:
        people = [
            connection.execute(insert(_party).values(kind=k, name=n, id_number=i, **party)).inserted_primary_key[0]
            for k, n, i in (
                ("person", "单明", "152221198001011232"),
                ("person", "阿依古丽·买买提", "152221198505052345"),
                ("organisation", "科右前旗金鼎商贸有限公司", "91152221MA0N1234XG"),
            )
        ]
        for n in range(3):
            filed = {
                "case_number": f"（2026）内2221执{n + 1}号",
                "court_code": "内2221",
                "year": 2026,
                "sequence": n + 1,
            }
            case = connection.execute(
                insert(_case).values(
                    case_type="执",
                    filing_category="application",
                    stage="filed" if n else "received",
                    received_at=AT,
                    filed_at=AT.replace(day=28) if n else None,
                    created_at=AT,
                    **(filed if n else {}),
                )
            ).inserted_primary_key[0]
            for position, who in enumerate(people[n:] + people[:n]):
                connection.execute(insert(_link).values(case_id=case, party_id=who, **{**link, "position": position}))
        connection.execute(
            insert(_agent).values(
                case_id=case, party_id=people[0], name="刘律师", id_number="150102198001010063", **party
            )
        )
        assert index_0003(connection) > 0


def _rows(engine: Engine) -> list[list[tuple[Any, ...]]]:
    with engine.connect() as connection:
        return [[tuple(row) for row in connection.execute(select(t).order_by(*t.c))] for t in TABLES]


def test_0024_converts_a_populated_index_and_downgrades(db_url: str) -> None:
    engine = make_engine(db_url)
    _migrate(engine, "upgrade", "0023")
    _fill(engine)
    upgrade(engine)
    migrated = _rows(engine)
    assert len(migrated[1]) == 3 and not any(kind == "f" for kind, *_ in migrated[0])
    assert "ix_search_term_case" not in {i["name"] for i in inspect(engine).get_indexes("search_term")}
    rebuild_search_index(engine)
    assert _rows(engine) == migrated
    _migrate(engine, "downgrade", "0023")
    with engine.connect() as connection:
        kinds = {row[0] for row in connection.execute(text("SELECT DISTINCT kind FROM search_term"))}
    assert kinds == {"b", "c", "f", "i", "p"}
    assert "ix_search_term_case" in {i["name"] for i in inspect(engine).get_indexes("search_term")}
