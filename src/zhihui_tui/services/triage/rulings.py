"""The rulings of 繁简分流 (R-TRI-1, R-TRI-3): the director accepts, overrides or escalates; the chief designates.

* accept or override: 已查控 → 已分流; the case's ``team`` is set, the ``TRIAGE`` step closes and the 2-day
  ``DOSSIER_TO_HANDLER`` step opens (R-TRI-1: "within 2 days of triage the dossier goes to the handler").
* escalate: 已查控 → 局长指定; the open ``TRIAGE`` step passes to the bureau chief with its due date (R-TRI-1's
  2 days run from the feedback table, and seed §四.4 makes 提请局长指定分案 part of 繁简分流: the case is not
  triaged until the chief designates), so it shows on his home as 局长指定分案.
* designate (bureau chief only): 局长指定 → 已分流 with the chosen team; the ``TRIAGE`` step closes and
  ``DOSSIER_TO_HANDLER`` opens.

One ``TriageDecision`` row per case, updated as it goes from ruling to designation to assignment. Every ruling
locks the case row first, so two terminals ruling on one case at once get one ruling and one clear refusal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from sqlmodel import Session, col, select

from zhihui_tui.db.models import Case, TriageDecision
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Team
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.triage import Track
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.cases import STAGE_STEP_OWNER
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.deadlines import close_deadline, hand_over_deadline, open_deadline
from zhihui_tui.services.inquiry import move_stage
from zhihui_tui.services.triage.facts import proposal_for
from zhihui_tui.services.triage.results import BatchOutcome
from zhihui_tui.services.triage.rules import TriageAction, case_for, check_stage, lock_case, require_action
from zhihui_tui.services.uow import unit_of_work

TRACK_TEAM = {Track.FAST: Team.FAST, Track.INTENSIVE: Team.INTENSIVE}
TEAM_TRACK = {team: track for track, team in TRACK_TEAM.items()}
MAX_REASON = 500


def latest_decision(session: Session, case_id: int) -> TriageDecision | None:
    """The case's ruling as it stands (the newest row), to be completed by a designation or an assignment."""
    return session.exec(
        select(TriageDecision).where(TriageDecision.case_id == case_id).order_by(col(TriageDecision.id).desc())
    ).first()


def _reason(text: str, *, required: bool, field: str = "理由") -> str | None:
    value = clean_text(text or "", field=field, max_length=MAX_REASON, required=required, multiline=True)
    return value or None


def _to_triaged(session: Session, found: Case, team: Team, *, ctx: ServiceContext, note: str) -> None:
    assert found.id is not None
    now = ctx.now()
    move_stage(session, found, Stage.TRIAGED, actor=ctx.actor, now=now, note=note)
    found.team = team.value
    open_deadline(session, case_id=found.id, step=Step.DOSSIER_TO_HANDLER, triggered_at=now, calendar=ctx.calendar)


def _rule(
    session: Session,
    case_id: int,
    *,
    action: TriageAction,
    track: Track | None,
    reason: str | None,
    ctx: ServiceContext,
    expected: Track | None = None,
) -> Track:
    """Rule ``track`` (None: the proposal as it stands now, refused unless it is still ``expected``) on a case
    locked first, so the proposal is read from facts no other terminal can change meanwhile."""
    found = lock_case(session, case_id)
    proposal = proposal_for(session, case_id)
    if track is None:
        track = proposal.track
        if expected is not None and track is not expected:
            raise DomainError(f"系统建议已变为“{track.value}”（分流事实已修改），请看过理由后再采纳")
    check_stage(found, action, Stage.ESCALATED if track is Track.ESCALATE else Stage.TRIAGED)
    status = "escalated" if track is Track.ESCALATE else ("accepted" if track is proposal.track else "overridden")
    if track is not proposal.track and not reason:  # overriding, or escalating a case proposed for a team
        raise FieldError("理由", "改变系统建议须填写理由")
    actor, now = ctx.actor, ctx.now()
    session.add(
        TriageDecision(
            case_id=case_id,
            proposed_track=proposal.track.value,
            proposal_reasons=json.dumps(list(proposal.reasons), ensure_ascii=False),
            status=status,
            track=None if track is Track.ESCALATE else track.value,
            override_reason=reason,
            decided_by_id=actor.id,
            decided_at=now,
        )
    )
    note = f"{track.value}" + (f"：{reason}" if reason else "")
    if track is Track.ESCALATE:
        # The 2-day triage clock keeps running and waits on the chief (R-TRI-1, seed §四.4; module docstring).
        hand_over_deadline(session, case_id=case_id, step=Step.TRIAGE, to_role=STAGE_STEP_OWNER[Stage.ESCALATED])
        move_stage(session, found, Stage.ESCALATED, actor=actor, now=now, note=note)
    else:
        close_deadline(session, case_id=case_id, step=Step.TRIAGE, actor=actor, at=now)
        _to_triaged(session, found, TRACK_TEAM[track], ctx=ctx, note=note)
    return track


def accept(case_id: int, *, expected: Track | None = None, ctx: ServiceContext) -> Track:
    """Accept the system's proposal as it stands now (recomputed inside the transaction).

    ``expected`` is the track the director saw: if the facts changed since (flags re-ticked by someone else),
    the proposal may differ, and accepting what he did not read is refused."""
    require_action(ctx.actor, TriageAction.ACCEPT)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="繁简分流：采纳建议", clock=ctx.clock) as session:
        return _rule(session, case_id, action=TriageAction.ACCEPT, track=None, reason=None, ctx=ctx, expected=expected)


def accept_many(
    case_ids: Sequence[int], *, expected: Mapping[int, Track] | None = None, ctx: ServiceContext
) -> list[BatchOutcome]:
    """Accept each marked case in its own transaction: one refused case does not hold back the others."""
    require_action(ctx.actor, TriageAction.ACCEPT)
    seen = expected or {}
    outcomes = []
    for case_id in case_ids:
        try:
            track = accept(case_id, expected=seen.get(case_id), ctx=ctx)
        except DomainError as error:
            outcomes.append(BatchOutcome(case_id, None, error.message))
        else:
            outcomes.append(BatchOutcome(case_id, track, None))
    return outcomes


def override(case_id: int, track: Track, reason: str, *, ctx: ServiceContext) -> None:
    """Rule another track than the proposal; the reason is required (R-TRI-3) and checked before any write."""
    require_action(ctx.actor, TriageAction.OVERRIDE)
    clean = _reason(reason, required=True)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="繁简分流：改变建议", clock=ctx.clock) as session:
        _rule(session, case_id, action=TriageAction.OVERRIDE, track=track, reason=clean, ctx=ctx)


def escalate(case_id: int, *, reason: str = "", ctx: ServiceContext) -> None:
    """提请局长指定 (disputed or major/complex cases); against a proposed team it is an override and needs a reason."""
    require_action(ctx.actor, TriageAction.ESCALATE)
    clean = _reason(reason, required=False)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="繁简分流：提请局长指定", clock=ctx.clock) as session:
        _rule(session, case_id, action=TriageAction.ESCALATE, track=Track.ESCALATE, reason=clean, ctx=ctx)


def designate(case_id: int, team: Team, *, note: str = "", ctx: ServiceContext) -> None:
    """局长指定: the bureau chief picks the team of an escalated case."""
    actor = ctx.actor
    require_action(actor, TriageAction.DESIGNATE)
    clean = _reason(note, required=False, field="意见")
    now = ctx.now()
    with unit_of_work(ctx.engine, actor=actor, action="局长指定分案", clock=ctx.clock) as session:
        found = case_for(session, case_id, TriageAction.DESIGNATE, Stage.TRIAGED)
        decision = latest_decision(session, case_id) or _escalated_without_ruling(session, case_id, ctx=ctx)
        decision.status, decision.track = "designated", TEAM_TRACK[team].value
        decision.designated_by_id, decision.designated_at = actor.id, now
        if clean:
            decision.override_reason = "\n".join(filter(None, (decision.override_reason, f"局长意见：{clean}")))
        close_deadline(session, case_id=case_id, step=Step.TRIAGE, actor=actor, at=now)  # triage is done now
        _to_triaged(session, found, team, ctx=ctx, note=f"局长指定 {team.label}")


def _escalated_without_ruling(session: Session, case_id: int, *, ctx: ServiceContext) -> TriageDecision:
    """A case imported as 局长指定 has no director's ruling on record: the chief's designation starts one."""
    proposal = proposal_for(session, case_id)
    decision = TriageDecision(
        case_id=case_id,
        proposed_track=proposal.track.value,
        proposal_reasons=json.dumps(list(proposal.reasons), ensure_ascii=False),
        status="escalated",
        decided_by_id=ctx.actor.id,
        decided_at=ctx.now(),
    )
    session.add(decision)
    return decision
