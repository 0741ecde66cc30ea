"""繁简分流 (R-TRI-1..3): the director's board, accept / override / escalate, the chief's designation, 二次分案.

Lifecycle decisions (domain.lifecycle.TRANSITIONS):

* accept or override: 已查控 → 已分流; the case's ``team`` is set, the ``TRIAGE`` step closes and the 2-day
  ``DOSSIER_TO_HANDLER`` step opens (R-TRI-1: "within 2 days of triage the dossier goes to the handler").
* escalate: 已查控 → 局长指定; the open ``TRIAGE`` step passes to the bureau chief with its due date (R-TRI-1's
  2 days run from the feedback table, and seed §四.4 makes 提请局长指定分案 part of 繁简分流: the case is not
  triaged until the chief designates), so it shows on his home as 局长指定分案.
* designate (bureau chief only): 局长指定 → 已分流 with the chosen team; the ``TRIAGE`` step closes and
  ``DOSSIER_TO_HANDLER`` opens.
* set_flags (director only, while 已查控): the facts of R-TRI-2 no table holds; the proposal is recomputed.
* assign (二次分案): 已分流 → 承办中; ``Case.handler_id`` and ``Case.team`` are recorded and, as the dossier is
  handed to the handler with the assignment, the ``DOSSIER_TO_HANDLER`` step closes.

One ``TriageDecision`` row per case, updated as it goes from ruling to designation to assignment.
Proposals are computed from the database in batches of the page shown (:func:`facts_for`), never for the
whole board.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, and_, case, func, or_
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    AssetFinding,
    AuditRecord,
    Case,
    CaseParty,
    Deadline,
    Staff,
    StaffRole,
    TriageDecision,
    TriageFlags,
)
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import Stage, check_transition
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.triage import Proposal, Track, TriageFacts, check_flags, flags_of, propose_track
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.cases import STAGE_STEP_OWNER
from zhihui_tui.services.context import Actor, require_role
from zhihui_tui.services.deadlines import close_deadline, hand_over_deadline, open_deadline
from zhihui_tui.services.errors import ConcurrentEdit, NotFound
from zhihui_tui.services.inquiry import MONEY_TYPES, join_names, move_stage, respondent_names, write_flags
from zhihui_tui.services.uow import unit_of_work

TRIAGE_ROLES = (Role.DIRECTOR,)
DESIGNATE_ROLES = (Role.BUREAU_CHIEF,)
ASSIGN_ROLES = (Role.DIRECTOR, Role.BUREAU_CHIEF)
BOARD_ROLES = (Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF, Role.SYSTEM, Role.ADMIN)
TRACK_TEAM = {Track.FAST: Team.FAST, Track.INTENSIVE: Team.INTENSIVE}
TEAM_TRACK = {team: track for track, team in TRACK_TEAM.items()}
MAX_REASON = 500
_CHUNK = 500
# The board's views: the stage listed and the step whose deadline orders it.
VIEW_STEPS: dict[Stage, Step | None] = {
    Stage.INQUIRED: Step.TRIAGE,
    Stage.ESCALATED: Step.TRIAGE,  # held by the chief while escalated
    Stage.TRIAGED: Step.DOSSIER_TO_HANDLER,
}


@dataclass(frozen=True)
class BoardRow:
    case_id: int
    case_number: str
    respondents: str
    target_fen: int
    due: date | None
    stage: Stage
    proposal: Proposal
    team: Team | None
    facts: TriageFacts
    flags_version: int | None = None  # the TriageFlags row's version as read (None: no row yet)
    escalation_reason: str | None = None  # 局长指定 view: the director's reason for escalating (None: none given)

    @property
    def flags(self) -> frozenset[str]:
        return flags_of(self.facts)

    @property
    def key(self) -> tuple[str, int]:
        return (self.due.isoformat() if self.due else "9999-12-31", self.case_id)


@dataclass(frozen=True)
class BoardPage:
    rows: tuple[BoardRow, ...]
    total: int
    has_more: bool


# ------------------------------------------------------------------------------------------------
# Facts and proposals, in batches
# ------------------------------------------------------------------------------------------------


def _chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def facts_for(session: Session, case_ids: Sequence[int]) -> dict[int, TriageFacts]:
    """TriageFacts of each case: four grouped queries per chunk of 500, whatever the page size."""
    facts: dict[int, TriageFacts] = {}
    for chunk in _chunks(list(case_ids)):
        facts.update(_facts_chunk(session, chunk))
    return facts


def _facts_chunk(session: Session, ids: Sequence[int]) -> dict[int, TriageFacts]:
    cases = {
        cid: (target, disputed)
        for cid, target, disputed in session.exec(
            select(Case.id, Case.target_amount_fen, Case.disputed).where(col(Case.id).in_(ids))
        )
    }
    unknown = func.max(case((col(CaseParty.whereabouts_unknown).is_(True), 1), else_=0))
    parties = {
        cid: (int(n), bool(u))
        for cid, n, u in session.exec(
            select(CaseParty.case_id, func.count(), unknown)
            .where(col(CaseParty.case_id).in_(ids), CaseParty.role == "respondent")
            .group_by(CaseParty.case_id)
        )
    }
    money = [t.value for t in MONEY_TYPES]
    is_money = col(AssetFinding.asset_type).in_(money)
    frozen = func.sum(
        case((and_(is_money, col(AssetFinding.frozen).is_(True)), func.coalesce(AssetFinding.amount_fen, 0)), else_=0)
    )
    property_found = func.max(case((is_money, 0), else_=1))
    findings = {
        cid: (int(f or 0), bool(p))
        for cid, f, p in session.exec(
            select(AssetFinding.case_id, frozen, property_found)
            .where(col(AssetFinding.case_id).in_(ids))
            .group_by(AssetFinding.case_id)
        )
    }
    flags = {f.case_id: f for f in session.exec(select(TriageFlags).where(col(TriageFlags.case_id).in_(ids)))}
    result = {}
    for cid, (target, disputed) in cases.items():
        count, unknown_any = parties.get(cid, (0, False))
        frozen_fen, property_any = findings.get(cid, (0, False))
        flag = flags.get(cid)
        result[cid] = TriageFacts(
            target_fen=target,
            respondent_count=count,
            whereabouts_unknown=unknown_any,
            disputed=bool(disputed),
            major=bool(flag and flag.major),
            frozen_money_fen=frozen_fen,
            non_money_property_found=property_any,
            coercive_measures=bool(flag and flag.coercive_measures),
            social_conflict=bool(flag and flag.social_conflict),
            bankruptcy_referral=bool(flag and flag.bankruptcy_referral),
            quick_preservation=bool(flag and flag.quick_preservation),
            voluntary_performance=bool(flag and flag.voluntary_performance),
        )
    return result


def proposal_for(session: Session, case_id: int) -> Proposal:
    facts = facts_for(session, [case_id]).get(case_id)
    if facts is None:
        raise NotFound("没有该案件")
    return propose_track(facts)


# ------------------------------------------------------------------------------------------------
# The board
# ------------------------------------------------------------------------------------------------


def board_page(
    engine: Engine,
    *,
    actor: Actor,
    stage: Stage = Stage.INQUIRED,
    after: tuple[str, int] | None = None,
    limit: int = 60,
) -> BoardPage:
    """One page of the board: cases in ``stage``, the oldest deadline first, keyset-paged after ``after``."""
    require_role(actor, BOARD_ROLES, "查看分流看板")
    if stage not in VIEW_STEPS:
        raise DomainError(f"分流看板不列出“{stage.label}”的案件")
    step = VIEW_STEPS[stage]
    with read_session(engine) as session:
        rows = _page_rows(session, stage, step, after, limit + 1)
        total = int(session.exec(select(func.count()).select_from(Case).where(Case.stage == stage.value)).one())
        shown = rows[:limit]
        ids = [r[0] for r in shown]
        facts = facts_for(session, ids)
        names = _names(session, ids)
        versions = _flag_versions(session, ids)
        escalated = _escalation_reasons(session, ids) if stage is Stage.ESCALATED else {}
    board = tuple(
        BoardRow(
            case_id=cid,
            case_number=number or "（未立案）",
            respondents=join_names(names.get(cid, [])),
            target_fen=target,
            due=due,
            stage=stage,
            proposal=propose_track(facts[cid]),
            team=Team(team) if team else None,
            facts=facts[cid],
            flags_version=versions.get(cid),
            escalation_reason=escalated.get(cid),
        )
        for cid, number, target, team, due in shown
    )
    return BoardPage(board, total, len(rows) > limit)


def _page_rows(
    session: Session, stage: Stage, step: Step | None, after: tuple[str, int] | None, limit: int
) -> list[tuple[int, str | None, int, str | None, date | None]]:
    columns = (Case.id, Case.case_number, Case.target_amount_fen, Case.team)
    if step is None:
        query = select(*columns).where(Case.stage == stage.value)
        if after is not None:
            query = query.where(col(Case.id) > after[1])
        return [(cid, n, t, team, None) for cid, n, t, team in session.exec(query.order_by(Case.id).limit(limit))]
    due = func.coalesce(Deadline.due_date, date(9999, 12, 31))
    query = (
        select(*columns, Deadline.due_date)
        .join(
            Deadline,
            and_(col(Deadline.case_id) == Case.id, Deadline.step == step.value, col(Deadline.done_at).is_(None)),
            isouter=True,
        )
        .where(Case.stage == stage.value)
    )
    if after is not None:
        last_due = date.fromisoformat(after[0])
        query = query.where(or_(due > last_due, and_(due == last_due, col(Case.id) > after[1])))
    rows = session.exec(query.order_by(due, Case.id).limit(limit)).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _names(session: Session, ids: list[int]) -> dict[int, list[str]]:
    return respondent_names(session, ids)


def _flag_versions(session: Session, ids: list[int]) -> dict[int, int]:
    query = select(TriageFlags.case_id, TriageFlags.version).where(col(TriageFlags.case_id).in_(ids))
    return {cid: version for cid, version in session.exec(query)}


def _escalation_reasons(session: Session, ids: list[int]) -> dict[int, str]:
    """The director's reason on each case's latest ruling, where that ruling escalated it (one query a page)."""
    latest: dict[int, tuple[str, str | None]] = {}
    query = (
        select(TriageDecision.case_id, TriageDecision.status, TriageDecision.override_reason)
        .where(col(TriageDecision.case_id).in_(ids))
        .order_by(col(TriageDecision.id))
    )
    for cid, status, reason in session.exec(query):
        latest[cid] = (status, reason)
    return {cid: reason for cid, (status, reason) in latest.items() if status == "escalated" and reason}


@dataclass(frozen=True)
class ProposedCase:
    case_number: str
    proposal: Proposal


def all_proposals(engine: Engine, *, actor: Actor) -> list[ProposedCase]:
    """Every case awaiting triage with its proposal (``zhihui triage propose``), in board order."""
    result: list[ProposedCase] = []
    after: tuple[str, int] | None = None
    while True:
        page = board_page(engine, actor=actor, after=after, limit=500)
        result += [ProposedCase(r.case_number, r.proposal) for r in page.rows]
        if not page.has_more or not page.rows:
            return result
        after = page.rows[-1].key


# ------------------------------------------------------------------------------------------------
# Rulings
# ------------------------------------------------------------------------------------------------


def _case_in(session: Session, case_id: int, stage: Stage, target: Stage) -> Case:
    found = session.get(Case, case_id)
    if found is None:
        raise NotFound("没有该案件")
    check_transition(Stage(found.stage), target)
    if found.stage != stage.value:
        raise DomainError(f"该案状态为“{Stage(found.stage).label}”，不是“{stage.label}”")
    return found


def _decision(session: Session, case_id: int) -> TriageDecision | None:
    return session.exec(
        select(TriageDecision).where(TriageDecision.case_id == case_id).order_by(col(TriageDecision.id).desc())
    ).first()


def _reason(text: str, *, required: bool, field: str = "理由") -> str | None:
    value = clean_text(text or "", field=field, max_length=MAX_REASON, required=required, multiline=True)
    return value or None


def _to_triaged(
    session: Session, found: Case, team: Team, *, actor: Actor, now: datetime, calendar: WorkCalendar, note: str
) -> None:
    assert found.id is not None
    move_stage(session, found, Stage.TRIAGED, actor=actor, now=now, note=note)
    found.team = team.value
    open_deadline(session, case_id=found.id, step=Step.DOSSIER_TO_HANDLER, triggered_at=now, calendar=calendar)


def _rule(
    session: Session,
    case_id: int,
    *,
    track: Track,
    reason: str | None,
    actor: Actor,
    now: datetime,
    calendar: WorkCalendar,
    proposal: Proposal | None = None,
) -> None:
    target = Stage.ESCALATED if track is Track.ESCALATE else Stage.TRIAGED
    found = _case_in(session, case_id, Stage.INQUIRED, target)
    proposal = proposal or proposal_for(session, case_id)
    status = "escalated" if track is Track.ESCALATE else ("accepted" if track is proposal.track else "overridden")
    if track is not proposal.track and not reason:  # overriding, or escalating a case proposed for a team
        raise FieldError("理由", "改变系统建议须填写理由")
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
        _to_triaged(session, found, TRACK_TEAM[track], actor=actor, now=now, calendar=calendar, note=note)


def accept(
    engine: Engine,
    case_id: int,
    *,
    expected: Track | None = None,
    actor: Actor,
    clock: Clock,
    calendar: WorkCalendar,
) -> Track:
    """Accept the system's proposal as it stands now (recomputed inside the transaction).

    ``expected`` is the track the director saw: if the facts changed since (flags re-ticked by someone else),
    the proposal may differ, and accepting what he did not read is refused."""
    require_role(actor, TRIAGE_ROLES, "繁简分流")
    with unit_of_work(engine, actor=actor, action="繁简分流：采纳建议", clock=clock) as session:
        proposal = proposal_for(session, case_id)
        track = proposal.track
        if expected is not None and track is not expected:
            raise DomainError(f"系统建议已变为“{track.value}”（分流事实已修改），请看过理由后再采纳")
        _rule(
            session,
            case_id,
            track=track,
            reason=None,
            actor=actor,
            now=clock.now(),
            calendar=calendar,
            proposal=proposal,
        )
    return track


@dataclass(frozen=True)
class BatchOutcome:
    case_id: int
    track: Track | None
    error: str | None


def accept_many(
    engine: Engine,
    case_ids: Sequence[int],
    *,
    expected: Mapping[int, Track] | None = None,
    actor: Actor,
    clock: Clock,
    calendar: WorkCalendar,
) -> list[BatchOutcome]:
    """Accept each marked case in its own transaction: one refused case does not hold back the others."""
    require_role(actor, TRIAGE_ROLES, "繁简分流")
    seen = expected or {}
    outcomes = []
    for case_id in case_ids:
        try:
            track = accept(engine, case_id, expected=seen.get(case_id), actor=actor, clock=clock, calendar=calendar)
        except DomainError as error:
            outcomes.append(BatchOutcome(case_id, None, error.message))
        else:
            outcomes.append(BatchOutcome(case_id, track, None))
    return outcomes


def override(
    engine: Engine, case_id: int, track: Track, reason: str, *, actor: Actor, clock: Clock, calendar: WorkCalendar
) -> None:
    """Rule another track than the proposal; the reason is required (R-TRI-3) and checked before any write."""
    require_role(actor, TRIAGE_ROLES, "繁简分流")
    clean = _reason(reason, required=True)
    with unit_of_work(engine, actor=actor, action="繁简分流：改变建议", clock=clock) as session:
        _rule(session, case_id, track=track, reason=clean, actor=actor, now=clock.now(), calendar=calendar)


def escalate(
    engine: Engine, case_id: int, *, reason: str = "", actor: Actor, clock: Clock, calendar: WorkCalendar
) -> None:
    """提请局长指定 (disputed or major/complex cases); against a proposed team it is an override and needs a reason."""
    require_role(actor, TRIAGE_ROLES, "提请局长指定")
    clean = _reason(reason, required=False)
    with unit_of_work(engine, actor=actor, action="繁简分流：提请局长指定", clock=clock) as session:
        _rule(session, case_id, track=Track.ESCALATE, reason=clean, actor=actor, now=clock.now(), calendar=calendar)


def designate(
    engine: Engine,
    case_id: int,
    team: Team,
    *,
    note: str = "",
    actor: Actor,
    clock: Clock,
    calendar: WorkCalendar,
) -> None:
    """局长指定: the bureau chief picks the team of an escalated case."""
    require_role(actor, DESIGNATE_ROLES, "局长指定分案")
    clean = _reason(note, required=False, field="意见")
    now = clock.now()
    with unit_of_work(engine, actor=actor, action="局长指定分案", clock=clock) as session:
        found = _case_in(session, case_id, Stage.ESCALATED, Stage.TRIAGED)
        decision = _decision(session, case_id) or _escalated_without_ruling(session, case_id, actor=actor, now=now)
        decision.status, decision.track = "designated", TEAM_TRACK[team].value
        decision.designated_by_id, decision.designated_at = actor.id, now
        if clean:
            decision.override_reason = "\n".join(filter(None, (decision.override_reason, f"局长意见：{clean}")))
        close_deadline(session, case_id=case_id, step=Step.TRIAGE, actor=actor, at=now)  # triage is done now
        _to_triaged(session, found, team, actor=actor, now=now, calendar=calendar, note=f"局长指定 {team.label}")


def _escalated_without_ruling(session: Session, case_id: int, *, actor: Actor, now: datetime) -> TriageDecision:
    """A case imported as 局长指定 has no director's ruling on record: the chief's designation starts one."""
    proposal = proposal_for(session, case_id)
    decision = TriageDecision(
        case_id=case_id,
        proposed_track=proposal.track.value,
        proposal_reasons=json.dumps(list(proposal.reasons), ensure_ascii=False),
        status="escalated",
        decided_by_id=actor.id,
        decided_at=now,
    )
    session.add(decision)
    return decision


# ------------------------------------------------------------------------------------------------
# Flags (R-TRI-2 facts no table holds), corrected by the director on the board
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlagsSaved:
    flags: frozenset[str]
    version: int  # the flag row's version now: the next save expects it
    proposal: Proposal  # recomputed from the saved facts


def set_flags(
    engine: Engine,
    case_id: int,
    flags: Iterable[str],
    *,
    expected_version: int | None,
    actor: Actor,
    clock: Clock,
) -> FlagsSaved:
    """The director sets exactly ``flags`` on a case awaiting triage and gets the recomputed proposal.

    ``expected_version`` is the flag row's version the director saw (None: no row yet): a save by someone else
    in between (the inquiry clerk ticks the same facts) is refused with who and when, never overwritten.
    After the ruling the facts are part of the record and stay as they were ruled on."""
    require_role(actor, TRIAGE_ROLES, "修改分流事实")
    wanted = check_flags(flags)
    with unit_of_work(engine, actor=actor, action="繁简分流：修改分流事实", clock=clock) as session:
        found = session.get(Case, case_id)
        if found is None:
            raise NotFound("没有该案件")
        if found.stage != Stage.INQUIRED.value:
            raise DomainError(f"该案状态为“{Stage(found.stage).label}”，不是待分流，分流事实不能再修改")
        current = session.get(TriageFlags, case_id)
        if (current.version if current else None) != expected_version:
            raise ConcurrentEdit(_flags_changed_by(session, case_id))
        row = write_flags(session, case_id, wanted)
        session.flush()  # bumps the version and makes the new facts visible to the proposal's queries
        proposal = proposal_for(session, case_id)
    return FlagsSaved(wanted, row.version, proposal)


def _flags_changed_by(session: Session, case_id: int) -> str:
    last = session.exec(
        select(AuditRecord)
        .where(AuditRecord.entity == TriageFlags.__tablename__, AuditRecord.entity_id == str(case_id))
        .order_by(col(AuditRecord.id).desc())
        .limit(1)
    ).first()
    if last is None:
        return "分流事实已被他人修改，请刷新后重新标注"
    return f"分流事实已被 {last.actor_login} 于 {last.recorded_at:%H:%M}（{last.action}）修改，请刷新后重新标注"


# ------------------------------------------------------------------------------------------------
# 二次分案
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandlerLoad:
    staff_id: int
    login: str
    name: str
    team: Team
    open_cases: int


def handler_options(engine: Engine, team: Team) -> list[HandlerLoad]:
    """Active handlers of ``team`` (clerks excluded), the lightest open caseload first (R-TRI-3)."""
    open_stages = [Stage.TRIAGED.value, Stage.ASSIGNED.value]
    load = (
        select(Case.handler_id, func.count().label("n"))
        .where(col(Case.stage).in_(open_stages), col(Case.handler_id).is_not(None))
        .group_by(Case.handler_id)
        .subquery()
    )
    query = (
        select(Staff.id, Staff.login, Staff.name, func.coalesce(load.c.n, 0))
        .join(StaffRole, and_(col(StaffRole.staff_id) == Staff.id, StaffRole.role == Role.HANDLER.value))
        .join(load, load.c.handler_id == Staff.id, isouter=True)
        .where(
            Staff.team == team.value,
            col(Staff.active).is_(True),
            or_(col(Staff.title).is_(None), Staff.title != Title.CLERK.value),
        )
        .order_by(func.coalesce(load.c.n, 0), Staff.login)
    )
    with read_session(engine) as session:
        return [HandlerLoad(sid, login, name, team, int(n)) for sid, login, name, n in session.exec(query)]


def assign(engine: Engine, case_id: int, handler_id: int, *, actor: Actor, clock: Clock) -> None:
    """二次分案: the handler takes the case and its dossier (已分流 → 承办中)."""
    require_role(actor, ASSIGN_ROLES, "二次分案")
    now = clock.now()
    with unit_of_work(engine, actor=actor, action="二次分案", clock=clock) as session:
        found = _case_in(session, case_id, Stage.TRIAGED, Stage.ASSIGNED)
        team = Team(found.team) if found.team else None
        handler = session.get(Staff, handler_id)
        if handler is None or not handler.active:
            raise FieldError("承办人", "没有该承办人或账号已停用")
        roles = set(session.exec(select(StaffRole.role).where(StaffRole.staff_id == handler_id)).all())
        if Role.HANDLER.value not in roles or handler.title == Title.CLERK.value:
            raise FieldError("承办人", f"{handler.name} 不是承办人")
        if team is not None and handler.team != team.value:
            raise FieldError("承办人", f"{handler.name} 不在{team.label}团队")
        found.handler_id = handler_id
        move_stage(session, found, Stage.ASSIGNED, actor=actor, now=now, note=f"二次分案：{handler.name}")
        close_deadline(session, case_id=case_id, step=Step.DOSSIER_TO_HANDLER, actor=actor, at=now)
        decision = _decision(session, case_id)
        if decision is not None:
            decision.handler_id, decision.assigned_by_id, decision.assigned_at = handler_id, actor.id, now
