"""立案: the case numbered and handed on (R-FIL-2, R-FIL-3), and the checks a screen asks for before it.

Filing gives the case its number (R-CASE-2), moves it to 已立案, records the first assignment (初次分案) to a
batch-service clerk, closes the FILING step and opens the next: SERVICE_PACK counted from the receipt of the
materials, or, for an objection, OBJECTION_TRANSFER counted from filing.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, Deadline, Staff, StaffRole, StageChange
from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing import missing_items
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.case_numbers import allocate_case_number
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.deadlines import close_deadline, open_deadline
from zhihui_tui.services.errors import ServiceError
from zhihui_tui.services.filing.records import (
    cases_with_applicant_agents,
    check_resumable,
    get_case,
    lock_case,
    materials,
    pending_rejection,
)
from zhihui_tui.services.filing.results import FiledCase, MaterialsMissing, StaffLoad
from zhihui_tui.services.filing.rules import FilingAction, refuse_stage, require_action
from zhihui_tui.services.service_desk.owners import open_items_by_owner
from zhihui_tui.services.uow import unit_of_work


def file_case(
    case_id: int, *, expected_version: int, first_assignee_id: int | None = None, ctx: ServiceContext
) -> FiledCase:
    """立案: number, stage 已立案, first assignment, FILING closed, the next step opened (R-FIL-2, R-FIL-3)."""
    actor = ctx.actor
    require_action(actor, FilingAction.FILE)
    with unit_of_work(ctx.engine, actor=actor, action=FilingAction.FILE.label, clock=ctx.clock) as session:
        case = lock_case(session, case_id, expected_version)
        category = FilingCategory(case.filing_category)
        _refuse_unfileable(session, case, category)
        if case.original_case_id is not None:
            original = session.get(Case, case.original_case_id)
            assert original is not None
            check_resumable(original)
        assignee = _first_assignee(session, category, first_assignee_id)
        now = ctx.now()
        year, case_type = now.year, category.case_type
        number = allocate_case_number(session, court_code=ctx.court.court_code, year=year, case_type=case_type)
        _mark_filed(case, number, now, assignee)
        note = f"初次分案：{assignee.name}" if assignee else None
        session.add(
            StageChange(
                case_id=case_id,
                from_stage=Stage.RECEIVED.value,
                to_stage=Stage.FILED.value,
                at=now,
                actor_id=actor.id,
                note=note,
            )
        )
        close_deadline(session, case_id=case_id, step=Step.FILING, actor=actor, at=now)
        deadline = _open_next_step(session, case, category, actor=actor, ctx=ctx)
        session.flush()
        return FiledCase(
            case_id=case_id,
            case_number=str(number),
            filed_at=now,
            first_assignee_id=assignee.id if assignee else None,
            first_assignee_name=assignee.name if assignee else None,
            next_step=Step(deadline.step),
            next_due=deadline.due_date,
            version=case.version,
        )


def check_fileable(case_id: int, *, ctx: ServiceContext) -> None:
    """Refuse now, as ``file_case`` would, a case that cannot be filed as saved (wrong stage, 不予立案 pending,
    materials missing): the screen asks before the duplicate check and the choice of first assignee."""
    require_action(ctx.actor, FilingAction.FILE)
    with read_session(ctx.engine) as session:
        case = get_case(session, case_id)
        _refuse_unfileable(session, case, FilingCategory(case.filing_category))


def first_assignment_options(*, ctx: ServiceContext) -> list[StaffLoad]:
    """Batch-service clerks who can take a newly filed case, lightest open service workload first (pack steps,
    handed-over matters and mailings awaiting their result: what the 集约送达 desk counts as in hand)."""
    require_action(ctx.actor, FilingAction.FILE, doing="选择初次分案人员")
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(Staff.id, Staff.login, Staff.name)
            .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
            .where(StaffRole.role == Role.SERVICE.value, col(Staff.active).is_(True))
        ).all()
        loads = open_items_by_owner(session)
    options = [StaffLoad(i, login, name, loads.get(i, 0)) for i, login, name in rows if i is not None]
    return sorted(options, key=lambda s: (s.open_steps, s.login))


def _refuse_unfileable(session: Session, case: Case, category: FilingCategory) -> None:
    assert case.id is not None
    refuse_stage(FilingAction.FILE, Stage(case.stage))
    if pending_rejection(session, case.id) is not None:
        raise ServiceError("该案已提请不予立案，待指挥中心主任裁定，暂不能立案")
    provided = {row.item for row in materials(session, case.id) if row.provided}
    has_agent = case.id in cases_with_applicant_agents(session, [case.id])
    missing = missing_items(category, provided, has_agent=has_agent)
    if missing:
        raise MaterialsMissing(missing)


def _mark_filed(case: Case, number: CaseNumber, now: datetime, assignee: Staff | None) -> None:
    case.case_number = str(number)
    case.court_code, case.year, case.sequence = number.court_code, number.year, number.sequence
    case.case_type = number.case_type.value
    case.stage = Stage.FILED.value
    case.filed_at = now
    case.first_assignee_id = assignee.id if assignee else None


def _open_next_step(
    session: Session, case: Case, category: FilingCategory, *, actor: Actor, ctx: ServiceContext
) -> Deadline:
    """Objections go to their handler within 2 days of filing (the filing clerk sees to it); every other case
    goes to batch service, whose 5 days count from the receipt of the materials (R-SRV-1)."""
    assert case.id is not None
    if category is FilingCategory.OBJECTION:
        return open_deadline(
            session,
            case_id=case.id,
            step=Step.OBJECTION_TRANSFER,
            triggered_at=ctx.now(),
            calendar=ctx.calendar,
            owner_id=actor.id,
        )
    return open_deadline(
        session,
        case_id=case.id,
        step=Step.SERVICE_PACK,
        triggered_at=case.received_at,
        calendar=ctx.calendar,
        owner_id=case.first_assignee_id,
    )


def _first_assignee(session: Session, category: FilingCategory, chosen: int | None) -> Staff | None:
    """初次分案 (R-FIL-3): to the batch-service clerk chosen, or the post's only member. An objection case
    skips batch service; if its handler is already known it may be named here."""
    if category is FilingCategory.OBJECTION:
        return None if chosen is None else _staff_with_role(session, chosen, Role.HANDLER)
    if chosen is not None:
        return _staff_with_role(session, chosen, Role.SERVICE)
    members = _active_members(session, Role.SERVICE)
    if len(members) == 1:
        return members[0]
    if not members:
        raise FieldError("初次分案", "集约送达组没有在岗人员，无法完成初次分案")
    raise FieldError("初次分案", f"集约送达组有 {len(members)} 人，请选择由谁接收本案")


def _staff_with_role(session: Session, staff_id: int, role: Role) -> Staff:
    staff = session.get(Staff, staff_id)
    has_role = session.exec(
        select(StaffRole).where(StaffRole.staff_id == staff_id, StaffRole.role == role.value)
    ).first()
    if staff is None or not staff.active or has_role is None:
        raise FieldError("初次分案", f"所选人员不是在岗的{role.label}人员")
    return staff


def _active_members(session: Session, role: Role) -> list[Staff]:
    return list(
        session.exec(
            select(Staff)
            .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
            .where(StaffRole.role == role.value, col(Staff.active).is_(True))
            .order_by(col(Staff.id))
        ).all()
    )
