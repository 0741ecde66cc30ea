"""查人找物 (R-CLU-1, R-CLU-2): queue, registration with investigators, the roster minimum, outcome with
attachments, and the result flowing back to the requesting handler."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.conftest import make_staff
from tests.services.test_attachments import JPEG, PDF, write
from tests.services.test_delegation import Court, count, court, fast_passwords, matter, request
from zhihui_tui.db.models import Attachment, AuditRecord, FieldSearch, FieldSearchInvestigator
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import (
    AttachmentKind,
    MatterKind,
    MatterStatus,
    RosterRefused,
    SearchCategory,
    SearchRegistration,
)
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.attachments import list_attachments, store_file, verify_blob
from zhihui_tui.services.delegation import approve_urgent
from zhihui_tui.services.errors import NotFound, PermissionDenied, ServiceError
from zhihui_tui.services.field_search import (
    attach_files,
    get_search_row,
    investigators,
    record_outcome,
    register_search,
    roster,
    search_queue,
)
from zhihui_tui.services.workbench import waiting_on_me


@pytest.fixture
def c(engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Court:
    fast_passwords(monkeypatch)
    return court(engine, clock)


def registration(
    c: Court, matter_id: int, *people: int, when: str = "2026-11-27 14:00", **changes: str
) -> SearchRegistration:
    fields = {
        "planned_at": when,
        "place": "科右前旗大坝沟镇永丰村",
        "category": "人",
        "quantity": "1",
        "target_names": "王建国",
    }
    fields.update(changes)
    ids = people or (c.investigators[0].id, c.investigators[1].id)
    return SearchRegistration(matter_id=matter_id, investigator_ids=ids, **fields)  # type: ignore[arg-type]


def register(c: Court, matter_id: int, *people: int, **changes: str) -> int:
    return register_search(
        registration(c, matter_id, *people, **changes),
        ctx=c.ctx(c.investigators[0]),
    )


def test_registration_records_everything_and_shows_in_the_queue(c: Court) -> None:
    matter_id = request(c)
    search_id = register(c, matter_id, category="物", quantity="2", target_names="蒙K12345 轿车、蒙K67890 货车")
    row = get_search_row(matter_id, ctx=c.ctx())
    assert (row.search_id, row.category, row.quantity, row.investigators) == (
        search_id,
        SearchCategory.PROPERTY,
        2,
        ("李海军", "其木格"),
    )
    assert row.status is MatterStatus.IN_PROGRESS and row.place == "科右前旗大坝沟镇永丰村"
    assert [r.matter_id for r in search_queue(ctx=c.ctx(c.investigators[2]))] == [matter_id]
    with Session(c.engine) as session:
        assert session.exec(select(AuditRecord.action).where(AuditRecord.entity == "field_search")).all() == [
            "登记查人找物"
        ]


def row_status_label(status: str) -> str:
    from zhihui_tui.domain.field_work import MatterStatus

    return MatterStatus(status).label


def test_queue_pages_by_id(c: Court) -> None:
    ids = [request(c, requirements=f"第{i}项") for i in range(5)]
    first = search_queue(limit=2, ctx=c.ctx(c.investigators[0]))
    second = search_queue(after_id=first[-1].matter_id, limit=2, ctx=c.ctx(c.investigators[0]))
    assert [r.matter_id for r in first + second] == ids[:4]


def test_only_the_field_search_post_may_register_or_see_the_queue(c: Court) -> None:
    matter_id = request(c)
    with pytest.raises(PermissionDenied):
        register_search(registration(c, matter_id), ctx=c.ctx(c.handler))
    with pytest.raises(PermissionDenied):
        search_queue(ctx=c.ctx(c.handler))


# -- R-CLU-2 ----------------------------------------------------------------------------------------------------


def test_roster_keeps_two_at_the_bureau(c: Court) -> None:
    a, b, d, e, f = (p.id for p in c.investigators)
    register(c, request(c), a, b)
    register(c, request(c), d)
    assert roster(date(2026, 11, 27), ctx=c.ctx()).at_bureau == ("那仁满都拉", "韩立新")
    blocked = request(c)
    with pytest.raises(RosterRefused) as raised:
        register(c, blocked, e)
    message = raised.value.message
    assert "韩立新" in message and "李海军、其木格、吴宝山、那仁满都拉" in message
    assert matter(c.engine, blocked).status == MatterStatus.OPEN.value  # nothing saved
    assert count(c.engine, FieldSearch) == 2
    register(c, blocked, a)  # someone already out may take another search that day
    register(c, request(c), e, f, when="2026-11-30 09:00")  # another day has its own roster
    assert count(c.engine, FieldSearchInvestigator) == 6


def test_an_inactive_or_foreign_person_cannot_be_assigned(c: Court) -> None:
    with pytest.raises(FieldError, match="线索查控组"):
        register(c, request(c), c.handler.id)


def test_a_sixth_investigator_widens_the_roster(c: Court) -> None:
    make_staff(c.engine, c.clock, "xiansuo9", Role.FIELD_SEARCH, name="巴特尔")
    assert len(investigators(ctx=c.ctx())) == 6
    register(c, request(c), *(p.id for p in c.investigators[:4]))
    assert roster(date(2026, 11, 27), ctx=c.ctx()).at_bureau == ("韩立新", "巴特尔")


# -- bad input -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"quantity": "0"}, "数量"), ({"place": ""}, "地点"), ({"target_names": ""}, "查找对象名称")],
)
def test_bad_registration_saves_nothing(c: Court, changes: dict[str, str], field: str) -> None:
    matter_id = request(c)
    with pytest.raises(FieldError) as raised:
        register(c, matter_id, **changes)
    assert raised.value.field == field
    assert count(c.engine, FieldSearch) == 0 and matter(c.engine, matter_id).status == MatterStatus.OPEN.value


def test_registering_twice_or_before_approval_is_refused(c: Court) -> None:
    matter_id = request(c)
    register(c, matter_id)
    with pytest.raises(ServiceError, match="办理中"):
        register(c, matter_id)
    urgent = request(c, MatterKind.COMPELLED_APPEARANCE, urgent=True)
    with pytest.raises(ServiceError, match="局长审批"):
        register(c, urgent)
    approve_urgent(urgent, ctx=c.ctx(c.chief))
    register(c, urgent, c.investigators[2].id)
    with pytest.raises(NotFound):
        register(c, request(c, MatterKind.SERVICE))


# -- outcome and results back ---------------------------------------------------------------------------------------


def test_outcome_with_files_goes_back_to_the_handler(c: Court, tmp_path: Path) -> None:
    store = tmp_path / "attachments"
    matter_id = request(c)
    search_id = register(c, matter_id)
    photo = store_file(write(tmp_path / "门前.jpg", JPEG), store, AttachmentKind.PHOTO)
    attach_files(search_id, [photo], ctx=c.ctx(c.investigators[1]))
    form = store_file(write(tmp_path / "调查表.pdf", PDF), store, AttachmentKind.SURVEY_FORM)
    same_photo = store_file(write(tmp_path / "门前-副本.jpg", JPEG), store, AttachmentKind.PHOTO)
    record_outcome(
        search_id,
        "被执行人在家，已告知到庭",
        [form, same_photo],
        ctx=c.ctx(c.investigators[0]),
    )
    listed = list_attachments(owner_kind="field_search", owner_id=search_id, ctx=c.ctx(c.handler))
    assert [(a.kind, a.original_name) for a in listed] == [
        (AttachmentKind.PHOTO, "门前.jpg"),
        (AttachmentKind.SURVEY_FORM, "调查表.pdf"),
        (AttachmentKind.PHOTO, "门前-副本.jpg"),
    ]
    assert listed[0].sha256 == listed[2].sha256 and all(
        verify_blob(store, a.sha256, expected_size=a.size) for a in listed
    )
    assert len([p for p in store.rglob("*") if p.is_file()]) == 2  # duplicate content stored once
    row = matter(c.engine, matter_id)
    assert (row.status, row.result) == ("done", "被执行人在家，已告知到庭")
    waiting = waiting_on_me(ctx=c.ctx(c.handler))
    assert [(w.kind, w.matter_id) for w in waiting] == [("委托结果", matter_id)]
    assert search_queue(ctx=c.ctx(c.investigators[0])) == []
    [done] = search_queue(finished=True, ctx=c.ctx(c.investigators[0]))  # F7 keeps its history (issue 11)
    assert (done.matter_id, done.search_id, done.status.label) == (matter_id, search_id, row_status_label("done"))
    with pytest.raises(ServiceError, match="已于"):
        record_outcome(search_id, "再来一次", [form], ctx=c.ctx(c.investigators[0]))


def test_outcome_needs_a_result_and_a_file(c: Court, tmp_path: Path) -> None:
    search_id = register(c, request(c))
    with pytest.raises(FieldError, match="至少上传一份"):
        record_outcome(search_id, "未找到", ctx=c.ctx(c.investigators[0]))
    form = store_file(write(tmp_path / "调查表.pdf", PDF), tmp_path / "s", AttachmentKind.SURVEY_FORM)
    with pytest.raises(FieldError, match="办理结果"):
        record_outcome(search_id, " ", [form], ctx=c.ctx(c.investigators[0]))
    assert count(c.engine, Attachment) == 0
