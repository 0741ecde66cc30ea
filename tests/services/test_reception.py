"""Reception ledger services on SQLite and PostgreSQL: visits (R-REC-1/2/5), the handler's landline only
(R-REC-3), booked appointments (R-REC-4), petitions counted and the day's ledger reported once (R-REC-5/6)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func
from sqlmodel import select

from tests.conftest import FIXED_NOW, PASSWORD, context_for, make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Appointment, AuditRecord, LedgerReport, Visit
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.reception import (
    AppointmentChannel,
    AppointmentInput,
    AppointmentKind,
    Channel,
    IdKind,
    VisitInput,
    VisitPurpose,
)
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import NewStaff, actor_for, add_staff, system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewAgent, NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.errors import ConcurrentEdit, NotFound, PermissionDenied, ServiceError
from zhihui_tui.services.reception import (
    ReceptionAction,
    allowed_actions,
    book_appointment,
    cancel_appointment,
    handler_appointments,
    purpose_counts,
    record_appointment_held,
    register_visit,
    report_daily_ledger,
    todays_ledger,
    visitor_cases,
)
from zhihui_tui.services.uow import unit_of_work

CALENDAR = load_calendar(None)
ID_APPLICANT = "152221198501010025"
ID_AGENT = "152221199206150038"
ID_OTHER = "152221197803090046"
ID_STRANGER = "15222120010812005X"
CREDIT_RESPONDENT = "91152221MA0N2X3Y4Q"
HANDLER_MOBILE = "13912345678"
HANDLER_OFFICE = "0482-8393301"
MONDAY_10 = datetime(2026, 11, 30, 10, 0)


def _ctx(engine: Engine, actor: Actor, clock: FixedClock | None = None) -> ServiceContext:
    """The context of a call by ``actor`` (on the test's clock, or the fixed test time)."""
    return context_for(engine, actor, clock or FixedClock(FIXED_NOW))


def _day_clock(day: date) -> FixedClock:
    """A clock at noon of ``day``: where a test asks what is due "today"."""
    return FixedClock(datetime.combine(day, time(12)))


def _version(engine: Engine, appointment_id: int) -> int:
    """The appointment's version as a screen would have read it (1 for one that does not exist)."""
    with read_session(engine) as session:
        found = session.get(Appointment, appointment_id)
        return found.version if found is not None else 1


@dataclass
class Court:
    clerk: Actor
    handler: Actor
    case: int  # 张三 v. 商贸公司, agent 李律师, handled by 张承办
    other_case: int  # 王五's case, same handler


def _staff_with_phones(engine: Engine, clock: FixedClock, login: str, name: str, *roles: Role) -> Actor:
    new = NewStaff(
        login=login,
        name=name,
        roles=roles,
        password=PASSWORD,
        office_phone=HANDLER_OFFICE,
        mobile=HANDLER_MOBILE,
    )
    add_staff(engine, new, actor=system_actor(engine), clock=clock)
    return actor_for(engine, login)


def _register(engine: Engine, actor: Actor, clock: FixedClock, new: NewCase) -> int:
    with unit_of_work(engine, actor=actor, action="收案", clock=clock) as session:
        case = register_case(session, new, actor=actor, calendar=CALENDAR, court_code="内2221")
        assert case.id is not None
        return case.id


def _case(applicant: NewParty, handler_id: int | None, agents: tuple[NewAgent, ...] = ()) -> NewCase:
    return NewCase(
        category=FilingCategory.APPLICATION,
        received_at=datetime(2026, 11, 20, 9),
        filed_at=datetime(2026, 11, 20, 15),
        stage=Stage.FILED,
        applicants=(applicant,),
        respondents=(NewParty(PartyKind.ORGANISATION, "科右前旗某某商贸有限公司", CREDIT_RESPONDENT),),
        agents=agents,
        target_amount_fen=15_200_000,
        handler_id=handler_id,
    )


@pytest.fixture
def court(engine: Engine, clock: FixedClock) -> Court:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")
    handler = _staff_with_phones(engine, clock, "zhang1", "张承办", Role.HANDLER)
    agent = NewAgent(represents=0, name="李律师", id_number=ID_AGENT)
    applicant = NewParty(PartyKind.PERSON, "张三", ID_APPLICANT)
    case = _register(engine, clerk, clock, _case(applicant, handler.id, (agent,)))
    other = _register(engine, clerk, clock, _case(NewParty(PartyKind.PERSON, "王五", ID_OTHER), handler.id))
    return Court(clerk, handler, case, other)


def _visit(court: Court, **changes: Any) -> VisitInput:
    base: dict[str, Any] = {"id_number": ID_APPLICANT, "case_id": court.case, "outcome": "告知已立案，正在送达"}
    return VisitInput(**{**base, **changes})


def _count(engine: Engine, model: Any) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _visits(engine: Engine) -> list[Visit]:
    with read_session(engine) as session:
        return list(session.exec(select(Visit).order_by(Visit.id)))  # type: ignore[arg-type]


# -- R-REC-1: the common case -------------------------------------------------------------------------------


def test_party_asking_about_their_case_needs_id_case_and_outcome(
    engine: Engine, clock: FixedClock, court: Court
) -> None:
    visit_id = register_visit(_visit(court), ctx=_ctx(engine, court.clerk, clock))
    [visit] = _visits(engine)
    assert visit.id == visit_id
    assert (visit.visitor_name, visit.visitor_id_kind, visit.visitor_id_number) == ("张三", "resident_id", ID_APPLICANT)
    assert (visit.visited_at, visit.channel, visit.purpose) == (clock.now(), "window", "case_query")
    assert (visit.case_id, visit.staff_id, visit.late_entry_reason) == (court.case, court.clerk.id, None)
    with read_session(engine) as session:
        audit = session.exec(select(AuditRecord).where(AuditRecord.entity == "visit")).one()
    assert (audit.actor_login, audit.action, audit.entity_id) == ("lian1", "登记来访", str(visit_id))


def test_a_case_query_by_a_party_must_name_the_case(engine: Engine, clock: FixedClock, court: Court) -> None:
    """Saved with no case, the ledger could not say which case was disclosed: refused at the case field."""
    with pytest.raises(FieldError) as caught:
        register_visit(_visit(court, case_id=None), ctx=_ctx(engine, court.clerk, clock))
    assert (caught.value.field, caught.value.reason) == (
        "关联案件",
        "来访人名下有 1 件案件，案件查询须在列表中选定其一（Enter 选定）",
    )
    assert _count(engine, Visit) == 0
    petition = _visit(court, case_id=None, purpose=VisitPurpose.PETITION, outcome="已登记信访")
    register_visit(petition, ctx=_ctx(engine, court.clerk, clock))  # other purposes may
    assert _count(engine, Visit) == 1


def test_hotline_call_by_an_agent_takes_the_agents_name(engine: Engine, clock: FixedClock, court: Court) -> None:
    raw = _visit(court, id_number=ID_AGENT, channel=Channel.HOTLINE, phone="+86 139 0000 1111")
    register_visit(raw, ctx=_ctx(engine, court.clerk, clock))
    [visit] = _visits(engine)
    assert (visit.visitor_name, visit.channel, visit.visitor_phone) == ("李律师", "hotline", "13900001111")


def test_organisation_representative_queries_by_credit_code(engine: Engine, clock: FixedClock, court: Court) -> None:
    raw = _visit(court, id_kind=IdKind.CREDIT_CODE, id_number=CREDIT_RESPONDENT, visitor_name="赵经理")
    register_visit(raw, ctx=_ctx(engine, court.clerk, clock))
    assert _visits(engine)[0].visitor_name == "赵经理"


def test_unknown_id_needs_a_typed_name(engine: Engine, clock: FixedClock, court: Court) -> None:
    raw = VisitInput(id_number=ID_STRANGER, purpose=VisitPurpose.MATERIALS, outcome="递交材料")
    with pytest.raises(FieldError) as caught:
        register_visit(raw, ctx=_ctx(engine, court.clerk, clock))
    assert caught.value.field == "来访人" and _count(engine, Visit) == 0
    register_visit(replace(raw, visitor_name="孙六"), ctx=_ctx(engine, court.clerk, clock))
    assert _visits(engine)[0].visitor_name == "孙六"


def test_another_reception_clerk_may_be_named_but_not_a_handler(
    engine: Engine, clock: FixedClock, court: Court
) -> None:
    colleague = make_staff(engine, clock, "lian2", Role.FILING_REVIEW, name="乌日娜")
    register_visit(_visit(court, staff_id=colleague.id), ctx=_ctx(engine, court.clerk, clock))
    assert _visits(engine)[0].staff_id == colleague.id
    with pytest.raises(FieldError) as caught:
        register_visit(_visit(court, staff_id=court.handler.id), ctx=_ctx(engine, court.clerk, clock))
    assert caught.value.field == "接待人" and _count(engine, Visit) == 1


# -- R-REC-2: a visitor sees only their own cases ---------------------------------------------------------------


def test_visitor_cases_by_party_and_by_agent(engine: Engine, court: Court) -> None:
    [own] = visitor_cases(ID_APPLICANT, ctx=_ctx(engine, court.clerk))
    assert (own.case_id, own.case_number, own.stage_label) == (court.case, "（2026）内2221执1号", "已立案")
    assert (own.visitor_roles, own.registered_name, own.handler_name) == (("申请执行人",), "张三", "张承办")
    [as_agent] = visitor_cases(ID_AGENT, ctx=_ctx(engine, court.clerk))
    assert (as_agent.case_id, as_agent.visitor_roles, as_agent.registered_name) == (
        court.case,
        ("申请执行人的代理人",),
        "李律师",
    )
    assert [c.case_id for c in visitor_cases(ID_OTHER, ctx=_ctx(engine, court.clerk))] == [court.other_case]
    assert visitor_cases(ID_STRANGER, ctx=_ctx(engine, court.clerk)) == []
    assert visitor_cases("E1234567", id_kind=IdKind.OTHER, ctx=_ctx(engine, court.clerk)) == []


def test_respondent_organisation_sees_both_its_cases(engine: Engine, court: Court) -> None:
    found = visitor_cases(CREDIT_RESPONDENT, id_kind=IdKind.CREDIT_CODE, ctx=_ctx(engine, court.clerk))
    assert {c.case_id for c in found} == {court.case, court.other_case}
    assert all(c.visitor_roles == ("被执行人",) for c in found)


@pytest.mark.parametrize("purpose", [VisitPurpose.CASE_QUERY, VisitPurpose.FIRST_INTERVIEW, VisitPurpose.APPOINTMENT])
def test_another_persons_case_is_refused_even_if_its_number_is_typed(
    engine: Engine, clock: FixedClock, court: Court, purpose: VisitPurpose
) -> None:
    raw = _visit(court, id_number=ID_OTHER, purpose=purpose)  # 王五 asks about 张三's case
    with pytest.raises(FieldError, match="不是该案当事人或登记的代理人") as caught:
        register_visit(raw, ctx=_ctx(engine, court.clerk, clock))
    assert caught.value.field == "关联案件"
    assert "张三" not in caught.value.message and "李律师" not in caught.value.message
    assert _count(engine, Visit) == 0


def test_agent_may_query_the_case_they_are_registered_in(engine: Engine, clock: FixedClock, court: Court) -> None:
    register_visit(_visit(court, id_number=ID_AGENT), ctx=_ctx(engine, court.clerk, clock))
    with pytest.raises(FieldError):
        raw = _visit(court, id_number=ID_AGENT, case_id=court.other_case)
        register_visit(raw, ctx=_ctx(engine, court.clerk, clock))
    assert _count(engine, Visit) == 1


def test_other_documents_never_match_a_case(engine: Engine, clock: FixedClock, court: Court) -> None:
    raw = _visit(court, id_kind=IdKind.OTHER, id_number=ID_APPLICANT, visitor_name="张三")
    with pytest.raises(FieldError, match="不是该案当事人"):
        register_visit(raw, ctx=_ctx(engine, court.clerk, clock))


def test_petitions_and_materials_may_be_registered_without_or_with_any_case(
    engine: Engine, clock: FixedClock, court: Court
) -> None:
    petition = VisitInput(
        visitor_name="周七", id_number=ID_STRANGER, purpose=VisitPurpose.PETITION, outcome="反映执行进度慢，已登记"
    )
    register_visit(petition, ctx=_ctx(engine, court.clerk, clock))
    materials = _visit(court, id_number=ID_OTHER, purpose=VisitPurpose.MATERIALS, outcome="代递材料")
    register_visit(materials, ctx=_ctx(engine, court.clerk, clock))
    assert [(v.purpose, v.case_id) for v in _visits(engine)] == [("petition", None), ("materials", court.case)]


def test_unknown_case_is_refused(engine: Engine, clock: FixedClock, court: Court) -> None:
    with pytest.raises(FieldError, match="不存在"):
        register_visit(_visit(court, case_id=99_999), ctx=_ctx(engine, court.clerk, clock))


# -- R-REC-3: the handler's landline, never the mobile --------------------------------------------------------


def test_mobile_is_neither_loaded_nor_returned(engine: Engine, court: Court) -> None:
    statements: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append(f"{statement} {parameters}")

    event.listen(engine, "before_cursor_execute", capture)
    try:
        found = visitor_cases(ID_APPLICANT, ctx=_ctx(engine, court.clerk))
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert statements and not any("mobile" in s for s in statements)
    assert HANDLER_MOBILE not in repr(found)
    assert found[0].handler_office_phone == HANDLER_OFFICE
    assert found[0].handler_contact == HANDLER_OFFICE


def test_without_a_landline_the_centre_hotline_is_given(engine: Engine, clock: FixedClock, court: Court) -> None:
    bare = make_staff(engine, clock, "li1", Role.HANDLER, name="李承办")
    case = _register(engine, court.clerk, clock, _case(NewParty(PartyKind.PERSON, "钱八", ID_STRANGER), bare.id))
    [found] = visitor_cases(ID_STRANGER, ctx=_ctx(engine, court.clerk))
    assert found.case_id == case and found.handler_contact == "指挥中心 0482-8393383"


# -- permissions ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HANDLER, Role.SERVICE, Role.GENERAL_AFFAIRS])
def test_only_reception_staff_and_the_director_register_visits(
    engine: Engine, clock: FixedClock, court: Court, role: Role
) -> None:
    outsider = make_staff(engine, clock, "outsider", role)
    with pytest.raises(PermissionDenied, match="无权登记来访"):
        register_visit(_visit(court), ctx=_ctx(engine, outsider, clock))
    with pytest.raises(PermissionDenied):
        visitor_cases(ID_APPLICANT, ctx=_ctx(engine, outsider))
    assert _count(engine, Visit) == 0


def test_the_director_may_register_visits(engine: Engine, clock: FixedClock, court: Court) -> None:
    director = make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="主任")
    register_visit(_visit(court), ctx=_ctx(engine, director, clock))
    assert _visits(engine)[0].staff_id == director.id


# -- bad input: a message at the field, nothing saved -----------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id_number": "152221198501010026"}, "证件号码"),
        ({"id_number": "152221198502300025"}, "证件号码"),
        ({"visitor_name": "张" * 500}, "来访人"),
        ({"visitor_name": "张三\x00"}, "来访人"),
        ({"visitor_name": "张三\n李四"}, "来访人"),
        ({"phone": "138\n00138000"}, "电话"),
        ({"outcome": "x" * 501}, "处理结果"),
        ({"outcome": "告知\x1b[2J"}, "处理结果"),
        ({"late_entry_reason": "补\r\n录"}, "补录原因"),
        ({"visited_at": datetime(2026, 11, 27, 10, 0)}, "时间"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(
    engine: Engine, clock: FixedClock, court: Court, changes: dict[str, Any], field: str
) -> None:
    audit_before = _count(engine, AuditRecord)
    with pytest.raises(FieldError) as caught:
        register_visit(_visit(court, **changes), ctx=_ctx(engine, court.clerk, clock))
    assert caught.value.field == field
    assert _count(engine, Visit) == 0 and _count(engine, AuditRecord) == audit_before


# -- R-REC-5: from 16:45 a warning, after 17:00 a reason --------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "needs_reason"),
    [
        (datetime(2026, 11, 27, 16, 44), False),
        (datetime(2026, 11, 27, 16, 45), False),
        (datetime(2026, 11, 27, 17, 0), True),
        (datetime(2026, 11, 28, 10, 0), True),  # Saturday
    ],
)
def test_late_entries_need_a_reason(
    engine: Engine, clock: FixedClock, court: Court, at: datetime, needs_reason: bool
) -> None:
    clock.at = at
    if needs_reason:
        with pytest.raises(FieldError) as caught:
            register_visit(_visit(court), ctx=_ctx(engine, court.clerk, clock))
        assert caught.value.field == "补录原因" and _count(engine, Visit) == 0
        register_visit(_visit(court, late_entry_reason="当事人17:00前到达"), ctx=_ctx(engine, court.clerk, clock))
        assert _visits(engine)[0].late_entry_reason == "当事人17:00前到达"
    else:
        register_visit(_visit(court), ctx=_ctx(engine, court.clerk, clock))
        assert _visits(engine)[0].late_entry_reason is None


def test_backfilled_visit_of_yesterday_needs_a_reason(engine: Engine, clock: FixedClock, court: Court) -> None:
    yesterday = _visit(court, visited_at=datetime(2026, 11, 26, 15, 0))
    with pytest.raises(FieldError, match="补录 2026-11-26"):
        register_visit(yesterday, ctx=_ctx(engine, court.clerk, clock))
    raw = _visit(court, visited_at=datetime(2026, 11, 26, 15, 0), late_entry_reason="系统故障当日未录")
    register_visit(raw, ctx=_ctx(engine, court.clerk, clock))
    assert _visits(engine)[0].visited_at == datetime(2026, 11, 26, 15, 0)


def test_a_reported_day_takes_no_more_visits(engine: Engine, clock: FixedClock, court: Court, tmp_path: Path) -> None:
    clock.at = datetime(2026, 11, 27, 17, 30)
    report_daily_ledger(date(2026, 11, 27), tmp_path / "a.xlsx", ctx=_ctx(engine, court.clerk, clock))
    clock.advance(minutes=5)
    with pytest.raises(FieldError, match="已于 11-27 17:30 报送") as caught:
        register_visit(_visit(court, late_entry_reason="电话补录"), ctx=_ctx(engine, court.clerk, clock))
    assert caught.value.field == "时间" and _count(engine, Visit) == 0


# -- R-REC-4: appointments --------------------------------------------------------------------------------------


def _booking(court: Court, **changes: Any) -> AppointmentInput:
    base: dict[str, Any] = {
        "case_id": court.case,
        "kind": AppointmentKind.MEETING,
        "channel": AppointmentChannel.IN_PERSON,
        "scheduled_at": MONDAY_10,
        "party_name": "张三",
        "party_phone": "13800138000",
    }
    return AppointmentInput(**{**base, **changes})


def _book(engine: Engine, clock: FixedClock, actor: Actor, raw: AppointmentInput) -> int:
    return book_appointment(raw, ctx=_ctx(engine, actor, clock))


def test_booked_meeting_reaches_the_handlers_home_screen(engine: Engine, clock: FixedClock, court: Court) -> None:
    first = _book(engine, clock, court.clerk, _booking(court, note="带齐身份证明"))
    callback = _booking(
        court, kind=AppointmentKind.CALLBACK, channel=AppointmentChannel.PHONE, scheduled_at=datetime(2026, 11, 27, 15)
    )
    second = _book(engine, clock, court.clerk, callback)
    mine = handler_appointments(ctx=_ctx(engine, court.handler, _day_clock(date(2026, 11, 27))))
    assert [(a.id, a.kind, a.channel, a.scheduled_at) for a in mine] == [
        (second, AppointmentKind.CALLBACK, AppointmentChannel.PHONE, datetime(2026, 11, 27, 15)),
        (first, AppointmentKind.MEETING, AppointmentChannel.IN_PERSON, MONDAY_10),
    ]
    assert mine[1].case_number == "（2026）内2221执1号" and mine[1].note == "带齐身份证明"
    assert mine[0].party_phone == "13800138000" and not mine[0].overdue
    assert handler_appointments(ctx=_ctx(engine, court.clerk, _day_clock(date(2026, 11, 27)))) == []
    with read_session(engine) as session:
        stored = session.get(Appointment, first)
    assert stored is not None and (stored.handler_id, stored.booked_by_id, stored.status) == (
        court.handler.id,
        court.clerk.id,
        "booked",
    )


def test_unbooked_meeting_cannot_be_recorded_as_held(engine: Engine, clock: FixedClock, court: Court) -> None:
    with pytest.raises(NotFound, match="未在指挥中心登记备案"):
        record_appointment_held(
            4242, "已约谈", expected_version=_version(engine, 4242), ctx=_ctx(engine, court.handler, clock)
        )


def test_held_once_then_no_more_and_cancelled_cannot_be_held(engine: Engine, clock: FixedClock, court: Court) -> None:
    booked = _book(engine, clock, court.clerk, _booking(court))
    with pytest.raises(ServiceError, match="当日之前不能登记为已进行"):
        record_appointment_held(
            booked, "已约谈", expected_version=_version(engine, booked), ctx=_ctx(engine, court.handler, clock)
        )
    clock.at = datetime(2026, 11, 30, 10, 40)
    record_appointment_held(
        booked, "双方协商分期履行", expected_version=_version(engine, booked), ctx=_ctx(engine, court.handler, clock)
    )
    with pytest.raises(ServiceError, match="该预约已进行"):
        record_appointment_held(
            booked, "再次登记", expected_version=_version(engine, booked), ctx=_ctx(engine, court.handler, clock)
        )
    with read_session(engine) as session:
        held = session.get(Appointment, booked)
    assert held is not None and (held.status, held.held_at, held.outcome) == (
        "held",
        datetime(2026, 11, 30, 10, 40),
        "双方协商分期履行",
    )
    cancelled = _book(engine, clock, court.clerk, _booking(court, scheduled_at=datetime(2026, 12, 1, 10)))
    cancel_appointment(
        cancelled, "当事人改期", expected_version=_version(engine, cancelled), ctx=_ctx(engine, court.clerk, clock)
    )
    with pytest.raises(ServiceError, match="该预约已取消"):
        record_appointment_held(
            cancelled, "已约谈", expected_version=_version(engine, cancelled), ctx=_ctx(engine, court.handler, clock)
        )
    assert handler_appointments(ctx=_ctx(engine, court.handler, _day_clock(date(2026, 11, 30)))) == []


def test_a_stale_appointment_is_refused_naming_who_settled_it(engine: Engine, clock: FixedClock, court: Court) -> None:
    """Settling goes through load_for_update: a copy read before another terminal cancelled it is refused, naming
    the last writer of that appointment, and nothing is written."""
    booked = _book(engine, clock, court.clerk, _booking(court))
    read = _version(engine, booked)
    cancel_appointment(booked, "当事人改期", expected_version=read, ctx=_ctx(engine, court.clerk, clock))
    clock.at = datetime(2026, 11, 30, 10, 40)
    with pytest.raises(ConcurrentEdit, match=r"该预约已被 lian1 于 .*（取消预约）修改"):
        record_appointment_held(booked, "已约谈", expected_version=read, ctx=_ctx(engine, court.handler, clock))
    with read_session(engine) as session:
        row = session.get(Appointment, booked)
    assert row is not None and row.status == "cancelled"


def test_allowed_actions_follow_the_roles_the_writes_check(engine: Engine, clock: FixedClock, court: Court) -> None:
    assert allowed_actions(court.clerk) == frozenset(ReceptionAction)
    handler = allowed_actions(court.handler)
    assert handler == {ReceptionAction.BOOK, ReceptionAction.SETTLE}
    with pytest.raises(PermissionDenied):
        todays_ledger(date(2026, 11, 27), ctx=_ctx(engine, court.handler, clock))


def test_the_ledger_rows_do_not_import_their_writer() -> None:
    """No circle: the .xlsx writer imports the row types; the rows never import the writer back."""
    import ast
    import inspect

    from zhihui_tui.services.reception import ledger

    tree = ast.parse(inspect.getsource(ledger))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {name for name in imported if name and "ledger_xlsx" in name}


def test_handler_books_and_settles_only_their_own(engine: Engine, clock: FixedClock, court: Court) -> None:
    colleague = make_staff(engine, clock, "li1", Role.HANDLER, name="李承办")
    own = _book(engine, clock, court.handler, _booking(court))
    with pytest.raises(PermissionDenied, match="只能为本人登记约见"):
        _book(engine, clock, colleague, _booking(court, scheduled_at=datetime(2026, 11, 30, 14)))
    with pytest.raises(PermissionDenied, match="只能处理本人的预约"):
        cancel_appointment(own, "改期", expected_version=_version(engine, own), ctx=_ctx(engine, colleague, clock))
    # The clerk may book a colleague holding the handler post, e.g. while the case's handler is away.
    _book(engine, clock, court.clerk, _booking(court, handler_id=colleague.id, scheduled_at=datetime(2026, 11, 30, 14)))
    assert _count(engine, Appointment) == 2


def test_handler_must_be_the_cases_handler_or_hold_the_post(engine: Engine, clock: FixedClock, court: Court) -> None:
    another_clerk = make_staff(engine, clock, "lian2", Role.FILING_REVIEW)
    with pytest.raises(FieldError, match="须为该案承办人") as caught:
        _book(engine, clock, court.clerk, _booking(court, handler_id=another_clerk.id))
    assert caught.value.field == "承办人" and _count(engine, Appointment) == 0


def test_case_without_handler_needs_one_named(engine: Engine, clock: FixedClock, court: Court) -> None:
    unassigned = _register(engine, court.clerk, clock, _case(NewParty(PartyKind.PERSON, "钱八", ID_STRANGER), None))
    with pytest.raises(FieldError, match="尚未分配承办人"):
        _book(engine, clock, court.clerk, _booking(court, case_id=unassigned))
    _book(engine, clock, court.clerk, _booking(court, case_id=unassigned, handler_id=court.handler.id))


def test_bookings_of_one_handler_are_30_minutes_apart(engine: Engine, clock: FixedClock, court: Court) -> None:
    _book(engine, clock, court.clerk, _booking(court))
    with pytest.raises(FieldError, match="10:00 已有预约") as caught:
        _book(engine, clock, court.clerk, _booking(court, scheduled_at=datetime(2026, 11, 30, 10, 29)))
    assert caught.value.field == "预约时间"
    _book(engine, clock, court.clerk, _booking(court, scheduled_at=datetime(2026, 11, 30, 10, 30)))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scheduled_at": datetime(2026, 11, 27, 9, 0)}, "预约时间"),
        ({"scheduled_at": datetime(2026, 11, 28, 10, 0)}, "预约时间"),
        ({"scheduled_at": datetime(2026, 11, 30, 17, 30)}, "预约时间"),
        ({"case_id": 99_999}, "关联案件"),
        ({"party_name": "张三\n李四"}, "当事人"),
    ],
)
def test_bad_bookings_are_refused_and_nothing_saved(
    engine: Engine, clock: FixedClock, court: Court, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(FieldError) as caught:
        _book(engine, clock, court.clerk, _booking(court, **changes))
    assert caught.value.field == field and _count(engine, Appointment) == 0


def test_other_posts_cannot_book(engine: Engine, clock: FixedClock, court: Court) -> None:
    server = make_staff(engine, clock, "songda1", Role.SERVICE)
    with pytest.raises(PermissionDenied, match="无权登记预约"):
        _book(engine, clock, server, _booking(court))


# -- the day's ledger, petitions counted (R-REC-5, R-REC-6) -----------------------------------------------------


def _fill_day(engine: Engine, clock: FixedClock, court: Court) -> None:
    register_visit(_visit(court), ctx=_ctx(engine, court.clerk, clock))
    clock.advance(minutes=20)
    petition = VisitInput(
        visitor_name="周七",
        id_number=ID_STRANGER,
        phone="0482-8393383",
        purpose=VisitPurpose.PETITION,
        channel=Channel.HOTLINE,
        outcome="反映执行进度慢，已登记转承办人",
    )
    register_visit(petition, ctx=_ctx(engine, court.clerk, clock))
    clock.advance(minutes=20)
    register_visit(_visit(court, id_number=ID_AGENT), ctx=_ctx(engine, court.clerk, clock))


def test_todays_ledger_counts_by_purpose_and_masks_personal_data(
    engine: Engine, clock: FixedClock, court: Court
) -> None:
    _fill_day(engine, clock, court)
    ledger = todays_ledger(date(2026, 11, 27), ctx=_ctx(engine, court.clerk))
    assert ledger.total == 3 and ledger.petitions == 1 and ledger.report is None
    assert list(ledger.counts) == list(VisitPurpose)
    assert ledger.counts[VisitPurpose.CASE_QUERY] == 2 and ledger.counts[VisitPurpose.OTHER] == 0
    first, petition, _ = ledger.rows
    assert (first.visitor_name, first.id_number_masked, first.case_number) == (
        "张三",
        "152221********0025",
        "（2026）内2221执1号",
    )
    assert (petition.channel, petition.phone_masked, petition.case_number) == (Channel.HOTLINE, "048*-***3383", None)
    assert ID_APPLICANT not in repr(ledger.rows)
    assert todays_ledger(date(2026, 11, 26), ctx=_ctx(engine, court.clerk)).total == 0
    week = purpose_counts(date(2026, 11, 23), date(2026, 11, 29), ctx=_ctx(engine, court.clerk))
    assert week[VisitPurpose.PETITION] == 1 and sum(week.values()) == 3


def test_handlers_cannot_read_the_ledger(engine: Engine, court: Court) -> None:
    with pytest.raises(PermissionDenied):
        todays_ledger(date(2026, 11, 27), ctx=_ctx(engine, court.handler))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reporting_twice_gives_the_same_file_and_one_report(
    engine: Engine, clock: FixedClock, court: Court, tmp_path: Path
) -> None:
    _fill_day(engine, clock, court)
    clock.at = datetime(2026, 11, 27, 17, 20)
    day = date(2026, 11, 27)
    first = report_daily_ledger(day, tmp_path / "1.xlsx", ctx=_ctx(engine, system_actor(engine), clock))
    assert first.newly_reported and first.visit_count == 3 and first.counts[VisitPurpose.PETITION] == 1
    assert (first.reported_by_login, first.reported_at) == ("system", datetime(2026, 11, 27, 17, 20))
    clock.advance(hours=16)
    second = report_daily_ledger(day, tmp_path / "2.xlsx", ctx=_ctx(engine, court.clerk, clock))
    assert not second.newly_reported and second.matches_report
    assert (second.reported_by_login, second.reported_at) == ("system", datetime(2026, 11, 27, 17, 20))
    assert _sha(tmp_path / "1.xlsx") == _sha(tmp_path / "2.xlsx") == first.sha256 == second.sha256
    with read_session(engine) as session:
        [report] = session.exec(select(LedgerReport)).all()
    assert (report.day, report.visit_count, report.file_sha256) == (day, 3, first.sha256)
    assert todays_ledger(day, ctx=_ctx(engine, court.clerk)).report is not None


def test_runs_at_the_same_time_report_once(engine: Engine, clock: FixedClock, court: Court, tmp_path: Path) -> None:
    _fill_day(engine, clock, court)
    clock.at = datetime(2026, 11, 27, 17, 30)
    results: list[Any] = []
    barrier = threading.Barrier(2)

    def run(name: str) -> None:
        barrier.wait()
        try:
            results.append(
                report_daily_ledger(date(2026, 11, 27), tmp_path / name, ctx=_ctx(engine, court.clerk, clock))
            )
        except Exception as error:  # pragma: no cover - shown in the assertion
            results.append(error)

    threads = [threading.Thread(target=run, args=(f"{i}.xlsx",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.newly_reported for r in results) == [False, True], results
    assert _sha(tmp_path / "0.xlsx") == _sha(tmp_path / "1.xlsx")
    assert _count(engine, LedgerReport) == 1


@pytest.mark.parametrize(
    ("now", "day", "message"),
    [
        (datetime(2026, 11, 27, 16, 59), date(2026, 11, 27), "17:00 截止"),
        (datetime(2026, 11, 27, 17, 30), date(2026, 11, 28), "尚未到来"),
    ],
)
def test_a_day_is_reported_only_after_reception_closes(
    engine: Engine, clock: FixedClock, court: Court, tmp_path: Path, now: datetime, day: date, message: str
) -> None:
    clock.at = now
    with pytest.raises(FieldError, match=message):
        report_daily_ledger(day, tmp_path / "x.xlsx", ctx=_ctx(engine, court.clerk, clock))
    assert _count(engine, LedgerReport) == 0 and not (tmp_path / "x.xlsx").exists()


def test_yesterday_may_be_reported_in_the_morning(
    engine: Engine, clock: FixedClock, court: Court, tmp_path: Path
) -> None:
    result = report_daily_ledger(date(2026, 11, 26), tmp_path / "y.xlsx", ctx=_ctx(engine, court.clerk, clock))
    assert result.newly_reported and result.visit_count == 0 and (tmp_path / "y.xlsx").exists()


def test_only_reception_the_director_or_the_batch_account_report(
    engine: Engine, clock: FixedClock, court: Court, tmp_path: Path
) -> None:
    clock.at = datetime(2026, 11, 27, 17, 30)
    with pytest.raises(PermissionDenied, match="无权报送接待台账"):
        report_daily_ledger(date(2026, 11, 27), tmp_path / "x.xlsx", ctx=_ctx(engine, court.handler, clock))
    assert _count(engine, LedgerReport) == 0


@pytest.mark.parametrize("where", ["missing/dir/x.xlsx", "a-directory.xlsx", "ledger.csv"])
def test_a_failed_write_leaves_no_file_and_no_report(
    engine: Engine, clock: FixedClock, court: Court, tmp_path: Path, where: str
) -> None:
    out = tmp_path / "out"
    (out / "a-directory.xlsx").mkdir(parents=True)
    clock.at = datetime(2026, 11, 27, 17, 30)
    with pytest.raises((ServiceError, FieldError)):
        report_daily_ledger(date(2026, 11, 27), out / where, ctx=_ctx(engine, court.clerk, clock))
    assert _count(engine, LedgerReport) == 0
    assert [p.name for p in out.iterdir()] == ["a-directory.xlsx"]  # no half file, no temp file


def test_a_refused_database_write_removes_the_new_file(engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    ghost = Actor(id=987_654, login="ghost", name="无此人", roles=frozenset({Role.SYSTEM}))  # breaks the foreign key
    clock.at = datetime(2026, 11, 27, 17, 30)
    with pytest.raises(ServiceError):
        report_daily_ledger(date(2026, 11, 27), tmp_path / "g.xlsx", ctx=_ctx(engine, ghost, clock))
    assert not (tmp_path / "g.xlsx").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert _count(engine, LedgerReport) == 0
