"""事项委托 (R-DEL-1, R-DEL-2): requests from a handler, the 15:00 rule at the service, the chief's approval of
an urgent 拘传, results flowing back, and the workbench that shows them.

``court()`` and its helpers are imported by the other issue-5 service tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from tests.conftest import PASSWORD, context_for, make_staff
from zhihui_tui.db.models import AuditRecord, CounterTask, DelegatedMatter
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import Institution, MatterKind, MatterRequest, MatterStatus
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services import accounts
from zhihui_tui.services.accounts import NewStaff, actor_for, add_staff, system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.delegation import (
    acknowledge_result,
    approve_urgent,
    complete_matter,
    matter_queue,
    refuse_urgent,
    request_matter,
)
from zhihui_tui.services.errors import PermissionDenied, ServiceError
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.services.workbench import case_history, my_cases, waiting_on_me

INVESTIGATORS = ("李海军", "其木格", "吴宝山", "那仁满都拉", "韩立新")


@dataclass
class Court:
    engine: Engine
    clock: FixedClock
    calendar: WorkCalendar
    handler: Actor
    other_handler: Actor
    chief: Actor
    service_clerk: Actor
    investigators: list[Actor]
    officer: Actor  # both cards
    uncarded: Actor  # work card only
    case_id: int
    other_case_id: int

    def ctx(self, actor: Actor | None = None) -> ServiceContext:
        """The context a service call takes, acting as ``actor`` (default: the handler)."""
        return context_for(self.engine, actor or self.handler, self.clock)


def add_counter_officer(engine: Engine, clock: FixedClock, login: str, name: str, *, cards: bool) -> Actor:
    add_staff(
        engine,
        NewStaff(
            login=login,
            name=name,
            roles=(Role.COUNTER_CONTROL,),
            password=PASSWORD,
            work_card_no="内2221-0101",
            official_card_no="执公15000101" if cards else None,
        ),
        actor=system_actor(engine),
        clock=clock,
    )
    return actor_for(engine, login)


def add_case(engine: Engine, clock: FixedClock, calendar: WorkCalendar, handler: Actor, respondent: str) -> int:
    new = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=datetime(2026, 10, 12, 9),
        filed_at=datetime(2026, 10, 13, 9),
        stage=Stage.ASSIGNED,
        applicants=(NewParty(PartyKind.ORGANISATION, "兴安盟农村信用合作联社", None),),
        respondents=(NewParty(PartyKind.PERSON, respondent, None),),
        target_amount_fen=8_800_000,
        handler_id=handler.id,
        team=Team.FAST,
    )
    system = system_actor(engine)
    with unit_of_work(engine, actor=system, action="登记案件", clock=clock) as session:
        case = register_case(session, new, actor=system, calendar=calendar, court_code="内2221")
        session.flush()
        assert case.id is not None
        return case.id


def court(engine: Engine, clock: FixedClock) -> Court:
    calendar = load_calendar(None)
    handler = make_staff(engine, clock, "sunli", Role.HANDLER, name="孙立", team=Team.FAST, title=Title.JUDGE)
    other = make_staff(engine, clock, "zhoujie", Role.HANDLER, name="周杰", team=Team.FAST, title=Title.JUDGE)
    chief = make_staff(engine, clock, "juzhang", Role.BUREAU_CHIEF, name="高峰")
    service = make_staff(engine, clock, "songda1", Role.SERVICE, name="刘芳")
    team = [make_staff(engine, clock, f"xiansuo{i}", Role.FIELD_SEARCH, name=n) for i, n in enumerate(INVESTIGATORS)]
    officer = add_counter_officer(engine, clock, "linggui1", "赵志刚", cards=True)
    uncarded = add_counter_officer(engine, clock, "linggui2", "额尔敦", cards=False)
    return Court(
        engine,
        clock,
        calendar,
        handler,
        other,
        chief,
        service,
        team,
        officer,
        uncarded,
        add_case(engine, clock, calendar, handler, "王建国"),
        add_case(engine, clock, calendar, other, "李秀兰"),
    )


def request(c: Court, kind: MatterKind = MatterKind.SITE_INVESTIGATION, **changes: object) -> int:
    fields: dict[str, object] = {
        "case_id": c.case_id,
        "kind": kind,
        "requirements": "查明被执行人住所及车辆下落",
        "deadline": "2026-12-04",
    }
    fields.update(changes)
    return request_matter(MatterRequest(**fields), ctx=c.ctx(c.handler))  # type: ignore[arg-type]


def matter(engine: Engine, matter_id: int) -> DelegatedMatter:
    with Session(engine) as session:
        row = session.get(DelegatedMatter, matter_id)
        assert row is not None
        return row


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten accounts per test: argon2 at its production cost would spend seconds on hashing alone."""
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def c(engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Court:
    fast_passwords(monkeypatch)
    return court(engine, clock)


# -- R-DEL-1 -------------------------------------------------------------------------------------------------------


def test_request_lands_in_the_posts_queue_and_is_audited(c: Court) -> None:
    matter_id = request(c)
    row = matter(c.engine, matter_id)
    assert (row.post, row.status, row.effective_day.isoformat()) == ("field_search", "open", "2026-11-27")
    queue = matter_queue(post=Role.FIELD_SEARCH, ctx=c.ctx(c.investigators[0]))
    assert [m.id for m in queue] == [matter_id] and queue[0].requested_by == "孙立"
    with Session(c.engine) as session:
        actions = session.exec(select(AuditRecord.action).where(AuditRecord.entity == "delegated_matter")).all()
    assert actions == ["提请委托事项"]


def test_counter_request_opens_a_counter_task(c: Court) -> None:
    matter_id = request(c, MatterKind.COUNTER, institution=Institution.BANK, institution_name="农行科右前旗支行")
    with Session(c.engine) as session:
        task = session.exec(select(CounterTask).where(CounterTask.matter_id == matter_id)).one()
    assert (task.institution, task.source, task.handler_id) == ("bank", "handler_request", c.handler.id)


def test_only_the_cases_handler_may_request(c: Court) -> None:
    with pytest.raises(PermissionDenied):
        request_matter(
            MatterRequest(c.other_case_id, MatterKind.SERVICE, "补充送达", "2026-12-04"),
            ctx=c.ctx(c.handler),
        )
    with pytest.raises(PermissionDenied):
        request_matter(
            MatterRequest(c.case_id, MatterKind.SERVICE, "补充送达", "2026-12-04"),
            ctx=c.ctx(c.service_clerk),
        )
    assert count(c.engine, DelegatedMatter) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"requirements": ""}, "具体要求"),
        ({"deadline": "2026-11-26"}, "办理期限"),
        ({"case_id": 99999}, "案号"),
    ],
)
def test_bad_request_saves_nothing(c: Court, changes: dict[str, object], field: str) -> None:
    with pytest.raises(FieldError) as raised:
        request(c, **changes)
    assert raised.value.field == field
    assert count(c.engine, DelegatedMatter) == 0


# -- R-DEL-2 -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "effective"),
    [(datetime(2026, 4, 3, 14, 59, 59), "2026-04-03"), (datetime(2026, 4, 3, 15, 0, 0), "2026-04-07")],
)
def test_15_00_edge_before_qingming(c: Court, at: datetime, effective: str) -> None:
    c.clock.at = at
    matter_id = request(c, deadline="2026-04-10")
    assert matter(c.engine, matter_id).effective_day.isoformat() == effective


def test_after_15_00_a_deadline_before_the_next_working_day_is_refused(c: Court) -> None:
    c.clock.at = datetime(2026, 9, 30, 15, 0)
    with pytest.raises(FieldError, match="2026-10-08"):
        request(c, deadline="2026-10-05")
    assert count(c.engine, DelegatedMatter) == 0


# -- the chief's approval path ----------------------------------------------------------------------------------


def test_urgent_compelled_appearance_waits_for_the_chief_then_reaches_field_search(c: Court) -> None:
    c.clock.at = datetime(2026, 11, 27, 16, 10)  # after 15:00: urgent is not held to the cut-off
    matter_id = request(c, MatterKind.COMPELLED_APPEARANCE, urgent=True, deadline="2026-11-27")
    row = matter(c.engine, matter_id)
    assert (row.post, row.status, row.effective_day.isoformat()) == ("bureau_chief", "pending_approval", "2026-11-27")
    assert matter_queue(post=Role.FIELD_SEARCH, ctx=c.ctx(c.investigators[0])) == []
    assert [m.id for m in matter_queue(post=Role.BUREAU_CHIEF, ctx=c.ctx(c.chief))] == [matter_id]
    waiting = waiting_on_me(ctx=c.ctx(c.handler))
    assert [w.kind for w in waiting] == ["待审批"]

    with pytest.raises(PermissionDenied):
        approve_urgent(matter_id, ctx=c.ctx(c.handler))
    approve_urgent(matter_id, "同意，注意安全", ctx=c.ctx(c.chief))
    row = matter(c.engine, matter_id)
    assert (row.post, row.status, row.decided_by_id) == ("field_search", "open", c.chief.id)
    assert [m.id for m in matter_queue(post=Role.FIELD_SEARCH, ctx=c.ctx(c.investigators[0]))] == [matter_id]
    with pytest.raises(ServiceError, match="不在待审批"):
        refuse_urgent(matter_id, "重复", ctx=c.ctx(c.chief))


def test_refusal_goes_back_to_the_handler_with_the_reason(c: Court) -> None:
    matter_id = request(c, MatterKind.COMPELLED_APPEARANCE, urgent=True)
    with pytest.raises(FieldError):
        refuse_urgent(matter_id, " ", ctx=c.ctx(c.chief))
    refuse_urgent(matter_id, "证据不足，先行传唤", ctx=c.ctx(c.chief))
    row = matter(c.engine, matter_id)
    assert row.status == MatterStatus.REFUSED.value and row.closed_at is not None
    waiting = waiting_on_me(ctx=c.ctx(c.handler))
    assert [(w.kind, w.text) for w in waiting] == [("委托结果", "拘传：局长不予批准：证据不足，先行传唤")]


# -- results flow back ------------------------------------------------------------------------------------------


def test_service_result_flows_back_and_is_acknowledged(c: Court) -> None:
    matter_id = request(c, MatterKind.PUBLIC_NOTICE, requirements="公告送达执行通知书")
    with pytest.raises(PermissionDenied):
        complete_matter(matter_id, "已公告", ctx=c.ctx(c.investigators[0]))
    complete_matter(matter_id, "已于人民法院公告网公告", ctx=c.ctx(c.service_clerk))
    waiting = waiting_on_me(ctx=c.ctx(c.handler))
    assert [(w.kind, w.matter_id) for w in waiting] == [("委托结果", matter_id)]
    assert waiting_on_me(ctx=c.ctx(c.other_handler)) == []
    with pytest.raises(PermissionDenied):
        acknowledge_result(matter_id, ctx=c.ctx(c.other_handler))
    acknowledge_result(matter_id, ctx=c.ctx(c.handler))
    assert waiting_on_me(ctx=c.ctx(c.handler)) == []
    with pytest.raises(ServiceError, match="已于"):
        complete_matter(matter_id, "再次", ctx=c.ctx(c.service_clerk))


def test_field_search_matters_are_not_completed_generically(c: Court) -> None:
    matter_id = request(c)
    with pytest.raises(ServiceError, match="各自岗位"):
        complete_matter(matter_id, "结果", ctx=c.ctx(c.investigators[0]))


# -- workbench ----------------------------------------------------------------------------------------------------


def test_my_cases_show_stage_next_deadline_and_open_matters(c: Court) -> None:
    request(c)
    rows = my_cases(ctx=c.ctx(c.handler))
    assert [(r.id, r.stage, r.open_matters) for r in rows] == [(c.case_id, Stage.ASSIGNED, 1)]
    assert [r.id for r in my_cases(ctx=c.ctx(c.other_handler))] == [c.other_case_id]
    assert my_cases(after_id=c.case_id, ctx=c.ctx(c.handler)) == []


def test_case_history_has_stages_and_audit_and_is_private(c: Court) -> None:
    matter_id = request(c)
    history = case_history(c.case_id, ctx=c.ctx(c.handler))
    whats = [e.what for e in history.entries]
    assert "阶段变更" in whats and "提请委托事项" in whats
    assert any(e.detail == f"委托事项 {matter_id} 新建" for e in history.entries)
    with pytest.raises(PermissionDenied):
        case_history(c.case_id, ctx=c.ctx(c.other_handler))
    assert case_history(c.case_id, ctx=c.ctx(c.chief)).case_id == c.case_id
