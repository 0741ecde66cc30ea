"""The end of a case (issue 14): 终本 conditions from the records, closing refused while money or matters are open,
the director's override, the watch and resumption, the dossier's path to the archive — SQLite and PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from tests.conftest import context_for, make_staff
from tests.services.documents_court import BASIS, FIRM, ZHANG
from zhihui_tui.db.models import Case, Deadline, DelegatedMatter, NetworkInquiry, ZhongbenWatch
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.closing import MeasureKind, ZhongbenFacts, add_months, unmet_conditions, watch_schedule
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import MatterKind, MatterStatus
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import Step
from zhihui_tui.services import closing, funds
from zhihui_tui.services.accounts import set_staff_active, system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, register_case
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.errors import PermissionDenied, ServiceError
from zhihui_tui.services.uow import unit_of_work

CALENDAR = load_calendar(None)
FILED = datetime(2026, 8, 3, 10, 0)  # 116 days before the fixed clock's 2026-11-27


@dataclass
class Court:
    engine: Engine
    clock: FixedClock
    handler: Actor
    director: Actor
    chief: Actor
    inquiry: Actor
    keeper: Actor
    case_id: int

    def ctx(self, actor: Actor) -> ServiceContext:
        return context_for(self.engine, actor, self.clock)


@pytest.fixture
def court(engine: Engine, clock: FixedClock) -> Court:
    handler = make_staff(engine, clock, "kuai01", Role.HANDLER, name="王建国")
    director = make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="张宏伟")
    chief = make_staff(engine, clock, "juzhang", Role.BUREAU_CHIEF, name="孟凡军")
    inquiry = make_staff(engine, clock, "chakong", Role.NETWORK_INQUIRY, name="刘洋")
    keeper = make_staff(engine, clock, "juanzong1", Role.DOSSIER, name="郑秀兰")
    new = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=FILED.replace(hour=9),
        applicants=(FIRM,),
        respondents=(ZHANG,),
        target_amount_fen=5_000_000,
        basis=BASIS,
        stage=Stage.ASSIGNED,
        filed_at=FILED,
        handler_id=handler.id,
    )
    system = system_actor(engine)
    with unit_of_work(engine, actor=system, action="收案", clock=clock) as session:
        case = register_case(session, new, actor=system, calendar=CALENDAR, court_code="内2221")
        session.flush()
        assert case.id is not None
        session.add(
            NetworkInquiry(
                case_id=case.id,
                dossier_received_at=FILED,
                started_at=FILED,
                started_by_id=inquiry.id,
                submitted_at=FILED,
                submitted_by_id=inquiry.id,
            )
        )
        case_id = case.id
    return Court(engine, clock, handler, director, chief, inquiry, keeper, case_id)


def measure(c: Court, kind: MeasureKind) -> None:
    closing.record_measure(c.case_id, kind.label, "2026-11-20", ctx=c.ctx(c.handler))


def case_row(c: Court) -> Case:
    with Session(c.engine) as session:
        case = session.get(Case, c.case_id)
    assert case is not None
    return case


def open_steps(c: Court) -> set[str]:
    with Session(c.engine) as session:
        return set(
            session.exec(
                select(Deadline.step).where(Deadline.case_id == c.case_id, col(Deadline.done_at).is_(None))
            ).all()
        )


# -- the rule, condition by condition ------------------------------------------------------------------------------

ALL_MET = ZhongbenFacts(
    pack_served=True,
    measures=frozenset({MeasureKind.CONSUMPTION_RESTRICTION}),
    dishonest_requested=False,
    inquiry_submitted=True,
    valuable_findings=0,
    filed_on=date(2026, 8, 1),
    missing_respondents=0,
    searched=False,
)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"pack_served": False}, "执行通知书、报告财产令尚未送达"),
        ({"measures": frozenset()}, "尚未发出限制消费令"),
        ({"dishonest_requested": True}, "尚未纳入"),
        ({"inquiry_submitted": False}, "网络查控尚未完成"),
        ({"valuable_findings": 2}, "查控到 2 项财产"),
        ({"filed_on": date(2026, 9, 1)}, "未满 90 日（立案仅 87 日）"),
        ({"missing_respondents": 1}, "下落不明"),
        ({"measures": frozenset({MeasureKind.CONSUMPTION_RESTRICTION, MeasureKind.OBSTRUCTION_FOUND})}, "妨害执行"),
    ],
)
def test_each_zhongben_condition_is_named_when_unmet(change: dict[str, object], named: str) -> None:
    assert unmet_conditions(ALL_MET, date(2026, 11, 27)) == []
    facts = ZhongbenFacts(**{**ALL_MET.__dict__, **change})  # type: ignore[arg-type]
    (unmet,) = unmet_conditions(facts, date(2026, 11, 27))
    assert named in unmet


def test_the_watch_runs_every_six_months_for_five_years() -> None:
    rounds = watch_schedule(date(2026, 8, 31))
    assert len(rounds) == 10
    assert rounds[0] == date(2027, 2, 28) and rounds[-1] == date(2031, 8, 31)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


# -- closing ------------------------------------------------------------------------------------------------------


def test_zhongben_is_refused_naming_what_is_missing_until_met(court: Court) -> None:
    check = closing.zhongben_check(court.case_id, ctx=court.ctx(court.handler))
    assert check.unmet == ("尚未发出限制消费令",)
    with pytest.raises(ServiceError, match="终本条件未满足：尚未发出限制消费令"):
        closing.close_case(court.case_id, "终本", ctx=court.ctx(court.handler))
    assert case_row(court).stage == Stage.ASSIGNED.value
    measure(court, MeasureKind.CONSUMPTION_RESTRICTION)
    with pytest.raises(ServiceError, match="已于 2026-11-20 登记"):
        measure(court, MeasureKind.CONSUMPTION_RESTRICTION)
    closing.close_case(court.case_id, "终本", "无可供执行财产", ctx=court.ctx(court.handler))
    case = case_row(court)
    assert (case.stage, case.closure) == (Stage.CLOSED.value, "procedure_terminated")
    assert open_steps(court) == {Step.DOSSIER_TRANSFER.value, Step.ARCHIVE.value}
    with Session(court.engine) as session:
        dues = session.exec(select(ZhongbenWatch.due_on).where(ZhongbenWatch.case_id == court.case_id)).all()
    assert sorted(dues) == watch_schedule(date(2026, 11, 27))


def test_the_director_overrides_with_a_reason_and_only_the_director(court: Court) -> None:
    with pytest.raises(PermissionDenied):
        closing.override_zhongben(court.case_id, "特殊情况", ctx=court.ctx(court.handler))
    with pytest.raises(FieldError, match="不能为空"):
        closing.override_zhongben(court.case_id, "  ", ctx=court.ctx(court.director))
    check = closing.override_zhongben(court.case_id, "被执行人已无财产，限高令正在制作", ctx=court.ctx(court.director))
    assert check.eligible and check.unmet == ("尚未发出限制消费令",)
    closing.close_case(court.case_id, "终结本次执行程序", ctx=court.ctx(court.handler))
    assert case_row(court).closure == "procedure_terminated"


def test_money_left_or_a_matter_open_keeps_the_case_open(court: Court) -> None:
    clerk = make_staff(court.engine, court.clock, "kuanwu1", Role.FUNDS)
    funds.record_receipt(
        court.case_id, funds.ReceiptInput("张三", "", "现场缴纳", "2026-11-20", "12.34"), ctx=court.ctx(clerk)
    )
    with pytest.raises(ServiceError, match=r"尚有余额 12\.34 元"):
        closing.close_case(court.case_id, "执行完毕", ctx=court.ctx(court.handler))
    with unit_of_work(court.engine, actor=court.handler, action="测试：委托", clock=court.clock) as session:
        session.add(
            DelegatedMatter(
                case_id=court.case_id,
                kind=MatterKind.SERVICE.value,
                post=Role.SERVICE.value,
                requirements="送达",
                requested_by_id=court.handler.id,
                requested_at=FILED,
                effective_day=FILED.date(),
                handler_deadline=date(2026, 12, 31),
                status=MatterStatus.OPEN.value,
            )
        )
    funds.reverse_entry(
        funds.account_view(court.case_id, ctx=court.ctx(clerk)).entries[0].id, "误收", ctx=court.ctx(clerk)
    )
    with pytest.raises(ServiceError, match="尚有 1 项未办结的事项（送达）"):
        closing.close_case(court.case_id, "执行完毕", ctx=court.ctx(court.handler))
    other = make_staff(court.engine, court.clock, "kuai02", Role.HANDLER)
    with pytest.raises(PermissionDenied):
        closing.close_case(court.case_id, "执行完毕", ctx=court.ctx(other))
    assert case_row(court).stage == Stage.ASSIGNED.value


# -- after 终本 ---------------------------------------------------------------------------------------------------


def closed_zhongben(c: Court) -> None:
    measure(c, MeasureKind.CONSUMPTION_RESTRICTION)
    closing.close_case(c.case_id, "终本", ctx=c.ctx(c.handler))


def test_the_watch_finds_property_and_the_handler_resumes_a_linked_case(court: Court) -> None:
    closed_zhongben(court)
    assert closing.watch_due(ctx=court.ctx(court.inquiry)) == []
    court.clock.at = datetime(2027, 5, 10, 9, 0)  # within a month of the first round (2027-05-27)
    (due,) = closing.watch_due(ctx=court.ctx(court.inquiry))
    assert (due.round, due.due_on, due.overdue) == (1, date(2027, 5, 27), False)
    closing.record_watch(
        due.id,
        "查询到被执行人名下新登记车辆一辆",
        found_property=True,
        expected_version=due.version,
        ctx=court.ctx(court.inquiry),
    )
    other = make_staff(court.engine, court.clock, "kuai02", Role.HANDLER)
    with pytest.raises(PermissionDenied, match="应由原承办人王建国确认"):
        closing.resume_case(due.id, ctx=court.ctx(other))
    number = closing.resume_case(due.id, ctx=court.ctx(court.handler))
    assert "执恢" in number
    assert closing.resumed_from(court.case_id, ctx=court.ctx(court.handler)) == [number]
    with Session(court.engine) as session:
        resumed = session.exec(select(Case).where(Case.case_number == number)).one()
    assert (resumed.original_case_id, resumed.stage) == (court.case_id, Stage.FILED.value)
    from zhihui_tui.services.case_page import case_page

    assert case_page(court.case_id, ctx=court.ctx(court.handler)).links == f"恢复执行 {number}"
    original = case_row(court).case_number
    assert case_page(resumed.id or 0, ctx=court.ctx(court.director)).links == f"原案 {original}"
    with pytest.raises(ServiceError, match="已恢复执行"):
        closing.resume_case(due.id, ctx=court.ctx(court.handler))


def test_when_the_handler_is_gone_the_chief_confirms(court: Court) -> None:
    closed_zhongben(court)
    court.clock.at = datetime(2027, 6, 1, 9, 0)
    (due,) = closing.watch_due(ctx=court.ctx(court.inquiry))
    assert due.overdue
    closing.record_watch(due.id, "发现存款", found_property=True, ctx=court.ctx(court.inquiry))
    set_staff_active("kuai01", False, ctx=court.ctx(system_actor(court.engine)))
    other = make_staff(court.engine, court.clock, "kuai02", Role.HANDLER)
    with pytest.raises(PermissionDenied, match="应由局长确认"):
        closing.resume_case(due.id, ctx=court.ctx(other))
    assert "执恢" in closing.resume_case(due.id, ctx=court.ctx(court.chief))


# -- the dossier --------------------------------------------------------------------------------------------------


def test_the_dossier_goes_from_the_handler_to_the_archive_step_by_step(court: Court) -> None:
    with pytest.raises(ServiceError, match="结案后才能移交卷宗"):
        closing.transfer_dossier(court.case_id, "120", "YJ-2026-001", ctx=court.ctx(court.handler))
    closed_zhongben(court)
    with pytest.raises(FieldError, match="页数"):
        closing.transfer_dossier(court.case_id, "0", "YJ-2026-001", ctx=court.ctx(court.handler))
    closing.transfer_dossier(court.case_id, "120", "YJ-2026-001", ctx=court.ctx(court.handler))
    assert open_steps(court) == {Step.ARCHIVE.value}
    with pytest.raises(ServiceError, match="尚未扫描上传"):
        closing.archive_case(court.case_id, "2026-执-0001", ctx=court.ctx(court.keeper))
    closing.receive_dossier(court.case_id, ctx=court.ctx(court.keeper))
    assert open_steps(court) == {Step.ARCHIVE.value, Step.DOSSIER_SCAN.value}
    (row,) = closing.dossier_queue(ctx=court.ctx(court.keeper))
    assert (row.state, row.pages, row.due) == (closing.DossierState.RECEIVED, 120, date(2026, 12, 4))
    closing.mark_scanned(court.case_id, ctx=court.ctx(court.keeper))
    closing.archive_case(court.case_id, "2026-执-0001", ctx=court.ctx(court.keeper))
    assert case_row(court).stage == Stage.ARCHIVED.value
    assert open_steps(court) == set()
    closing.add_supplement(court.case_id, "终本后新发现财产线索材料", "3", ctx=court.ctx(court.keeper))
    assert closing.dossier_queue(ctx=court.ctx(court.keeper)) == []


def test_zhongben_command_lists_candidates_with_their_unmet_conditions(court: Court, db_url: str) -> None:
    from typer.testing import CliRunner

    from zhihui_tui.cli.app import app

    result = CliRunner().invoke(app, ["--db", db_url, "--as-of", "2026-11-27T09:30", "zhongben", "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row == {"case_number": case_row(court).case_number, "eligible": False, "unmet": ["尚未发出限制消费令"]}
    measure(court, MeasureKind.CONSUMPTION_RESTRICTION)
    again = CliRunner().invoke(app, ["--db", db_url, "--as-of", "2026-11-27T09:30", "zhongben"])
    assert "符合终本条件" in again.stdout
