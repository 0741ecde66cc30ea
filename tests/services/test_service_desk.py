"""集约送达 desk (issue 13, R-SRV-1..3, R-SUP-1): owners, mailings, results, what they close and open.

Every test runs on a real SQLite file and on PostgreSQL (``engine``). The pack is generated with the packaged
templates into the test's folder, so mailings meet the rule "documents first".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from tests.conftest import context_for, make_staff
from tests.services.documents_court import FIRM, LI, SETTINGS, WANG, ZHANG, filed_case, register
from tests.services.pending_check import pending
from zhihui_tui.db.models import Case, Deadline, DelegatedMatter, ServiceAttempt, ServiceDocument, StageChange
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError, FieldErrors
from zhihui_tui.domain.field_work import MatterKind, MatterRequest, MatterStatus
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.mailing import NextAttempt
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.service_attempts import AttemptInput, ResultInput, ServiceMethod
from zhihui_tui.domain.steps import Step
from zhihui_tui.services import service_desk as desk
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.delegation import request_matter
from zhihui_tui.services.documents import GenerateRequest, generate_packs, load_templates
from zhihui_tui.services.errors import ConcurrentEdit, PermissionDenied, ServiceError
from zhihui_tui.services.filing import first_assignment_options
from zhihui_tui.services.workbench import case_history

TEMPLATES = load_templates(())
GOOD = ("EA123456785CN", "EA000000005CN", "1151234567890", "1151234567891")  # S10 with right check digits, domestic


@dataclass
class Desk:
    engine: Engine
    clock: FixedClock
    out: Path
    clerk: Actor
    colleague: Actor
    director: Actor
    handler: Actor
    one: int  # case id: one respondent (张三)
    two: int  # case id: two respondents (李四, 王五)

    def ctx(self, actor: Actor) -> ServiceContext:
        return context_for(self.engine, actor, self.clock, data_dir=self.out)


@pytest.fixture
def court(engine: Engine, clock: FixedClock, tmp_path: Path) -> Desk:
    return make_desk(engine, clock, tmp_path)


def make_desk(engine: Engine, clock: FixedClock, tmp_path: Path) -> Desk:
    """Two filed cases (one and two respondents), the desk's clerks, the director and a handler."""
    clerk = make_staff(engine, clock, "songda1", Role.SERVICE, name="王丽娟")
    colleague = make_staff(engine, clock, "songda2", Role.SERVICE, name="乌日娜")
    director = make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="张宏伟")
    handler = make_staff(engine, clock, "kuai01", Role.HANDLER, name="王建国")
    first = filed_case(applicants=(FIRM,), respondents=(ZHANG,), amount_fen=1_234_500)
    second = filed_case(applicants=(FIRM,), respondents=(LI, WANG), amount_fen=50_000_00)
    numbers = register(engine, director, clock, first, second)
    with Session(engine) as session:
        ids = [session.exec(select(Case.id).where(Case.case_number == n)).one() for n in numbers]
    assert ids[0] is not None and ids[1] is not None
    return Desk(engine, clock, tmp_path / "documents", clerk, colleague, director, handler, ids[0], ids[1])


@contextmanager
def refused_at(field: str, reason: str) -> Iterator[None]:
    """The call is refused at ``field`` (alone or among others) with a reason matching ``reason``."""
    with pytest.raises((FieldError, FieldErrors)) as caught:
        yield
    error = caught.value
    errors = error.errors if isinstance(error, FieldErrors) else [error]
    assert any(e.field == field and re.search(reason, e.reason) for e in errors), error.message


def generate(c: Desk, case_number: str | None = None) -> None:
    request = GenerateRequest(out_dir=c.out, templates=TEMPLATES, settings=SETTINGS, case_number=case_number)
    generate_packs(request, ctx=c.ctx(c.clerk))


def pack_line(c: Desk, case_id: int) -> desk.PackRow:
    return next(row for row in desk.pack_queue(ctx=c.ctx(c.clerk)) if row.case_id == case_id)


def respondents(c: Desk, case_id: int) -> list[desk.Recipient]:
    return desk.pack_recipients(case_id, ctx=c.ctx(c.clerk))


def mail(
    c: Desk,
    case_id: int,
    party_id: int,
    number: str,
    *,
    address: str = "科尔沁右翼前旗大坝沟镇",
    day: str = "2026-11-26",
) -> int:
    raw = AttemptInput(ServiceMethod.MAIL.label, address, number, day)
    attempt_id = desk.record_attempt(desk.Target(case_id, party_id=party_id), raw, ctx=c.ctx(c.clerk))
    assert attempt_id in pending(c.engine)  # kept by the database (migration 0028), as computed
    return attempt_id


def result(c: Desk, attempt_id: int, what: str, day: str = "2026-11-27", following: str = "") -> desk.ResultOutcome:
    version = attempt_row(c, attempt_id).version
    outcome = desk.record_result(
        attempt_id, ResultInput(what, day, following), expected_version=version, ctx=c.ctx(c.clerk)
    )
    assert (attempt_id in pending(c.engine)) is not outcome.served  # a failure awaits its next way
    return outcome


def attempt_row(c: Desk, attempt_id: int) -> ServiceAttempt:
    with Session(c.engine) as session:
        row = session.get(ServiceAttempt, attempt_id)
    assert row is not None
    return row


def count(engine: Engine, model: type, *where: object) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model).where(*where)).one())  # type: ignore[arg-type]


def stage(engine: Engine, case_id: int) -> Stage:
    with Session(engine) as session:
        case = session.get(Case, case_id)
    assert case is not None
    return Stage(case.stage)


def open_step(engine: Engine, case_id: int, step: Step) -> Deadline | None:
    with Session(engine) as session:
        return session.exec(
            select(Deadline).where(
                Deadline.case_id == case_id, Deadline.step == step.value, col(Deadline.done_at).is_(None)
            )
        ).first()


# -- owners -----------------------------------------------------------------------------------------------------


def test_a_clerk_takes_an_unowned_pack_and_a_colleague_is_told_who_holds_it(court: Desk) -> None:
    line = pack_line(court, court.one)
    assert line.owner_id is None and line.owner == ""
    item = desk.ItemKey(desk.ItemKind.PACK, line.deadline_id)
    desk.take_item(item, expected_version=line.version, ctx=court.ctx(court.clerk))
    taken = pack_line(court, court.one)
    assert (taken.owner_id, taken.owner) == (court.clerk.id, "王丽娟")
    with pytest.raises(ServiceError, match="已由王丽娟领取"):
        desk.take_item(item, ctx=court.ctx(court.colleague))
    with pytest.raises(ServiceError, match="已由您领取"):
        desk.take_item(item, ctx=court.ctx(court.clerk))
    with pytest.raises(ConcurrentEdit):  # a line read before the take is stale
        desk.take_item(item, expected_version=line.version, ctx=court.ctx(court.colleague))
    assert pack_line(court, court.one).owner_id == court.clerk.id


def test_the_director_assigns_and_reassigns_only_to_active_service_clerks(court: Desk) -> None:
    line = pack_line(court, court.two)
    item = desk.ItemKey(desk.ItemKind.PACK, line.deadline_id)
    desk.assign_item(item, court.colleague.id, expected_version=line.version, ctx=court.ctx(court.director))
    assert pack_line(court, court.two).owner == "乌日娜"
    desk.assign_item(item, court.clerk.id, ctx=court.ctx(court.director))
    assert pack_line(court, court.two).owner == "王丽娟"
    with pytest.raises(ServiceError, match="不是在岗的集约送达组人员"):
        desk.assign_item(item, court.handler.id, ctx=court.ctx(court.director))
    with pytest.raises(PermissionDenied):
        desk.assign_item(item, court.colleague.id, ctx=court.ctx(court.clerk))
    assert pack_line(court, court.two).owner == "王丽娟"


def test_caseload_and_the_filing_dialog_count_what_each_clerk_holds(court: Desk) -> None:
    for case_id in (court.one, court.two):
        line = pack_line(court, case_id)
        desk.take_item(desk.ItemKey(desk.ItemKind.PACK, line.deadline_id), ctx=court.ctx(court.clerk))
    loads = {load.login: load.open_items for load in desk.service_clerks(ctx=court.ctx(court.director))}
    assert loads == {"songda1": 2, "songda2": 0}
    filing_clerk = make_staff(court.engine, court.clock, "lian1", Role.FILING_REVIEW)
    offered = {o.login: o.open_steps for o in first_assignment_options(ctx=court.ctx(filing_clerk))}
    assert offered == {"songda1": 2, "songda2": 0}
    load = desk.caseload(ctx=court.ctx(court.clerk))
    assert (load.packs, load.unowned, load.mine, load.awaiting_result) == (2, 0, 2, 0)


# -- mailing ----------------------------------------------------------------------------------------------------


def test_the_pack_is_generated_before_it_is_mailed(court: Desk) -> None:
    party = respondents(court, court.one)[0]
    with pytest.raises(ServiceError, match="尚未全部生成"):
        mail(court, court.one, party.party_id, GOOD[0])
    assert count(court.engine, ServiceAttempt) == 0


def test_bad_fields_are_all_reported_and_nothing_is_written(court: Desk) -> None:
    generate(court)
    party = respondents(court, court.one)[0]
    raw = AttemptInput("邮寄", "", "EA123456780CN", "2026-12-30")
    with pytest.raises(FieldErrors) as caught:
        desk.record_attempt(desk.Target(court.one, party_id=party.party_id), raw, ctx=court.ctx(court.clerk))
    fields = {error.field for error in caught.value.errors}
    assert fields == {"送达地址", "邮件号", "寄出日期"}
    assert "校验位不正确" in caught.value.message
    assert count(court.engine, ServiceAttempt) == 0
    with refused_at("送达方式", "首次应邮寄送达"):
        desk.record_attempt(
            desk.Target(court.one, party_id=party.party_id),
            AttemptInput("直接送达", "科右前旗", "", "2026-11-26"),
            ctx=court.ctx(court.clerk),
        )


def test_mailing_every_respondent_finishes_the_pack_step(court: Desk) -> None:
    generate(court)
    first, second = respondents(court, court.two)
    assert (first.stands, first.next_method) == ("未寄出", ServiceMethod.MAIL)
    mail(court, court.two, first.party_id, GOOD[0])
    assert open_step(court.engine, court.two, Step.SERVICE_PACK) is not None  # one respondent still to send
    assert pack_line(court, court.two).sent == 1
    with pytest.raises(ServiceError, match="尚待送达结果"):
        mail(court, court.two, first.party_id, GOOD[1])
    with refused_at("邮件号", "已于 2026-11-26 登记"):
        mail(court, court.two, second.party_id, GOOD[0])  # a tracking number is used once
    mail(court, court.two, second.party_id, "EA 0000-0000 5cn")  # as a clerk may type it
    assert open_step(court.engine, court.two, Step.SERVICE_PACK) is None
    assert court.two not in {row.case_id for row in desk.pack_queue(ctx=court.ctx(court.clerk))}
    waiting = desk.attempt_queue(ctx=court.ctx(court.clerk))
    assert {(row.recipient, row.tracking_number, row.result) for row in waiting} == {
        ("李四", "EA123456785CN", None),
        ("王五", "EA000000005CN", None),
    }
    assert stage(court.engine, court.two) is Stage.FILED  # mailed is not served


def test_served_respondents_move_the_case_to_served_and_start_the_inquiry_clock(court: Desk) -> None:
    generate(court)
    party = respondents(court, court.one)[0]
    attempt_id = mail(court, court.one, party.party_id, GOOD[0])
    outcome = result(court, attempt_id, "拒收")  # a refused service counts as served (留置)
    assert (outcome.served, outcome.case_served, outcome.next_attempt) == (True, True, None)
    assert stage(court.engine, court.one) is Stage.SERVED
    assert open_step(court.engine, court.one, Step.NETWORK_INQUIRY) is not None
    with Session(court.engine) as session:
        note = session.exec(
            select(StageChange.note).where(StageChange.case_id == court.one, StageChange.to_stage == "served")
        ).one()
    assert note == "立案送达文书已全部送达"
    history = case_history(court.one, ctx=court.ctx(court.director))
    assert any("送达记录" in entry.detail for entry in history.entries)
    with pytest.raises(ServiceError, match="已于 2026-11-27 登记结果"):
        result(court, attempt_id, "送达")
    assert desk.attempt_queue(ctx=court.ctx(court.clerk)) == []


def test_a_return_needs_the_next_way_and_the_next_mailing_another_address(court: Desk) -> None:
    generate(court)
    party = respondents(court, court.one)[0]
    attempt_id = mail(court, court.one, party.party_id, GOOD[0])
    with refused_at("下一步", "退回后须选择下一步"):
        result(court, attempt_id, "退回")
    with refused_at("结果日期", "早于 2026-11-26"):
        result(court, attempt_id, "退回", day="2026-11-25", following="另址邮寄")
    assert attempt_row(court, attempt_id).result is None
    outcome = result(court, attempt_id, "退回", following="另址邮寄")
    assert (outcome.served, outcome.next_attempt) == (False, NextAttempt.ANOTHER_ADDRESS)
    line = next(row for row in desk.attempt_queue(ctx=court.ctx(court.clerk)) if row.id == attempt_id)
    assert line.next_attempt is NextAttempt.ANOTHER_ADDRESS  # the failure waits for its next way
    assert desk.awaiting_next(ctx=court.ctx(court.clerk)) == 1
    assert desk.caseload(ctx=court.ctx(court.clerk)).awaiting_next == 1
    assert respondents(court, court.one)[0].next_method is ServiceMethod.MAIL
    with refused_at("送达地址", "不同的地址"):
        mail(court, court.one, party.party_id, GOOD[1])
    mail(court, court.one, party.party_id, GOOD[1], address="乌兰浩特市兴安北大路 8 号")
    assert [row.tracking_number for row in desk.attempt_queue(ctx=court.ctx(court.clerk))] == [GOOD[1]]
    assert desk.awaiting_next(ctx=court.ctx(court.clerk)) == 0  # the next way was taken


def test_public_notice_needs_the_handlers_matter_and_thirty_days(court: Desk, engine: Engine) -> None:
    generate(court)
    _give_handler(court, court.one)  # the handler asks for the notice (R-SRV-2)
    party = respondents(court, court.one)[0]
    attempt_id = mail(court, court.one, party.party_id, GOOD[0])
    result(court, attempt_id, "地址不详", following="公告送达")
    notice = AttemptInput("公告送达", "人民法院公告网", "", "2026-11-27")
    with refused_at("送达方式", "须由承办人提起公告事项"):
        desk.record_attempt(desk.Target(court.one, party_id=party.party_id), notice, ctx=court.ctx(court.clerk))
    matter_id = request_matter(
        MatterRequest(court.one, MatterKind.PUBLIC_NOTICE, "被执行人下落不明，请公告送达", "2027-01-29"),
        ctx=court.ctx(court.handler),
    )
    target = desk.Target(court.one, party_id=party.party_id, matter_id=matter_id)
    published = desk.record_attempt(target, notice, ctx=court.ctx(court.clerk))
    court.clock.at = datetime(2027, 1, 4, 9, 0)
    with refused_at("结果日期", "2026-12-27 起视为送达"):
        result(court, published, "送达", day="2026-12-20")
    outcome = result(court, published, "送达", day="2026-12-28")
    assert (outcome.case_served, outcome.matter_done) == (True, True)
    with Session(engine) as session:
        matter = session.get(DelegatedMatter, matter_id)
    assert matter is not None and matter.status == MatterStatus.DONE.value
    assert matter.result is not None and "公告送达" in matter.result and "张三" in matter.result


def _give_handler(c: Desk, case_id: int) -> None:
    from zhihui_tui.services.uow import unit_of_work

    with unit_of_work(c.engine, actor=c.director, action="测试：指定承办人", clock=c.clock) as session:
        case = session.get(Case, case_id)
        assert case is not None
        case.handler_id = c.handler.id


def test_a_handed_over_service_matter_is_due_in_three_days_and_closes_with_its_result(court: Desk) -> None:
    _give_handler(court, court.two)
    matter_id = request_matter(
        MatterRequest(court.two, MatterKind.SERVICE, "向被执行人邮寄送达限制消费令", "2026-12-31"),
        ctx=court.ctx(court.handler),
    )
    line = next(row for row in desk.matter_queue(ctx=court.ctx(court.clerk)) if row.id == matter_id)
    assert line.due_date == date(2026, 11, 30)  # Friday + 3 calendar days (R-TIME-1), before the handler's date
    assert line.requested_by == "王建国" and line.owner == ""
    desk.take_item(desk.ItemKey(desk.ItemKind.MATTER, matter_id), ctx=court.ctx(court.clerk))
    raw = AttemptInput("邮寄", "科尔沁右翼前旗大坝沟镇", GOOD[2], "2026-11-27")
    attempt_id = desk.record_attempt(desk.Target(court.two, matter_id=matter_id), raw, ctx=court.ctx(court.clerk))
    assert "待结果" in next(r for r in desk.matter_queue(ctx=court.ctx(court.clerk)) if r.id == matter_id).attempt
    outcome = result(court, attempt_id, "送达")
    assert outcome.matter_done and not outcome.case_served
    assert matter_id not in {row.id for row in desk.matter_queue(ctx=court.ctx(court.clerk))}
    with Session(court.engine) as session:
        matter = session.get(DelegatedMatter, matter_id)
    assert matter is not None and matter.result is not None and GOOD[2] in matter.result
    assert matter.owner_id == court.clerk.id


# -- the documents at the desk ---------------------------------------------------------------------------------


def test_preview_reads_the_recorded_files_and_printing_marks_them_once(court: Desk) -> None:
    generate(court)
    texts = desk.preview_pack(court.one, ctx=court.ctx(court.clerk))
    assert [t.kind.label for t in texts] == ["执行通知书", "报告财产令", "传票", "缴款通知书", "执行裁定书"]
    number = pack_line(court, court.one).case_number
    assert all(any(number in line for line in t.lines) for t in texts)
    assert any("壹万贰仟叁佰肆拾伍元整" in line for t in texts for line in t.lines)
    assert desk.mark_printed(court.one, ctx=court.ctx(court.clerk)) == 5
    assert desk.mark_printed(court.one, ctx=court.ctx(court.clerk)) == 0
    assert pack_line(court, court.one).printed
    with Session(court.engine) as session:
        path = Path(
            session.exec(select(ServiceDocument.file_path).where(ServiceDocument.case_id == court.one)).first() or ""
        )
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(ServiceError, match="被改动过"):
        desk.preview_pack(court.one, ctx=court.ctx(court.clerk))


def test_only_the_desk_records_and_a_handler_sees_nothing(court: Desk) -> None:
    assert desk.allowed_actions(court.director) == {desk.ServiceAction.VIEW, desk.ServiceAction.ASSIGN}
    assert desk.ServiceAction.RECORD in desk.allowed_actions(court.clerk)
    with pytest.raises(PermissionDenied):
        desk.pack_queue(ctx=court.ctx(court.handler))
    generate(court)
    party = respondents(court, court.one)[0]
    raw = AttemptInput("邮寄", "科右前旗", GOOD[0], "2026-11-26")
    with pytest.raises(PermissionDenied):
        desk.record_attempt(desk.Target(court.one, party_id=party.party_id), raw, ctx=court.ctx(court.director))
