"""After 终本 (R-ZB-2): the watch's network inquiries, every 6 months for 5 years, on the inquiry post; property
found → resumption, a new 执恢 case linked to the original (``original_case_id``; the watch round names the new
case), confirmed by the original handler or, when they are no longer active, the bureau chief."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CaseParty, EnforcementBasis, Party, Staff, ZhongbenWatch
from zhihui_tui.domain.closing import Closure
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.cases import NewBasis, NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.closing.rules import ClosingAction, require_action
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import NotFound, PermissionDenied, ServiceError
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

SHOW_AHEAD = timedelta(days=30)  # the inquiry post sees a round a month before it is due


@dataclass(frozen=True)
class WatchRow:
    """One round of the watch, as the inquiry post lists it."""

    id: int
    version: int
    case_id: int
    case_number: str
    round: int
    due_on: date
    overdue: bool


def watch_due(*, ctx: ServiceContext) -> list[WatchRow]:
    """Rounds not done that are due within a month or overdue, oldest first."""
    require_action(ctx.actor, ClosingAction.WATCH)
    today = ctx.now().date()
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(ZhongbenWatch, Case.case_number)
            .join(Case, col(Case.id) == ZhongbenWatch.case_id)
            .where(col(ZhongbenWatch.done_at).is_(None), col(ZhongbenWatch.due_on) <= today + SHOW_AHEAD)
            .order_by(col(ZhongbenWatch.due_on), col(ZhongbenWatch.id))
        ).all()
    return [
        WatchRow(w.id or 0, w.version, w.case_id, number or "", w.round, w.due_on, w.due_on < today)
        for w, number in rows
    ]


@dataclass(frozen=True)
class ResumptionRow:
    """A watch round that found property and waits for the resumption's confirmation."""

    watch_id: int
    case_id: int
    case_number: str
    round: int
    done_at: datetime  # when the round was recorded
    result: str
    handler: str  # the original handler, "" when there is none


def resumptions_awaiting(*, ctx: ServiceContext, limit: int = 200) -> list[ResumptionRow]:
    """The rounds that found property and wait on this person: the original handler's own cases while they are
    active; for the bureau chief, the cases whose handler is gone (or none was named). Oldest first."""
    require_action(ctx.actor, ClosingAction.RESUME)
    actor = ctx.actor
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(ZhongbenWatch, Case, Staff)
            .join(Case, col(Case.id) == ZhongbenWatch.case_id)
            .outerjoin(Staff, col(Staff.id) == Case.handler_id)
            .where(col(ZhongbenWatch.found_property), col(ZhongbenWatch.resumed_case_id).is_(None))
            .order_by(col(ZhongbenWatch.done_at), col(ZhongbenWatch.id))
        ).all()
    found: list[ResumptionRow] = []
    for watch, case, handler in rows:
        active = handler is not None and handler.active
        mine = active and handler.id == actor.id
        if mine or (not active and actor.has(Role.BUREAU_CHIEF)):
            done_at = watch.done_at or datetime.combine(watch.due_on, time())
            name = handler.name if handler is not None else ""
            found.append(
                ResumptionRow(
                    watch.id or 0, case.id or 0, case.case_number or "", watch.round, done_at, watch.result or "", name
                )
            )
    return found[:limit]


def record_watch(
    watch_id: int, result: str, *, found_property: bool, expected_version: int | None = None, ctx: ServiceContext
) -> None:
    """The inquiry post records a round's result; property found waits for the resumption's confirmation."""
    require_action(ctx.actor, ClosingAction.WATCH)
    text = clean_text(result, field="查控结果", max_length=1000)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="登记终本案件定期查控", clock=ctx.clock) as session:
        row = load_for_update(session, ZhongbenWatch, watch_id, expected_version, what="该轮查控", advice="请刷新")
        if row.done_at is not None:
            raise ServiceError(f"第 {row.round} 轮查控已于 {row.done_at:%Y-%m-%d} 登记")
        row.done_at, row.done_by_id, row.result, row.found_property = ctx.now(), ctx.actor.id, text, found_property


def resume_case(watch_id: int, *, ctx: ServiceContext) -> str:
    """Confirm the resumption a watch round found property for: a new 执恢 case with the original's parties and
    basis, filed now; returns its number. The original handler confirms, or the chief when that handler is gone."""
    require_action(ctx.actor, ClosingAction.RESUME)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="确认恢复执行", clock=ctx.clock) as session:
        row = load_for_update(session, ZhongbenWatch, watch_id, None, what="该轮查控")
        if not row.found_property:
            raise ServiceError("该轮查控未发现可供执行的财产，不能恢复执行")
        if row.resumed_case_id is not None:
            raise ServiceError("已恢复执行")
        original = load_for_update(session, Case, row.case_id, None, what="原案")
        _check_confirmer(session, original, ctx)
        new = register_case(
            session,
            _resumption(session, original, ctx),
            actor=ctx.actor,
            calendar=ctx.calendar,
            court_code=original.court_code or ctx.court.court_code,
        )
        session.flush()
        row.resumed_case_id = new.id
        assert new.case_number is not None
        return new.case_number


def _check_confirmer(session: Session, original: Case, ctx: ServiceContext) -> None:
    if original.closure != Closure.PROCEDURE_TERMINATED.value:
        raise ServiceError("原案不是以终本方式结案")
    handler = session.get(Staff, original.handler_id) if original.handler_id else None
    if handler is not None and handler.active:
        if ctx.actor.id != handler.id:
            raise PermissionDenied(f"应由原承办人{handler.name}确认恢复执行")
        return
    if not ctx.actor.has(Role.BUREAU_CHIEF):
        raise PermissionDenied("原承办人已不在岗，应由局长确认恢复执行")


def _resumption(session: Session, original: Case, ctx: ServiceContext) -> NewCase:
    parties = session.exec(
        select(CaseParty, Party)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(CaseParty.case_id == original.id)
        .order_by(col(CaseParty.id))
    ).all()
    basis = session.exec(select(EnforcementBasis).where(EnforcementBasis.case_id == original.id)).first()

    def copy(link: CaseParty, party: Party) -> NewParty:
        return NewParty(
            PartyKind(party.kind), party.name, party.id_number, party.phone, party.address, link.whereabouts_unknown
        )

    now = ctx.now()
    return NewCase(
        category=FilingCategory.RESUMPTION,
        received_at=now,
        applicants=tuple(copy(link, p) for link, p in parties if link.role == "applicant"),
        respondents=tuple(copy(link, p) for link, p in parties if link.role == "respondent"),
        target_amount_fen=original.target_amount_fen,
        basis=NewBasis(basis.issuing_court, basis.document_number, basis.effective_date, basis.document_kind)
        if basis
        else None,
        consumption_restriction_requested=original.consumption_restriction_requested,
        dishonest_list_requested=original.dishonest_list_requested,
        stage=Stage.FILED,
        filed_at=now,
        original_case_id=original.id,
    )


def resumed_from(case_id: int, *, ctx: ServiceContext) -> list[str]:
    """The 执恢 cases resumed from a case (the link back from the original)."""
    with read_session(ctx.engine) as session:
        if session.get(Case, case_id) is None:
            raise NotFound(f"案件 {case_id} 不存在")
        return [n for n in session.exec(select(Case.case_number).where(Case.original_case_id == case_id)) if n]
