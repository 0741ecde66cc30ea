"""临柜业务 (R-CTR-1): queue by institution, both cards to take a task, a complete signed receipt to hand over,
and the result back to the handler."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.conftest import make_staff
from tests.services.test_attachments import JPEG, write
from tests.services.test_delegation import Court, count, court, fast_passwords, matter, request
from zhihui_tui.db.models import AuditRecord, Case, CounterTask
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import (
    AttachmentKind,
    CounterSource,
    CounterStatus,
    CounterTaskForm,
    Institution,
    MatterKind,
    Receipt,
)
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.attachments import list_attachments, store_file
from zhihui_tui.services.counter import (
    NewCounterTask,
    acknowledge_task,
    counter_queue,
    create_task,
    hand_over,
    open_counts,
    open_task,
    take_task,
)
from zhihui_tui.services.errors import PermissionDenied, ServiceError
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.services.workbench import waiting_on_me

GOOD = Receipt("HZ-2026-0311", "王丽", "已冻结账户 6228****1234 存款 12,345.67 元", "赵志刚")


@pytest.fixture
def c(engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Court:
    fast_passwords(monkeypatch)
    return court(engine, clock)


def bank_request(c: Court) -> tuple[int, int]:
    matter_id = request(c, MatterKind.COUNTER, institution=Institution.BANK, institution_name="农行科右前旗支行")
    task = counter_queue(institution=Institution.BANK, ctx=c.ctx(c.officer))[-1]
    return matter_id, task.id


def task_row(engine: Engine, task_id: int) -> CounterTask:
    with Session(engine) as session:
        task = session.get(CounterTask, task_id)
        assert task is not None
        return task


def test_queue_is_per_institution(c: Court) -> None:
    bank_request(c)
    create_task(
        NewCounterTask(c.case_id, Institution.VEHICLE_OFFICE, "兴安盟车管所", CounterSource.PRESERVATION, "查封车辆"),
        ctx=c.ctx(c.officer),
    )
    assert open_counts(ctx=c.ctx()) == {
        Institution.BANK: 1,
        Institution.VEHICLE_OFFICE: 1,
        Institution.REAL_ESTATE_REGISTRY: 0,
        Institution.MARKET_REGULATOR: 0,
    }
    vehicles = counter_queue(institution=Institution.VEHICLE_OFFICE, ctx=c.ctx(c.officer))
    assert [(t.source, t.institution_name) for t in vehicles] == [(CounterSource.PRESERVATION, "兴安盟车管所")]
    with pytest.raises(PermissionDenied):
        counter_queue(institution=Institution.BANK, ctx=c.ctx(c.handler))


def test_an_officer_without_both_cards_cannot_take_a_task(c: Court) -> None:
    _, task_id = bank_request(c)
    with pytest.raises(PermissionDenied, match="人民法院执行公务证"):
        take_task(task_id, ctx=c.ctx(c.uncarded))
    assert task_row(c.engine, task_id).status == CounterStatus.OPEN.value
    with pytest.raises(PermissionDenied):
        take_task(task_id, ctx=c.ctx(c.investigators[0]))
    take_task(task_id, ctx=c.ctx(c.officer))
    assert task_row(c.engine, task_id).taken_by_id == c.officer.id
    with pytest.raises(ServiceError, match="办理中"):
        take_task(task_id, ctx=c.ctx(c.officer))


@pytest.mark.parametrize(
    ("receipt", "field"),
    [
        (Receipt("", "王丽", "已冻结", "赵志刚"), "回执编号"),
        (Receipt("HZ-1", "王丽", "已冻结", ""), "经办人签字"),
        (Receipt("HZ-1", "王丽", "已冻结", "额尔敦"), "经办人签字"),
        (Receipt("HZ-1", "王丽", "", "赵志刚"), "办理结果"),
    ],
)
def test_handover_needs_a_complete_signed_receipt(c: Court, receipt: Receipt, field: str) -> None:
    matter_id, task_id = bank_request(c)
    take_task(task_id, ctx=c.ctx(c.officer))
    with pytest.raises(FieldError) as raised:
        hand_over(task_id, receipt, ctx=c.ctx(c.officer))
    assert raised.value.field == field
    assert task_row(c.engine, task_id).status == CounterStatus.TAKEN.value
    assert matter(c.engine, matter_id).status == "in_progress"


def test_handover_sends_the_result_to_the_handler(c: Court, tmp_path: Path) -> None:
    matter_id, task_id = bank_request(c)
    with pytest.raises(ServiceError, match="待领取"):
        hand_over(task_id, GOOD, ctx=c.ctx(c.officer))
    take_task(task_id, ctx=c.ctx(c.officer))
    with pytest.raises(PermissionDenied):
        hand_over(task_id, GOOD, ctx=c.ctx(c.uncarded))
    scan = store_file(write(tmp_path / "回执.jpg", JPEG), tmp_path / "store", AttachmentKind.RECEIPT)
    hand_over(task_id, GOOD, [scan], ctx=c.ctx(c.officer))
    task = task_row(c.engine, task_id)
    assert (task.status, task.receipt_no, task.receipt_signed_by) == ("handed_over", "HZ-2026-0311", "赵志刚")
    assert [
        a.original_name for a in list_attachments(owner_kind="counter_task", owner_id=task_id, ctx=c.ctx(c.handler))
    ] == ["回执.jpg"]
    row = matter(c.engine, matter_id)
    assert row.status == "done" and row.result == f"农行科右前旗支行：{GOOD.result}"
    waiting = waiting_on_me(ctx=c.ctx(c.handler))
    assert [(w.kind, w.matter_id) for w in waiting] == [("委托结果", matter_id)]
    assert counter_queue(institution=Institution.BANK, ctx=c.ctx(c.officer)) == []


def test_preservation_result_reaches_the_cases_handler(c: Court) -> None:
    task_id = create_task(
        NewCounterTask(c.case_id, Institution.REAL_ESTATE_REGISTRY, "", CounterSource.PRESERVATION, "查封房产"),
        ctx=c.ctx(c.officer),
    )
    with pytest.raises(ServiceError):
        create_task(
            NewCounterTask(c.case_id, Institution.BANK, "", CounterSource.HANDLER_REQUEST, "冻结"),
            ctx=c.ctx(c.officer),
        )
    take_task(task_id, ctx=c.ctx(c.officer))
    hand_over(task_id, GOOD, ctx=c.ctx(c.officer))
    waiting = waiting_on_me(ctx=c.ctx(c.handler))
    assert [(w.kind, w.task_id) for w in waiting] == [("临柜结果", task_id)]
    assert waiting[0].text.startswith("不动产登记中心：")
    with pytest.raises(PermissionDenied):
        acknowledge_task(task_id, ctx=c.ctx(c.other_handler))
    acknowledge_task(task_id, ctx=c.ctx(c.handler))
    assert waiting_on_me(ctx=c.ctx(c.handler)) == []


# -- the centre's own task, typed on the F8 form ------------------------------------------------------------------


def form(**changes: object) -> CounterTaskForm:
    fields: dict[str, object] = {
        "case_number": "（2026）内2221执1号",
        "institution": Institution.VEHICLE_OFFICE,
        "source": CounterSource.PRESERVATION,
        "requirements": "查封被执行人名下车辆 蒙K12345",
        "institution_name": "",
    }
    fields.update(changes)
    return CounterTaskForm(**fields)  # type: ignore[arg-type]


def test_a_task_opened_by_case_number_reaches_the_queue_and_the_handler(c: Court) -> None:
    task_id = open_task(form(case_number=" (2026)内2221执1号 "), ctx=c.ctx(c.officer))
    task = task_row(c.engine, task_id)
    assert (task.case_id, task.institution, task.institution_name, task.source, task.handler_id) == (
        c.case_id,
        "vehicle_office",
        "车辆管理所",  # the institution's label when no name is typed
        "preservation",
        c.handler.id,
    )
    queue = counter_queue(institution=Institution.VEHICLE_OFFICE, ctx=c.ctx(c.officer))
    assert [(t.id, t.case_number, t.source) for t in queue] == [
        (task_id, "（2026）内2221执1号", CounterSource.PRESERVATION)
    ]
    with Session(c.engine) as session:
        actions = session.exec(select(AuditRecord.action).where(AuditRecord.entity == "counter_task")).all()
    assert actions == ["新建临柜业务"]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"case_number": ""}, "案号", "不能为空"),
        ({"case_number": "2026执1"}, "案号", "不是有效的案号"),
        ({"case_number": "（2026）内2221执99号"}, "案号", "本院没有案号为（2026）内2221执99号的案件"),
        ({"institution": None}, "协执单位", "请选择"),
        ({"institution_name": "农行\t支行"}, "单位名称", "控制字符"),
        ({"source": None}, "业务来源", "请选择"),
        ({"source": CounterSource.HANDLER_REQUEST}, "业务来源", "由承办人在工作台提请"),
        ({"requirements": "   "}, "具体要求", "不能为空"),
    ],
)
def test_a_bad_form_names_the_field_and_saves_nothing(
    c: Court, changes: dict[str, object], field: str, reason: str
) -> None:
    with pytest.raises(FieldError) as raised:
        open_task(form(**changes), ctx=c.ctx(c.officer))
    assert raised.value.field == field and reason in raised.value.reason
    assert count(c.engine, CounterTask) == 0


def test_only_counter_staff_or_the_director_open_tasks(c: Court) -> None:
    for actor in (c.handler, c.service_clerk, c.investigators[0], c.chief):
        with pytest.raises(PermissionDenied):
            open_task(form(), ctx=c.ctx(actor))
    assert count(c.engine, CounterTask) == 0
    director = make_staff(c.engine, c.clock, "zhuren", Role.DIRECTOR, name="张宏伟")
    assert open_task(form(), ctx=c.ctx(director)) > 0


def test_no_task_on_an_archived_case(c: Court) -> None:
    with unit_of_work(c.engine, actor=system_actor(c.engine), action="归档", clock=c.clock) as session:
        case = session.get(Case, c.case_id)
        assert case is not None
        case.stage = Stage.ARCHIVED.value
    with pytest.raises(FieldError, match="已归档"):
        open_task(form(), ctx=c.ctx(c.officer))
    assert count(c.engine, CounterTask) == 0
