"""繁简分流 services (SPEC §3.5): board proposals from the database, rulings, designation, 二次分案, permissions."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from tests.conftest import context_for, make_staff
from tests.services.test_inquiry import CALENDAR, ORG_A, PERSON_C, deposit, served_case
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AuditRecord, Case, Deadline, StageChange, TriageDecision, TriageFlags
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.triage import Track
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.deadlines import count_open_steps, my_open_steps
from zhihui_tui.services.errors import ConcurrentEdit, PermissionDenied
from zhihui_tui.services.inquiry import FindingInput, add_finding, feedback_table, set_triage_flags, submit_feedback
from zhihui_tui.services.triage import (
    TriageAction,
    accept,
    accept_many,
    all_proposals,
    allowed_actions,
    assign,
    board_page,
    designate,
    escalate,
    handler_options,
    override,
    set_flags,
)
from zhihui_tui.services.uow import unit_of_work


@pytest.fixture
def clerk(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "chakong", Role.NETWORK_INQUIRY, name="周查控")


@pytest.fixture
def director(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="高主任")


@pytest.fixture
def chief(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "juzhang", Role.BUREAU_CHIEF, name="包局长")


def inquired(engine: Engine, clock: FixedClock, clerk: Actor, *findings: FindingInput, **case: object) -> int:
    """A case through the inquiry post: its findings entered (party_id 0 = the first respondent) and submitted."""
    case_id = served_case(engine, clock, **case)  # type: ignore[arg-type]
    party = feedback_table(case_id, ctx=context_for(engine, clerk, clock)).respondents[0].party_id
    for row in findings:
        add_finding(case_id, FindingInput(**{**row.__dict__, "party_id": party}), ctx=context_for(engine, clerk, clock))
    submit_feedback(case_id, ctx=context_for(engine, clerk, clock))
    return case_id


def stage_of(engine: Engine, case_id: int) -> Case:
    with read_session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def open_steps(engine: Engine, case_id: int) -> set[str]:
    with read_session(engine) as session:
        rows = session.exec(select(Deadline).where(Deadline.case_id == case_id, Deadline.done_at == None)).all()  # noqa: E711
    return {d.step for d in rows}


# -- proposals from the database -------------------------------------------------------------------------------


def test_board_proposes_from_case_respondents_flags_and_frozen_money(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    small = inquired(engine, clock, clerk, target_fen=15_000_000)
    covered = inquired(engine, clock, clerk, deposit(0, "300000", frozen=True), target_fen=30_000_000)
    not_frozen = inquired(engine, clock, clerk, deposit(0, "300000", frozen=False), target_fen=30_000_000)
    missing = inquired(engine, clock, clerk, respondents=(("王五", PERSON_C, True),))
    disputed = inquired(engine, clock, clerk, disputed=True)
    flagged = served_case(engine, clock)
    set_triage_flags(flagged, {"coercive_measures"}, expected_version=None, ctx=context_for(engine, clerk, clock))
    submit_feedback(flagged, ctx=context_for(engine, clerk, clock))
    many = inquired(
        engine, clock, clerk, respondents=(*((f"某{i}", None, False) for i in range(5)), ("公司", ORG_A, False))
    )
    page = board_page(ctx=context_for(engine, director, clock))
    by_id = {r.case_id: r.proposal for r in page.rows}
    assert page.total == 7 and not page.has_more
    assert by_id[small].track is Track.FAST
    assert by_id[covered].track is Track.FAST and "足额" in by_id[covered].reasons[0]
    assert by_id[not_frozen].track is Track.INTENSIVE
    assert by_id[missing].track is Track.INTENSIVE and by_id[missing].blocking
    assert by_id[disputed].track is Track.ESCALATE
    assert by_id[flagged].track is Track.INTENSIVE
    assert by_id[many].track is Track.INTENSIVE and "6 人" in by_id[many].blocking[0]


def test_board_pages_by_keyset(engine: Engine, clock: FixedClock, clerk: Actor, director: Actor) -> None:
    ids = [inquired(engine, clock, clerk) for _ in range(5)]
    first = board_page(limit=2, ctx=context_for(engine, director, clock))
    second = board_page(limit=2, after=first.rows[-1].key, ctx=context_for(engine, director, clock))
    third = board_page(limit=2, after=second.rows[-1].key, ctx=context_for(engine, director, clock))
    assert [r.case_id for r in (*first.rows, *second.rows, *third.rows)] == ids
    assert first.has_more and second.has_more and not third.has_more
    assert [p.case_number for p in all_proposals(ctx=context_for(engine, director, clock))] == [
        r.case_number for r in first.rows
    ] + [r.case_number for r in (*second.rows, *third.rows)]


# -- rulings ------------------------------------------------------------------------------------------------------


def test_accept_moves_to_triaged_and_opens_the_dossier_step(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    case_id = inquired(engine, clock, clerk)
    assert accept(case_id, ctx=context_for(engine, director, clock)) is Track.FAST
    case = stage_of(engine, case_id)
    assert (case.stage, case.team) == (Stage.TRIAGED.value, Team.FAST.value)
    assert open_steps(engine, case_id) == {Step.DOSSIER_TO_HANDLER.value}
    with read_session(engine) as session:
        decision = session.exec(select(TriageDecision).where(TriageDecision.case_id == case_id)).one()
        due = session.exec(select(Deadline.due_date).where(Deadline.step == Step.DOSSIER_TO_HANDLER.value)).one()
    assert (decision.status, decision.track, decision.proposed_track) == ("accepted", "快执", "快执")
    assert json.loads(decision.proposal_reasons)[0].startswith("标的")
    assert due == date(2026, 11, 30)
    with pytest.raises(DomainError):  # twice is refused with a clear message
        accept(case_id, ctx=context_for(engine, director, clock))


def test_accept_many_reports_each_case(engine: Engine, clock: FixedClock, clerk: Actor, director: Actor) -> None:
    first, second = inquired(engine, clock, clerk), inquired(engine, clock, clerk)
    accept(second, ctx=context_for(engine, director, clock))
    outcomes = accept_many([first, second], ctx=context_for(engine, director, clock))
    assert outcomes[0].track is Track.FAST and outcomes[0].error is None
    assert outcomes[1].track is None and "已分流" in (outcomes[1].error or "")


def test_override_needs_a_reason_and_saves_nothing_without(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    case_id = inquired(engine, clock, clerk)
    for reason in ("", "   "):
        with pytest.raises(FieldError) as refused:
            override(case_id, Track.INTENSIVE, reason, ctx=context_for(engine, director, clock))
        assert refused.value.field == "理由"
    assert stage_of(engine, case_id).stage == Stage.INQUIRED.value
    with read_session(engine) as session:
        assert session.exec(select(TriageDecision)).all() == []
    override(case_id, Track.INTENSIVE, "涉案房产需评估拍卖", ctx=context_for(engine, director, clock))
    case = stage_of(engine, case_id)
    assert (case.stage, case.team) == (Stage.TRIAGED.value, Team.INTENSIVE.value)
    with read_session(engine) as session:
        decision = session.exec(select(TriageDecision)).one()
        note = session.exec(select(StageChange.note).where(StageChange.to_stage == "triaged")).one()
    assert (decision.status, decision.override_reason) == ("overridden", "涉案房产需评估拍卖")
    assert note == "精执：涉案房产需评估拍卖"


def test_escalate_then_the_chief_designates(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor, chief: Actor
) -> None:
    case_id = inquired(engine, clock, clerk, disputed=True)
    with pytest.raises(PermissionDenied):
        escalate(case_id, ctx=context_for(engine, chief, clock))
    escalate(case_id, reason="双方对执行依据有争议", ctx=context_for(engine, director, clock))
    assert stage_of(engine, case_id).stage == Stage.ESCALATED.value
    assert open_steps(engine, case_id) == {Step.TRIAGE.value}  # the triage clock waits on the chief now
    assert [r.case_id for r in board_page(stage=Stage.ESCALATED, ctx=context_for(engine, chief, clock)).rows] == [
        case_id
    ]
    with pytest.raises(PermissionDenied):
        designate(case_id, Team.FAST, ctx=context_for(engine, director, clock))
    designate(case_id, Team.INTENSIVE, note="重大案件", ctx=context_for(engine, chief, clock))
    case = stage_of(engine, case_id)
    assert (case.stage, case.team) == (Stage.TRIAGED.value, Team.INTENSIVE.value)
    assert open_steps(engine, case_id) == {Step.DOSSIER_TO_HANDLER.value}
    with read_session(engine) as session:
        decision = session.exec(select(TriageDecision)).one()
    assert (decision.status, decision.track, decision.designated_by_id) == ("designated", "精执", chief.id)


def test_the_chiefs_board_carries_the_directors_reason_read_in_one_batch(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor, chief: Actor
) -> None:
    from sqlalchemy import event

    def escalated_board() -> tuple[dict[int, str | None], int]:
        statements: list[str] = []

        def capture(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", capture)
        try:
            page = board_page(stage=Stage.ESCALATED, ctx=context_for(engine, chief, clock))
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        return {r.case_id: r.escalation_reason for r in page.rows}, len(statements)

    first = inquired(engine, clock, clerk)  # proposed 快执: escalating it needs a reason
    escalate(first, reason="涉众案件，争议较大", ctx=context_for(engine, director, clock))
    reasons, one_row = escalated_board()
    assert reasons == {first: "涉众案件，争议较大"}
    second = inquired(engine, clock, clerk, disputed=True)  # proposed 局长指定: no reason needed
    escalate(second, ctx=context_for(engine, director, clock))
    reasons, two_rows = escalated_board()
    assert reasons == {first: "涉众案件，争议较大", second: None}
    assert two_rows == one_row  # no query per row
    waiting = inquired(engine, clock, clerk)
    assert [(r.case_id, r.escalation_reason) for r in board_page(ctx=context_for(engine, director, clock)).rows] == [
        (waiting, None)
    ]


def test_escalation_hands_the_triage_clock_to_the_chief(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor, chief: Actor
) -> None:
    """R-TRI-1's 2 days run from the feedback table; 局长指定 is part of triage (seed §四.4), so the step moves to
    the chief with its due date, shows on his home, and closes when he designates."""
    case_id = inquired(engine, clock, clerk, disputed=True)
    (before,) = my_open_steps(ctx=context_for(engine, director, clock))
    assert (before.case_id, before.label, before.owner_role) == (case_id, "繁简分流", Role.DIRECTOR)
    escalate(case_id, ctx=context_for(engine, director, clock))
    assert my_open_steps(ctx=context_for(engine, director, clock)) == []
    (waiting,) = my_open_steps(ctx=context_for(engine, chief, clock))
    assert (waiting.case_id, waiting.step, waiting.label) == (case_id, Step.TRIAGE, "局长指定分案")
    assert (waiting.owner_login, waiting.owner_role, waiting.due) == ("juzhang", Role.BUREAU_CHIEF, before.due)
    assert count_open_steps(ctx=context_for(engine, chief, clock)) == (1, 0)
    page = board_page(stage=Stage.ESCALATED, ctx=context_for(engine, chief, clock))
    assert [(r.case_id, r.due) for r in page.rows] == [(case_id, before.due)]  # the chief's board shows the clock
    designate(case_id, Team.FAST, ctx=context_for(engine, chief, clock))
    assert my_open_steps(ctx=context_for(engine, chief, clock)) == []
    with read_session(engine) as session:
        triage = session.exec(select(Deadline).where(Deadline.step == Step.TRIAGE.value)).one()
        moved = session.exec(
            select(AuditRecord).where(AuditRecord.entity == "deadline", AuditRecord.action == "繁简分流：提请局长指定")
        ).one()
    assert (triage.done_at, triage.done_by_id) == (clock.now(), chief.id)
    assert json.loads(moved.after or "{}") == {"owner_id": chief.id, "owner_role": "bureau_chief"}


def test_a_case_imported_as_escalated_waits_on_the_chief(engine: Engine, clock: FixedClock, chief: Actor) -> None:
    """Imports and the demo register 局长指定 cases with the same clock: the chief's, from the feedback table."""
    inquired_at, escalated_at = datetime(2026, 11, 24, 10), datetime(2026, 11, 25, 15)
    system = make_staff(engine, clock, "daoru", Role.ADMIN)
    new = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=datetime(2026, 11, 16, 9),
        filed_at=datetime(2026, 11, 17, 9),
        stage=Stage.ESCALATED,
        applicants=(NewParty(PartyKind.PERSON, "张三", None),),
        respondents=(NewParty(PartyKind.PERSON, "李四", None),),
        target_amount_fen=90_000_000,
        disputed=True,
        stage_times={Stage.INQUIRED: inquired_at, Stage.ESCALATED: escalated_at},
    )
    with unit_of_work(engine, actor=system, action="登记案件", clock=clock) as session:
        case_id = register_case(session, new, actor=system, calendar=CALENDAR, court_code="内2221").id
    (waiting,) = my_open_steps(ctx=context_for(engine, chief, clock))
    with read_session(engine) as session:
        deadline = session.exec(select(Deadline).where(Deadline.case_id == case_id)).one()
    assert (waiting.case_id, waiting.label, deadline.triggered_at) == (case_id, "局长指定分案", inquired_at)
    assert deadline.due_date == CALENDAR.due_date(inquired_at, 2)


def test_escalating_against_the_proposal_needs_a_reason(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    case_id = inquired(engine, clock, clerk)  # proposed 快执
    with pytest.raises(FieldError) as refused:
        escalate(case_id, reason="  ", ctx=context_for(engine, director, clock))
    assert refused.value.message == "理由：改变系统建议须填写理由"
    assert stage_of(engine, case_id).stage == Stage.INQUIRED.value
    escalate(case_id, reason="涉及群体性纠纷", ctx=context_for(engine, director, clock))
    with read_session(engine) as session:
        decision = session.exec(select(TriageDecision)).one()
    assert (decision.status, decision.proposed_track) == ("escalated", "快执")
    assert decision.override_reason == "涉及群体性纠纷"


# -- flags set by the director on the board ------------------------------------------------------------------------


def test_director_sets_flags_and_the_proposal_is_recomputed(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    case_id = inquired(engine, clock, clerk)
    (row,) = board_page(ctx=context_for(engine, director, clock)).rows
    assert (row.flags, row.flags_version, row.proposal.track) == (frozenset(), None, Track.FAST)
    saved = set_flags(case_id, {"major"}, expected_version=None, ctx=context_for(engine, director, clock))
    assert (saved.flags, saved.version, saved.proposal.track) == ({"major"}, 1, Track.ESCALATE)
    assert saved.proposal.reasons == ("重大疑难复杂", "提请局长指定分案")
    saved = set_flags(case_id, ["coercive_measures"], expected_version=1, ctx=context_for(engine, director, clock))
    assert (saved.version, saved.proposal.track) == (2, Track.INTENSIVE)
    (row,) = board_page(ctx=context_for(engine, director, clock)).rows
    assert (row.flags, row.flags_version, row.proposal) == ({"coercive_measures"}, 2, saved.proposal)
    with read_session(engine) as session:
        trail = session.exec(
            select(AuditRecord).where(AuditRecord.entity == "triage_flags").order_by(col(AuditRecord.id))
        ).all()
    expected = ("zhuren", "繁简分流：修改分流事实", str(case_id))
    assert [(a.actor_login, a.action, a.entity_id) for a in trail] == [expected, expected]
    assert json.loads(trail[1].after or "{}") == {"coercive_measures": True, "major": False}


def test_set_flags_refuses_a_stale_version_and_names_who_saved(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    case_id = inquired(engine, clock, clerk)
    # the clerk's path stays open
    set_triage_flags(case_id, {"social_conflict"}, expected_version=None, ctx=context_for(engine, clerk, clock))
    with pytest.raises(ConcurrentEdit) as refused:
        set_flags(case_id, {"major"}, expected_version=None, ctx=context_for(engine, director, clock))
    assert "chakong" in refused.value.message and "标注分流事实" in refused.value.message
    (row,) = board_page(ctx=context_for(engine, director, clock)).rows
    assert (row.flags, row.flags_version) == ({"social_conflict"}, 1)  # nothing overwritten


def test_only_the_director_sets_flags_and_only_before_triage(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor, chief: Actor
) -> None:
    case_id = inquired(engine, clock, clerk)
    for actor in (clerk, chief):
        with pytest.raises(PermissionDenied):
            set_flags(case_id, {"major"}, expected_version=None, ctx=context_for(engine, actor, clock))
    with pytest.raises(FieldError) as unknown:
        set_flags(case_id, {"nonsense"}, expected_version=None, ctx=context_for(engine, director, clock))
    assert unknown.value.field == "分流事实"
    accept(case_id, ctx=context_for(engine, director, clock))
    with pytest.raises(DomainError) as ruled:
        set_flags(case_id, {"major"}, expected_version=None, ctx=context_for(engine, director, clock))
    assert "不是待分流" in ruled.value.message
    with read_session(engine) as session:
        assert session.exec(select(TriageFlags)).all() == []


def test_accept_refuses_a_proposal_changed_since_it_was_read(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    case_id = inquired(engine, clock, clerk)
    (row,) = board_page(ctx=context_for(engine, director, clock)).rows
    # 精执
    set_triage_flags(case_id, {"coercive_measures"}, expected_version=None, ctx=context_for(engine, clerk, clock))
    with pytest.raises(DomainError) as refused:
        accept(case_id, expected=row.proposal.track, ctx=context_for(engine, director, clock))
    assert "已变为“精执”" in refused.value.message
    assert stage_of(engine, case_id).stage == Stage.INQUIRED.value
    expected = {case_id: Track.INTENSIVE}
    (outcome,) = accept_many([case_id], expected=expected, ctx=context_for(engine, director, clock))
    assert (outcome.track, outcome.error) == (Track.INTENSIVE, None)


def test_only_the_director_triages(engine: Engine, clock: FixedClock, clerk: Actor, chief: Actor) -> None:
    case_id = inquired(engine, clock, clerk)
    for actor in (clerk, chief):
        with pytest.raises(PermissionDenied):
            accept(case_id, ctx=context_for(engine, actor, clock))
        with pytest.raises(PermissionDenied):
            override(case_id, Track.INTENSIVE, "理由", ctx=context_for(engine, actor, clock))
        with pytest.raises(PermissionDenied):
            escalate(case_id, ctx=context_for(engine, actor, clock))
    with pytest.raises(PermissionDenied):
        board_page(ctx=context_for(engine, clerk, clock))
    assert stage_of(engine, case_id).stage == Stage.INQUIRED.value


# -- 二次分案 --------------------------------------------------------------------------------------------------------


def test_assign_suggests_the_lightest_caseload_first(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    busy = make_staff(engine, clock, "kuai1", Role.HANDLER, name="甲法官", team=Team.FAST, title=Title.JUDGE)
    light = make_staff(engine, clock, "kuai2", Role.HANDLER, name="乙法官", team=Team.FAST, title=Title.JUDGE)
    make_staff(engine, clock, "kuai3", Role.HANDLER, name="丙书记员", team=Team.FAST, title=Title.CLERK)
    make_staff(engine, clock, "jing1", Role.HANDLER, name="丁法官", team=Team.INTENSIVE, title=Title.JUDGE)
    first, second = inquired(engine, clock, clerk), inquired(engine, clock, clerk)
    for case_id in (first, second):
        accept(case_id, ctx=context_for(engine, director, clock))
    assert [h.login for h in handler_options(Team.FAST, ctx=context_for(engine, director, clock))] == [
        "kuai1",
        "kuai2",
    ]  # equal load: by login
    assign(first, busy.id, ctx=context_for(engine, director, clock))
    options = handler_options(Team.FAST, ctx=context_for(engine, director, clock))
    assert [(h.login, h.open_cases) for h in options] == [("kuai2", 0), ("kuai1", 1)]
    case = stage_of(engine, first)
    assert (case.stage, case.handler_id, case.team) == (Stage.ASSIGNED.value, busy.id, Team.FAST.value)
    assert open_steps(engine, first) == set()
    jing = handler_options(Team.INTENSIVE, ctx=context_for(engine, director, clock))[0]
    with pytest.raises(FieldError):  # not in the case's team
        assign(second, jing.staff_id, ctx=context_for(engine, director, clock))
    with pytest.raises(PermissionDenied):
        assign(second, light.id, ctx=context_for(engine, clerk, clock))
    assign(second, light.id, ctx=context_for(engine, director, clock))
    with read_session(engine) as session:
        decision = session.exec(select(TriageDecision).where(TriageDecision.case_id == second)).one()
    assert (decision.handler_id, decision.assigned_by_id) == (light.id, director.id)


def test_assign_before_triage_is_refused(engine: Engine, clock: FixedClock, clerk: Actor, director: Actor) -> None:
    handler = make_staff(engine, clock, "kuai1", Role.HANDLER, team=Team.FAST, title=Title.JUDGE)
    case_id = inquired(engine, clock, clerk)
    with pytest.raises(DomainError):
        assign(case_id, handler.id, ctx=context_for(engine, director, clock))


# -- who may do what: the table the board asks and the writes enforce ------------------------------------------------


def test_allowed_actions_per_post_and_view(clerk: Actor, director: Actor, chief: Actor) -> None:
    ruling = {TriageAction.ACCEPT, TriageAction.OVERRIDE, TriageAction.ESCALATE, TriageAction.SET_FLAGS}
    assert allowed_actions(director, Stage.INQUIRED) == {TriageAction.VIEW, *ruling}
    assert allowed_actions(director, Stage.ESCALATED) == {TriageAction.VIEW}
    assert allowed_actions(director, Stage.TRIAGED) == {TriageAction.VIEW, TriageAction.ASSIGN}
    assert allowed_actions(chief, Stage.INQUIRED) == {TriageAction.VIEW}
    assert allowed_actions(chief, Stage.ESCALATED) == {TriageAction.VIEW, TriageAction.DESIGNATE}
    assert allowed_actions(chief, Stage.TRIAGED) == {TriageAction.VIEW, TriageAction.ASSIGN}
    assert allowed_actions(clerk, Stage.INQUIRED) == frozenset()
    assert allowed_actions(director, Stage.ASSIGNED) == frozenset()  # not a view of the board


def test_handler_options_are_for_who_may_assign(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    with pytest.raises(PermissionDenied):
        handler_options(Team.FAST, ctx=context_for(engine, clerk, clock))
