"""Form drafts (issue 16) on SQLite and PostgreSQL: one per person and form, replaced at the next hang-up, read
back only by their owner with the record's version now, removed on 恢复/丢弃, bounded in size and in number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from tests.conftest import context_for, make_staff
from zhihui_tui.db.models import Staff
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.drafts import MAX_DRAFT_BYTES, MAX_DRAFTS_PER_USER, FormDraft
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.drafts import count_drafts, discard_draft, keep_drafts, pending_drafts
from zhihui_tui.services.errors import NotFound
from zhihui_tui.services.uow import unit_of_work

VISIT = FormDraft(
    form_key="reception.visit",
    title="登记来访",
    post="reception",
    values={"rc-id": "152221198501010025", "rc-outcome": "询问执行进度\u200f😀", "rc-purpose": "case_query"},
)


def test_a_draft_comes_back_to_its_owner_only_and_goes_when_discarded(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "jiedai1", Role.FILING_REVIEW, name="李接待")
    other = make_staff(engine, clock, "jiedai2", Role.FILING_REVIEW, name="王接待")
    ctx = context_for(engine, clerk, clock)
    assert keep_drafts([VISIT, FormDraft("funds.receipt", "登记到账", {"amount": ""})], ctx=ctx) == 1  # blank: no
    (kept,) = pending_drafts(ctx=ctx)
    assert kept.draft == VISIT and kept.saved_at == clock.now() and not kept.record_changed
    assert pending_drafts(ctx=context_for(engine, other, clock)) == []
    with pytest.raises(NotFound):
        discard_draft(kept.id, ctx=context_for(engine, other, clock))  # not theirs: untouched
    discard_draft(kept.id, ctx=ctx)
    assert pending_drafts(ctx=ctx) == []
    with pytest.raises(NotFound):
        discard_draft(kept.id, ctx=ctx)  # 恢复 on another terminal first


def test_the_next_hang_up_replaces_the_draft_of_the_same_form(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "jiedai1", Role.FILING_REVIEW)
    ctx = context_for(engine, clerk, clock)
    keep_drafts([VISIT], ctx=ctx)
    clock.at = clock.now() + timedelta(minutes=5)
    later = FormDraft(VISIT.form_key, VISIT.title, {"rc-outcome": "第二次"}, post="reception")
    keep_drafts([later], ctx=ctx)
    (kept,) = pending_drafts(ctx=ctx)
    assert kept.draft.values == {"rc-outcome": "第二次"} and kept.saved_at == clock.now()
    third = FormDraft(VISIT.form_key, VISIT.title, {"rc-outcome": "第三次"}, post="reception")
    assert keep_drafts([later, third], ctx=ctx) == 1  # the same form on two screens at once: the last one counts
    (kept,) = pending_drafts(ctx=ctx)
    assert kept.draft.values == {"rc-outcome": "第三次"}


def test_a_record_saved_since_the_draft_is_reported(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "jiedai1", Role.FILING_REVIEW)
    ctx = context_for(engine, clerk, clock)
    draft = FormDraft("x.edit", "修改", {"name": "新名"}, record_table="staff", record_id=clerk.id, record_version=1)
    keep_drafts([draft], ctx=ctx)
    (kept,) = pending_drafts(ctx=ctx)
    assert kept.current_version == 1 and not kept.record_changed
    with unit_of_work(engine, actor=clerk, action="改名", clock=clock) as session:
        staff = session.get(Staff, clerk.id)
        assert staff is not None
        staff.name = "另一人改的"
    (kept,) = pending_drafts(ctx=ctx)
    assert kept.current_version == 2 and kept.record_changed


def test_drafts_are_bounded_in_size_and_number(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "jiedai1", Role.FILING_REVIEW)
    ctx = context_for(engine, clerk, clock)
    huge = FormDraft("reception.visit", "登记来访", {"rc-outcome": "字" * (MAX_DRAFT_BYTES // 3 + 1)})
    with pytest.raises(DomainError, match="草稿过大"):
        keep_drafts([huge], ctx=ctx)
    assert count_drafts(engine, clerk.id) == 0  # nothing half-saved
    for n in range(MAX_DRAFTS_PER_USER + 5):
        clock.at = clock.now() + timedelta(seconds=1)
        keep_drafts([FormDraft(f"form.{n}", f"表单{n}", {"f": str(n)})], ctx=ctx)
    kept = pending_drafts(ctx=ctx)
    assert len(kept) == MAX_DRAFTS_PER_USER
    assert kept[0].draft.form_key == f"form.{MAX_DRAFTS_PER_USER + 4}"  # the newest stay
    assert kept[-1].draft.form_key == "form.5"
