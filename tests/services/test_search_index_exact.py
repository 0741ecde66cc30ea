"""The search index stays exact through edits: after renames, corrected drafts, filings and removed links the
keys and entries are exactly those a rebuild writes, with nothing stale left behind (both engines)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from tests.conftest import context_for, make_staff
from tests.services.test_importing import GOOD_ROWS, add_account, write_csv
from tests.services.test_search import (
    COURT,
    FILED,
    JINDING,
    LI_SI_FENG,
    SHAN_MING,
    WANG_WU,
    ZHANG_SAN,
    found,
    register,
)
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CaseParty, Party, SearchCase, SearchTerm
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import FilingCategory
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.cases import NewCase, replace_parties
from zhihui_tui.services.context import Actor
from zhihui_tui.services.importing.cases import import_cases
from zhihui_tui.services.search import rebuild_search_index
from zhihui_tui.services.uow import unit_of_work

TABLES = [SearchTerm.__table__, SearchCase.__table__]  # type: ignore[attr-defined]


@pytest.fixture
def clerk(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")


def index_rows(engine: Engine) -> list[list[tuple[Any, ...]]]:
    with read_session(engine) as session:
        return [[tuple(row) for row in session.connection().execute(select(t).order_by(*t.c))] for t in TABLES]


def test_edits_leave_exactly_the_keys_a_rebuild_writes(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    shared = register(engine, clerk, clock, [SHAN_MING, JINDING], [ZHANG_SAN])
    other = register(engine, clerk, clock, [JINDING], [LI_SI_FENG, WANG_WU])
    draft = register(engine, clerk, clock, [ZHANG_SAN], [JINDING], filed_at=None)
    with unit_of_work(engine, actor=clerk, action="更正", clock=clock) as session:
        party = session.scalars(select(Party).where(Party.id_number == JINDING.id_number)).one()
        party.name = "科右前旗银鼎物流有限公司"  # a party in all three cases renamed
    corrected = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=FILED,
        applicants=(WANG_WU,),
        respondents=(SHAN_MING,),
        target_amount_fen=1,
    )
    with unit_of_work(engine, actor=clerk, action="修改立案信息", clock=clock) as session:
        replace_parties(session, draft, corrected)
    with unit_of_work(engine, actor=clerk, action="立案", clock=clock) as session:
        case = session.get(Case, draft)
        assert case is not None
        case.filed_at = FILED + timedelta(days=3)  # a new sort key for every key of the case
        case.case_number, case.court_code, case.year, case.case_type, case.sequence = (
            f"（2026）{COURT}执9876号",
            COURT,
            2026,
            "执",
            9876,
        )
    with unit_of_work(engine, actor=clerk, action="删除当事人", clock=clock) as session:
        wang = session.scalars(select(Party).where(Party.id_number == WANG_WU.id_number)).one()
        link = session.scalars(select(CaseParty).where(CaseParty.case_id == other, CaseParty.party_id == wang.id)).one()
        session.delete(link)
    incremental = index_rows(engine)
    assert found(engine, clerk, "金鼎") == [] and found(engine, clerk, "银鼎物流") == [other, shared]
    assert found(engine, clerk, "9876") == [draft] and found(engine, clerk, "王五") == [draft]
    assert found(engine, clerk, "单明") == [draft, shared]
    rebuild_search_index(engine)
    assert index_rows(engine) == incremental
    assert len(incremental[1]) == 3


def test_an_import_writes_exactly_the_keys_a_rebuild_writes(engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    """The bulk path (keys built before the write, number keys added under the lock, staged on SQLite)."""
    add_account(engine, clock, "kuai01", Role.HANDLER, "王建国", team=Team.FAST.value, title=Title.JUDGE.value)
    add_account(engine, clock, "jing01", Role.HANDLER, "孙立军", team=Team.INTENSIVE.value, title=Title.JUDGE.value)
    path = write_csv(tmp_path / "cases.csv", GOOD_ROWS)
    result = import_cases(path, ctx=context_for(engine, system_actor(engine), clock))
    assert result.imported == len(GOOD_ROWS)
    imported = index_rows(engine)
    assert len(imported[1]) == len(GOOD_ROWS) and any(kind == "c" for kind, *_ in imported[0])
    rebuild_search_index(engine)
    assert index_rows(engine) == imported
