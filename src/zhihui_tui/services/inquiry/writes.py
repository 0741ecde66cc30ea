"""What the 网络查控 post writes: the start of an inquiry, the rows of the feedback table, and its submission.

* Starting the inquiry (explicitly, or implicitly by entering the first row) closes the ``NETWORK_INQUIRY`` step;
  the ``NetworkInquiry`` record is created on first touch, its ``dossier_received_at`` taken from that step's
  trigger (else from now).
* Rows may be edited and removed only before submission; an edit or removal is a versioned save
  (:func:`~zhihui_tui.services.locking.load_for_update`) against the row as the clerk read it. A row may be added
  up to the case's closing: after submission it is kept as a late result (``AssetFinding.late``).
* Submitting moves the case 已送达 → 已查控 and opens the director's 2-day ``TRIAGE`` step (R-TRI-1). An empty
  table is a valid submission (nothing found is a result too).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from zhihui_tui.db.models import AssetFinding, Case, CaseParty, Deadline, NetworkInquiry, StageChange
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import Stage, check_transition
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.context import Actor, ServiceContext, require_role
from zhihui_tui.services.deadlines import close_deadline, open_deadline
from zhihui_tui.services.inquiry.findings import FindingInput, new_finding, validate_finding
from zhihui_tui.services.inquiry.queries import get_case
from zhihui_tui.services.inquiry.rules import INQUIRY_ROLES, RESULT_STAGES, is_late
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

FINDING = "该条查控结果"
FINDING_GONE = "该条查控结果已被删除，请刷新"


def ensure_inquiry(session: Session, case_id: int, *, actor: Actor, now: datetime) -> NetworkInquiry:
    """The case's inquiry record, created (and started) on first touch; starting closes the 2-day step."""
    inquiry = session.exec(select(NetworkInquiry).where(NetworkInquiry.case_id == case_id)).first()
    if inquiry is None:
        triggered = session.exec(
            select(Deadline.triggered_at)
            .where(Deadline.case_id == case_id, Deadline.step == Step.NETWORK_INQUIRY.value)
            .order_by(col(Deadline.id).desc())
        ).first()
        inquiry = NetworkInquiry(case_id=case_id, dossier_received_at=triggered or now)
        session.add(inquiry)
    if inquiry.started_at is None:
        inquiry.started_at, inquiry.started_by_id = now, actor.id
        close_deadline(session, case_id=case_id, step=Step.NETWORK_INQUIRY, actor=actor, at=now)
    return inquiry


def start_inquiry(case_id: int, *, ctx: ServiceContext) -> None:
    """提起网络查控: record the start (R-NET-1's 2-day limit is met here)."""
    require_role(ctx.actor, INQUIRY_ROLES, "提起网络查控")
    with unit_of_work(ctx.engine, actor=ctx.actor, action="提起网络查控", clock=ctx.clock) as session:
        _editable_case(session, case_id)
        ensure_inquiry(session, case_id, actor=ctx.actor, now=ctx.now())


def add_finding(case_id: int, row: FindingInput, *, ctx: ServiceContext) -> int:
    """录入查控结果: a new row of the table (starting the inquiry if not yet); returns its id."""
    require_role(ctx.actor, INQUIRY_ROLES, "录入查控结果")
    valid = validate_finding(row)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="录入查控结果", clock=ctx.clock) as session:
        stage = Stage(_result_case(session, case_id).stage)
        _check_respondent(session, case_id, valid.party_id)
        if not is_late(stage):
            ensure_inquiry(session, case_id, actor=ctx.actor, now=ctx.now())
        finding = new_finding(case_id, valid, actor=ctx.actor, now=ctx.now(), late=is_late(stage))
        session.add(finding)
        session.flush()
        assert finding.id is not None
        return finding.id


def update_finding(finding_id: int, row: FindingInput, *, expected_version: int, ctx: ServiceContext) -> None:
    """修改查控结果: a versioned save of one row against the version the clerk read."""
    require_role(ctx.actor, INQUIRY_ROLES, "修改查控结果")
    valid = validate_finding(row)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="修改查控结果", clock=ctx.clock) as session:
        finding = load_for_update(
            session, AssetFinding, finding_id, expected_version, what=FINDING, missing=FINDING_GONE
        )
        _editable_case(session, finding.case_id)
        _check_respondent(session, finding.case_id, valid.party_id)
        finding.party_id = valid.party_id
        finding.asset_type = valid.asset_type.value
        finding.institution = valid.institution
        finding.amount_fen = valid.amount_fen
        finding.quantity = valid.quantity
        finding.frozen = valid.frozen
        finding.note = valid.note


def remove_finding(finding_id: int, *, expected_version: int, ctx: ServiceContext) -> None:
    """删除查控结果: remove one row, refused if someone changed it since the clerk read it."""
    require_role(ctx.actor, INQUIRY_ROLES, "删除查控结果")
    with unit_of_work(ctx.engine, actor=ctx.actor, action="删除查控结果", clock=ctx.clock) as session:
        finding = load_for_update(
            session, AssetFinding, finding_id, expected_version, what=FINDING, missing=FINDING_GONE
        )
        _editable_case(session, finding.case_id)
        session.delete(finding)


def submit_feedback(case_id: int, *, ctx: ServiceContext) -> None:
    """提交查控结果反馈信息表: 已送达 → 已查控, and the director's 2-day triage step opens (R-NET-1, R-TRI-1)."""
    actor = ctx.actor
    require_role(actor, INQUIRY_ROLES, "提交查控结果反馈信息表")
    now = ctx.now()
    with unit_of_work(ctx.engine, actor=actor, action="提交查控结果反馈信息表", clock=ctx.clock) as session:
        case = get_case(session, case_id)
        check_transition(Stage(case.stage), Stage.INQUIRED)
        inquiry = ensure_inquiry(session, case_id, actor=actor, now=now)
        inquiry.submitted_at, inquiry.submitted_by_id = now, actor.id
        move_stage(session, case, Stage.INQUIRED, actor=actor, now=now)
        open_deadline(session, case_id=case_id, step=Step.TRIAGE, triggered_at=now, calendar=ctx.calendar)


def move_stage(
    session: Session, case: Case, target: Stage, *, actor: Actor, now: datetime, note: str | None = None
) -> None:
    """Change a case's stage and append its history row (R-CASE-4 checked by the caller)."""
    assert case.id is not None
    session.add(
        StageChange(case_id=case.id, from_stage=case.stage, to_stage=target.value, at=now, actor_id=actor.id, note=note)
    )
    case.stage = target.value


def _result_case(session: Session, case_id: int) -> Case:
    """The case a new result is for: from 已送达 up to 已结案 (later results are late, not lost)."""
    case = get_case(session, case_id)
    if Stage(case.stage) not in RESULT_STAGES:
        raise DomainError(f"该案状态为“{Stage(case.stage).label}”，不能录入查控结果")
    return case


def _editable_case(session: Session, case_id: int) -> Case:
    case = get_case(session, case_id)
    if case.stage != Stage.SERVED.value:
        raise DomainError(f"该案状态为“{Stage(case.stage).label}”，查控结果反馈信息表已提交，不能再修改")
    return case


def _check_respondent(session: Session, case_id: int, party_id: int) -> None:
    found = session.exec(
        select(CaseParty.id).where(
            CaseParty.case_id == case_id, CaseParty.party_id == party_id, CaseParty.role == "respondent"
        )
    ).first()
    if found is None:
        raise FieldError("被执行人", "不是本案的被执行人")
