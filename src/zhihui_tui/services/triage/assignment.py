"""二次分案 (R-TRI-3): a triaged case goes to a handler of its team, the lightest open caseload suggested first.

已分流 → 承办中: ``Case.handler_id`` is recorded and, as the dossier is handed to the handler with the assignment,
the ``DOSSIER_TO_HANDLER`` step closes.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_
from sqlmodel import col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, Staff, StaffRole
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.deadlines import close_deadline
from zhihui_tui.services.inquiry import move_stage
from zhihui_tui.services.triage.results import HandlerLoad
from zhihui_tui.services.triage.rules import TriageAction, case_for, require_action
from zhihui_tui.services.triage.rulings import latest_decision
from zhihui_tui.services.uow import unit_of_work


def handler_options(team: Team, *, ctx: ServiceContext) -> list[HandlerLoad]:
    """Active handlers of ``team`` (clerks excluded), the lightest open caseload first (R-TRI-3)."""
    require_action(ctx.actor, TriageAction.ASSIGN, doing="查看可分案的承办人")
    open_stages = [Stage.TRIAGED.value, Stage.ASSIGNED.value]
    load = (
        select(col(Case.handler_id), func.count().label("n"))
        .where(col(Case.stage).in_(open_stages), col(Case.handler_id).is_not(None))
        .group_by(col(Case.handler_id))
        .subquery()
    )
    query = (
        select(col(Staff.id), col(Staff.login), col(Staff.name), func.coalesce(load.c.n, 0))
        .join(StaffRole, and_(col(StaffRole.staff_id) == Staff.id, col(StaffRole.role) == Role.HANDLER.value))
        .join(load, load.c.handler_id == Staff.id, isouter=True)
        .where(
            Staff.team == team.value,
            col(Staff.active).is_(True),
            or_(col(Staff.title).is_(None), col(Staff.title) != Title.CLERK.value),
        )
        .order_by(func.coalesce(load.c.n, 0), col(Staff.login))
    )
    with read_session(ctx.engine) as session:
        rows = session.exec(query).all()
    return [HandlerLoad(sid, login, name, team, int(n)) for sid, login, name, n in rows if sid is not None]


def assign(case_id: int, handler_id: int, *, ctx: ServiceContext) -> None:
    """二次分案: the handler takes the case and its dossier (已分流 → 承办中)."""
    actor = ctx.actor
    require_action(actor, TriageAction.ASSIGN)
    now = ctx.now()
    with unit_of_work(ctx.engine, actor=actor, action="二次分案", clock=ctx.clock) as session:
        found = case_for(session, case_id, TriageAction.ASSIGN, Stage.ASSIGNED)
        team = Team(found.team) if found.team else None
        handler = session.get(Staff, handler_id)
        if handler is None or not handler.active:
            raise FieldError("承办人", "没有该承办人或账号已停用")
        roles = set(session.exec(select(StaffRole.role).where(StaffRole.staff_id == handler_id)).all())
        if Role.HANDLER.value not in roles or handler.title == Title.CLERK.value:
            raise FieldError("承办人", f"{handler.name} 不是承办人")
        if team is not None and handler.team != team.value:
            raise FieldError("承办人", f"{handler.name} 不在{team.label}团队")
        found.handler_id = handler_id
        move_stage(session, found, Stage.ASSIGNED, actor=actor, now=now, note=f"二次分案：{handler.name}")
        close_deadline(session, case_id=case_id, step=Step.DOSSIER_TO_HANDLER, actor=actor, at=now)
        decision = latest_decision(session, case_id)
        if decision is not None:
            decision.handler_id, decision.assigned_by_id, decision.assigned_at = handler_id, actor.id, now
