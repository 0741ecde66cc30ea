"""What a visitor may ask about (R-REC-2, R-REC-3): the cases whose party or registered agent holds the visitor's
ID number, with the handler's office landline only — never the mobile."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Agent, Case, CaseParty, Party, Staff
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.reception import CENTRE_HOTLINE, IdKind, check_id_document
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.reception.rules import ReceptionAction, require_action

_PARTY_ROLE_LABELS = {"applicant": "申请执行人", "respondent": "被执行人"}


@dataclass(frozen=True)
class VisitorCase:
    """A case the visitor may ask about. Holds the handler's office landline only, never the mobile."""

    case_id: int
    case_number: str | None
    stage: Stage
    handler_name: str | None
    handler_office_phone: str | None
    visitor_roles: tuple[str, ...]  # 申请执行人 / 被执行人 / 申请执行人的代理人
    registered_name: str

    @property
    def stage_label(self) -> str:
        """The case's stage in Chinese."""
        return self.stage.label

    @property
    def handler_contact(self) -> str:
        """What the clerk may tell the visitor (seed §七(三)): the landline, or the centre's hotline."""
        if self.handler_office_phone:
            return self.handler_office_phone
        return f"指挥中心 {CENTRE_HOTLINE}"


def visitor_cases(id_number: str, *, id_kind: IdKind = IdKind.RESIDENT_ID, ctx: ServiceContext) -> list[VisitorCase]:
    """The cases whose party or registered agent holds this ID number, newest first."""
    require_action(ctx.actor, ReceptionAction.LOOK_UP_VISITOR)
    number = check_id_document(id_kind, id_number)
    if number is None or id_kind is IdKind.OTHER:
        return []
    with read_session(ctx.engine) as session:
        found = memberships(session, number)
        if not found:
            return []
        rows = session.execute(
            # Columns named one by one: Staff.mobile must never leave the database at this post (R-REC-3).
            # Five columns: SQLAlchemy's select (sqlmodel's is typed for four at most).
            sa_select(col(Case.id), col(Case.case_number), col(Case.stage), col(Staff.name), col(Staff.office_phone))
            .join(Staff, col(Staff.id) == Case.handler_id, isouter=True)
            .where(col(Case.id).in_(list(found)))
            .order_by(col(Case.received_at).desc(), col(Case.id).desc())
        ).all()
    return [
        VisitorCase(
            case_id=case_id,
            case_number=case_number,
            stage=Stage(stage),
            handler_name=handler_name,
            handler_office_phone=office_phone,
            visitor_roles=tuple(found[case_id][0]),
            registered_name=found[case_id][1],
        )
        for case_id, case_number, stage, handler_name, office_phone in rows
    ]


def memberships(session: Session, id_number: str) -> dict[int, tuple[list[str], str]]:
    """case id → (the visitor's roles in it, the name on file there)."""
    found: dict[int, tuple[list[str], str]] = {}
    parties = session.exec(
        select(CaseParty.case_id, CaseParty.role, Party.name)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(Party.id_number == id_number)
        .order_by(col(CaseParty.case_id), col(CaseParty.role))
    ).all()
    for case_id, role, name in parties:
        found.setdefault(case_id, ([], name))[0].append(_PARTY_ROLE_LABELS.get(role, role))
    agents = session.exec(
        select(Agent.case_id, Agent.name, CaseParty.role)
        .join(CaseParty, (col(CaseParty.case_id) == Agent.case_id) & (col(CaseParty.party_id) == Agent.party_id))
        .where(Agent.id_number == id_number)
        .order_by(col(Agent.case_id))
    ).all()
    for case_id, name, role in agents:
        label = f"{_PARTY_ROLE_LABELS.get(role, role)}的代理人"
        roles = found.setdefault(case_id, ([], name))[0]
        if label not in roles:
            roles.append(label)
    return found
