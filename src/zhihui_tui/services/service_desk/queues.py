"""The service desk's three lists, each one page, oldest deadline first:

- 待寄送 (``pack_queue``): filed cases whose pack is due — 5 days from receipt (R-SRV-1) — with who handed each
  over (the filing clerk), who owns it, how far the documents and mailings are;
- 送达跟踪 (``attempt_queue``): attempts awaiting their result, and failed ones awaiting the next way;
- 交办事项 (``matter_queue``): handlers' 送达 matters (3 days or the handler's date, R-SRV-3) and 公告 matters
  (the handler's date, R-SRV-2).

Each page is one query for the lines plus one grouped query per column family for the page's cases, so a page
costs the same however long the queue is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    Case,
    CaseParty,
    Deadline,
    DelegatedMatter,
    Party,
    PendingAttempt,
    ServiceAttempt,
    ServiceDocument,
    Staff,
    StageChange,
)
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.field_work import MatterKind
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.mailing import NextAttempt, ServiceResult
from zhihui_tui.domain.service_attempts import ServiceMethod
from zhihui_tui.domain.steps import DeadlineState, Step, deadline_state
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.service_desk.owners import desk_matters
from zhihui_tui.services.service_desk.rules import ServiceAction, require_action

PAGE = 200
HANDED_OVER_DAYS = 3  # R-SRV-3: a handler's 送达 matter is mailed within 3 days


@dataclass(frozen=True)
class PackRow:
    """A filed case whose pack is due."""

    deadline_id: int
    version: int  # the pack step's version: take and assign are refused on a stale line
    case_id: int
    case_number: str
    respondents: str
    received_at: datetime
    due_date: date
    state: DeadlineState
    handed_over_by: str  # the filing clerk who filed the case and handed it to the desk
    owner_id: int | None
    owner: str  # "" when nobody has taken it
    documents: int  # document kinds generated, of 5
    printed: bool  # every generated document printed
    sent: int  # respondents sent the pack
    recipients: int  # respondents to serve


@dataclass(frozen=True)
class AttemptRow:
    """An attempt awaiting its result, or a failed one whose recipient awaits the next way."""

    id: int
    version: int
    case_id: int
    case_number: str
    party_id: int | None
    matter_id: int | None
    recipient: str
    address: str
    method: ServiceMethod
    tracking_number: str
    sent_on: date
    sent_by: str
    result: ServiceResult | None
    result_on: date | None
    next_attempt: NextAttempt | None
    days_out: int  # days since it was sent


@dataclass(frozen=True)
class ServiceMatterRow:
    """A handler's 送达 or 公告 matter at the desk."""

    id: int
    version: int
    case_id: int
    case_number: str
    kind: MatterKind
    requirements: str
    requested_by: str  # the handler who handed it over
    requested_at: datetime
    due_date: date
    state: DeadlineState
    owner_id: int | None
    owner: str
    attempt: str  # where its service stands: "" (nothing sent), "邮寄 EA…待结果", "退回→另址邮寄"


@dataclass(frozen=True)
class Caseload:
    """The desk's counts: for the post line and the filing dialog's 在办送达."""

    packs: int
    packs_overdue: int
    unowned: int
    awaiting_result: int
    awaiting_next: int
    matters: int
    mine: int


def pack_queue(*, ctx: ServiceContext, mine_only: bool = False, limit: int = PAGE) -> list[PackRow]:
    """Open pack steps, soonest due first (one page)."""
    require_action(ctx.actor, ServiceAction.VIEW)
    query = (
        select(Deadline, Case.case_number, Case.received_at)
        .join(Case, col(Case.id) == Deadline.case_id)
        .where(Deadline.step == Step.SERVICE_PACK.value, col(Deadline.done_at).is_(None))
        .order_by(col(Deadline.due_date), col(Deadline.id))
        .limit(limit)
    )
    if mine_only:
        query = query.where(Deadline.owner_id == ctx.actor.id)
    today = ctx.now().date()
    with read_session(ctx.engine) as session:
        rows = session.exec(query).all()
        ids = [deadline.case_id for deadline, _, _ in rows]
        respondents = _respondents(session, ids)
        documents, printed = _documents(session, ids)
        sent = _sent(session, ids)
        filers = _filed_by(session, ids)
        names = _names(session, {d.owner_id for d, _, _ in rows if d.owner_id is not None})
    return [
        PackRow(
            deadline_id=deadline.id or 0,
            version=deadline.version,
            case_id=deadline.case_id,
            case_number=number or "（未立案）",
            respondents="、".join(respondents.get(deadline.case_id, [])) or "—",
            received_at=received,
            due_date=deadline.due_date,
            state=deadline_state(deadline.due_date, today),
            handed_over_by=filers.get(deadline.case_id, ""),
            owner_id=deadline.owner_id,
            owner=names.get(deadline.owner_id or 0, ""),
            documents=documents.get(deadline.case_id, 0),
            printed=printed.get(deadline.case_id, False),
            sent=sent.get(deadline.case_id, 0),
            recipients=len(respondents.get(deadline.case_id, [])),
        )
        for deadline, number, received in rows
    ]


def _respondents(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    rows = session.exec(
        select(CaseParty.case_id, Party.name)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(col(CaseParty.case_id).in_(case_ids), CaseParty.role == "respondent")
        .order_by(col(CaseParty.id))
    ).all()
    found: dict[int, list[str]] = defaultdict(list)
    for case_id, name in rows:
        found[case_id].append(name)
    return found


def _documents(session: Session, case_ids: list[int]) -> tuple[dict[int, int], dict[int, bool]]:
    """Kinds generated per case, and whether every generated document was printed."""
    rows = session.exec(
        select(
            ServiceDocument.case_id,
            func.count(func.distinct(ServiceDocument.kind)),
            func.count(col(ServiceDocument.printed_at)),
            func.count(),
        )
        .where(col(ServiceDocument.case_id).in_(case_ids))
        .group_by(col(ServiceDocument.case_id))
    ).all()
    kinds = {case_id: int(n) for case_id, n, _, _ in rows}
    printed = {case_id: int(p) > 0 and int(p) >= int(n) for case_id, n, p, _ in rows}
    return kinds, printed


def _sent(session: Session, case_ids: list[int]) -> dict[int, int]:
    rows = session.exec(
        select(ServiceAttempt.case_id, func.count(func.distinct(ServiceAttempt.party_id)))
        .where(col(ServiceAttempt.case_id).in_(case_ids), col(ServiceAttempt.party_id).is_not(None))
        .group_by(col(ServiceAttempt.case_id))
    ).all()
    return {case_id: int(n) for case_id, n in rows}


def _filed_by(session: Session, case_ids: list[int]) -> dict[int, str]:
    rows = session.exec(
        select(StageChange.case_id, Staff.name)
        .join(Staff, col(Staff.id) == StageChange.actor_id)
        .where(col(StageChange.case_id).in_(case_ids), StageChange.to_stage == Stage.FILED.value)
    ).all()
    return dict(rows)


def _names(session: Session, staff_ids: set[int]) -> dict[int, str]:
    if not staff_ids:
        return {}
    rows = session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(staff_ids))).all()
    return {i: name for i, name in rows if i is not None}


def attempt_queue(*, ctx: ServiceContext, limit: int = PAGE) -> list[AttemptRow]:
    """Attempts awaiting a result and failures awaiting the next way, oldest sent first (one page): the page's
    attempts from those the database keeps awaiting the desk (``pending_attempt``), then their rows."""
    require_action(ctx.actor, ServiceAction.VIEW)
    page = (
        select(col(PendingAttempt.attempt_id), col(PendingAttempt.sent_on))
        .order_by(col(PendingAttempt.sent_on), col(PendingAttempt.attempt_id))
        .limit(limit)
        .subquery()
    )
    query = (
        select(ServiceAttempt, Case.case_number, Staff.name)
        .join(page, page.c.attempt_id == ServiceAttempt.id)
        .join(Case, col(Case.id) == ServiceAttempt.case_id)
        .join(Staff, col(Staff.id) == ServiceAttempt.sent_by_id)
        .order_by(page.c.sent_on, page.c.attempt_id)
    )
    today = ctx.now().date()
    with read_session(ctx.engine) as session:
        rows = session.exec(query).all()
    return [_attempt_row(row, number, name, today) for row, number, name in rows]


def _attempt_row(row: ServiceAttempt, number: str | None, sender: str, today: date) -> AttemptRow:
    return AttemptRow(
        id=row.id or 0,
        version=row.version,
        case_id=row.case_id,
        case_number=number or "（未立案）",
        party_id=row.party_id,
        matter_id=row.matter_id,
        recipient=row.recipient,
        address=row.address,
        method=ServiceMethod(row.method),
        tracking_number=row.tracking_number or "",
        sent_on=row.sent_on,
        sent_by=sender,
        result=ServiceResult(row.result) if row.result else None,
        result_on=row.result_on,
        next_attempt=NextAttempt(row.next_attempt) if row.next_attempt else None,
        days_out=(today - row.sent_on).days,
    )


def matter_due(kind: MatterKind, effective_day: date, handler_deadline: date, calendar: WorkCalendar) -> date:
    """A 送达 matter is mailed within 3 days of reaching the desk or by the handler's date, whichever is first
    (R-SRV-3); a 公告 matter is done by the handler's date (R-SRV-2)."""
    if kind is not MatterKind.SERVICE:
        return handler_deadline
    return min(handler_deadline, calendar.due_date(datetime.combine(effective_day, time()), HANDED_OVER_DAYS))


def matter_queue(*, ctx: ServiceContext, limit: int = PAGE) -> list[ServiceMatterRow]:
    """Open 送达 and 公告 matters handed to the desk, soonest due first (one page)."""
    require_action(ctx.actor, ServiceAction.VIEW)
    query = (
        select(DelegatedMatter, Case.case_number, Staff.name)
        .join(Case, col(Case.id) == DelegatedMatter.case_id)
        .join(Staff, col(Staff.id) == DelegatedMatter.requested_by_id)
        .where(*desk_matters())
        .order_by(col(DelegatedMatter.handler_deadline), col(DelegatedMatter.id))
        .limit(limit)
    )
    today = ctx.now().date()
    with read_session(ctx.engine) as session:
        rows = session.exec(query).all()
        names = _names(session, {m.owner_id for m, _, _ in rows if m.owner_id is not None})
        stands = _matter_attempts(session, [m for m, _, _ in rows])
    lines = [_matter_row(m, number, name, names, stands, today, ctx.calendar) for m, number, name in rows]
    return sorted(lines, key=lambda line: (line.due_date, line.id))


def _matter_row(
    matter: DelegatedMatter,
    number: str | None,
    requester: str,
    names: dict[int, str],
    stands: dict[int, str],
    today: date,
    calendar: WorkCalendar,
) -> ServiceMatterRow:
    kind = MatterKind(matter.kind)
    due = matter_due(kind, matter.effective_day, matter.handler_deadline, calendar)
    return ServiceMatterRow(
        id=matter.id or 0,
        version=matter.version,
        case_id=matter.case_id,
        case_number=number or "（未立案）",
        kind=kind,
        requirements=matter.requirements,
        requested_by=requester,
        requested_at=matter.requested_at,
        due_date=due,
        state=deadline_state(due, today),
        owner_id=matter.owner_id,
        owner=names.get(matter.owner_id or 0, ""),
        attempt=stands.get(matter.id or 0, ""),
    )


def _matter_attempts(session: Session, matters: list[DelegatedMatter]) -> dict[int, str]:
    """Each matter's latest attempt, in a few words. Read through the matters' cases (``ix_service_attempt_case``):
    ``matter_id`` has no index of its own, and SQLite read every attempt of the court — 0.5 s on 1,000,000 cases."""
    rows = session.exec(
        select(ServiceAttempt)
        .where(
            col(ServiceAttempt.case_id).in_({m.case_id for m in matters}),
            col(ServiceAttempt.matter_id).in_([m.id for m in matters if m.id is not None]),
        )
        .order_by(col(ServiceAttempt.id))
    ).all()
    found: dict[int, str] = {}
    for row in rows:
        assert row.matter_id is not None
        found[row.matter_id] = describe_attempt(row)
    return found


def describe_attempt(row: ServiceAttempt) -> str:
    """One attempt in a few words: "邮寄 EA123456785CN 待结果", "退回→另址邮寄", "送达 12-05"."""
    how = ServiceMethod(row.method).label
    number = f" {row.tracking_number}" if row.tracking_number else ""
    if row.result is None:
        return f"{how}{number} 待结果"
    result = ServiceResult(row.result).label
    if row.next_attempt:
        return f"{result}→{NextAttempt(row.next_attempt).label}"
    return f"{result} {row.result_on:%m-%d}"


def caseload(*, ctx: ServiceContext) -> Caseload:
    """The desk's counts, each one aggregate query."""
    require_action(ctx.actor, ServiceAction.VIEW)
    today = ctx.now().date()
    me = ctx.actor.id
    with read_session(ctx.engine) as session:
        packs, overdue, unowned, mine_packs = session.exec(
            select(
                func.count(),
                func.count().filter(col(Deadline.due_date) < today),
                func.count().filter(col(Deadline.owner_id).is_(None)),
                func.count().filter(col(Deadline.owner_id) == me),
            ).where(Deadline.step == Step.SERVICE_PACK.value, col(Deadline.done_at).is_(None))
        ).one()
        waiting = session.exec(select(func.count()).where(col(ServiceAttempt.result).is_(None))).one()
        failed = _awaiting_next(session)
        matters, mine_matters = session.exec(
            select(func.count(), func.count().filter(col(DelegatedMatter.owner_id) == me)).where(*desk_matters())
        ).one()
    return Caseload(
        packs=int(packs),
        packs_overdue=int(overdue),
        unowned=int(unowned),
        awaiting_result=int(waiting),
        awaiting_next=failed,
        matters=int(matters),
        mine=int(mine_packs) + int(mine_matters),
    )


def awaiting_next(*, ctx: ServiceContext) -> int:
    """待下一步: failed attempts whose recipient has no later attempt yet."""
    require_action(ctx.actor, ServiceAction.VIEW)
    with read_session(ctx.engine) as session:
        return _awaiting_next(session)


def _awaiting_next(session: Session) -> int:
    """The attempts awaiting the desk (``pending_attempt``, a few hundred rows) that have a result: failures. Each
    one's result is looked up by its id: joined, SQLite without statistics read every attempt with a result."""
    result = select(ServiceAttempt.result).where(ServiceAttempt.id == PendingAttempt.attempt_id).scalar_subquery()
    waiting = select(func.count()).select_from(PendingAttempt).where(result.is_not(None))
    return int(session.exec(waiting).one())
