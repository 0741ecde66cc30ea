"""事项委托 (SPEC §3.6): a handler asks the centre for work; the centre's result flows back to the handler.

- R-DEL-1: kinds 送达 / 临柜 / 现场调查 / 拘传 / 公告 / 其他, explicit requirements, the handler's deadline. Each
  kind lands in one centre post's queue (``MatterKind.post``); a 临柜 request also opens a counter task.
- R-DEL-2: a request at or after 15:00 on a working day (or on a rest day) counts from the next working day
  (``effective_day``); the form shows this before sending (``domain.field_work.request_timing``). An urgent
  temporary 拘传 waits in the bureau chief's queue; approved, it joins the field-search queue; refused, the
  refusal goes back to the handler as the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CounterTask, DelegatedMatter, Staff
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import (
    F_DECISION_NOTE,
    CounterSource,
    CounterStatus,
    MatterKind,
    MatterRequest,
    MatterStatus,
    check_matter_request,
    check_result,
)
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.context import Actor, ServiceContext, require_role
from zhihui_tui.services.errors import NotFound, PermissionDenied, ServiceError
from zhihui_tui.services.field_rules import RESULT_POSTS, FieldAction, require_action
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

PAGE_SIZE = 50
WHAT = "该委托事项"


@dataclass(frozen=True)
class MatterRow:
    """One line of a post's queue."""

    id: int
    case_id: int
    case_number: str
    kind: MatterKind
    requirements: str
    requested_by: str
    requested_at: datetime
    effective_day: date
    deadline: date
    status: MatterStatus
    urgent: bool
    version: int = 1  # the version read: a save against it is refused if another terminal saved first


# -- requesting (handler) --------------------------------------------------------------------------------------


def request_matter(raw: MatterRequest, *, ctx: ServiceContext) -> int:
    """Send a request to the centre; returns the matter id. Bad input raises before anything is written."""
    actor = ctx.actor
    require_action(actor, FieldAction.REQUEST)
    now = ctx.now()
    checked = check_matter_request(raw, now=now, cal=ctx.calendar)
    with unit_of_work(ctx.engine, actor=actor, action="提请委托事项", clock=ctx.clock) as session:
        case = session.get(Case, checked.case_id)
        if case is None:
            raise FieldError("案号", "案件不存在")
        if case.handler_id != actor.id:
            raise PermissionDenied(f"{case.case_number or '该案'}的承办人不是{actor.name}，不能以其名义提请委托")
        matter = DelegatedMatter(
            case_id=checked.case_id,
            kind=checked.kind.value,
            post=(Role.BUREAU_CHIEF if checked.urgent else checked.kind.post).value,
            requirements=checked.requirements,
            urgent=checked.urgent,
            requested_by_id=actor.id,
            requested_at=now,
            effective_day=checked.effective_day,
            handler_deadline=checked.deadline,
            status=(MatterStatus.PENDING_APPROVAL if checked.urgent else MatterStatus.OPEN).value,
        )
        session.add(matter)
        session.flush()
        assert matter.id is not None
        if checked.kind is MatterKind.COUNTER:
            assert checked.institution is not None
            session.add(
                CounterTask(
                    case_id=checked.case_id,
                    matter_id=matter.id,
                    institution=checked.institution.value,
                    institution_name=checked.institution_name,
                    source=CounterSource.HANDLER_REQUEST.value,
                    requirements=checked.requirements,
                    handler_id=actor.id,
                    created_by_id=actor.id,
                    created_at=now,
                    status=CounterStatus.OPEN.value,
                )
            )
        return matter.id


# -- the chief's approval of an urgent 拘传 ----------------------------------------------------------------------


def approve_urgent(matter_id: int, note: str = "", *, expected_version: int | None = None, ctx: ServiceContext) -> None:
    """The bureau chief approves a temporary 拘传: it goes to the field-search queue at once."""
    actor = ctx.actor
    require_action(actor, FieldAction.DECIDE_URGENT)
    text = clean_text(note, field=F_DECISION_NOTE, max_length=500, required=False, multiline=True)
    with unit_of_work(ctx.engine, actor=actor, action="局长批准临时拘传", clock=ctx.clock) as session:
        matter = _pending(session, matter_id, expected_version)
        matter.status = MatterStatus.OPEN.value
        matter.post = Role.FIELD_SEARCH.value
        matter.decided_by_id, matter.decided_at = actor.id, ctx.now()
        matter.decision_note = text or None


def refuse_urgent(matter_id: int, reason: str, *, expected_version: int | None = None, ctx: ServiceContext) -> None:
    """The bureau chief refuses a temporary 拘传; the reason goes back to the handler as the result."""
    actor = ctx.actor
    require_action(actor, FieldAction.DECIDE_URGENT)
    text = clean_text(reason, field=F_DECISION_NOTE, max_length=500, multiline=True)
    with unit_of_work(ctx.engine, actor=actor, action="局长不予批准临时拘传", clock=ctx.clock) as session:
        matter = _pending(session, matter_id, expected_version)
        now = ctx.now()
        matter.status = MatterStatus.REFUSED.value
        matter.decided_by_id, matter.decided_at, matter.decision_note = actor.id, now, text
        matter.result, matter.result_by_id, matter.closed_at = f"局长不予批准：{text}", actor.id, now


def lock_matter(session: Session, matter_id: int, expected_version: int | None) -> DelegatedMatter:
    """The matter, row-locked for this transaction and at the version the clerk read (None: no check)."""
    return load_for_update(
        session, DelegatedMatter, matter_id, expected_version, what=WHAT, missing=f"委托事项 {matter_id} 不存在"
    )


def _pending(session: Session, matter_id: int, expected_version: int | None) -> DelegatedMatter:
    matter = lock_matter(session, matter_id, expected_version)
    if matter.status != MatterStatus.PENDING_APPROVAL.value:
        raise ServiceError(f"该事项当前为“{MatterStatus(matter.status).label}”，不在待审批状态")
    return matter


# -- the centre records a result ----------------------------------------------------------------------------------


def complete_matter(matter_id: int, result: str, *, expected_version: int | None = None, ctx: ServiceContext) -> None:
    """The centre post that holds the matter records its result (送达、公告、其他; field search and counter
    business complete theirs through their own services, with the record the post keeps)."""
    actor = ctx.actor
    text = check_result(result)
    with unit_of_work(ctx.engine, actor=actor, action="办结委托事项", clock=ctx.clock) as session:
        matter = lock_matter(session, matter_id, expected_version)
        require_role(actor, (Role(matter.post), Role.DIRECTOR), "办结该委托事项")
        if MatterKind(matter.kind).is_field_search or matter.kind == MatterKind.COUNTER.value:
            raise ServiceError("查人找物和临柜事项请在各自岗位界面登记结果")
        finish_matter(session, matter, text, actor=actor, at=ctx.now())


def finish_matter(session: Session, matter: DelegatedMatter, result: str, *, actor: Actor, at: datetime) -> None:
    """Close a matter with its result inside the caller's unit of work; the handler sees it as unread."""
    if matter.closed_at is not None:
        raise ServiceError(f"该事项已于 {matter.closed_at:%Y-%m-%d %H:%M} 办结")
    if matter.status not in (MatterStatus.OPEN.value, MatterStatus.IN_PROGRESS.value):
        raise ServiceError(f"该事项当前为“{MatterStatus(matter.status).label}”，不能办结")
    matter.status = MatterStatus.DONE.value
    matter.result, matter.result_by_id, matter.closed_at = result, actor.id, at


def acknowledge_result(matter_id: int, *, ctx: ServiceContext) -> None:
    """The requesting handler has read the result: it leaves the "waiting on me" list."""
    actor = ctx.actor
    with unit_of_work(ctx.engine, actor=actor, action="查阅委托结果", clock=ctx.clock) as session:
        matter = lock_matter(session, matter_id, None)  # marking read twice is harmless: no version check
        if matter.requested_by_id != actor.id:
            raise PermissionDenied("只有提请该事项的承办人可以确认已阅")
        if matter.closed_at is not None and matter.seen_at is None:
            matter.seen_at = ctx.now()


# -- queues ----------------------------------------------------------------------------------------------------


def matter_queue(
    *, post: Role, after_id: int | None = None, limit: int = PAGE_SIZE, ctx: ServiceContext
) -> list[MatterRow]:
    """Open matters of one post, oldest first, one page (keyset on id: flat however long the queue is)."""
    require_role(ctx.actor, (post, Role.DIRECTOR), "查看该岗位的委托事项")
    return _open_matters([post.value], after_id, limit, ctx)


def result_queue(*, after_id: int | None = None, limit: int = PAGE_SIZE, ctx: ServiceContext) -> list[MatterRow]:
    """Open matters whose result the actor's post records with :func:`complete_matter`: 送达 and 公告 for
    集约送达组, 其他 for the director. Oldest first, one keyset page across those posts."""
    require_action(ctx.actor, FieldAction.RECORD_RESULT)
    posts = [post.value for post in RESULT_POSTS if ctx.actor.has(post)]
    return _open_matters(posts, after_id, limit, ctx)


def _matter_lines() -> Select[DelegatedMatter, str | None, str]:
    """Matters with their case number and the requester's name: what a queue line shows."""
    return (
        select(DelegatedMatter, Case.case_number, Staff.name)
        .join(Case, col(Case.id) == DelegatedMatter.case_id)
        .join(Staff, col(Staff.id) == DelegatedMatter.requested_by_id)
    )


def _open_matters(posts: list[str], after_id: int | None, limit: int, ctx: ServiceContext) -> list[MatterRow]:
    """Open matters of ``posts``, oldest first, one keyset page after ``after_id``."""
    query = (
        _matter_lines()
        .where(col(DelegatedMatter.post).in_(posts), col(DelegatedMatter.closed_at).is_(None))
        .order_by(col(DelegatedMatter.id))
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(col(DelegatedMatter.id) > after_id)
    with read_session(ctx.engine) as session:
        rows = session.exec(query).all()
    return [to_matter_row(matter, number, name) for matter, number, name in rows]


def to_matter_row(matter: DelegatedMatter, case_number: str | None, requester: str) -> MatterRow:
    """A queue line from a matter, its case number and the requester's name."""
    assert matter.id is not None
    return MatterRow(
        id=matter.id,
        case_id=matter.case_id,
        case_number=case_number or "（未立案）",
        kind=MatterKind(matter.kind),
        requirements=matter.requirements,
        requested_by=requester,
        requested_at=matter.requested_at,
        effective_day=matter.effective_day,
        deadline=matter.handler_deadline,
        status=MatterStatus(matter.status),
        urgent=matter.urgent,
        version=matter.version,
    )


def get_matter(matter_id: int, *, ctx: ServiceContext) -> MatterRow:
    """One matter as a queue line (any signed-in person who knows its id may read this much)."""
    with read_session(ctx.engine) as session:
        row = session.exec(_matter_lines().where(DelegatedMatter.id == matter_id)).first()
    if row is None:
        raise NotFound(f"委托事项 {matter_id} 不存在")
    return to_matter_row(*row)
