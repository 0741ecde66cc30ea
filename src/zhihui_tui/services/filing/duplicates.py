"""Likely duplicates, warned before filing: the stored cases a draft (or a received case) is compared with."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CaseParty, EnforcementBasis, Party
from zhihui_tui.domain.case_number import parse_case_number
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.filing import (
    DuplicateCandidate,
    DuplicateHint,
    DuplicateProbe,
    FilingDraft,
    duplicate_hints,
    duplicate_probe,
)
from zhihui_tui.domain.lifecycle import OPEN_STAGES, FilingCategory, Stage
from zhihui_tui.services.cases import PartyRole
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.filing.records import get_case, party_ids
from zhihui_tui.services.filing.rules import FilingAction, require_action


def likely_duplicates(subject: FilingDraft | int, *, ctx: ServiceContext) -> list[DuplicateHint]:
    """Warn before filing: the same basis document, or the same applicant and respondent in an open case."""
    require_action(ctx.actor, FilingAction.VIEW, doing="查看疑似重复案件")
    with read_session(ctx.engine) as session:
        probe = _probe_for_case(session, subject) if isinstance(subject, int) else _probe_for_draft(session, subject)
        candidates = _duplicate_candidates(session, probe)
    return duplicate_hints(probe, candidates)


def _probe_for_draft(session: Session, draft: FilingDraft) -> DuplicateProbe:
    probe = duplicate_probe(draft)
    if draft.category is not FilingCategory.RESUMPTION or not draft.original_case_number.strip():
        return probe
    try:
        number = str(parse_case_number(draft.original_case_number))
    except DomainError:
        return probe
    original_id = session.exec(select(Case.id).where(Case.case_number == number)).first()
    return replace(probe, original_case_id=original_id)


def _probe_for_case(session: Session, case_id: int) -> DuplicateProbe:
    case = get_case(session, case_id)
    basis = session.exec(select(EnforcementBasis.document_number).where(EnforcementBasis.case_id == case_id)).first()
    ids = party_ids(session, [case_id]).get(case_id, {})
    return DuplicateProbe(
        basis_number=basis,
        applicant_ids=frozenset(ids.get(PartyRole.APPLICANT.value, {})),
        respondent_ids=frozenset(ids.get(PartyRole.RESPONDENT.value, {})),
        case_id=case_id,
        original_case_id=case.original_case_id,
    )


def _duplicate_candidates(session: Session, probe: DuplicateProbe) -> list[DuplicateCandidate]:
    ids: set[int] = set()
    if probe.basis_number:
        ids.update(
            session.exec(
                select(EnforcementBasis.case_id).where(EnforcementBasis.document_number == probe.basis_number)
            ).all()
        )
    if probe.applicant_ids and probe.respondent_ids:
        ids.update(
            _cases_with(session, PartyRole.APPLICANT, probe.applicant_ids)
            & _cases_with(session, PartyRole.RESPONDENT, probe.respondent_ids)
        )
    if probe.case_id is not None:
        ids.discard(probe.case_id)
    if not ids:
        return []
    cases = session.exec(select(Case).where(col(Case.id).in_(ids))).all()
    bases = dict(
        session.exec(
            select(EnforcementBasis.case_id, EnforcementBasis.document_number).where(
                col(EnforcementBasis.case_id).in_(ids)
            )
        ).all()
    )
    parties = party_ids(session, list(ids))
    return [
        DuplicateCandidate(
            case_id=case.id,
            case_number=case.case_number,
            stage=Stage(case.stage),
            received_at=case.received_at,
            basis_number=bases.get(case.id),
            applicants=parties.get(case.id, {}).get(PartyRole.APPLICANT.value, {}),
            respondents=parties.get(case.id, {}).get(PartyRole.RESPONDENT.value, {}),
            original_case_id=case.original_case_id,
        )
        for case in cases
        if case.id is not None
    ]


def _cases_with(session: Session, role: PartyRole, id_numbers: frozenset[str]) -> set[int]:
    open_stages = [stage.value for stage in OPEN_STAGES]
    rows = session.exec(
        select(CaseParty.case_id)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .join(Case, col(Case.id) == CaseParty.case_id)
        .where(
            CaseParty.role == role.value,
            col(Party.id_number).in_(id_numbers),
            col(Case.stage).in_(open_stages),
        )
    ).all()
    return set(rows)
