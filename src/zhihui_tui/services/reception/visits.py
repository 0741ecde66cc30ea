"""Registering a visit or hotline call (R-REC-1, R-REC-2, R-REC-5): checked input, the visitor tied to the case
they ask about, and no visit on a day whose ledger was reported."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session, col, select

from zhihui_tui.db.models import Agent, Case, CaseParty, LedgerReport, Party, Staff, StaffRole, Visit
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.reception import (
    DISCLOSING_PURPOSES,
    F_CASE,
    F_NAME,
    F_STAFF,
    F_TIME,
    CheckedVisit,
    IdKind,
    VisitInput,
    VisitPurpose,
    check_visit_input,
)
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.reception.rules import RECEPTION_ROLES, ReceptionAction, require_action
from zhihui_tui.services.reception.visitors import memberships
from zhihui_tui.services.uow import unit_of_work


def register_visit(raw: VisitInput, *, ctx: ServiceContext) -> int:
    """Record a visit or hotline call; returns the visit id. Bad input raises before anything is written."""
    actor = ctx.actor
    require_action(actor, ReceptionAction.REGISTER_VISIT)
    now = ctx.now()
    checked = check_visit_input(raw, now=now, cal=ctx.calendar)
    with unit_of_work(ctx.engine, actor=actor, action="登记来访", clock=ctx.clock) as session:
        lock_ledger_day(session, checked.visited_at.date())
        _refuse_reported_day(session, checked.visited_at.date())
        staff_id = _receiving_staff(session, checked.staff_id, actor)
        _check_case_link(session, checked)
        visit = Visit(
            visited_at=checked.visited_at,
            channel=checked.channel.value,
            visitor_name=checked.visitor_name or _registered_name(session, checked),
            visitor_id_kind=checked.id_kind.value,
            visitor_id_number=checked.id_number,
            visitor_phone=checked.phone,
            case_id=checked.case_id,
            purpose=checked.purpose.value,
            staff_id=staff_id,
            outcome=checked.outcome,
            late_entry_reason=checked.late_entry_reason,
            created_at=now,
        )
        session.add(visit)
        session.flush()
        assert visit.id is not None
        return visit.id


# PostgreSQL advisory locks (int4 pair keys): this namespace, then the day's ordinal.
_LEDGER_DAY_LOCK = 0x6C65_6467  # "ledg"


def lock_ledger_day(session: Session, day: date) -> None:
    """Queue a day's visits and that day's report on one lock, so a visit is either in the report or refused
    as too late, never lost between them (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises)."""
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        bind.execute(
            text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:day AS integer))"),
            {"space": _LEDGER_DAY_LOCK, "day": day.toordinal()},
        )


def _refuse_reported_day(session: Session, day: date) -> None:
    report = session.get(LedgerReport, day)
    if report is not None:
        when = f"{report.reported_at:%m-%d %H:%M}"
        raise FieldError(F_TIME, f"{day:%Y-%m-%d} 的接待台账已于 {when} 报送，不能再登记该日来访，请报指挥中心处理")


def _receiving_staff(session: Session, staff_id: int | None, actor: Actor) -> int:
    """The clerk at the keyboard, or another active member of a reception post."""
    if staff_id is None or staff_id == actor.id:
        return actor.id
    found = session.exec(
        select(Staff.id)
        .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
        .where(
            Staff.id == staff_id,
            col(Staff.active).is_(True),
            col(StaffRole.role).in_([role.value for role in RECEPTION_ROLES]),
        )
    ).first()
    if found is None:
        raise FieldError(F_STAFF, "须为在岗的立案审查组人员或指挥中心主任")
    return staff_id


def _check_case_link(session: Session, checked: CheckedVisit) -> None:
    if checked.case_id is None:
        _refuse_unpicked_case(session, checked)
        return
    if session.exec(select(Case.id).where(Case.id == checked.case_id)).first() is None:
        raise FieldError(F_CASE, "所选案件不存在")
    if checked.purpose in DISCLOSING_PURPOSES and not _belongs_to_case(
        session, checked.case_id, checked.id_kind, checked.id_number
    ):
        raise FieldError(F_CASE, "来访人不是该案当事人或登记的代理人，不能查询该案（只能查询本人的案件）")


def _refuse_unpicked_case(session: Session, checked: CheckedVisit) -> None:
    """A party asking about their case must name it: a 案件查询 by someone with cases on file, saved with no
    case, would leave the ledger unable to say which case was disclosed (R-REC-1, R-REC-2)."""
    if checked.purpose is not VisitPurpose.CASE_QUERY or not checked.id_number or checked.id_kind is IdKind.OTHER:
        return
    count = len(memberships(session, checked.id_number))
    if count:
        raise FieldError(F_CASE, f"来访人名下有 {count} 件案件，案件查询须在列表中选定其一（Enter 选定）")


def _belongs_to_case(session: Session, case_id: int, kind: IdKind, id_number: str | None) -> bool:
    """R-REC-2: the ID number is a party of the case or a registered agent in it."""
    if not id_number or kind is IdKind.OTHER:
        return False
    as_party = session.exec(
        select(CaseParty.id)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(CaseParty.case_id == case_id, Party.id_number == id_number)
        .limit(1)
    ).first()
    if as_party is not None:
        return True
    as_agent = session.exec(
        select(Agent.id).where(Agent.case_id == case_id, Agent.id_number == id_number).limit(1)
    ).first()
    return as_agent is not None


def _registered_name(session: Session, checked: CheckedVisit) -> str:
    """The name on file for the ID number: the common case needs no typing of the name."""
    if checked.id_number and checked.id_kind is not IdKind.OTHER:
        name = session.exec(select(Party.name).where(Party.id_number == checked.id_number)).first()
        if name is None:
            name = session.exec(
                select(Agent.name).where(Agent.id_number == checked.id_number).order_by(col(Agent.id).desc())
            ).first()
        if name is not None:
            return name
    raise FieldError(F_NAME, "不能为空（该证件号未在案件中登记，请填写姓名）")
