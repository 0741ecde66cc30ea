"""Registering cases (parties, history, first deadline), optimistic locking, and a person's open steps."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tests.conftest import context_for, make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CaseParty, Party, StageChange
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import DeadlineState, Step
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.deadlines import close_deadline, count_open_steps, my_open_steps
from zhihui_tui.services.errors import ConcurrentEdit
from zhihui_tui.services.uow import unit_of_work

CALENDAR = load_calendar(None)
APPLICANT = NewParty(PartyKind.PERSON, "张三", "152221199003070013")
RESPONDENT = NewParty(PartyKind.ORGANISATION, "科右前旗某某商贸有限公司", "91152221MA0N2X3Y4P")


def _case(received: datetime, stage: Stage = Stage.RECEIVED, **extra: object) -> NewCase:
    return NewCase(
        category=FilingCategory.APPLICATION,
        received_at=received,
        applicants=(APPLICANT,),
        respondents=(RESPONDENT,),
        target_amount_fen=15_200_000,
        stage=stage,
        **extra,  # type: ignore[arg-type]
    )


def _register(engine: Engine, actor: Actor, clock: FixedClock, new: NewCase) -> int:
    with unit_of_work(engine, actor=actor, action="收案", clock=clock) as session:
        case = register_case(session, new, actor=actor, calendar=CALENDAR, court_code="内2221")
        assert case.id is not None
        return case.id


def test_received_case_opens_the_filing_step_for_the_receiving_clerk(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")
    make_staff(engine, clock, "lian2", Role.FILING_REVIEW, name="乌日娜")
    case_id = _register(engine, clerk, clock, _case(datetime(2026, 11, 25, 10, 0)))
    steps = my_open_steps(ctx=context_for(engine, clerk, clock))
    assert [(s.case_id, s.step, s.due, s.state) for s in steps] == [
        (case_id, Step.FILING, date(2026, 11, 27), DeadlineState.DUE_TODAY)
    ]
    with read_session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None and case.case_number is None and case.stage == "received"


def test_filed_case_gets_a_number_history_and_the_service_step(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    server = make_staff(engine, clock, "songda1", Role.SERVICE, name="其木格")
    new = _case(datetime(2026, 11, 20, 9), Stage.FILED, filed_at=datetime(2026, 11, 20, 15))
    case_id = _register(engine, clerk, clock, new)
    with read_session(engine) as session:
        case = session.get(Case, case_id)
        history = session.exec(select(StageChange.to_stage).where(StageChange.case_id == case_id)).all()
    assert case is not None and case.case_number == "（2026）内2221执1号"
    assert list(history) == ["received", "filed"]
    # The only member of the service post owns the step (责任倒查), due 5 days after receipt: 11-25.
    steps = my_open_steps(ctx=context_for(engine, server, clock))
    assert [(s.step, s.due, s.state, s.overdue_days) for s in steps] == [
        (Step.SERVICE_PACK, date(2026, 11, 25), DeadlineState.OVERDUE, 2)
    ]
    assert count_open_steps(ctx=context_for(engine, server, clock)) == (1, 1)


def test_overdue_steps_come_first(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    later = _register(engine, clerk, clock, _case(datetime(2026, 11, 26, 9)))
    earlier = _register(engine, clerk, clock, _case(datetime(2026, 11, 18, 9)))
    steps = my_open_steps(ctx=context_for(engine, clerk, clock))
    assert [s.case_id for s in steps] == [earlier, later]
    assert steps[0].state is DeadlineState.OVERDUE


def test_closed_step_leaves_the_list(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    case_id = _register(engine, clerk, clock, _case(datetime(2026, 11, 26, 9)))
    with unit_of_work(engine, actor=clerk, action="立案", clock=clock) as session:
        assert close_deadline(session, case_id=case_id, step=Step.FILING, actor=clerk, at=clock.now())
        assert not close_deadline(session, case_id=case_id, step=Step.FILING, actor=clerk, at=clock.now())
    assert my_open_steps(ctx=context_for(engine, clerk, clock)) == []


def test_same_id_number_is_the_same_party_across_cases(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    _register(engine, clerk, clock, _case(datetime(2026, 11, 26, 9)))
    _register(engine, clerk, clock, _case(datetime(2026, 11, 26, 10)))
    with read_session(engine) as session:
        assert len(session.exec(select(Party)).all()) == 2
        assert len(session.exec(select(CaseParty)).all()) == 4


def test_same_id_number_with_another_name_is_refused_and_nothing_saved(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    _register(engine, clerk, clock, _case(datetime(2026, 11, 26, 9)))
    impostor = NewParty(PartyKind.PERSON, "张叁", APPLICANT.id_number)
    bad = NewCase(FilingCategory.APPLICATION, datetime(2026, 11, 26, 11), (impostor,), (RESPONDENT,), 100)
    with pytest.raises(FieldError, match="已登记为“张三”"):
        _register(engine, clerk, clock, bad)
    with read_session(engine) as session:
        assert len(session.exec(select(Case)).all()) == 1


def test_a_stale_save_is_refused_and_names_who_saved_first(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")
    other = make_staff(engine, clock, "lian2", Role.FILING_REVIEW, name="乌日娜")
    case_id = _register(engine, clerk, clock, _case(datetime(2026, 11, 26, 9)))
    with read_session(engine) as session:
        stale = session.get(Case, case_id)
    assert stale is not None and stale.version == 1
    with unit_of_work(engine, actor=other, action="修改标的", clock=clock) as session:
        fresh = session.get(Case, case_id)
        assert fresh is not None
        fresh.target_amount_fen = 20_000_000
    with (
        pytest.raises(ConcurrentEdit, match="lian2"),
        unit_of_work(engine, actor=clerk, action="修改标的", clock=clock) as s,
    ):
        mine = s.merge(stale)
        mine.target_amount_fen = 1
    with read_session(engine) as session:
        case = session.get(Case, case_id)
    assert case is not None and case.target_amount_fen == 20_000_000 and case.version == 2
