"""临柜业务 (SPEC §3.7, R-CTR-1): counter tasks at banks, the vehicle office, the real-estate registry and the
market regulator, for preservation, delegated and handler-requested cases.

- Only an officer whose account records both a court work card (工作证) and an enforcement official card
  (执行公务证) may take a task; the check reads the account inside the write transaction.
- Handover needs a complete receipt signed by the officer who took the task; the result goes back to the
  handler (the linked delegated matter is closed with it, or the task itself shows as unread for the handler).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CounterTask, DelegatedMatter, Staff
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import (
    F_CASE,
    F_INSTITUTION_NAME,
    F_REQUIREMENTS,
    CounterSource,
    CounterStatus,
    CounterTaskForm,
    Institution,
    MatterStatus,
    Receipt,
    check_counter_task,
    check_receipt,
    missing_cards,
)
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.attachments import StoredFile, record_attachment
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.delegation import PAGE_SIZE, finish_matter
from zhihui_tui.services.errors import PermissionDenied, ServiceError
from zhihui_tui.services.field_rules import FieldAction, require_action
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

OWNER_KIND = "counter_task"
CLOSED_STAGES = (Stage.REJECTED.value, Stage.ARCHIVED.value)  # no counter work on a rejected or archived case


@dataclass(frozen=True)
class CounterRow:
    """One line of a counter queue, with the version read (a take or handover is checked against it)."""

    id: int
    case_id: int
    case_number: str
    institution: Institution
    institution_name: str
    source: CounterSource
    requirements: str
    status: CounterStatus
    taken_by: str | None
    created_at: datetime
    deadline: date | None  # the handler's date when the task came from a request
    version: int = 1


@dataclass(frozen=True)
class NewCounterTask:
    """A task the centre opens itself: a preservation case or a matter delegated by another court."""

    case_id: int
    institution: Institution
    institution_name: str
    source: CounterSource
    requirements: str


def create_task(new: NewCounterTask, *, ctx: ServiceContext) -> int:
    """Open a task the centre does itself for a case picked by id (preservation or delegated work)."""
    actor = ctx.actor
    require_action(actor, FieldAction.OPEN_COUNTER_TASK)
    if new.source is CounterSource.HANDLER_REQUEST:
        raise ServiceError("承办人申请的临柜业务由承办人在工作台提请")
    requirements = clean_text(new.requirements, field=F_REQUIREMENTS, max_length=2000, multiline=True)
    name = clean_text(new.institution_name or new.institution.label, field=F_INSTITUTION_NAME, max_length=100)
    with unit_of_work(ctx.engine, actor=actor, action="新建临柜业务", clock=ctx.clock) as session:
        case = session.get(Case, new.case_id)
        if case is None:
            raise FieldError(F_CASE, "案件不存在")
        return _insert_task(session, case, new.institution, name, new.source, requirements, actor=actor, now=ctx.now())


def open_task(form: CounterTaskForm, *, ctx: ServiceContext) -> int:
    """The F8 form: the case picked by its number as typed. Every field is checked before anything is written."""
    actor = ctx.actor
    require_action(actor, FieldAction.OPEN_COUNTER_TASK)
    checked = check_counter_task(form)
    number = str(checked.case_number)
    with unit_of_work(ctx.engine, actor=actor, action="新建临柜业务", clock=ctx.clock) as session:
        case = session.exec(select(Case).where(Case.case_number == number)).first()
        if case is None:
            raise FieldError(F_CASE, f"本院没有案号为{number}的案件")
        if case.stage in CLOSED_STAGES:
            raise FieldError(F_CASE, f"{number}当前为“{Stage(case.stage).label}”，不能新建临柜业务")
        return _insert_task(
            session,
            case,
            checked.institution,
            checked.institution_name,
            checked.source,
            checked.requirements,
            actor=actor,
            now=ctx.now(),
        )


def _insert_task(
    session: Session,
    case: Case,
    institution: Institution,
    name: str,
    source: CounterSource,
    requirements: str,
    *,
    actor: Actor,
    now: datetime,
) -> int:
    """The result of a task the centre opens goes to the case's handler (``_counter_results`` on F6)."""
    assert case.id is not None
    task = CounterTask(
        case_id=case.id,
        institution=institution.value,
        institution_name=name,
        source=source.value,
        requirements=requirements,
        handler_id=case.handler_id,
        created_by_id=actor.id,
        created_at=now,
        status=CounterStatus.OPEN.value,
    )
    session.add(task)
    session.flush()
    return task.id or 0


# -- queue -----------------------------------------------------------------------------------------------------


def counter_queue(
    *,
    institution: Institution,
    after_id: int | None = None,
    limit: int = PAGE_SIZE,
    ctx: ServiceContext,
) -> list[CounterRow]:
    """Open tasks at one kind of institution, oldest first, one keyset page."""
    require_action(ctx.actor, FieldAction.VIEW_COUNTER)
    taker = Staff.__table__.alias("taker")  # type: ignore[attr-defined]
    taker_name: Any = taker.c.name  # an aliased table's column: sqlmodel's select() overloads cannot type it
    query = (
        select(CounterTask, Case.case_number, taker_name, col(DelegatedMatter.handler_deadline))
        .join(Case, col(Case.id) == CounterTask.case_id)
        .join(taker, taker.c.id == CounterTask.taken_by_id, isouter=True)
        .join(DelegatedMatter, col(DelegatedMatter.id) == CounterTask.matter_id, isouter=True)
        .where(CounterTask.institution == institution.value, col(CounterTask.closed_at).is_(None))
        .order_by(col(CounterTask.id))
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(col(CounterTask.id) > after_id)
    with read_session(ctx.engine) as session:
        rows = session.exec(query).all()
    return [_row(task, number, taken_by, deadline) for task, number, taken_by, deadline in rows]


def _row(task: CounterTask, case_number: str | None, taken_by: str | None, deadline: date | None) -> CounterRow:
    return CounterRow(
        id=task.id or 0,
        case_id=task.case_id,
        case_number=case_number or "（未立案）",
        institution=Institution(task.institution),
        institution_name=task.institution_name,
        source=CounterSource(task.source),
        requirements=task.requirements,
        status=CounterStatus(task.status),
        taken_by=taken_by,
        created_at=task.created_at,
        deadline=deadline,
        version=task.version,
    )


def open_counts(*, ctx: ServiceContext) -> dict[Institution, int]:
    """Open tasks per kind of institution (the tabs' figures); each count reads the queue index only."""
    counts = dict.fromkeys(Institution, 0)
    with read_session(ctx.engine) as session:
        for institution in Institution:
            counts[institution] = session.exec(
                select(func.count())
                .select_from(CounterTask)
                .where(CounterTask.institution == institution.value, col(CounterTask.closed_at).is_(None))
            ).one()
    return counts


# -- taking and handing over (R-CTR-1) -----------------------------------------------------------------------------


def take_task(task_id: int, *, expected_version: int | None = None, ctx: ServiceContext) -> None:
    """An officer takes a task; refused unless the account records both cards."""
    actor = ctx.actor
    require_action(actor, FieldAction.TAKE_COUNTER_TASK)
    with unit_of_work(ctx.engine, actor=actor, action="领取临柜业务", clock=ctx.clock) as session:
        staff = session.get(Staff, actor.id)
        assert staff is not None
        missing = missing_cards(staff.work_card_no, staff.official_card_no)
        if missing:
            raise PermissionDenied(f"{staff.name}的账号未登记{'、'.join(missing)}，不能办理临柜业务")
        task = _task(session, task_id, expected_version)
        if task.status != CounterStatus.OPEN.value:
            raise ServiceError(f"该业务当前为“{CounterStatus(task.status).label}”，不能领取")
        task.status, task.taken_by_id, task.taken_at = CounterStatus.TAKEN.value, actor.id, ctx.now()
        if task.matter_id is not None:
            matter = session.get(DelegatedMatter, task.matter_id)
            if matter is not None and matter.status == MatterStatus.OPEN.value:
                matter.status = MatterStatus.IN_PROGRESS.value


def hand_over(
    task_id: int,
    receipt: Receipt,
    files: Sequence[StoredFile] = (),
    *,
    expected_version: int | None = None,
    ctx: ServiceContext,
) -> None:
    """Hand over with a complete receipt signed by the officer; the result goes back to the handler."""
    actor = ctx.actor
    require_action(actor, FieldAction.HAND_OVER_COUNTER_TASK)
    with unit_of_work(ctx.engine, actor=actor, action="临柜业务交接", clock=ctx.clock) as session:
        task = _task(session, task_id, expected_version)
        if task.status != CounterStatus.TAKEN.value:
            raise ServiceError(f"该业务当前为“{CounterStatus(task.status).label}”，不能交接")
        if task.taken_by_id != actor.id:
            raise PermissionDenied("只有领取该业务的经办人可以交接")
        staff = session.get(Staff, actor.id)
        assert staff is not None
        checked = check_receipt(receipt, taker_name=staff.name)
        now = ctx.now()
        task.receipt_no, task.receipt_officer = checked.receipt_no, checked.institution_officer
        task.receipt_signed_by, task.result = checked.signed_by, checked.result
        task.status, task.closed_at = CounterStatus.HANDED_OVER.value, now
        for stored in files:
            record_attachment(session, stored, owner_kind=OWNER_KIND, owner_id=task_id, actor_id=actor.id, at=now)
        if task.matter_id is not None:
            matter = session.get(DelegatedMatter, task.matter_id)
            assert matter is not None
            finish_matter(session, matter, f"{task.institution_name}：{checked.result}", actor=actor, at=now)


def acknowledge_task(task_id: int, *, ctx: ServiceContext) -> None:
    """The handler has read the result of a task the centre opened (preservation or delegated)."""
    actor = ctx.actor
    with unit_of_work(ctx.engine, actor=actor, action="查阅临柜结果", clock=ctx.clock) as session:
        task = _task(session, task_id, None)  # marking read twice is harmless: no version check
        if task.handler_id != actor.id:
            raise PermissionDenied("只有该案承办人可以确认已阅")
        if task.closed_at is not None and task.seen_at is None:
            task.seen_at = ctx.now()


def _task(session: Session, task_id: int, expected_version: int | None) -> CounterTask:
    """The task, row-locked and at the version the officer read (None: no check)."""
    return load_for_update(
        session, CounterTask, task_id, expected_version, what="该临柜业务", missing=f"临柜业务 {task_id} 不存在"
    )
