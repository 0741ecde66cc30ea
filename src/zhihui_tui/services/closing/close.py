"""结案 (SPEC §3.10–3.11): the handler closes a case they hold with its 结案方式.

Refused, naming what is in the way and changing nothing: money left in the case account (R-FND-1: it is paid out
first), matters or counter business still open, and for 终本 any unmet condition the director has not overridden
(R-ZB-1). Closing opens the dossier's steps (R-ARC-1: transfer within 20 days, archive within 90) and, for 终本,
the watch: a network inquiry every 6 months for 5 years (R-ZB-2).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from zhihui_tui.db.models import Case, CounterTask, DelegatedMatter, ZhongbenWatch
from zhihui_tui.domain.closing import Closure, watch_schedule
from zhihui_tui.domain.field_work import CounterStatus, MatterKind, MatterStatus
from zhihui_tui.domain.lifecycle import FilingCategory, Stage, check_transition
from zhihui_tui.domain.money import format_yuan
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.closing.rules import ClosingAction, require_action
from zhihui_tui.services.closing.zhongben import check_case
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.deadlines import open_deadline
from zhihui_tui.services.errors import PermissionDenied, ServiceError
from zhihui_tui.services.funds.accounts import balance_of
from zhihui_tui.services.inquiry.writes import move_stage
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

OPEN_MATTERS = (MatterStatus.PENDING_APPROVAL.value, MatterStatus.OPEN.value, MatterStatus.IN_PROGRESS.value)
OBJECTION_CLOSURES = frozenset({Closure.DISMISSED, Closure.WITHDRAWN, Closure.NOT_ENFORCED})


def close_case(
    case_id: int, closure: str, note: str = "", *, expected_version: int | None = None, ctx: ServiceContext
) -> None:
    """Close a case the handler holds; see the module's rules."""
    require_action(ctx.actor, ClosingAction.CLOSE)
    how = Closure.parse(closure)
    text = clean_text(note, field="结案说明", max_length=500, required=False)
    now = ctx.now()
    with unit_of_work(ctx.engine, actor=ctx.actor, action="结案", clock=ctx.clock) as session:
        case = load_for_update(session, Case, case_id, expected_version, what="该案件")
        assert case.id is not None
        if case.handler_id != ctx.actor.id:
            raise PermissionDenied("只能对本人承办的案件结案")
        check_transition(Stage(case.stage), Stage.CLOSED)
        _refuse_open_business(session, case, how)
        if how is Closure.PROCEDURE_TERMINATED:
            check = check_case(session, case, now.date())
            if not check.eligible:
                raise ServiceError("终本条件未满足：" + "；".join(check.unmet) + "。如确需终本，请报指挥中心主任批准")
        case.closure, case.closed_at = how.value, now
        move_stage(
            session, case, Stage.CLOSED, actor=ctx.actor, now=now, note=how.label + (f"：{text}" if text else "")
        )
        open_deadline(
            session,
            case_id=case.id,
            step=Step.DOSSIER_TRANSFER,
            triggered_at=now,
            calendar=ctx.calendar,
            owner_id=ctx.actor.id,
        )
        open_deadline(session, case_id=case.id, step=Step.ARCHIVE, triggered_at=now, calendar=ctx.calendar)
        if how is Closure.PROCEDURE_TERMINATED:
            session.add_all(
                ZhongbenWatch(case_id=case.id, round=n, due_on=day)
                for n, day in enumerate(watch_schedule(now.date()), start=1)
            )


def _refuse_open_business(session: Session, case: Case, how: Closure) -> None:
    assert case.id is not None
    if case.filing_category == FilingCategory.OBJECTION.value and how not in OBJECTION_CLOSURES:
        raise ServiceError(f"执行异议案件的结案方式应为{'、'.join(c.label for c in OBJECTION_CLOSURES)}")
    balance = balance_of(session, case.id)
    if balance:
        raise ServiceError(f"案款账户尚有余额 {format_yuan(balance)} 元，发放完毕后才能结案")
    matters = session.exec(
        select(DelegatedMatter.kind).where(
            DelegatedMatter.case_id == case.id, col(DelegatedMatter.status).in_(OPEN_MATTERS)
        )
    ).all()
    tasks = session.exec(  # counter business the centre opened itself (a handler's request is its matter)
        select(CounterTask.id).where(
            CounterTask.case_id == case.id,
            CounterTask.status != CounterStatus.HANDED_OVER.value,
            col(CounterTask.matter_id).is_(None),
        )
    ).all()
    if matters or tasks:
        names = [MatterKind(kind).label for kind in matters] + ["临柜业务"] * len(tasks)
        raise ServiceError(f"尚有 {len(names)} 项未办结的事项（{'、'.join(names)}），办结后才能结案")
