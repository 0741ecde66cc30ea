"""Recording service (R-SRV-2): an attempt per recipient — by post with its tracking number, in person, or by
public notice — and its result. Each result enters the case history (audited rows), closes what it finishes and
opens what follows:

- the pack step (生成文书并邮寄, R-SRV-1) is done once the five documents exist and every respondent has been sent
  the pack; the case moves 已立案 → 已送达 once every respondent is served, and 网络查控's 2 days start;
- a failed attempt names the next way (另址邮寄、承办人直接送达、公告送达); public notice needs the handler's 公告
  matter (R-SRV-2: requested by the handler when every other way failed) and counts as served 30 days after
  publication (民事诉讼法第九十五条);
- a handler's handed-over 送达 or 公告 matter is finished with the result, which flows back to the handler.

"At most one attempt per recipient waiting for a result" and "a tracking number once" are unique indexes; the
checks here only word the refusal before the constraint would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from zhihui_tui.db.models import Case, CaseParty, DelegatedMatter, Party, ServiceAttempt, ServiceDocument
from zhihui_tui.domain.documents import PACK
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import MatterKind, MatterStatus
from zhihui_tui.domain.lifecycle import Stage, check_transition
from zhihui_tui.domain.mailing import NextAttempt, ServiceResult
from zhihui_tui.domain.service_attempts import (
    F_METHOD,
    F_RESULT_ON,
    NEXT_METHOD,
    AttemptInput,
    CheckedAttempt,
    ResultInput,
    ServiceMethod,
    check_attempt,
    check_service_result,
)
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.deadlines import close_deadline, open_deadline
from zhihui_tui.services.delegation import finish_matter
from zhihui_tui.services.errors import ServiceError
from zhihui_tui.services.inquiry.writes import move_stage
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.service_desk.owners import OPEN_MATTER, SERVICE_MATTERS
from zhihui_tui.services.service_desk.rules import ServiceAction, require_action
from zhihui_tui.services.uow import unit_of_work

NOTICE_DAYS = 30  # 公告送达: deemed served 30 days after publication (民事诉讼法第九十五条)
ATTEMPT = "该送达记录"


@dataclass(frozen=True)
class Target:
    """Whom an attempt serves: a respondent with the pack (``party_id``) and/or a handler's matter."""

    case_id: int
    party_id: int | None = None
    matter_id: int | None = None


@dataclass(frozen=True)
class ResultOutcome:
    """What a result changed: whether the recipient and the whole pack are now served, and what may follow."""

    served: bool
    case_served: bool  # the case moved to 已送达
    matter_done: bool
    next_attempt: NextAttempt | None


def record_attempt(target: Target, raw: AttemptInput, *, ctx: ServiceContext) -> int:
    """Record a mailing, an in-person service or a public notice; returns the attempt's id."""
    require_action(ctx.actor, ServiceAction.RECORD)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="登记送达", clock=ctx.clock) as session:
        case = load_for_update(session, Case, target.case_id, None, what="该案件")
        matter = _matter(session, target) if target.matter_id is not None else None
        filed = case.filed_at.date() if case.filed_at else case.received_at.date()
        checked = check_attempt(raw, today=ctx.now().date(), earliest=filed)
        recipient = _check_target(session, case, target, checked, matter)
        _check_tracking_unused(session, checked.tracking_number)
        row = ServiceAttempt(
            case_id=target.case_id,
            party_id=target.party_id,
            matter_id=target.matter_id,
            recipient=recipient,
            address=checked.address,
            method=checked.method.value,
            tracking_number=checked.tracking_number,
            sent_on=checked.sent_on,
            sent_by_id=ctx.actor.id,
            recorded_at=ctx.now(),
        )
        session.add(row)
        session.flush()
        if target.party_id is not None:
            _close_pack_step_when_sent(session, case, ctx)
        assert row.id is not None
        return row.id


def _matter(session: Session, target: Target) -> DelegatedMatter:
    matter = load_for_update(session, DelegatedMatter, target.matter_id, None, what="该委托事项")
    if matter.case_id != target.case_id or matter.kind not in SERVICE_MATTERS:
        raise ServiceError("该委托事项不是本案交由集约送达组办理的送达或公告")
    if matter.status not in OPEN_MATTER:
        raise ServiceError(f"该事项当前为“{MatterStatus(matter.status).label}”，不能登记送达")
    return matter


def _check_target(
    session: Session, case: Case, target: Target, checked: CheckedAttempt, matter: DelegatedMatter | None
) -> str:
    """The recipient's name, once the attempt fits the case, the recipient's history and the matter's kind."""
    notice = matter is not None and matter.kind == MatterKind.PUBLIC_NOTICE.value
    if (checked.method is ServiceMethod.PUBLIC_NOTICE) != notice:
        raise FieldError(F_METHOD, "公告送达须由承办人提起公告事项后办理" if not notice else "公告事项应登记公告送达")
    if target.party_id is None:
        if matter is None:
            raise ServiceError("请选择受送达的被执行人或交办事项")
        _refuse_open(session, col(ServiceAttempt.matter_id) == matter.id, col(ServiceAttempt.party_id).is_(None))
        return _case_respondents(session, case.id)
    if case.stage != Stage.FILED.value:
        raise ServiceError(f"该案状态为“{Stage(case.stage).label}”，立案送达文书已不在送达环节")
    if _generated_kinds(session, case.id) < len(PACK):
        raise ServiceError("该案的送达文书尚未全部生成，请先生成文书")
    name = _respondent_name(session, case.id, target.party_id)
    _refuse_open(session, col(ServiceAttempt.case_id) == case.id, col(ServiceAttempt.party_id) == target.party_id)
    _check_follows_last(session, case.id, target.party_id, checked)
    return name


def _respondent_name(session: Session, case_id: int | None, party_id: int) -> str:
    name = session.exec(
        select(Party.name)
        .join(CaseParty, col(CaseParty.party_id) == Party.id)
        .where(CaseParty.case_id == case_id, CaseParty.party_id == party_id, CaseParty.role == "respondent")
    ).first()
    if name is None:
        raise ServiceError("受送达人不是本案的被执行人")
    return name


def _case_respondents(session: Session, case_id: int | None) -> str:
    names = session.exec(
        select(Party.name)
        .join(CaseParty, col(CaseParty.party_id) == Party.id)
        .where(CaseParty.case_id == case_id, CaseParty.role == "respondent")
        .order_by(col(CaseParty.id))
    ).all()
    return "、".join(names)[:100] or "—"


def _refuse_open(session: Session, *where: ColumnElement[bool]) -> None:
    waiting = session.exec(select(ServiceAttempt).where(col(ServiceAttempt.result).is_(None), *where)).first()
    if waiting is not None:
        how = ServiceMethod(waiting.method).label
        raise ServiceError(f"已于 {waiting.sent_on:%Y-%m-%d} {how}，尚待送达结果；请先登记该次结果")


def _check_follows_last(session: Session, case_id: int | None, party_id: int, checked: CheckedAttempt) -> None:
    """A respondent's first attempt is by post; each later one takes the way the last failure chose."""
    last = session.exec(
        select(ServiceAttempt)
        .where(ServiceAttempt.case_id == case_id, ServiceAttempt.party_id == party_id)
        .order_by(col(ServiceAttempt.id).desc())
    ).first()
    if last is None:
        if checked.method is not ServiceMethod.MAIL:
            raise FieldError(F_METHOD, "立案送达文书首次应邮寄送达")
        return
    if last.result is not None and ServiceResult(last.result).served:
        raise ServiceError(f"{last.recipient}已于 {last.result_on:%Y-%m-%d} 送达")
    chosen = NextAttempt(last.next_attempt) if last.next_attempt else NextAttempt.ANOTHER_ADDRESS
    if checked.method is not NEXT_METHOD[chosen]:
        raise FieldError(F_METHOD, f"上次送达{ServiceResult(last.result or 'returned').label}后选择了“{chosen.label}”")
    if chosen is NextAttempt.ANOTHER_ADDRESS and checked.address == last.address:
        raise FieldError("送达地址", "另址邮寄应填写与上次不同的地址")


def _check_tracking_unused(session: Session, number: str | None) -> None:
    if number is None:
        return
    used = session.exec(select(ServiceAttempt).where(ServiceAttempt.tracking_number == number)).first()
    if used is not None:
        raise FieldError("邮件号", f"{number} 已于 {used.sent_on:%Y-%m-%d} 登记（{used.recipient}）")


def _generated_kinds(session: Session, case_id: int | None) -> int:
    return int(
        session.exec(
            select(func.count(func.distinct(ServiceDocument.kind))).where(ServiceDocument.case_id == case_id)
        ).one()
    )


def _respondent_ids(session: Session, case_id: int | None) -> set[int]:
    return set(
        session.exec(
            select(CaseParty.party_id).where(CaseParty.case_id == case_id, CaseParty.role == "respondent")
        ).all()
    )


def _close_pack_step_when_sent(session: Session, case: Case, ctx: ServiceContext) -> None:
    """生成文书并邮寄 is done when every respondent has been sent the pack (documents were checked before)."""
    sent = set(
        session.exec(
            select(ServiceAttempt.party_id).where(
                ServiceAttempt.case_id == case.id, col(ServiceAttempt.party_id).is_not(None)
            )
        ).all()
    )
    if _respondent_ids(session, case.id) <= sent:
        assert case.id is not None
        close_deadline(session, case_id=case.id, step=Step.SERVICE_PACK, actor=ctx.actor, at=ctx.now())


# -- results ----------------------------------------------------------------------------------------------------


def record_result(
    attempt_id: int, raw: ResultInput, *, expected_version: int | None = None, ctx: ServiceContext
) -> ResultOutcome:
    """Record an attempt's result (送达、拒收、退回、地址不详) with its date and, after a failure, the next way."""
    require_action(ctx.actor, ServiceAction.RECORD)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="登记送达结果", clock=ctx.clock) as session:
        row = load_for_update(session, ServiceAttempt, attempt_id, expected_version, what=ATTEMPT, advice="请刷新")
        if row.result is not None:
            raise ServiceError(f"该次送达已于 {row.result_on:%Y-%m-%d} 登记结果“{ServiceResult(row.result).label}”")
        checked = check_service_result(raw, sent_on=row.sent_on, today=ctx.now().date())
        _check_notice_period(row, checked.result, checked.result_on)
        row.result, row.result_on, row.result_by_id = checked.result.value, checked.result_on, ctx.actor.id
        row.next_attempt = checked.next_attempt.value if checked.next_attempt else None
        session.flush()
        served = checked.result.served
        matter_done = served and _finish_matter(session, row, ctx)
        case_served = served and row.party_id is not None and _serve_case_when_complete(session, row.case_id, ctx)
        return ResultOutcome(served, case_served, matter_done, checked.next_attempt)


def _check_notice_period(row: ServiceAttempt, result: ServiceResult, result_on: date) -> None:
    if row.method != ServiceMethod.PUBLIC_NOTICE.value:
        return
    if result is not ServiceResult.SERVED:
        raise FieldError("送达结果", "公告送达期满即视为送达，只能登记“送达”")
    deemed = row.sent_on + timedelta(days=NOTICE_DAYS)
    if result_on < deemed:
        raise FieldError(F_RESULT_ON, f"公告期三十日，{deemed:%Y-%m-%d} 起视为送达")


def _finish_matter(session: Session, row: ServiceAttempt, ctx: ServiceContext) -> bool:
    if row.matter_id is None:
        return False
    matter = load_for_update(session, DelegatedMatter, row.matter_id, None, what="该委托事项")
    others = select(ServiceAttempt.id).where(
        ServiceAttempt.matter_id == row.matter_id, col(ServiceAttempt.result).is_(None)
    )
    if matter.status not in OPEN_MATTER or session.exec(others).first() is not None:
        return False  # one notice may serve several respondents: the matter is done with the last of them
    how = ServiceMethod(row.method).label
    number = f" {row.tracking_number}" if row.tracking_number else ""
    result = ServiceResult(row.result or "served").label
    text = f"{how}{number}，{row.sent_on:%Y-%m-%d}；{result}（{row.result_on:%Y-%m-%d}）：{row.recipient}"
    finish_matter(session, matter, text, actor=ctx.actor, at=ctx.now())
    return True


def _serve_case_when_complete(session: Session, case_id: int, ctx: ServiceContext) -> bool:
    """已立案 → 已送达 once every respondent holds a served result; 网络查控's clock starts (R-NET-1)."""
    case = load_for_update(session, Case, case_id, None, what="该案件")
    if case.stage != Stage.FILED.value:
        return False
    served = set(
        session.exec(
            select(ServiceAttempt.party_id).where(
                ServiceAttempt.case_id == case_id,
                col(ServiceAttempt.result).in_([r.value for r in ServiceResult if r.served]),
            )
        ).all()
    )
    if not _respondent_ids(session, case_id) <= served:
        return False
    check_transition(Stage(case.stage), Stage.SERVED)
    now = ctx.now()
    close_deadline(session, case_id=case_id, step=Step.SERVICE_PACK, actor=ctx.actor, at=now)
    move_stage(session, case, Stage.SERVED, actor=ctx.actor, now=now, note="立案送达文书已全部送达")
    open_deadline(session, case_id=case_id, step=Step.NETWORK_INQUIRY, triggered_at=now, calendar=ctx.calendar)
    return True
