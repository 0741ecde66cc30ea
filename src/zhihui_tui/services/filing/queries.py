"""Read models of the filing screen: the queue at 材料接收 (by key, a page at a time), a case's draft, and a
resumption form prefilled from its original."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, tuple_
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Agent, Case, CaseParty, EnforcementBasis, FilingRejection, Party
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.case_number import parse_case_number
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing import (
    AGENT_KINDS,
    ORGANISATION,
    AgentForm,
    DraftInvalid,
    FilingDraft,
    PartyForm,
    acts_for_applicant,
    checklist_units,
    missing_items,
)
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.money import fen_to_yuan_str
from zhihui_tui.domain.steps import DeadlineState, deadline_state
from zhihui_tui.services.cases import PartyRole
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.filing.records import (
    cases_with_applicant_agents,
    check_resumable,
    filing_dues,
    get_case,
    latest_rulings,
    materials,
    party_names,
    staff_names,
    ticks,
)
from zhihui_tui.services.filing.results import (
    QUEUE_PAGE,
    CaseDraft,
    FilingQueuePage,
    FilingQueueRow,
    MaterialRow,
    QueueKey,
    RejectionRow,
)
from zhihui_tui.services.filing.rules import FilingAction, require_action


def filing_queue(*, ctx: ServiceContext, after: QueueKey | None = None, limit: int = QUEUE_PAGE) -> FilingQueuePage:
    """Cases at 材料接收, earliest receipt first: the 2-day filing step's due date follows the receipt time
    (R-FIL-2, rolled forward over holidays), so this is also the order of due dates, overdue first. Read by
    key, a page at a time: a backlog of thousands costs what one page costs."""
    require_action(ctx.actor, FilingAction.VIEW, doing="查看立案审查队列")
    received = Case.stage == Stage.RECEIVED.value
    query = select(Case).where(received).order_by(col(Case.received_at), col(Case.id))
    if after is not None:
        query = query.where(tuple_(col(Case.received_at), col(Case.id)) > tuple_(*after))
    with read_session(ctx.engine) as session:
        cases = [case for case in session.exec(query.limit(limit + 1)) if case.id is not None]
        total = session.exec(select(func.count()).select_from(Case).where(received)).one()
        shown = cases[:limit]
        ids = [case.id for case in shown if case.id is not None]
        reads = _QueueReads(
            names=party_names(session, ids),
            dues=filing_dues(session, ids),
            ticks=ticks(session, ids),
            agents=cases_with_applicant_agents(session, ids),
            rulings=latest_rulings(session, ids),
        )
    rows = [_queue_row(case, reads, ctx.today(), ctx.calendar) for case in shown]
    last = shown[-1] if shown and len(cases) > limit else None
    return FilingQueuePage(rows, total, (last.received_at, last.id) if last and last.id else None)


@dataclass(frozen=True)
class _QueueReads:
    """What one page of the queue read besides its cases, by case id."""

    names: dict[tuple[int, str], str]
    dues: dict[int, tuple[date, str | None]]
    ticks: dict[int, set[str]]
    agents: set[int]
    rulings: dict[int, FilingRejection]


def _queue_row(case: Case, reads: _QueueReads, today: date, calendar: WorkCalendar) -> FilingQueueRow:
    assert case.id is not None
    category = FilingCategory(case.filing_category)
    due, owner = reads.dues.get(case.id, (None, None))
    latest = reads.rulings.get(case.id)
    state = deadline_state(due, today) if due else None
    overdue = state is DeadlineState.OVERDUE
    return FilingQueueRow(
        case_id=case.id,
        version=case.version,
        category=category,
        received_at=case.received_at,
        due=due,
        state=state,
        overdue_days=calendar.working_days_between(due, today) if due and overdue else 0,
        owner_name=owner,
        applicants=reads.names.get((case.id, PartyRole.APPLICANT.value), ""),
        respondents=reads.names.get((case.id, PartyRole.RESPONDENT.value), ""),
        missing=tuple(missing_items(category, reads.ticks.get(case.id, set()), has_agent=case.id in reads.agents)),
        pending_rejection=latest is not None and latest.status == "pending",
        returned_note=latest.ruling_note if latest is not None and latest.status == "returned" else None,
    )


def case_draft(case_id: int, *, ctx: ServiceContext) -> CaseDraft:
    """One case as the filing screen shows and edits it (also after filing, read-only)."""
    require_action(ctx.actor, FilingAction.VIEW)
    with read_session(ctx.engine) as session:
        case = get_case(session, case_id)
        category = FilingCategory(case.filing_category)
        draft = _draft_of(session, case, category)
        has_agent = acts_for_applicant(draft.agents)
        material_rows = _material_rows(session, case_id, category, has_agent=has_agent)
        rejections = _rejection_rows(session, case_id)
        due = filing_dues(session, [case_id], include_done=True).get(case_id, (None, None))[0]
    provided = {row.item.code for row in material_rows if row.provided}
    return CaseDraft(
        case_id=case_id,
        version=case.version,
        stage=Stage(case.stage),
        case_number=case.case_number,
        received_at=case.received_at,
        filed_at=case.filed_at,
        filing_due=due,
        draft=draft,
        materials=tuple(material_rows),
        missing=tuple(missing_items(category, provided, has_agent=has_agent)),
        rejections=tuple(rejections),
        first_assignee_id=case.first_assignee_id,
    )


def resumption_draft(original_case_number: str, *, ctx: ServiceContext) -> FilingDraft:
    """A resumption form prefilled from its original (parties, agents, basis, amount), for the clerk to check."""
    require_action(ctx.actor, FilingAction.VIEW)
    number = parse_case_number(original_case_number, field="原案号")
    with read_session(ctx.engine) as session:
        original = session.exec(select(Case).where(Case.case_number == str(number))).first()
        if original is None:
            raise DraftInvalid([FieldError("原案号", f"本院没有案号为{number}的案件")])
        check_resumable(original)
        draft = _draft_of(session, original, FilingCategory(original.filing_category))
    return replace(draft, category=FilingCategory.RESUMPTION, original_case_number=str(number))


def _draft_of(session: Session, case: Case, category: FilingCategory) -> FilingDraft:
    """The stored case as form strings, so the clerk edits exactly what validation will see again."""
    assert case.id is not None
    rows = session.exec(
        select(CaseParty, Party)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(CaseParty.case_id == case.id)
        .order_by(col(CaseParty.role), col(CaseParty.position))
    ).all()
    sides: dict[str, list[PartyForm]] = {PartyRole.APPLICANT.value: [], PartyRole.RESPONDENT.value: []}
    positions: dict[int | None, tuple[str, int]] = {}  # party id → (side, 1-based row) for the agents
    for link, party in rows:
        sides[link.role].append(_party_form(link, party))
        positions[party.id] = (link.role, len(sides[link.role]))
    agents = session.exec(select(Agent).where(Agent.case_id == case.id).order_by(col(Agent.id))).all()
    basis = session.exec(select(EnforcementBasis).where(EnforcementBasis.case_id == case.id)).first()
    original = session.get(Case, case.original_case_id) if case.original_case_id else None
    objection_without_amount = category is FilingCategory.OBJECTION and case.target_amount_fen == 0
    return FilingDraft(
        category=category,
        applicants=tuple(sides[PartyRole.APPLICANT.value]),
        respondents=tuple(sides[PartyRole.RESPONDENT.value]),
        agents=tuple(_agent_form(agent, positions) for agent in agents),
        basis_court=basis.issuing_court if basis else "",
        basis_number=basis.document_number + (basis.document_kind or "") if basis else "",
        basis_effective_date=basis.effective_date.isoformat() if basis and basis.effective_date else "",
        target_amount="" if objection_without_amount else fen_to_yuan_str(case.target_amount_fen),
        consumption_restriction_requested=case.consumption_restriction_requested,
        dishonest_list_requested=case.dishonest_list_requested,
        original_case_number=(original.case_number or "") if original else "",
    )


def _party_form(link: CaseParty, party: Party) -> PartyForm:
    return PartyForm(
        name=party.name,
        id_number=party.id_number or "",
        kind="单位" if party.kind == ORGANISATION else "自然人",
        phone=party.phone or "",
        address=link.service_address or "",
        whereabouts_unknown=link.whereabouts_unknown,
    )


def _agent_form(agent: Agent, positions: dict[int | None, tuple[str, int]]) -> AgentForm:
    side, represents = positions.get(agent.party_id, (PartyRole.APPLICANT.value, 1))
    return AgentForm(
        name=agent.name,
        id_number=agent.id_number,
        kind=AGENT_KINDS.get(agent.kind, agent.kind),
        phone=agent.phone or "",
        represents=represents,
        side=side,
    )


def _material_rows(session: Session, case_id: int, category: FilingCategory, *, has_agent: bool) -> list[MaterialRow]:
    stored = {row.item: row for row in materials(session, case_id)}
    checkers = staff_names(session, (row.checked_by_id for row in stored.values()))
    rows = []
    for unit in checklist_units(category):
        row = stored.get(unit.code)
        rows.append(
            MaterialRow(
                item=unit,
                required=unit.required(has_agent=has_agent),
                provided=bool(row and row.provided),
                note=row.note if row else None,
                checked_by=checkers.get(row.checked_by_id) if row and row.checked_by_id else None,
                checked_at=row.checked_at if row else None,
            )
        )
    return rows


def _rejection_rows(session: Session, case_id: int) -> list[RejectionRow]:
    proposals = session.exec(
        select(FilingRejection).where(FilingRejection.case_id == case_id).order_by(col(FilingRejection.id))
    ).all()
    names = staff_names(session, [p.proposed_by_id for p in proposals] + [p.ruled_by_id for p in proposals])
    rows = []
    for p in proposals:
        assert p.id is not None
        rows.append(
            RejectionRow(
                rejection_id=p.id,
                version=p.version,
                status=p.status,
                proposed_by=names.get(p.proposed_by_id, ""),
                proposed_at=p.proposed_at,
                reasons=p.reasons,
                ruled_by=names.get(p.ruled_by_id) if p.ruled_by_id else None,
                ruled_at=p.ruled_at,
                ruling_note=p.ruling_note,
            )
        )
    return rows
