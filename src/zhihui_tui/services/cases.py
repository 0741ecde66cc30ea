"""Registering cases with their parties, agents, basis, stage history and the deadline of their stage.

Filing screens (issue 3), the import command and the demo court all come through :func:`register_case`, so a
case looks the same whichever door it came in by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session, select

from zhihui_tui.db.models import Agent, Case, CaseParty, EnforcementBasis, Party, StageChange
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import STAGE_ORDER, FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.case_numbers import allocate_case_number, reserve_case_number
from zhihui_tui.services.context import Actor
from zhihui_tui.services.deadlines import open_deadline
from zhihui_tui.services.search import index_case


class PartyKind(StrEnum):
    """Whether a party is a person or an organisation (decides ID checks and masking)."""

    PERSON = "person"
    ORGANISATION = "organisation"


class PartyRole(StrEnum):
    """Which side of the case a party is on."""

    APPLICANT = "applicant"
    RESPONDENT = "respondent"


@dataclass(frozen=True)
class NewParty:
    """A party as entered at filing or import: kind, name, ID number and contact details."""

    kind: PartyKind
    name: str
    id_number: str | None
    phone: str | None = None
    address: str | None = None
    whereabouts_unknown: bool = False


@dataclass(frozen=True)
class NewAgent:
    """An agent (lawyer or other) of one party of the case, as entered at filing."""

    represents: int  # index into the case's parties of ``side`` (usually an applicant's agent at the window)
    name: str
    id_number: str
    kind: str = "lawyer"
    phone: str | None = None
    side: PartyRole = PartyRole.APPLICANT


@dataclass(frozen=True)
class NewBasis:
    """The enforcement basis of a case: issuing court, document number, effective date."""

    issuing_court: str
    document_number: str
    effective_date: date | None = None
    document_kind: str | None = None


@dataclass(frozen=True)
class NewCase:
    """Everything a new case is registered with: category, times, parties, agents, basis and amount."""

    category: FilingCategory
    received_at: datetime
    applicants: tuple[NewParty, ...]
    respondents: tuple[NewParty, ...]
    target_amount_fen: int
    basis: NewBasis | None = None
    agents: tuple[NewAgent, ...] = ()
    consumption_restriction_requested: bool = False
    dishonest_list_requested: bool = False
    stage: Stage = Stage.RECEIVED
    case_number: CaseNumber | None = None
    filed_at: datetime | None = None
    handler_id: int | None = None
    team: Team | None = None
    original_case_id: int | None = None
    disputed: bool = False
    # When each stage after filing was reached; missing stages take the filing time.
    stage_times: dict[Stage, datetime] = field(default_factory=dict)


# The deadline that is running while a case sits in a stage.
STAGE_STEP: dict[Stage, Step] = {
    Stage.RECEIVED: Step.FILING,
    Stage.FILED: Step.SERVICE_PACK,
    Stage.SERVED: Step.NETWORK_INQUIRY,
    Stage.INQUIRED: Step.TRIAGE,
    Stage.ESCALATED: Step.TRIAGE,
    Stage.TRIAGED: Step.DOSSIER_TO_HANDLER,
    Stage.CLOSED: Step.DOSSIER_TRANSFER,
}
# Stages whose running step is held by another post than the step's own: an escalated case's triage step
# waits on the bureau chief, with the clock started by the feedback table (domain.steps.HANDED_OVER_LABELS).
STAGE_STEP_OWNER: dict[Stage, Role] = {Stage.ESCALATED: Role.BUREAU_CHIEF}


def _upsert_party(session: Session, new: NewParty) -> Party:
    """One row per person or organisation: the same ID number in two filings is the same party."""
    if new.id_number:
        existing = session.exec(select(Party).where(Party.id_number == new.id_number)).first()
        if existing is not None:
            if existing.name != new.name:
                raise FieldError("证件号", f"{new.id_number} 已登记为“{existing.name}”，与“{new.name}”不符")
            return existing
    party = Party(kind=new.kind.value, name=new.name, id_number=new.id_number, phone=new.phone, address=new.address)
    session.add(party)
    return party


def _history(new: NewCase) -> list[tuple[Stage, datetime]]:
    """The stages a case passed through to reach ``new.stage``, with when."""
    if new.stage is Stage.REJECTED:
        return [
            (Stage.RECEIVED, new.received_at),
            (Stage.REJECTED, new.stage_times.get(Stage.REJECTED, new.received_at)),
        ]
    path = list(STAGE_ORDER[: STAGE_ORDER.index(new.stage) + 1]) if new.stage in STAGE_ORDER else []
    if new.stage is Stage.ESCALATED:
        path = [*STAGE_ORDER[: STAGE_ORDER.index(Stage.INQUIRED) + 1], Stage.ESCALATED]
    if new.category is FilingCategory.OBJECTION and new.stage in (Stage.ASSIGNED, Stage.CLOSED, Stage.ARCHIVED):
        path = [s for s in path if s not in (Stage.SERVED, Stage.INQUIRED, Stage.TRIAGED)]
    base = new.filed_at or new.received_at
    times = {Stage.RECEIVED: new.received_at, Stage.FILED: base}
    return [(stage, new.stage_times.get(stage, times.get(stage, base))) for stage in path]


def history_of(new: NewCase) -> list[tuple[Stage, datetime]]:
    """The stage history ``register_case`` writes for ``new`` (the bulk import writes the same)."""
    return _history(new)


def register_case(
    session: Session,
    new: NewCase,
    *,
    actor: Actor,
    calendar: WorkCalendar,
    court_code: str,
) -> Case:
    """Write a case and everything that belongs to it inside the caller's unit of work.

    Lock order (docs/locking.md): the case number is reserved or drawn before the first flush, so the counter
    is taken before the audit head (which the first audited flush takes)."""
    if new.stage is not Stage.RECEIVED and new.stage is not Stage.REJECTED and new.filed_at is None:
        raise FieldError("立案日期", f"状态为“{new.stage.label}”的案件必须有立案日期")
    number = new.case_number
    if number is not None:
        reserve_case_number(session, number)
    elif new.filed_at is not None and new.stage is not Stage.REJECTED:
        number = allocate_case_number(
            session, court_code=court_code, year=new.filed_at.year, case_type=new.category.case_type
        )
    if number is not None and session.exec(select(Case.id).where(Case.case_number == str(number))).first():
        raise FieldError("案号", f"{number} 已存在")
    case = Case(
        case_number=str(number) if number else None,
        court_code=number.court_code if number else None,
        year=number.year if number else None,
        case_type=(number.case_type if number else new.category.case_type).value,
        sequence=number.sequence if number else None,
        filing_category=new.category.value,
        stage=new.stage.value,
        received_at=new.received_at,
        filed_at=new.filed_at,
        target_amount_fen=new.target_amount_fen,
        consumption_restriction_requested=new.consumption_restriction_requested,
        dishonest_list_requested=new.dishonest_list_requested,
        disputed=new.disputed,
        handler_id=new.handler_id,
        team=new.team.value if new.team else None,
        original_case_id=new.original_case_id,
        created_at=new.received_at,
    )
    session.add(case)
    session.flush()
    assert case.id is not None
    _add_parties(session, case.id, new)
    history = _history(new)
    previous: Stage | None = None
    for stage, at in history:
        session.add(StageChange(case_id=case.id, from_stage=previous, to_stage=stage.value, at=at, actor_id=actor.id))
        previous = stage
    step = STAGE_STEP.get(new.stage)
    if new.category is FilingCategory.OBJECTION and new.stage is Stage.FILED:
        step = Step.OBJECTION_TRANSFER
    if step is not None:
        role = STAGE_STEP_OWNER.get(new.stage, step.rule.owner_role)
        owner = new.handler_id if step is Step.DOSSIER_TRANSFER else None
        if owner is None and actor.has(role):
            owner = actor.id  # the clerk who received the materials owns the filing step
        started = dict(history).get(Stage.INQUIRED) if new.stage is Stage.ESCALATED else history[-1][1]
        open_deadline(
            session,
            case_id=case.id,
            step=step,
            triggered_at=started or history[-1][1],
            calendar=calendar,
            owner_id=owner,
            owner_role=role,
        )
    index_case(session, case.id)
    return case


def replace_parties(session: Session, case_id: int, new: NewCase) -> None:
    """Swap a case's parties, agents and basis for ``new``'s: a draft corrected before filing."""
    for model in (Agent, CaseParty, EnforcementBasis):
        for row in session.exec(select(model).where(model.case_id == case_id)).all():
            session.delete(row)
    session.flush()  # the basis is unique per case: the old row must be gone before the new one
    _add_parties(session, case_id, new)


def _add_parties(session: Session, case_id: int, new: NewCase) -> None:
    rows: dict[PartyRole, list[Party]] = {PartyRole.APPLICANT: [], PartyRole.RESPONDENT: []}
    for role, parties in ((PartyRole.APPLICANT, new.applicants), (PartyRole.RESPONDENT, new.respondents)):
        for position, new_party in enumerate(parties):
            party = _upsert_party(session, new_party)
            session.flush()
            assert party.id is not None
            rows[role].append(party)
            session.add(
                CaseParty(
                    case_id=case_id,
                    party_id=party.id,
                    role=role.value,
                    position=position,
                    whereabouts_unknown=new_party.whereabouts_unknown,
                    service_address=new_party.address,
                )
            )
    for agent in new.agents:
        party_id = rows[agent.side][agent.represents].id
        assert party_id is not None
        session.add(
            Agent(
                case_id=case_id,
                party_id=party_id,
                name=agent.name,
                id_number=agent.id_number,
                kind=agent.kind,
                phone=agent.phone,
            )
        )
    if new.basis is not None:
        session.add(
            EnforcementBasis(
                case_id=case_id,
                issuing_court=new.basis.issuing_court,
                document_number=new.basis.document_number,
                effective_date=new.basis.effective_date,
                document_kind=new.basis.document_kind,
            )
        )
