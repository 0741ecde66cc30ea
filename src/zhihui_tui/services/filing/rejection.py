"""不予立案 (R-FIL-2): the reviewer proposes with reasons, the director rules — reject, or return with a note.

Both steps take the version the person read: the case's for a proposal, the proposal's for a ruling, so that
nobody proposes on a draft changed meanwhile or rules on a proposal already ruled by another terminal.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, FilingRejection, Staff, StageChange
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.cases import PartyRole
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.deadlines import close_deadline
from zhihui_tui.services.errors import ServiceError
from zhihui_tui.services.filing.records import filing_dues, get_case, lock_case, party_names, pending_rejection
from zhihui_tui.services.filing.results import Decision, PendingRejection
from zhihui_tui.services.filing.rules import FilingAction, refuse_stage, require_action
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

REASONS_MAX = 1000


def propose_rejection(case_id: int, reasons: str, *, expected_version: int, ctx: ServiceContext) -> int:
    """Send the file with reasons to the director; returns the proposal's id."""
    action = FilingAction.PROPOSE_REJECTION
    require_action(ctx.actor, action)
    text = clean_text(reasons, field="不予立案理由", max_length=REASONS_MAX, multiline=True)
    with unit_of_work(ctx.engine, actor=ctx.actor, action=action.label, clock=ctx.clock) as session:
        case = lock_case(session, case_id, expected_version)
        refuse_stage(action, Stage(case.stage))
        if pending_rejection(session, case_id) is not None:
            raise ServiceError("该案已提请不予立案，正待主任裁定")
        proposal = FilingRejection(case_id=case_id, proposed_by_id=ctx.actor.id, proposed_at=ctx.now(), reasons=text)
        session.add(proposal)
        session.flush()
        assert proposal.id is not None
        return proposal.id


def rule_on_rejection(
    rejection_id: int, decision: Decision, note: str, *, expected_version: int, ctx: ServiceContext
) -> None:
    """The director's ruling: ``reject`` → 不予立案 (stage, history, FILING closed); ``return`` → back to the
    reviewer with the director's note (required), the case stays at 材料接收."""
    require_action(ctx.actor, FilingAction.RULE_ON_REJECTION)
    if decision not in ("reject", "return"):
        raise FieldError("裁定", "应为“不予立案”或“退回”")
    text = clean_text(note, field="主任意见", max_length=REASONS_MAX, multiline=True, required=decision == "return")
    action = FilingAction.RULE_ON_REJECTION.label if decision == "reject" else "退回立案审查"
    with unit_of_work(ctx.engine, actor=ctx.actor, action=action, clock=ctx.clock) as session:
        proposal = load_for_update(
            session,
            FilingRejection,
            rejection_id,
            expected_version,
            what="该提请",
            advice="请刷新后重试",
            missing=f"没有编号为 {rejection_id} 的不予立案提请",
        )
        if proposal.status != "pending":
            raise ServiceError("该提请已裁定，不能再次裁定")
        now = ctx.now()
        proposal.status = "rejected" if decision == "reject" else "returned"
        proposal.ruled_by_id, proposal.ruled_at, proposal.ruling_note = ctx.actor.id, now, text or None
        if decision == "reject":
            _reject_case(session, proposal, text, actor=ctx.actor, now=now)


def _reject_case(session: Session, proposal: FilingRejection, note: str, *, actor: Actor, now: datetime) -> None:
    case = get_case(session, proposal.case_id)
    refuse_stage(FilingAction.RULE_ON_REJECTION, Stage(case.stage))
    case.stage = Stage.REJECTED.value
    ruling = f"不予立案。理由：{proposal.reasons}" + (f"；主任意见：{note}" if note else "")
    session.add(
        StageChange(
            case_id=proposal.case_id,
            from_stage=Stage.RECEIVED.value,
            to_stage=Stage.REJECTED.value,
            at=now,
            actor_id=actor.id,
            note=ruling,
        )
    )
    close_deadline(session, case_id=proposal.case_id, step=Step.FILING, actor=actor, at=now)


def pending_rejections(*, ctx: ServiceContext) -> list[PendingRejection]:
    """Proposals waiting for the director's ruling, oldest first."""
    require_action(ctx.actor, FilingAction.RULE_ON_REJECTION, doing="查看待裁定的不予立案提请")
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(FilingRejection, Case, Staff.name)
            .join(Case, col(Case.id) == FilingRejection.case_id)
            .join(Staff, col(Staff.id) == FilingRejection.proposed_by_id)
            .where(FilingRejection.status == "pending")
            .order_by(col(FilingRejection.proposed_at), col(FilingRejection.id))
        ).all()
        case_ids = [case.id for _, case, _ in rows if case.id is not None]
        names = party_names(session, case_ids)
        dues = filing_dues(session, case_ids)
    result = []
    for proposal, case, proposer in rows:
        assert proposal.id is not None and case.id is not None
        result.append(
            PendingRejection(
                rejection_id=proposal.id,
                version=proposal.version,
                case_id=case.id,
                category=FilingCategory(case.filing_category),
                received_at=case.received_at,
                filing_due=dues.get(case.id, (None, None))[0],
                applicants=names.get((case.id, PartyRole.APPLICANT.value), ""),
                respondents=names.get((case.id, PartyRole.RESPONDENT.value), ""),
                proposed_by=proposer,
                proposed_at=proposal.proposed_at,
                reasons=proposal.reasons,
            )
        )
    return result
