"""网络查控 services (SPEC §3.4): the queue, the feedback table, its validation, submission and 每日清零."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from tests.conftest import FIXED_NOW, context_for, make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AssetFinding, AuditRecord, Case, Deadline, NetworkInquiry, StageChange, TriageFlags
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import DeadlineState, Step
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import ConcurrentEdit, PermissionDenied
from zhihui_tui.services.inquiry import (
    AssetType,
    FindingInput,
    add_finding,
    feedback_table,
    inquiry_queue,
    remove_finding,
    set_triage_flags,
    start_inquiry,
    submit_feedback,
    today_pending,
    update_finding,
    validate_finding,
)
from zhihui_tui.services.uow import unit_of_work

CALENDAR = load_calendar(None)
COURT = "内2221"
APPLICANT = "152221199003070011"
PERSON_B = "152221198512120027"
PERSON_C = "11010519491231002X"
ORG_A = "91152221MA0N2X3Y4Q"


def served_case(
    engine: Engine,
    clock: FixedClock,
    *,
    target_fen: int = 15_000_000,
    respondents: tuple[tuple[str, str | None, bool], ...] = (("李四", PERSON_B, False),),
    filed: datetime = datetime(2026, 11, 25, 9),
    stage: Stage = Stage.SERVED,
    disputed: bool = False,
) -> int:
    """A filed and served case (its NETWORK_INQUIRY step open from ``filed``); returns its id."""
    system = make_staff_once(engine, clock)
    new = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=datetime(2026, 11, 20, 9),
        filed_at=filed,
        stage=stage,
        applicants=(NewParty(PartyKind.PERSON, "张三", APPLICANT),),
        respondents=tuple(
            NewParty(_kind(number), name, number, whereabouts_unknown=unknown) for name, number, unknown in respondents
        ),
        target_amount_fen=target_fen,
        disputed=disputed,
    )
    with unit_of_work(engine, actor=system, action="登记案件", clock=clock) as session:
        case = register_case(session, new, actor=system, calendar=CALENDAR, court_code=COURT)
        assert case.id is not None
        return case.id


def _kind(number: str | None) -> PartyKind:
    return PartyKind.ORGANISATION if number and number.startswith("91") else PartyKind.PERSON


def make_staff_once(engine: Engine, clock: FixedClock) -> Actor:
    from zhihui_tui.services.accounts import system_actor

    return system_actor(engine)


@pytest.fixture
def clerk(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "chakong", Role.NETWORK_INQUIRY, name="周查控")


@pytest.fixture
def director(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="高主任")


def respondent_id(engine: Engine, case_id: int, clerk: Actor, index: int = 0) -> int:
    return feedback_table(case_id, ctx=context_for(engine, clerk, FixedClock(FIXED_NOW))).respondents[index].party_id


def deposit(party_id: int, amount: str = "50000.00", frozen: bool = True) -> FindingInput:
    return FindingInput(party_id, AssetType.DEPOSIT, "中国农业银行科右前旗支行", amount, "", frozen, "")


# -- validation ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (FindingInput(1, "存款", "农行", "-1"), "金额"),
        (FindingInput(1, "存款", "农行", "1.234"), "金额"),
        (FindingInput(1, "存款", "农行", "1e9"), "金额"),
        (FindingInput(1, "存款", "农行", "99999999999"), "金额"),  # over 100 亿元: absurd for one account
        (FindingInput(1, "存款", "农行", ""), "金额"),  # money needs an amount
        (FindingInput(1, "网络资金", "", "10"), "机构"),  # and where it is
        (FindingInput(1, "车辆", "", "", "-2"), "数量"),
        (FindingInput(1, "车辆", "", "", "1.5"), "数量"),
        (FindingInput(1, "车辆", "", "", "0"), "数量"),
        (FindingInput(1, "车辆", "", "", "100000"), "数量"),
        (FindingInput(1, "飞机", "", ""), "财产类型"),
        (FindingInput(1, "其他", "x" * 101), "机构"),
        (FindingInput(1, "其他", "", "", "", False, "a\u202eb"), "备注"),
    ],
)
def test_bad_rows_are_refused_at_their_field(row: FindingInput, field: str) -> None:
    with pytest.raises(FieldError) as refused:
        validate_finding(row)
    assert refused.value.field == field


def test_good_rows_are_normalised() -> None:
    money = validate_finding(FindingInput(7, "网络资金", "支付宝", "1,234.5", "", True))
    assert (money.asset_type, money.amount_fen, money.frozen) == (AssetType.ONLINE_FUNDS, 123_450, True)
    car = validate_finding(FindingInput(7, "车辆", "", "", "2", False, "蒙G·12345"))
    assert (car.asset_type, car.amount_fen, car.quantity, car.note) == (AssetType.VEHICLE, None, 2, "蒙G·12345")


# -- queue, table, submission ---------------------------------------------------------------------------------


def test_queue_lists_served_cases_with_the_two_day_deadline(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = served_case(engine, clock)
    served_case(engine, clock, stage=Stage.FILED)  # not yet at the post
    rows = inquiry_queue(ctx=context_for(engine, clerk, clock))
    assert [r.case_id for r in rows] == [case_id]
    assert rows[0].due == date(2026, 11, 27) and rows[0].state is DeadlineState.DUE_TODAY
    assert rows[0].respondents == "李四" and not rows[0].started


def test_add_edit_remove_and_submit_moves_the_case_to_triage(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = served_case(engine, clock)
    party = respondent_id(engine, case_id, clerk)
    first = add_finding(case_id, deposit(party), ctx=context_for(engine, clerk, clock))
    car = add_finding(case_id, FindingInput(party, "车辆", "", "80000", "1"), ctx=context_for(engine, clerk, clock))
    table = feedback_table(case_id, ctx=context_for(engine, clerk, clock))
    assert [f.asset_type for f in table.findings] == [AssetType.DEPOSIT, AssetType.VEHICLE]
    assert table.started_at == clock.now()  # entering the first row starts the inquiry
    version = table.findings[0].version
    update_finding(first, deposit(party, "60000"), expected_version=version, ctx=context_for(engine, clerk, clock))
    with pytest.raises(ConcurrentEdit):
        update_finding(first, deposit(party, "70000"), expected_version=version, ctx=context_for(engine, clerk, clock))
    remove_finding(car, expected_version=table.findings[1].version, ctx=context_for(engine, clerk, clock))
    table = feedback_table(case_id, ctx=context_for(engine, clerk, clock))
    assert [(f.asset_type, f.amount_fen) for f in table.findings] == [(AssetType.DEPOSIT, 6_000_000)]

    clock.advance(hours=1)
    submit_feedback(case_id, ctx=context_for(engine, clerk, clock))
    with read_session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None and case.stage == Stage.INQUIRED.value
        steps = {d.step: d for d in session.exec(select(Deadline).where(Deadline.case_id == case_id))}
        history = session.exec(select(StageChange).where(StageChange.case_id == case_id)).all()
        inquiry = session.exec(select(NetworkInquiry).where(NetworkInquiry.case_id == case_id)).one()
        audited = session.exec(select(AuditRecord.action).where(col(AuditRecord.action).like("%查控%"))).all()
    assert steps[Step.NETWORK_INQUIRY.value].done_at is not None
    triage = steps[Step.TRIAGE.value]
    assert triage.done_at is None and triage.owner_role == Role.DIRECTOR.value
    assert triage.due_date == date(2026, 11, 30)  # Fri + 2 days is a Sunday → the next working day
    assert history[-1].from_stage == Stage.SERVED.value and history[-1].to_stage == Stage.INQUIRED.value
    assert inquiry.submitted_by_id == clerk.id
    assert "提交查控结果反馈信息表" in audited
    # the table is closed once submitted: its rows stay as they were; a result arriving now is kept, marked late
    with pytest.raises(DomainError):
        update_finding(first, deposit(party), expected_version=2, ctx=context_for(engine, clerk, clock))
    with pytest.raises(DomainError):
        submit_feedback(case_id, ctx=context_for(engine, clerk, clock))
    late = add_finding(case_id, deposit(party), ctx=context_for(engine, clerk, clock))
    with read_session(engine) as session:
        assert session.exec(select(AssetFinding.late).where(AssetFinding.id == late)).one() is True
        assert session.exec(select(AssetFinding.late).where(AssetFinding.id == first)).one() is False


def test_finding_for_a_respondent_not_on_the_case_is_refused(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = served_case(engine, clock)
    other = served_case(engine, clock, respondents=(("王五", PERSON_C, False),))
    stranger = respondent_id(engine, other, clerk)
    applicant_party = None
    with read_session(engine) as session:
        from zhihui_tui.db.models import CaseParty

        applicant_party = session.exec(
            select(CaseParty.party_id).where(CaseParty.case_id == case_id, CaseParty.role == "applicant")
        ).one()
    for party in (stranger, applicant_party, 999_999):
        with pytest.raises(FieldError) as refused:
            add_finding(case_id, deposit(party), ctx=context_for(engine, clerk, clock))
        assert refused.value.field == "被执行人"
    with read_session(engine) as session:
        assert session.exec(select(AssetFinding)).all() == []
        assert session.exec(select(NetworkInquiry)).all() == []  # nothing half-saved


def test_bad_amount_saves_nothing(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = served_case(engine, clock)
    party = respondent_id(engine, case_id, clerk)
    with pytest.raises(FieldError):
        add_finding(case_id, deposit(party, "-5"), ctx=context_for(engine, clerk, clock))
    with read_session(engine) as session:
        assert session.exec(select(AssetFinding)).all() == []


def test_only_the_inquiry_post_writes_the_table(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    case_id = served_case(engine, clock)
    party = respondent_id(engine, case_id, clerk)
    handler = make_staff(engine, clock, "ban1", Role.HANDLER)
    with pytest.raises(PermissionDenied):
        add_finding(case_id, deposit(party), ctx=context_for(engine, director, clock))
    with pytest.raises(PermissionDenied):
        submit_feedback(case_id, ctx=context_for(engine, director, clock))
    with pytest.raises(PermissionDenied):
        inquiry_queue(ctx=context_for(engine, handler, clock))


def test_today_view_clears_when_the_days_work_is_done(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    due_today = served_case(engine, clock)  # filed Wed 11-25 → due Fri 11-27
    served_case(engine, clock, filed=datetime(2026, 11, 27, 8))  # due next week: not today's work
    assert [r.case_id for r in today_pending(ctx=context_for(engine, clerk, clock))] == [due_today]
    start_inquiry(due_today, ctx=context_for(engine, clerk, clock))
    assert [r.case_id for r in today_pending(ctx=context_for(engine, clerk, clock))] == [due_today]  # started, not sent
    submit_feedback(due_today, ctx=context_for(engine, clerk, clock))
    assert today_pending(ctx=context_for(engine, clerk, clock)) == []


def test_triage_flags_are_recorded(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = served_case(engine, clock)
    set_triage_flags(
        case_id, {"coercive_measures", "major"}, expected_version=None, ctx=context_for(engine, clerk, clock)
    )
    set_triage_flags(case_id, {"coercive_measures"}, expected_version=1, ctx=context_for(engine, clerk, clock))
    with read_session(engine) as session:
        flags = session.get(TriageFlags, case_id)
    assert flags is not None and flags.coercive_measures and not flags.major
    with pytest.raises(FieldError):
        set_triage_flags(case_id, {"nonsense"}, expected_version=2, ctx=context_for(engine, clerk, clock))


def test_triage_flags_saved_over_a_newer_save_are_refused_with_who_saved(
    engine: Engine, clock: FixedClock, clerk: Actor
) -> None:
    """The director ticks 重大 after the clerk opened the table: the clerk's save must not clear it."""
    director = make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="包主任")
    case_id = served_case(engine, clock)
    seen = feedback_table(case_id, ctx=context_for(engine, clerk, clock)).flags_version
    assert seen is None
    set_triage_flags(case_id, {"major"}, expected_version=None, ctx=context_for(engine, director, clock))
    with pytest.raises(ConcurrentEdit) as refused:
        set_triage_flags(case_id, {"coercive_measures"}, expected_version=seen, ctx=context_for(engine, clerk, clock))
    assert re.search(r"已被 zhuren 于 \d\d:\d\d:\d\d（标注分流事实）修改", refused.value.message)
    table = feedback_table(case_id, ctx=context_for(engine, clerk, clock))
    assert (table.flags, table.flags_version) == ({"major"}, 1)  # nothing overwritten
    with pytest.raises(ConcurrentEdit):  # a version from the future is stale too
        set_triage_flags(case_id, set(), expected_version=5, ctx=context_for(engine, clerk, clock))
    set_triage_flags(case_id, {"major", "coercive_measures"}, expected_version=1, ctx=context_for(engine, clerk, clock))
    assert feedback_table(case_id, ctx=context_for(engine, clerk, clock)).flags == {"major", "coercive_measures"}


def test_allowed_actions_follow_the_posts_and_the_stage(clerk: Actor, director: Actor) -> None:
    """The screen asks the service which keys to offer: the clerk records, the director reads and marks facts."""
    from zhihui_tui.services.inquiry import InquiryAction, allowed_actions

    everything = set(InquiryAction)
    assert allowed_actions(clerk) == everything
    assert allowed_actions(director) == {InquiryAction.VIEW, InquiryAction.FLAG}
    # submitted: the clerk may still record a late result, up to the case's closing
    assert allowed_actions(clerk, Stage.INQUIRED) == {InquiryAction.VIEW, InquiryAction.FLAG, InquiryAction.RECORD}
    assert allowed_actions(clerk, Stage.TRIAGED) == {InquiryAction.VIEW, InquiryAction.RECORD}
    assert allowed_actions(clerk, Stage.ARCHIVED) == {InquiryAction.VIEW}
    assert InquiryAction.RECORD.posts == "网络查控组"
