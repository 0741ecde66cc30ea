"""The week's duty roster of 线索查控组 (seed: "每日必须保证2人在执行局留守"; R-CLU-2): 综合事务 (or the director)
marks the days an investigator is off; F7 reads the plan, and an assignment or a day off that would leave fewer
than two at the bureau is refused, under the same row locks as a field-search registration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import DutyOff, FieldSearchInvestigator
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import MIN_AT_BUREAU, roster_after
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import ServiceContext, require_role
from zhihui_tui.services.field_search import away_on, team_of
from zhihui_tui.services.uow import unit_of_work

PLAN_ROLES = (Role.GENERAL_AFFAIRS, Role.DIRECTOR)
READ_ROLES = (*PLAN_ROLES, Role.FIELD_SEARCH)
F_DUTY = "值班"


@dataclass(frozen=True)
class WeekPlan:
    """One week of the roster: who, which days, who is off, who is out on a field search, and who stays."""

    days: tuple[date, ...]
    people: tuple[tuple[int, str], ...]  # investigators, id order
    off: frozenset[tuple[date, int]]
    out: frozenset[tuple[date, int]]  # on a field search that day

    def state(self, day: date, staff_id: int) -> str:
        """How the roster shows one person's day: 休, 外出 or 在局."""
        if (day, staff_id) in self.off:
            return "休"
        return "外出" if (day, staff_id) in self.out else "在局"

    def at_bureau(self, day: date) -> int:
        """How many stay at the bureau that day."""
        return sum(1 for staff_id, _name in self.people if self.state(day, staff_id) == "在局")


def week_of(day: date) -> tuple[date, ...]:
    """Monday to Sunday of ``day``'s week."""
    monday = day - timedelta(days=day.weekday())
    return tuple(monday + timedelta(days=n) for n in range(7))


def week_plan(day: date, *, ctx: ServiceContext) -> WeekPlan:
    """The roster of ``day``'s week."""
    require_role(ctx.actor, READ_ROLES, "查看值班表")
    days = week_of(day)
    with read_session(ctx.engine) as session:
        people = tuple(team_of(session).items())
        off = session.exec(
            select(col(DutyOff.day), col(DutyOff.staff_id)).where(
                col(DutyOff.day) >= days[0], col(DutyOff.day) <= days[-1]
            )
        ).all()
        out = session.exec(
            select(col(FieldSearchInvestigator.duty_day), col(FieldSearchInvestigator.staff_id)).where(
                col(FieldSearchInvestigator.duty_day).between(days[0], days[-1])
            )
        ).all()
    return WeekPlan(days, people, frozenset(off), frozenset(out))


def set_off(day: date, staff_id: int, off: bool, *, ctx: ServiceContext) -> None:
    """Mark ``staff_id`` off (or back at work) on ``day``; refused if fewer than two would stay at the bureau."""
    require_role(ctx.actor, PLAN_ROLES, "安排值班")
    with unit_of_work(ctx.engine, actor=ctx.actor, action="安排值班", clock=ctx.clock) as session:
        team = team_of(session, lock=True)  # the registration's lock: a day off and an outing take turns
        if staff_id not in team:
            raise FieldError(F_DUTY, "只能安排线索查控组在岗人员")
        row = session.get(DutyOff, (day, staff_id))
        if not off:
            if row is not None:
                session.delete(row)
            return
        if row is not None:
            return  # already off: nothing to do
        away = away_on(session, day)
        if staff_id in away:  # away and not off: on a field search that day
            raise FieldError(F_DUTY, f"{team[staff_id]} {day:%m-%d} 已派出查人找物，不能安排休息")
        check = roster_after(day, team, away, [staff_id])
        if not check.ok:
            staying = "、".join(check.at_bureau) or "无人"
            raise FieldError(
                F_DUTY, f"{day:%m-%d} 须至少 {MIN_AT_BUREAU} 人在局留守，{team[staff_id]}休息后仅剩：{staying}"
            )
        session.add(DutyOff(day=day, staff_id=staff_id, planned_by_id=ctx.actor.id, planned_at=ctx.now()))
