"""The round trip of a delegated matter's result (R-DEL-1): the queue of the posts that record a plain result
(集约送达组: 送达、公告; the director: 其他), the result entry, and the handler reading it with its files
(name, type, size, SHA-256, and whether the stored bytes still verify)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.conftest import make_staff
from tests.services.test_attachments import JPEG, PDF, write
from tests.services.test_counter import GOOD
from tests.services.test_delegation import Court, court, fast_passwords, matter, request
from zhihui_tui.db.models import AuditRecord
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import AttachmentKind, CounterSource, Institution, MatterKind, SearchRegistration
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.attachments import blob_path, store_file, verify_blob
from zhihui_tui.services.context import Actor
from zhihui_tui.services.counter import NewCounterTask, create_task, hand_over, take_task
from zhihui_tui.services.delegation import complete_matter, result_queue
from zhihui_tui.services.errors import NotFound, PermissionDenied
from zhihui_tui.services.field_search import record_outcome, register_search
from zhihui_tui.services.workbench import result_detail, waiting_on_me


@pytest.fixture
def c(engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Court:
    fast_passwords(monkeypatch)
    return court(engine, clock)


@pytest.fixture
def director(c: Court) -> Actor:
    return make_staff(c.engine, c.clock, "zhuren", Role.DIRECTOR, name="张宏伟")


def audited(engine: Engine, action: str) -> int:
    with Session(engine) as session:
        return len(session.exec(select(AuditRecord.id).where(AuditRecord.action == action)).all())


# -- the queue ----------------------------------------------------------------------------------------------------


def test_service_post_sees_service_and_public_notice_with_requirements_and_deadline(c: Court, director: Actor) -> None:
    service = request(c, MatterKind.SERVICE, requirements="向被执行人补充送达执行通知书", deadline="2026-12-02")
    notice = request(c, MatterKind.PUBLIC_NOTICE, requirements="公告送达", deadline="2026-12-11")
    request(c)  # a site investigation: F7's queue, not this one
    other = request(c, MatterKind.OTHER, requirements="协调公安协助")
    rows = result_queue(ctx=c.ctx(c.service_clerk))
    assert [(r.id, r.kind, r.requested_by) for r in rows] == [
        (service, MatterKind.SERVICE, "孙立"),
        (notice, MatterKind.PUBLIC_NOTICE, "孙立"),
    ]
    assert (rows[0].requirements, rows[0].deadline.isoformat()) == ("向被执行人补充送达执行通知书", "2026-12-02")
    assert [r.id for r in result_queue(ctx=c.ctx(director))] == [other]
    assert [r.id for r in result_queue(after_id=service, ctx=c.ctx(c.service_clerk))] == [notice]


@pytest.mark.parametrize("who", ["handler", "investigator", "officer", "chief"])
def test_other_posts_may_not_read_the_result_queue(c: Court, who: str) -> None:
    actor = {"handler": c.handler, "investigator": c.investigators[0], "officer": c.officer, "chief": c.chief}[who]
    with pytest.raises(PermissionDenied):
        result_queue(ctx=c.ctx(actor))


# -- recording the result -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "reason"), [("", "不能为空"), ("  \n ", "不能为空"), ("已送达\x07", "控制字符")])
def test_a_result_is_required_and_nothing_is_saved_without_one(c: Court, text: str, reason: str) -> None:
    matter_id = request(c, MatterKind.SERVICE)
    with pytest.raises(FieldError) as raised:
        complete_matter(matter_id, text, ctx=c.ctx(c.service_clerk))
    assert raised.value.field == "办理结果" and reason in raised.value.reason
    row = matter(c.engine, matter_id)
    assert (row.status, row.closed_at, row.result) == ("open", None, None)
    assert audited(c.engine, "办结委托事项") == 0
    assert [r.id for r in result_queue(ctx=c.ctx(c.service_clerk))] == [matter_id]


def test_the_recorded_result_leaves_the_queue_and_reaches_the_handler(c: Court) -> None:
    matter_id = request(c, MatterKind.SERVICE)
    with pytest.raises(PermissionDenied):
        complete_matter(matter_id, "已送达", ctx=c.ctx(c.officer))
    complete_matter(matter_id, "已邮寄送达，EMS 1180 本人签收", ctx=c.ctx(c.service_clerk))
    assert result_queue(ctx=c.ctx(c.service_clerk)) == []
    waiting = waiting_on_me(ctx=c.ctx(c.handler))
    assert [(w.kind, w.matter_id, w.text) for w in waiting] == [
        ("委托结果", matter_id, "送达：已邮寄送达，EMS 1180 本人签收")
    ]
    detail = result_detail(matter_id=matter_id, ctx=c.ctx(c.handler))
    assert (detail.what, detail.result, detail.done_by, detail.attachments) == (
        "送达",
        "已邮寄送达，EMS 1180 本人签收",
        "刘芳",
        [],
    )
    assert audited(c.engine, "办结委托事项") == 1


# -- the handler reads a result with its files --------------------------------------------------------------------


def _searched_with_files(c: Court, tmp_path: Path) -> tuple[int, Path]:
    matter_id = request(c)
    ids = (c.investigators[0].id, c.investigators[1].id)
    search_id = register_search(
        SearchRegistration(matter_id, "2026-11-27 14:00", "永丰村", "物", "1", "蒙K12345", ids),
        ctx=c.ctx(c.investigators[0]),
    )
    store = tmp_path / "attachments"
    photo = store_file(write(tmp_path / "车辆.jpg", JPEG), store, AttachmentKind.PHOTO)
    transcript = store_file(write(tmp_path / "笔录.pdf", PDF), store, AttachmentKind.TRANSCRIPT)
    record_outcome(search_id, "车辆已查封", [photo, transcript], ctx=c.ctx(c.investigators[0]))
    return matter_id, store


def test_the_handler_sees_the_field_search_files_and_a_damaged_one_fails_to_verify(c: Court, tmp_path: Path) -> None:
    matter_id, store = _searched_with_files(c, tmp_path)
    detail = result_detail(matter_id=matter_id, ctx=c.ctx(c.handler))
    assert (detail.case_number, detail.what, detail.result, detail.done_by) == (
        "（2026）内2221执1号",
        "现场调查",
        "车辆已查封",
        "李海军",
    )
    files = [(a.original_name, a.kind, a.file_type, a.size) for a in detail.attachments]
    assert files == [
        ("车辆.jpg", AttachmentKind.PHOTO, "jpeg", len(JPEG)),
        ("笔录.pdf", AttachmentKind.TRANSCRIPT, "pdf", len(PDF)),
    ]
    assert all(verify_blob(store, a.sha256, expected_size=a.size) for a in detail.attachments)
    damaged = blob_path(store, detail.attachments[1].sha256)
    damaged.chmod(0o644)
    damaged.write_bytes(PDF + b"tampered")
    assert not verify_blob(store, detail.attachments[1].sha256, expected_size=detail.attachments[1].size)


def test_only_the_requester_the_cases_handler_or_oversight_may_read_a_result(c: Court, tmp_path: Path) -> None:
    matter_id, _ = _searched_with_files(c, tmp_path)
    with pytest.raises(PermissionDenied):
        result_detail(matter_id=matter_id, ctx=c.ctx(c.other_handler))
    with pytest.raises(PermissionDenied):
        result_detail(matter_id=matter_id, ctx=c.ctx(c.service_clerk))
    assert len(result_detail(matter_id=matter_id, ctx=c.ctx(c.chief)).attachments) == 2
    with pytest.raises(NotFound):
        result_detail(matter_id=99999, ctx=c.ctx(c.handler))


def test_a_counter_result_shows_its_receipt_and_scan(c: Court, tmp_path: Path) -> None:
    task_id = create_task(
        NewCounterTask(c.case_id, Institution.BANK, "农行科右前旗支行", CounterSource.PRESERVATION, "冻结存款"),
        ctx=c.ctx(c.officer),
    )
    take_task(task_id, ctx=c.ctx(c.officer))
    scan = store_file(write(tmp_path / "回执.jpg", JPEG), tmp_path / "store", AttachmentKind.RECEIPT)
    hand_over(task_id, GOOD, [scan], ctx=c.ctx(c.officer))
    detail = result_detail(task_id=task_id, ctx=c.ctx(c.handler))
    assert (detail.what, detail.done_by) == ("临柜（农行科右前旗支行）", "赵志刚")
    assert detail.receipt == "回执 HZ-2026-0311，协执单位经办人 王丽，经办人签字 赵志刚"
    assert [(a.original_name, a.kind) for a in detail.attachments] == [("回执.jpg", AttachmentKind.RECEIPT)]
    with pytest.raises(PermissionDenied):
        result_detail(task_id=task_id, ctx=c.ctx(c.other_handler))
