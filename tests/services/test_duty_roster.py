"""The week's duty roster (issue 11): 综合事务 plans the days off, F7's roster and registrations respect them, and
no plan or outing ever leaves fewer than two investigators at the bureau."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from tests.conftest import make_staff
from tests.services.test_delegation import Court, court
from tests.services.test_field_search import register, request
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import RosterRefused
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.duty import set_off, week_of, week_plan
from zhihui_tui.services.errors import PermissionDenied
from zhihui_tui.services.field_search import roster

FRIDAY = date(2026, 11, 27)


@pytest.fixture
def c(engine: Engine, clock: FixedClock) -> Court:
    return court(engine, clock)


def test_the_week_runs_monday_to_sunday() -> None:
    assert week_of(FRIDAY) == tuple(date(2026, 11, d) for d in range(23, 30))


def test_a_day_off_counts_in_f7s_roster_and_registrations(c: Court) -> None:
    planner = make_staff(c.engine, c.clock, "zonghe1", Role.GENERAL_AFFAIRS, name="马玉梅")
    a, b, d, e, _f = (p.id for p in c.investigators)
    set_off(FRIDAY, a, True, ctx=c.ctx(planner))
    set_off(FRIDAY, b, True, ctx=c.ctx(planner))
    plan = week_plan(FRIDAY, ctx=c.ctx(c.investigators[2]))  # the investigators read it
    assert plan.state(FRIDAY, a) == "休" and plan.state(FRIDAY, d) == "在局" and plan.at_bureau(FRIDAY) == 3
    assert len(roster(FRIDAY, ctx=c.ctx()).at_bureau) == 3
    register(c, request(c), d)  # one more out leaves two: allowed
    with pytest.raises(RosterRefused):  # a fourth away would leave one
        register(c, request(c), e)
    with pytest.raises(FieldError, match="须至少 2 人在局留守"):  # nor may the plan send the last two home
        set_off(FRIDAY, e, True, ctx=c.ctx(planner))
    with pytest.raises(FieldError, match="已派出查人找物"):  # out on a search that day: not a day off too
        set_off(FRIDAY, d, True, ctx=c.ctx(planner))
    set_off(FRIDAY, a, False, ctx=c.ctx(planner))  # back at work: room for one more outing
    register(c, request(c), e)
    assert week_plan(FRIDAY, ctx=c.ctx(planner)).state(FRIDAY, e) == "外出"


def test_only_general_affairs_and_the_director_plan(c: Court) -> None:
    with pytest.raises(PermissionDenied):
        set_off(FRIDAY, c.investigators[0].id, True, ctx=c.ctx(c.investigators[1]))
    with pytest.raises(PermissionDenied):
        week_plan(FRIDAY, ctx=c.ctx(c.handler))
    planner = make_staff(c.engine, c.clock, "zonghe1", Role.GENERAL_AFFAIRS, name="马玉梅")
    with pytest.raises(FieldError, match="线索查控组"):
        set_off(FRIDAY, c.handler.id, True, ctx=c.ctx(planner))
