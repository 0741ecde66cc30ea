"""The facts R-TRI-2 reads per case, from the database in batches, and the proposal they give.

Proposals are computed for the page shown (:func:`facts_for`: four grouped queries per chunk of 500 cases),
never for the whole board.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select

from zhihui_tui.db.models import AssetFinding, Case, CaseParty, TriageFlags
from zhihui_tui.domain.triage import Proposal, TriageFacts, propose_track
from zhihui_tui.services.errors import NotFound
from zhihui_tui.services.inquiry import MONEY_TYPES

_CHUNK = 500


def _chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def facts_for(session: Session, case_ids: Sequence[int]) -> dict[int, TriageFacts]:
    """TriageFacts of each case: four grouped queries per chunk of 500, whatever the page size."""
    facts: dict[int, TriageFacts] = {}
    for chunk in _chunks(list(case_ids)):
        facts.update(_facts_chunk(session, chunk))
    return facts


def _facts_chunk(session: Session, ids: Sequence[int]) -> dict[int, TriageFacts]:
    cases = {
        cid: (target, disputed)
        for cid, target, disputed in session.exec(
            select(Case.id, Case.target_amount_fen, Case.disputed).where(col(Case.id).in_(ids))
        )
        if cid is not None
    }
    unknown = func.max(case((col(CaseParty.whereabouts_unknown).is_(True), 1), else_=0))
    parties = {
        cid: (int(n), bool(u))
        for cid, n, u in session.exec(
            select(CaseParty.case_id, func.count(), unknown)
            .where(col(CaseParty.case_id).in_(ids), CaseParty.role == "respondent")
            .group_by(col(CaseParty.case_id))
        )
    }
    money = [t.value for t in MONEY_TYPES]
    is_money = col(AssetFinding.asset_type).in_(money)
    frozen = func.sum(
        case((and_(is_money, col(AssetFinding.frozen).is_(True)), func.coalesce(AssetFinding.amount_fen, 0)), else_=0)
    )
    property_found = func.max(case((is_money, 0), else_=1))
    findings = {
        cid: (int(f or 0), bool(p))
        for cid, f, p in session.exec(
            select(AssetFinding.case_id, frozen, property_found)
            .where(col(AssetFinding.case_id).in_(ids))
            .group_by(col(AssetFinding.case_id))
        )
    }
    flags = {f.case_id: f for f in session.exec(select(TriageFlags).where(col(TriageFlags.case_id).in_(ids)))}
    result = {}
    for cid, (target, disputed) in cases.items():
        count, unknown_any = parties.get(cid, (0, False))
        frozen_fen, property_any = findings.get(cid, (0, False))
        flag = flags.get(cid)
        result[cid] = TriageFacts(
            target_fen=target,
            respondent_count=count,
            whereabouts_unknown=unknown_any,
            disputed=bool(disputed),
            major=bool(flag and flag.major),
            frozen_money_fen=frozen_fen,
            non_money_property_found=property_any,
            coercive_measures=bool(flag and flag.coercive_measures),
            social_conflict=bool(flag and flag.social_conflict),
            bankruptcy_referral=bool(flag and flag.bankruptcy_referral),
            quick_preservation=bool(flag and flag.quick_preservation),
            voluntary_performance=bool(flag and flag.voluntary_performance),
        )
    return result


def proposal_for(session: Session, case_id: int) -> Proposal:
    """The system's proposal for one case as its facts stand in ``session`` (inside a ruling's transaction)."""
    facts = facts_for(session, [case_id]).get(case_id)
    if facts is None:
        raise NotFound("没有该案件")
    return propose_track(facts)
