"""终本 conditions read from the case's own records (R-ZB-1), the handler's measures, the director's override, and
``zhihui zhongben``'s candidate list. Facts are read in bulk (a handful of grouped queries per page of cases)."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    AssetFinding,
    Case,
    CaseParty,
    EnforcementMeasure,
    FieldSearch,
    NetworkInquiry,
    StageChange,
    ZhongbenOverride,
)
from zhihui_tui.domain.closing import ZHONGBEN_DAYS, MeasureKind, ZhongbenFacts, unmet_conditions
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.validators import clean_text, parse_date
from zhihui_tui.services.closing.rules import ClosingAction, require_action
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import NotFound, PermissionDenied, ServiceError
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

_CHUNK = 500


@dataclass(frozen=True)
class ZhongbenCheck:
    """A case against the 终本 conditions: the unmet ones, and the director's override if there is one."""

    case_id: int
    case_number: str
    unmet: tuple[str, ...]
    override_reason: str | None

    @property
    def eligible(self) -> bool:
        """终本 may be recorded: every condition met, or the director overrode the rest."""
        return not self.unmet or self.override_reason is not None


def zhongben_days() -> int:
    """Days since filing before 终本 (``ZHIHUI_ZHONGBEN_DAYS``, default 90 as the seed says)."""
    text = os.environ.get("ZHIHUI_ZHONGBEN_DAYS", str(ZHONGBEN_DAYS)).strip()
    if not text.isdigit() or not 1 <= int(text) <= 365:
        raise DomainError(f"ZHIHUI_ZHONGBEN_DAYS 应为 1 至 365 的整数，实际为“{text}”")
    return int(text)


def facts_for(session: Session, case_ids: list[int]) -> dict[int, ZhongbenFacts]:
    """The facts of each case, read in chunks."""
    found: dict[int, ZhongbenFacts] = {}
    for start in range(0, len(case_ids), _CHUNK):
        found.update(_facts_chunk(session, case_ids[start : start + _CHUNK]))
    return found


def _facts_chunk(session: Session, ids: list[int]) -> dict[int, ZhongbenFacts]:
    cases = session.exec(select(Case).where(col(Case.id).in_(ids))).all()
    served = set(
        session.exec(
            select(StageChange.case_id).where(col(StageChange.case_id).in_(ids), StageChange.to_stage == "served")
        ).all()
    )
    measures: dict[int, set[MeasureKind]] = defaultdict(set)
    for case_id, kind in session.exec(
        select(EnforcementMeasure.case_id, EnforcementMeasure.kind).where(col(EnforcementMeasure.case_id).in_(ids))
    ):
        measures[case_id].add(MeasureKind(kind))
    submitted = set(
        session.exec(
            select(NetworkInquiry.case_id).where(
                col(NetworkInquiry.case_id).in_(ids), col(NetworkInquiry.submitted_at).is_not(None)
            )
        ).all()
    )
    valuable = _count_by_case(
        session,
        select(AssetFinding.case_id, func.count())
        .where(col(AssetFinding.case_id).in_(ids))
        .where((func.coalesce(AssetFinding.amount_fen, 0) > 0) | (func.coalesce(AssetFinding.quantity, 0) > 0))
        .group_by(col(AssetFinding.case_id)),
    )
    missing = _count_by_case(
        session,
        select(CaseParty.case_id, func.count())
        .where(col(CaseParty.case_id).in_(ids), CaseParty.role == "respondent", col(CaseParty.whereabouts_unknown))
        .group_by(col(CaseParty.case_id)),
    )
    searched = set(
        session.exec(
            select(FieldSearch.case_id).where(
                col(FieldSearch.case_id).in_(ids), col(FieldSearch.outcome_at).is_not(None)
            )
        ).all()
    )
    return {
        case.id: ZhongbenFacts(
            pack_served=case.id in served,
            measures=frozenset(measures.get(case.id, set())),
            dishonest_requested=case.dishonest_list_requested,
            inquiry_submitted=case.id in submitted,
            valuable_findings=valuable.get(case.id, 0),
            filed_on=case.filed_at.date() if case.filed_at else None,
            missing_respondents=missing.get(case.id, 0),
            searched=case.id in searched,
        )
        for case in cases
        if case.id is not None
    }


def _count_by_case(session: Session, query: object) -> dict[int, int]:
    return {int(case_id): int(n) for case_id, n in session.exec(query)}  # type: ignore[call-overload]


def check_case(session: Session, case: Case, today: date) -> ZhongbenCheck:
    """One case against the conditions, inside the caller's session."""
    assert case.id is not None
    facts = facts_for(session, [case.id])[case.id]
    override = session.exec(select(ZhongbenOverride.reason).where(ZhongbenOverride.case_id == case.id)).first()
    unmet = tuple(unmet_conditions(facts, today, zhongben_days()))
    return ZhongbenCheck(case.id, case.case_number or "", unmet, override)


def zhongben_check(case_id: int, *, ctx: ServiceContext) -> ZhongbenCheck:
    """The case's 终本 conditions as of the context's day."""
    require_action(ctx.actor, ClosingAction.VIEW_CANDIDATES)
    with read_session(ctx.engine) as session:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"案件 {case_id} 不存在")
        return check_case(session, case, ctx.now().date())


def zhongben_candidates(*, ctx: ServiceContext, limit: int = 100_000) -> list[ZhongbenCheck]:
    """Open cases with their handler (承办中, not objections), eligible first: ``zhihui zhongben``."""
    require_action(ctx.actor, ClosingAction.VIEW_CANDIDATES)
    today, days = ctx.now().date(), zhongben_days()
    with read_session(ctx.engine) as session:
        cases = session.exec(
            select(Case.id, Case.case_number)
            .where(Case.stage == Stage.ASSIGNED.value, Case.filing_category != FilingCategory.OBJECTION.value)
            .order_by(col(Case.filed_at), col(Case.id))
            .limit(limit)
        ).all()
        ids = [case_id for case_id, _ in cases if case_id is not None]
        facts = facts_for(session, ids)
        overrides = dict(
            session.exec(
                select(ZhongbenOverride.case_id, ZhongbenOverride.reason).where(col(ZhongbenOverride.case_id).in_(ids))
            ).all()
        )
    checks = [
        ZhongbenCheck(i, number or "", tuple(unmet_conditions(facts[i], today, days)), overrides.get(i))
        for i, number in cases
        if i is not None
    ]
    return sorted(checks, key=lambda c: (not c.eligible, len(c.unmet)))


def record_measure(case_id: int, kind: str, done_on: str, note: str = "", *, ctx: ServiceContext) -> None:
    """The handler records a measure taken on a case they hold (each kind once)."""
    require_action(ctx.actor, ClosingAction.RECORD_MEASURE)
    measure = MeasureKind.parse(kind)
    day = parse_date(done_on, field="日期")
    if day > ctx.now().date():
        raise FieldError("日期", f"{day:%Y-%m-%d} 尚未到来")
    text = clean_text(note, field="备注", max_length=500, required=False)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="登记执行措施", clock=ctx.clock) as session:
        case = load_for_update(session, Case, case_id, None, what="该案件")
        if case.handler_id != ctx.actor.id:
            raise PermissionDenied("只能为本人承办的案件登记执行措施")
        if Stage(case.stage) is not Stage.ASSIGNED:
            raise ServiceError(f"该案状态为“{Stage(case.stage).label}”，不能登记执行措施")
        exists = session.exec(
            select(col(EnforcementMeasure.done_on)).where(
                EnforcementMeasure.case_id == case_id, EnforcementMeasure.kind == measure.value
            )
        ).first()
        if exists is not None:
            raise ServiceError(f"“{measure.label}”已于 {exists:%Y-%m-%d} 登记")
        session.add(
            EnforcementMeasure(
                case_id=case_id,
                kind=measure.value,
                done_on=day,
                note=text or None,
                recorded_by_id=ctx.actor.id,
                recorded_at=ctx.now(),
            )
        )


def override_zhongben(case_id: int, reason: str, *, ctx: ServiceContext) -> ZhongbenCheck:
    """The director allows 终本 with the conditions still unmet, recording the reason and what was overridden."""
    require_action(ctx.actor, ClosingAction.OVERRIDE_ZHONGBEN)
    why = clean_text(reason, field="理由", max_length=500)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="批准终本", clock=ctx.clock) as session:
        case = load_for_update(session, Case, case_id, None, what="该案件")
        if Stage(case.stage) is not Stage.ASSIGNED:
            raise ServiceError(f"该案状态为“{Stage(case.stage).label}”，不能批准终本")
        check = check_case(session, case, ctx.now().date())
        if check.override_reason is not None:
            raise ServiceError("该案已批准终本")
        if not check.unmet:
            raise ServiceError("该案终本条件均已满足，无需批准")
        session.add(
            ZhongbenOverride(
                case_id=case_id,
                reason=why,
                unmet="\n".join(check.unmet),
                decided_by_id=ctx.actor.id,
                decided_at=ctx.now(),
            )
        )
    return ZhongbenCheck(check.case_id, check.case_number, check.unmet, why)
