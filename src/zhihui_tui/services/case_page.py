"""One case's particulars as a clerk reads them on its case page (issue 11): who, on what basis, for how much,
which materials, which deadlines with their owners, what was found, which matters were handed out.

Everything is read in one read session so the page is one consistent picture. Who may open it follows the
history's rule widened to the centre's posts that work on cases; ID numbers are masked unless the reader's post
works with full numbers (``search.REVEAL_ID_ROLES``), the same rule as the search results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, func, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    Agent,
    AssetFinding,
    Case,
    CaseMaterial,
    CaseParty,
    Deadline,
    DelegatedMatter,
    EnforcementBasis,
    Party,
    Staff,
)
from zhihui_tui.domain.field_work import MatterKind, MatterStatus
from zhihui_tui.domain.filing import unit_by_code
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.money import format_yuan
from zhihui_tui.domain.roles import Role, Team
from zhihui_tui.domain.steps import Step, step_label
from zhihui_tui.services.account_check import recheck_actor
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.errors import NotFound, PermissionDenied
from zhihui_tui.services.search import REVEAL_ID_ROLES, mask_id_number

# The centre's posts that work on cases read any case's page; a handler reads his own (as the history).
CASE_POSTS = frozenset(
    {
        Role.FILING_REVIEW,
        Role.SERVICE,
        Role.NETWORK_INQUIRY,
        Role.COUNTER_CONTROL,
        Role.FIELD_SEARCH,
        Role.FUNDS,
        Role.DOSSIER,
        Role.DIRECTOR,
        Role.BUREAU_CHIEF,
        Role.DEPUTY_CHIEF,
        Role.GENERAL_AFFAIRS,
    }
)
PARTY_ROLE_LABELS = {"applicant": "申请执行人", "respondent": "被执行人"}
AGENT_KIND_LABELS = {"lawyer": "律师", "relative": "近亲属", "other": "其他"}
NONE = "—"


@dataclass(frozen=True)
class PartyLine:
    """A party of the case as its page lists it (ID number masked unless the reader's post needs it whole)."""

    side: str
    name: str
    id_number: str
    phone: str
    address: str
    whereabouts_unknown: bool


@dataclass(frozen=True)
class AgentLine:
    """An agent with the party it acts for."""

    name: str
    kind: str
    id_number: str
    phone: str
    represents: str


@dataclass(frozen=True)
class DeadlineLine:
    """One step's deadline: who owns it, when it is due, when and by whom it was done (open: ``done`` empty)."""

    step: str
    due: date
    owner: str
    done: str


@dataclass(frozen=True)
class FindingLine:
    """One asset found by the network inquiry."""

    respondent: str
    asset: str
    institution: str
    amount: str
    frozen: bool


@dataclass(frozen=True)
class MatterLine:
    """One matter delegated to a centre post."""

    kind: str
    status: str
    requested: date
    deadline: date


@dataclass(frozen=True)
class CasePage:
    """Everything the case page shows, read at one moment."""

    case_id: int
    case_number: str
    stage: Stage
    category: str
    received_at: datetime
    filed_at: datetime | None
    handler: str
    team: str
    target_amount: str
    basis: str
    basis_effective: date | None
    parties: tuple[PartyLine, ...]
    agents: tuple[AgentLine, ...]
    materials_missing: tuple[str, ...]
    materials_provided: int
    deadlines: tuple[DeadlineLine, ...]
    findings: tuple[FindingLine, ...]
    matters: tuple[MatterLine, ...]
    links: str = ""  # 原案 of a 执恢 case and the 执恢 cases resumed from this one (R-ZB-2: linked both ways)

    @property
    def open_deadlines(self) -> tuple[DeadlineLine, ...]:
        """Deadlines still running, earliest first."""
        return tuple(d for d in self.deadlines if not d.done)


def case_page(case_id: int, *, ctx: ServiceContext) -> CasePage:
    """The case page of ``case_id`` for ``ctx.actor``; refused for a reader whose post does not work on it."""
    with read_session(ctx.engine) as session:
        recheck_actor(session, ctx.actor)  # personal data: a disabled account or a removed role reads nothing
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"案件 {case_id} 不存在")
        if not may_read(ctx.actor, case):
            raise PermissionDenied("只能查看本人承办的案件，或本岗位办理的案件")
        reveal = ctx.actor.has(*REVEAL_ID_ROLES)
        names = _staff_names(session, case_id, case)
        parties, by_party = _parties(session, case_id, reveal)
        basis = session.exec(select(EnforcementBasis).where(EnforcementBasis.case_id == case_id)).first()
        return CasePage(
            case_id=case_id,
            case_number=case.case_number or "（未立案）",
            stage=Stage(case.stage),
            category=FilingCategory(case.filing_category).label,
            received_at=case.received_at,
            filed_at=case.filed_at,
            handler=names.get(case.handler_id, NONE) if case.handler_id else NONE,
            team=Team(case.team).label if case.team else NONE,
            target_amount=format_yuan(case.target_amount_fen),
            basis=f"{basis.issuing_court}{basis.document_number}{basis.document_kind or ''}" if basis else NONE,
            basis_effective=basis.effective_date if basis else None,
            parties=parties,
            agents=_agents(session, case_id, by_party, reveal),
            materials_missing=_missing(session, case),
            materials_provided=_provided_count(session, case_id),
            deadlines=_deadlines(session, case_id, names),
            findings=_findings(session, case_id, by_party),
            matters=_matters(session, case_id),
            links=_links(session, case),
        )


def _links(session: Session, case: Case) -> str:
    """The original of a resumed case and the cases resumed from this one, by number."""
    parts = []
    if case.original_case_id is not None:
        original = session.get(Case, case.original_case_id)
        if original is not None and original.case_number:
            parts.append(f"原案 {original.case_number}")
    resumed = session.exec(select(Case.case_number).where(Case.original_case_id == case.id)).all()
    if resumed:
        parts.append("恢复执行 " + "、".join(n for n in resumed if n))
    return "；".join(parts)


def may_read(actor: Actor, case: Case) -> bool:
    """The handler of the case, and the centre's posts that work on cases, may read its page."""
    return case.handler_id == actor.id or actor.has(*CASE_POSTS)


def _staff_names(session: Session, case_id: int, case: Case) -> dict[int | None, str]:
    ids = {case.handler_id}
    for owner, done_by in session.exec(
        select(Deadline.owner_id, Deadline.done_by_id).where(Deadline.case_id == case_id)
    ).all():
        ids |= {owner, done_by}
    ids.discard(None)
    rows = session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(ids))).all()
    return dict(rows)


def _parties(session: Session, case_id: int, reveal: bool) -> tuple[tuple[PartyLine, ...], dict[int, str]]:
    rows = session.exec(
        select(CaseParty, Party)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(CaseParty.case_id == case_id)
        .order_by(col(CaseParty.role), col(CaseParty.position))
    ).all()
    lines = tuple(
        PartyLine(
            side=PARTY_ROLE_LABELS.get(link.role, link.role),
            name=party.name,
            id_number=_shown_id(party.id_number, party.kind, reveal),
            phone=party.phone or NONE,
            address=link.service_address or party.address or NONE,
            whereabouts_unknown=link.whereabouts_unknown,
        )
        for link, party in rows
    )
    return lines, {party.id: party.name for _link, party in rows if party.id is not None}


def _shown_id(id_number: str | None, kind: str, reveal: bool) -> str:
    if not id_number:
        return NONE
    # Credit codes of organisations are public; a person's number is masked for posts that do not need it.
    return id_number if reveal or kind != "person" else mask_id_number(id_number) or NONE


def _agents(session: Session, case_id: int, by_party: dict[int, str], reveal: bool) -> tuple[AgentLine, ...]:
    agents = session.exec(select(Agent).where(Agent.case_id == case_id).order_by(col(Agent.id))).all()
    return tuple(
        AgentLine(
            name=agent.name,
            kind=AGENT_KIND_LABELS.get(agent.kind, agent.kind),
            id_number=_shown_id(agent.id_number, "person", reveal),
            phone=agent.phone or NONE,
            represents=by_party.get(agent.party_id, NONE),
        )
        for agent in agents
    )


def _missing(session: Session, case: Case) -> tuple[str, ...]:
    units = unit_by_code(FilingCategory(case.filing_category))
    rows = session.exec(
        select(CaseMaterial.item).where(CaseMaterial.case_id == case.id, col(CaseMaterial.provided).is_(False))
    ).all()
    return tuple(units[code].short if code in units else code for code in rows)


def _provided_count(session: Session, case_id: int) -> int:
    provided = select(func.count()).where(CaseMaterial.case_id == case_id, col(CaseMaterial.provided).is_(True))
    return int(session.exec(provided).one())


def _deadlines(session: Session, case_id: int, names: dict[int | None, str]) -> tuple[DeadlineLine, ...]:
    rows = session.exec(
        select(Deadline).where(Deadline.case_id == case_id).order_by(col(Deadline.due_date), col(Deadline.id))
    ).all()
    return tuple(
        DeadlineLine(
            step=step_label(Step(row.step), Role(row.owner_role)),
            due=row.due_date,
            owner=names.get(row.owner_id, NONE) if row.owner_id else Role(row.owner_role).label,
            done=f"{row.done_at:%Y-%m-%d} {names.get(row.done_by_id, '')}".strip() if row.done_at else "",
        )
        for row in rows
    )


def _findings(session: Session, case_id: int, by_party: dict[int, str]) -> tuple[FindingLine, ...]:
    from zhihui_tui.services.inquiry import AssetType

    rows = session.exec(
        select(AssetFinding).where(AssetFinding.case_id == case_id).order_by(col(AssetFinding.id))
    ).all()
    return tuple(
        FindingLine(
            respondent=by_party.get(row.party_id, NONE),
            asset=AssetType(row.asset_type).label,
            institution=row.institution or NONE,
            amount=format_yuan(row.amount_fen) if row.amount_fen is not None else NONE,
            frozen=row.frozen,
        )
        for row in rows
    )


def _matters(session: Session, case_id: int) -> tuple[MatterLine, ...]:
    rows = session.exec(
        select(DelegatedMatter).where(DelegatedMatter.case_id == case_id).order_by(col(DelegatedMatter.id))
    ).all()
    return tuple(
        MatterLine(
            kind=MatterKind(row.kind).label,
            status=MatterStatus(row.status).label,
            requested=row.requested_at.date(),
            deadline=row.handler_deadline,
        )
        for row in rows
    )
