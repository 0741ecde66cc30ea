"""Open and close step deadlines; list a person's own open steps (home screen, ``zhihui supervise``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, Deadline, Staff, StaffRole
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import DeadlineState, Step, deadline_state, step_label
from zhihui_tui.services.context import Actor, ServiceContext


def open_deadline(
    session: Session,
    *,
    case_id: int,
    step: Step,
    triggered_at: datetime,
    calendar: WorkCalendar,
    owner_id: int | None = None,
    owner_role: Role | None = None,
) -> Deadline:
    """Start a step's clock (R-TIME-1). Every step should name a responsible person (责任倒查): without an
    explicit owner, a post held by one person gives it to them; otherwise the post's queue owns it.
    ``owner_role`` defaults to the step's post (STEP_RULES); a step already handed over names its new post."""
    role = owner_role or step.rule.owner_role
    deadline = Deadline(
        case_id=case_id,
        step=step.value,
        owner_id=owner_id if owner_id is not None else _sole_member(session, role),
        owner_role=role.value,
        triggered_at=triggered_at,
        due_date=calendar.due_date(triggered_at, step.rule.days),
    )
    session.add(deadline)
    return deadline


def _sole_member(session: Session, role: Role) -> int | None:
    members = session.exec(
        select(StaffRole.staff_id)
        .join(Staff, col(Staff.id) == StaffRole.staff_id)
        .where(StaffRole.role == role.value, col(Staff.active).is_(True))
        .limit(2)
    ).all()
    return members[0] if len(members) == 1 else None


def sole_member(session: Session, role: Role) -> int | None:
    """The post's only active member, who owns its unowned steps (as :func:`open_deadline` decides); bulk writers
    ask once per post instead of once per deadline."""
    return _sole_member(session, role)


def _open_deadline_of(session: Session, case_id: int, step: Step) -> Deadline | None:
    return session.exec(
        select(Deadline).where(
            Deadline.case_id == case_id, Deadline.step == step.value, col(Deadline.done_at).is_(None)
        )
    ).first()


def hand_over_deadline(session: Session, *, case_id: int, step: Step, to_role: Role) -> Deadline | None:
    """Pass the case's open step to another post with its due date unchanged (the clock keeps running);
    the post's sole member owns it, else its queue. Returns None when no such step is open."""
    deadline = _open_deadline_of(session, case_id, step)
    if deadline is not None:
        deadline.owner_role, deadline.owner_id = to_role.value, _sole_member(session, to_role)
    return deadline


def close_deadline(session: Session, *, case_id: int, step: Step, actor: Actor, at: datetime) -> bool:
    """Mark the case's open step done; returns False when there was none open."""
    deadline = _open_deadline_of(session, case_id, step)
    if deadline is None:
        return False
    deadline.done_at, deadline.done_by_id = at, actor.id
    return True


@dataclass(frozen=True)
class OpenStep:
    """An open deadline with its case, owner and due date, as home screens and reports list it."""

    deadline_id: int
    case_id: int
    case_number: str
    step: Step
    owner_role: Role
    owner_login: str | None
    owner_name: str | None
    due: date
    state: DeadlineState
    overdue_days: int

    @property
    def label(self) -> str:
        """The step's name for its current post (a triage step held by the chief reads 局长指定分案)."""
        return step_label(self.step, self.owner_role)


def _open_steps_query(limit: int | None):  # type: ignore[no-untyped-def]
    # Overdue first, then by due date: the oldest debt is what a clerk must see first.
    # Plain columns, not Deadline entities: supervise reads up to 100,000 steps, and building an ORM object (and
    # its identity-map state) per row was most of its time and memory on a court of 1,000,000 cases.
    return (
        select(  # type: ignore[call-overload]  # more columns than sqlmodel.select types
            Deadline.id,
            Deadline.case_id,
            Deadline.step,
            Deadline.owner_role,
            Deadline.due_date,
            Case.case_number,
            Staff.login,
            Staff.name,
        )
        .join(Case, col(Case.id) == Deadline.case_id)
        .join(Staff, col(Staff.id) == Deadline.owner_id, isouter=True)
        .where(col(Deadline.done_at).is_(None))
        .order_by(col(Deadline.due_date), col(Deadline.id))
        .limit(limit)
    )


def _to_open_step(row: tuple, today: date, calendar: WorkCalendar) -> OpenStep:  # type: ignore[type-arg]
    deadline_id, case_id, step, owner_role, due, case_number, login, name = row
    state = deadline_state(due, today)
    overdue = calendar.working_days_between(due, today) if state is DeadlineState.OVERDUE else 0
    return OpenStep(
        deadline_id=deadline_id,
        case_id=case_id,
        case_number=case_number or "（未立案）",
        step=Step(step),
        owner_role=Role(owner_role),
        owner_login=login,
        owner_name=name,
        due=due,
        state=state,
        overdue_days=overdue,
    )


def my_open_steps(*, ctx: ServiceContext, limit: int = 200) -> list[OpenStep]:
    """The signed-in person's own open steps, plus unowned steps of the posts they hold, as of the court day."""
    actor, engine, today, calendar = ctx.actor, ctx.engine, ctx.today(), ctx.calendar
    roles = [role.value for role in actor.roles]
    mine = (col(Deadline.owner_id) == actor.id) | (
        col(Deadline.owner_id).is_(None) & col(Deadline.owner_role).in_(roles)
    )
    with read_session(engine) as session:
        rows = session.exec(_open_steps_query(limit).where(mine)).all()
    return [_to_open_step(row, today, calendar) for row in rows]


def all_open_steps(*, ctx: ServiceContext, limit: int = 100_000) -> list[OpenStep]:
    """Every open deadline, most urgent first, as of the context's day (reports and the director's overview)."""
    with read_session(ctx.engine) as session:
        rows = session.exec(_open_steps_query(limit)).all()
    return [_to_open_step(row, ctx.today(), ctx.calendar) for row in rows]


def iter_open_steps(*, ctx: ServiceContext, batch: int = 2_000) -> Iterator[OpenStep]:
    """Every open deadline, most urgent first, read ``batch`` rows at a time (a server-side cursor on
    PostgreSQL): ``zhihui supervise --json`` writes each step as it comes, so a court of 1,000,000 cases is never
    held in memory as one list. Same rows and order as :func:`all_open_steps`, without its limit."""
    today, calendar = ctx.today(), ctx.calendar
    query = _open_steps_query(None).execution_options(stream_results=True, max_row_buffer=batch)
    with read_session(ctx.engine) as session:
        # Core rows straight from the cursor: the ORM's row loading was as costly as the query itself.
        for row in session.connection().execute(query):
            yield _to_open_step(row, today, calendar)


def count_open_steps(*, ctx: ServiceContext) -> tuple[int, int]:
    """(open, overdue) for the signed-in person as of the court day: the home's one-line summary."""
    actor, engine, today = ctx.actor, ctx.engine, ctx.today()
    roles = [role.value for role in actor.roles]
    mine = (col(Deadline.owner_id) == actor.id) | (
        col(Deadline.owner_id).is_(None) & col(Deadline.owner_role).in_(roles)
    )
    overdue = func.sum(case((col(Deadline.due_date) < today, 1), else_=0))
    with read_session(engine) as session:
        total, late = session.exec(
            select(func.count(), overdue).select_from(Deadline).where(col(Deadline.done_at).is_(None), mine)
        ).one()
    return int(total or 0), int(late or 0)
