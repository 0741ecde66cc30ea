"""The one optimistic-lock helper: a row at the version read is locked and returned; a stale one names the last
writer of that very record; a missing one is NotFound."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import Engine

from tests.conftest import make_staff
from zhihui_tui.db.models import Case
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import ConcurrentEdit, NotFound
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

CALENDAR = load_calendar(None)


def _case(engine: Engine, actor: Actor, clock: FixedClock, name: str) -> int:
    new = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=datetime(2026, 11, 25, 10, 0),
        applicants=(NewParty(PartyKind.PERSON, name, None),),
        respondents=(NewParty(PartyKind.PERSON, "李四", None),),
        target_amount_fen=100_000,
        stage=Stage.RECEIVED,
    )
    with unit_of_work(engine, actor=actor, action="收案", clock=clock) as session:
        case = register_case(session, new, actor=actor, calendar=CALENDAR, court_code="内2221")
        assert case.id is not None
        return case.id


def _touch(engine: Engine, actor: Actor, clock: FixedClock, case_id: int, action: str) -> None:
    with unit_of_work(engine, actor=actor, action=action, clock=clock) as session:
        case = load_for_update(session, Case, case_id, None, what="该案件")
        case.target_amount_fen += 1


def test_the_current_version_is_returned_and_can_be_saved(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    case_id = _case(engine, clerk, clock, "张三")
    with unit_of_work(engine, actor=clerk, action="修改", clock=clock) as session:
        case = load_for_update(session, Case, case_id, 1, what="该案件")
        case.target_amount_fen = 200_000
    with unit_of_work(engine, actor=clerk, action="读取", clock=clock) as session:
        assert load_for_update(session, Case, case_id, 2, what="该案件").target_amount_fen == 200_000


def test_a_stale_version_names_the_last_writer_of_that_record(engine: Engine, clock: FixedClock) -> None:
    """甲 changes case A, then 乙 changes case B: a stale save of A names 甲 (A's last writer), never 乙."""
    a = make_staff(engine, clock, "clerk_a", Role.FILING_REVIEW, name="甲")
    b = make_staff(engine, clock, "clerk_b", Role.FILING_REVIEW, name="乙")
    first, second = _case(engine, a, clock, "张三"), _case(engine, a, clock, "王五")
    _touch(engine, a, clock, first, "修改执行标的")
    _touch(engine, b, clock, second, "修改执行标的")
    with pytest.raises(ConcurrentEdit) as stale, unit_of_work(engine, actor=b, action="保存", clock=clock) as session:
        load_for_update(session, Case, first, 1, what="该案件")
    # The audit records the true moment of the save (not the injected clock): only its shape is fixed.
    assert re.fullmatch(
        r"该案件已被 clerk_a 于 \d\d:\d\d:\d\d（修改执行标的）修改，请刷新后重新填写", stale.value.message
    )
    assert "clerk_b" not in stale.value.message


def test_a_missing_record_is_not_found(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    with (
        pytest.raises(NotFound, match="该案件已不存在"),
        unit_of_work(engine, actor=clerk, action="保存", clock=clock) as s,
    ):
        load_for_update(s, Case, 999_999, 1, what="该案件")
