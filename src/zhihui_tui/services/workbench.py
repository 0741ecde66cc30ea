"""承办人工作台: a handler's cases with stage and next deadline, what is waiting on them (results back from the
centre, booked meetings and call-backs), one result with the files that came with it, and one case's whole
history (stage changes and audit trail)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, or_
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    AssetFinding,
    AuditRecord,
    Case,
    CounterTask,
    Deadline,
    DelegatedMatter,
    FieldSearch,
    ServiceAttempt,
    Staff,
    StageChange,
)
from zhihui_tui.domain.field_work import MatterKind, MatterStatus
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.account_check import recheck_actor
from zhihui_tui.services.attachments import AttachmentView, attachments_for
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.counter import OWNER_KIND as COUNTER_OWNER
from zhihui_tui.services.delegation import PAGE_SIZE
from zhihui_tui.services.errors import NotFound, PermissionDenied
from zhihui_tui.services.field_rules import FieldAction, require_action
from zhihui_tui.services.field_search import OWNER_KIND as SEARCH_OWNER
from zhihui_tui.services.inquiry.late import unread_late_findings
from zhihui_tui.services.reception import handler_appointments

OVERSIGHT_ROLES = (Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF, Role.GENERAL_AFFAIRS)
MATTER_OWNER = "delegated_matter"
CLOSED_STAGES = (Stage.ARCHIVED.value, Stage.REJECTED.value)
LATE_FINDING = "迟到查控结果"


@dataclass(frozen=True)
class CaseRow:
    """One of the handler's cases: its stage, earliest open deadline and open delegated matters."""

    id: int
    case_number: str
    stage: Stage
    next_due: date | None
    open_matters: int


@dataclass(frozen=True)
class WaitingItem:
    """Something waiting on the handler: ``kind`` is 委托结果 / 临柜结果 / 迟到查控结果 / 约见 / 回电 / 待审批."""

    kind: str
    case_id: int
    case_number: str
    at: datetime
    text: str
    matter_id: int | None = None
    task_id: int | None = None
    appointment_id: int | None = None
    finding_id: int | None = None  # a late inquiry result (迟到查控结果)


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a case's history: a stage change or an audit record, with who did it."""

    at: datetime
    who: str
    what: str
    detail: str


@dataclass(frozen=True)
class CaseHistory:
    """A case's whole history, oldest first, and its stage now."""

    case_id: int
    case_number: str
    stage: Stage
    entries: list[HistoryEntry]


def my_cases(*, after_id: int | None = None, limit: int = PAGE_SIZE, ctx: ServiceContext) -> list[CaseRow]:
    """The handler's cases (not archived or rejected), newest first, one keyset page (``after_id``: the last id
    of the previous page), with the earliest open deadline and the number of open delegated matters.

    Two steps on purpose: the page of cases first, then the figures for just those ids. A correlated subquery
    per row let SQLite pick the open-deadlines index and scan every open step for each case (seconds)."""
    actor = ctx.actor
    require_action(actor, FieldAction.VIEW_MY_CASES)
    query = (
        select(col(Case.id), Case.case_number, Case.stage)
        .where(Case.handler_id == actor.id, col(Case.stage).not_in(CLOSED_STAGES))
        .order_by(col(Case.id).desc())
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(col(Case.id) < after_id)
    with read_session(ctx.engine) as session:
        rows = [(case_id, number, stage) for case_id, number, stage in session.exec(query).all() if case_id is not None]
        ids = [case_id for case_id, _number, _stage in rows]
        due: dict[int, date] = {}
        for case_id, due_date, done_at in _for_cases(session, Deadline, Deadline.due_date, Deadline.done_at, ids):
            if done_at is None and (case_id not in due or due_date < due[case_id]):
                due[case_id] = due_date
        matters: dict[int, int] = {}
        for case_id, _id, closed_at in _for_cases(
            session, DelegatedMatter, DelegatedMatter.id, DelegatedMatter.closed_at, ids
        ):
            if closed_at is None:
                matters[case_id] = matters.get(case_id, 0) + 1
    return [
        CaseRow(case_id, number or "（未立案）", Stage(stage), due.get(case_id), matters.get(case_id, 0))
        for case_id, number, stage in rows
    ]


def _for_cases(session: Session, model: Any, value: Any, done: Any, ids: list[int]) -> list[tuple[int, Any, Any]]:
    """(case_id, value, done marker) of every row of ``model`` for the given cases, read through the case_id
    index; the open/closed filter is applied by the caller (in SQL it lets SQLite pick the done-column index and
    scan every open row)."""
    if not ids:
        return []
    return list(session.exec(select(model.case_id, value, done).where(col(model.case_id).in_(ids))).all())


def waiting_on_me(*, limit: int = PAGE_SIZE, ctx: ServiceContext) -> list[WaitingItem]:
    """Unread results of the handler's requests, counter results for their cases, and booked appointments."""
    actor, engine = ctx.actor, ctx.engine
    require_action(actor, FieldAction.VIEW_WAITING)
    items = _matter_results(engine, actor, limit) + _counter_results(engine, actor, limit)
    items += [
        WaitingItem(LATE_FINDING, f.case_id, f.case_number, f.entered_at, f.text, finding_id=f.finding_id)
        for f in unread_late_findings(engine, actor, limit)
    ]
    for appointment in handler_appointments(ctx=ctx, limit=limit):
        items.append(
            WaitingItem(
                kind=appointment.kind.label,
                case_id=appointment.case_id,
                case_number=appointment.case_number or "（未立案）",
                at=appointment.scheduled_at,
                text=f"{appointment.party_name}（{appointment.channel.label}）",
                appointment_id=appointment.id,
            )
        )
    return sorted(items, key=lambda item: (item.at, item.kind))[:limit]


def _matter_results(engine: Engine, actor: Actor, limit: int) -> list[WaitingItem]:
    unread = and_(col(DelegatedMatter.closed_at).is_not(None), col(DelegatedMatter.seen_at).is_(None))
    pending = col(DelegatedMatter.status) == MatterStatus.PENDING_APPROVAL.value
    with read_session(engine) as session:
        rows = session.exec(
            select(DelegatedMatter, Case.case_number)
            .join(Case, col(Case.id) == DelegatedMatter.case_id)
            .where(DelegatedMatter.requested_by_id == actor.id, or_(unread, pending))
            .order_by(col(DelegatedMatter.id))
            .limit(limit)
        ).all()
    items = []
    for matter, number in rows:
        kind = MatterKind(matter.kind).label
        if matter.status == MatterStatus.PENDING_APPROVAL.value:
            item = WaitingItem("待审批", matter.case_id, number or "", matter.requested_at, f"临时{kind}：待局长审批")
        else:
            assert matter.closed_at is not None
            text = f"{kind}：{matter.result or ''}"
            item = WaitingItem("委托结果", matter.case_id, number or "", matter.closed_at, text, matter_id=matter.id)
        items.append(item)
    return items


def _counter_results(engine: Engine, actor: Actor, limit: int) -> list[WaitingItem]:
    """Counter results for tasks the centre opened itself (a request's result comes back through its matter)."""
    with read_session(engine) as session:
        rows = session.exec(
            select(CounterTask, Case.case_number)
            .join(Case, col(Case.id) == CounterTask.case_id)
            .where(
                CounterTask.handler_id == actor.id,
                col(CounterTask.matter_id).is_(None),
                col(CounterTask.closed_at).is_not(None),
                col(CounterTask.seen_at).is_(None),
            )
            .order_by(col(CounterTask.id))
            .limit(limit)
        ).all()
    return [
        WaitingItem(
            "临柜结果",
            task.case_id,
            number or "",
            task.closed_at or task.created_at,
            f"{task.institution_name}：{task.result or ''}",
            task_id=task.id,
        )
        for task, number in rows
    ]


# -- one result with its files ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultDetail:
    """A result the centre sent back, whole, with the files recorded on the matter, its field search or its
    counter task (R-DEL-1: "the result flows back with its materials")."""

    case_id: int
    case_number: str
    what: str  # 送达 / 现场调查 / 临柜（农行科右前旗支行）…
    requirements: str
    result: str
    done_by: str | None
    done_at: datetime | None
    receipt: str  # the counter receipt (回执) when there is one, else ""
    attachments: list[AttachmentView]


def result_detail(*, matter_id: int | None = None, task_id: int | None = None, ctx: ServiceContext) -> ResultDetail:
    """The result of a delegated matter (``matter_id``) or of a counter task the centre opened (``task_id``)."""
    with read_session(ctx.engine) as session:
        if matter_id is not None:
            return _matter_detail(session, matter_id, ctx.actor)
        if task_id is not None:
            return _task_detail(session, task_id, ctx.actor)
    raise NotFound("没有指定要查看的结果")


def _matter_detail(session: Session, matter_id: int, actor: Actor) -> ResultDetail:
    matter = session.get(DelegatedMatter, matter_id)
    if matter is None:
        raise NotFound(f"委托事项 {matter_id} 不存在")
    case = _readable_case(session, matter.case_id, actor, matter.requested_by_id)
    owners = [(MATTER_OWNER, matter_id)]
    search_id = session.exec(select(FieldSearch.id).where(FieldSearch.matter_id == matter_id)).first()
    if search_id is not None:
        owners.append((SEARCH_OWNER, search_id))
    task = session.exec(select(CounterTask).where(CounterTask.matter_id == matter_id)).first()
    if task is not None and task.id is not None:
        owners.append((COUNTER_OWNER, task.id))
    return ResultDetail(
        case_id=matter.case_id,
        case_number=case.case_number or "（未立案）",
        what=MatterKind(matter.kind).label,
        requirements=matter.requirements,
        result=matter.result or "",
        done_by=_name(session, matter.result_by_id),
        done_at=matter.closed_at,
        receipt=_receipt(task),
        attachments=attachments_for(session, owners),
    )


def _task_detail(session: Session, task_id: int, actor: Actor) -> ResultDetail:
    task = session.get(CounterTask, task_id)
    if task is None or task.id is None:
        raise NotFound(f"临柜业务 {task_id} 不存在")
    case = _readable_case(session, task.case_id, actor, task.handler_id)
    return ResultDetail(
        case_id=task.case_id,
        case_number=case.case_number or "（未立案）",
        what=f"临柜（{task.institution_name}）",
        requirements=task.requirements,
        result=task.result or "",
        done_by=_name(session, task.taken_by_id),
        done_at=task.closed_at,
        receipt=_receipt(task),
        attachments=attachments_for(session, [(COUNTER_OWNER, task.id)]),
    )


def _readable_case(session: Session, case_id: int, actor: Actor, recipient_id: int | None) -> Case:
    """The result's recipient, the case's handler, or an oversight role may read it."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"案件 {case_id} 不存在")
    if actor.id not in (recipient_id, case.handler_id) and not actor.has(*OVERSIGHT_ROLES):
        raise PermissionDenied("只能查看本人承办案件的办理结果")
    return case


def _name(session: Session, staff_id: int | None) -> str | None:
    staff = session.get(Staff, staff_id) if staff_id is not None else None
    return staff.name if staff is not None else None


def _receipt(task: CounterTask | None) -> str:
    if task is None or task.receipt_no is None:
        return ""
    return f"回执 {task.receipt_no}，协执单位经办人 {task.receipt_officer}，经办人签字 {task.receipt_signed_by}"


# -- one case's history ----------------------------------------------------------------------------------------


def case_history(case_id: int, *, limit: int = 500, ctx: ServiceContext) -> CaseHistory:
    """Stage changes and every audit record of the case and of its delegated matters and counter tasks."""
    actor = ctx.actor
    with read_session(ctx.engine) as session:
        recheck_actor(session, actor)  # personal data: a disabled account or a removed role reads nothing
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"案件 {case_id} 不存在")
        if case.handler_id != actor.id and not actor.has(*OVERSIGHT_ROLES):
            raise PermissionDenied("只能查看本人承办案件的全程记录")
        stages = session.exec(
            select(StageChange, Staff.name)
            .join(Staff, col(Staff.id) == StageChange.actor_id)
            .where(StageChange.case_id == case_id)
            .order_by(col(StageChange.at), col(StageChange.id))
        ).all()
        matter_ids = [
            str(i) for i in session.exec(select(DelegatedMatter.id).where(DelegatedMatter.case_id == case_id))
        ]
        task_ids = [str(i) for i in session.exec(select(CounterTask.id).where(CounterTask.case_id == case_id))]
        finding_ids = [str(i) for i in session.exec(select(AssetFinding.id).where(AssetFinding.case_id == case_id))]
        attempt_ids = [str(i) for i in session.exec(select(ServiceAttempt.id).where(ServiceAttempt.case_id == case_id))]
        audits = session.exec(
            select(AuditRecord)
            .where(
                or_(
                    and_(col(AuditRecord.entity) == "enforcement_case", col(AuditRecord.entity_id) == str(case_id)),
                    and_(col(AuditRecord.entity) == "delegated_matter", col(AuditRecord.entity_id).in_(matter_ids)),
                    and_(col(AuditRecord.entity) == "counter_task", col(AuditRecord.entity_id).in_(task_ids)),
                    and_(col(AuditRecord.entity) == "asset_finding", col(AuditRecord.entity_id).in_(finding_ids)),
                    and_(col(AuditRecord.entity) == "service_attempt", col(AuditRecord.entity_id).in_(attempt_ids)),
                )
            )
            .order_by(col(AuditRecord.id))
            .limit(limit)
        ).all()
        logins = sorted({a.actor_login for a in audits})
        names = dict(session.exec(select(Staff.login, Staff.name).where(col(Staff.login).in_(logins))).all())
    number = case.case_number or "（未立案）"
    entries = [_stage_entry(change, name) for change, name in stages]
    entries += [
        HistoryEntry(a.as_of, names.get(a.actor_login, a.actor_login), a.action, _audit_detail(a, number))
        for a in audits
    ]
    entries.sort(key=lambda entry: entry.at)
    return CaseHistory(case_id, number, Stage(case.stage), entries)


def _stage_entry(change: StageChange, name: str) -> HistoryEntry:
    start = Stage(change.from_stage).label if change.from_stage else "—"
    detail = f"{start} → {Stage(change.to_stage).label}"
    if change.note:
        detail += f"（{change.note}）"
    return HistoryEntry(change.at, name, "阶段变更", detail)


_ENTITY_LABELS = {
    "enforcement_case": "案件",
    "delegated_matter": "委托事项",
    "counter_task": "临柜业务",
    "asset_finding": "查控结果",
    "service_attempt": "送达记录",
}


def _audit_detail(record: AuditRecord, case_number: str) -> str:
    """What changed, with the case named by its number (its row id means nothing to a clerk)."""
    label = _ENTITY_LABELS.get(record.entity, record.entity)
    change = "新建" if record.before is None else ("删除" if record.after is None else "修改")
    which = case_number if record.entity == "enforcement_case" else record.entity_id
    late = "（迟到）" if record.entity == "asset_finding" and _recorded_late(record.after) else ""
    return f"{label} {which} {change}{late}"


def _recorded_late(after: str | None) -> bool:
    """Whether a finding's audit row records it as late: read as JSON, whatever the text's spacing (rows written
    before orjson have spaces after the colons, later ones none)."""
    if not after:
        return False
    try:
        return json.loads(after).get("late") is True
    except (ValueError, AttributeError):
        return False
