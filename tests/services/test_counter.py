"""临柜业务 (R-CTR-1): queue by institution, both cards to take a task, a complete signed receipt to hand over,
and the result back to the handler."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from tests.services.test_attachments import JPEG, write
from tests.services.test_delegation import Court, court, fast_passwords, matter, request
from zhihui_tui.db.models import CounterTask
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import AttachmentKind, CounterSource, CounterStatus, Institution, MatterKind, Receipt
from zhihui_tui.services.attachments import list_attachments, store_file
from zhihui_tui.services.counter import (
    NewCounterTask,
    acknowledge_task,
    counter_queue,
    create_task,
    hand_over,
    open_counts,
    take_task,
)
from zhihui_tui.services.errors import PermissionDenied, ServiceError
from zhihui_tui.services.workbench import waiting_on_me

GOOD = Receipt("HZ-2026-0311", "王丽", "已冻结账户 6228****1234 存款 12,345.67 元", "赵志刚")


@pytest.fixture
def c(engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Court:
    fast_passwords(monkeypatch)
    return court(engine, clock)


def bank_request(c: Court) -> tuple[int, int]:
    matter_id = request(c, MatterKind.COUNTER, institution=Institution.BANK, institution_name="农行科右前旗支行")
    task = counter_queue(c.engine, institution=Institution.BANK, actor=c.officer)[-1]
    return matter_id, task.id


def task_row(engine: Engine, task_id: int) -> CounterTask:
    with Session(engine) as session:
        task = session.get(CounterTask, task_id)
        assert task is not None
        return task


def test_queue_is_per_institution(c: Court) -> None:
    bank_request(c)
    create_task(
        c.engine,
        NewCounterTask(c.case_id, Institution.VEHICLE_OFFICE, "兴安盟车管所", CounterSource.PRESERVATION, "查封车辆"),
        actor=c.officer,
        clock=c.clock,
    )
    assert open_counts(c.engine) == {
        Institution.BANK: 1,
        Institution.VEHICLE_OFFICE: 1,
        Institution.REAL_ESTATE_REGISTRY: 0,
        Institution.MARKET_REGULATOR: 0,
    }
    vehicles = counter_queue(c.engine, institution=Institution.VEHICLE_OFFICE, actor=c.officer)
    assert [(t.source, t.institution_name) for t in vehicles] == [(CounterSource.PRESERVATION, "兴安盟车管所")]
    with pytest.raises(PermissionDenied):
        counter_queue(c.engine, institution=Institution.BANK, actor=c.handler)


def test_an_officer_without_both_cards_cannot_take_a_task(c: Court) -> None:
    _, task_id = bank_request(c)
    with pytest.raises(PermissionDenied, match="人民法院执行公务证"):
        take_task(c.engine, task_id, actor=c.uncarded, clock=c.clock)
    assert task_row(c.engine, task_id).status == CounterStatus.OPEN.value
    with pytest.raises(PermissionDenied):
        take_task(c.engine, task_id, actor=c.investigators[0], clock=c.clock)
    take_task(c.engine, task_id, actor=c.officer, clock=c.clock)
    assert task_row(c.engine, task_id).taken_by_id == c.officer.id
    with pytest.raises(ServiceError, match="办理中"):
        take_task(c.engine, task_id, actor=c.officer, clock=c.clock)


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
    take_task(c.engine, task_id, actor=c.officer, clock=c.clock)
    with pytest.raises(FieldError) as raised:
        hand_over(c.engine, task_id, receipt, actor=c.officer, clock=c.clock)
    assert raised.value.field == field
    assert task_row(c.engine, task_id).status == CounterStatus.TAKEN.value
    assert matter(c.engine, matter_id).status == "in_progress"


def test_handover_sends_the_result_to_the_handler(c: Court, tmp_path: Path) -> None:
    matter_id, task_id = bank_request(c)
    with pytest.raises(ServiceError, match="待领取"):
        hand_over(c.engine, task_id, GOOD, actor=c.officer, clock=c.clock)
    take_task(c.engine, task_id, actor=c.officer, clock=c.clock)
    with pytest.raises(PermissionDenied):
        hand_over(c.engine, task_id, GOOD, actor=c.uncarded, clock=c.clock)
    scan = store_file(write(tmp_path / "回执.jpg", JPEG), tmp_path / "store", AttachmentKind.RECEIPT)
    hand_over(c.engine, task_id, GOOD, [scan], actor=c.officer, clock=c.clock)
    task = task_row(c.engine, task_id)
    assert (task.status, task.receipt_no, task.receipt_signed_by) == ("handed_over", "HZ-2026-0311", "赵志刚")
    assert [a.original_name for a in list_attachments(c.engine, owner_kind="counter_task", owner_id=task_id)] == [
        "回执.jpg"
    ]
    row = matter(c.engine, matter_id)
    assert row.status == "done" and row.result == f"农行科右前旗支行：{GOOD.result}"
    waiting = waiting_on_me(c.engine, actor=c.handler, today=c.clock.now().date())
    assert [(w.kind, w.matter_id) for w in waiting] == [("委托结果", matter_id)]
    assert counter_queue(c.engine, institution=Institution.BANK, actor=c.officer) == []


def test_preservation_result_reaches_the_cases_handler(c: Court) -> None:
    task_id = create_task(
        c.engine,
        NewCounterTask(c.case_id, Institution.REAL_ESTATE_REGISTRY, "", CounterSource.PRESERVATION, "查封房产"),
        actor=c.officer,
        clock=c.clock,
    )
    with pytest.raises(ServiceError):
        create_task(
            c.engine,
            NewCounterTask(c.case_id, Institution.BANK, "", CounterSource.HANDLER_REQUEST, "冻结"),
            actor=c.officer,
            clock=c.clock,
        )
    take_task(c.engine, task_id, actor=c.officer, clock=c.clock)
    hand_over(c.engine, task_id, GOOD, actor=c.officer, clock=c.clock)
    today = c.clock.now().date()
    waiting = waiting_on_me(c.engine, actor=c.handler, today=today)
    assert [(w.kind, w.task_id) for w in waiting] == [("临柜结果", task_id)]
    assert waiting[0].text.startswith("不动产登记中心：")
    with pytest.raises(PermissionDenied):
        acknowledge_task(c.engine, task_id, actor=c.other_handler, clock=c.clock)
    acknowledge_task(c.engine, task_id, actor=c.handler, clock=c.clock)
    assert waiting_on_me(c.engine, actor=c.handler, today=today) == []
