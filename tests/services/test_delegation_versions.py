"""Versioned saves in field work: a decision or a take against a stale copy is refused, naming who saved that
very record first (``load_for_update``), and nothing is written; ``allowed_actions`` answers what the screens show.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.services.test_counter import bank_request, task_row
from tests.services.test_delegation import Court, court, fast_passwords, matter, request
from tests.services.test_field_search import registration
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.field_work import Institution, MatterKind, MatterStatus
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.counter import counter_queue, take_task
from zhihui_tui.services.delegation import approve_urgent, matter_queue, refuse_urgent
from zhihui_tui.services.errors import ConcurrentEdit
from zhihui_tui.services.field_rules import FieldAction, allowed_actions
from zhihui_tui.services.field_search import register_search, search_queue


@pytest.fixture
def c(engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Court:
    fast_passwords(monkeypatch)
    return court(engine, clock)


def test_a_decision_on_a_stale_copy_names_the_chief_who_decided_first(c: Court) -> None:
    matter_id = request(c, MatterKind.COMPELLED_APPEARANCE, urgent=True)
    [row] = matter_queue(post=Role.BUREAU_CHIEF, ctx=c.ctx(c.chief))
    approve_urgent(matter_id, "同意", expected_version=row.version, ctx=c.ctx(c.chief))
    with pytest.raises(ConcurrentEdit, match=r"该委托事项已被 juzhang .*局长批准临时拘传"):
        refuse_urgent(matter_id, "不同意", expected_version=row.version, ctx=c.ctx(c.chief))
    assert matter(c.engine, matter_id).status == MatterStatus.OPEN.value


def test_taking_a_task_read_before_another_officer_took_it_is_refused(c: Court) -> None:
    _matter_id, task_id = bank_request(c)
    [row] = counter_queue(institution=Institution.BANK, ctx=c.ctx(c.officer))
    take_task(task_id, expected_version=row.version, ctx=c.ctx(c.officer))
    with pytest.raises(ConcurrentEdit, match="该临柜业务已被 linggui1"):
        take_task(task_id, expected_version=row.version, ctx=c.ctx(c.officer))
    assert task_row(c.engine, task_id).taken_by_id == c.officer.id


def test_registering_on_a_matter_changed_since_it_was_read_is_refused(c: Court) -> None:
    matter_id = request(c, MatterKind.COMPELLED_APPEARANCE, urgent=True)
    approve_urgent(matter_id, ctx=c.ctx(c.chief))  # version 2 now
    with pytest.raises(ConcurrentEdit, match="该委托事项已被 juzhang"):
        register_search(registration(c, matter_id), expected_version=1, ctx=c.ctx(c.investigators[0]))
    [row] = search_queue(ctx=c.ctx(c.investigators[0]))
    assert row.search_id is None and row.version == 2
    assert register_search(registration(c, matter_id), expected_version=row.version, ctx=c.ctx(c.investigators[0]))


def test_allowed_actions_follow_the_roles(c: Court) -> None:
    assert {FieldAction.REQUEST, FieldAction.VIEW_MY_CASES} <= allowed_actions(c.handler)
    assert FieldAction.RECORD_RESULT not in allowed_actions(c.handler)
    assert allowed_actions(c.chief) == {FieldAction.DECIDE_URGENT}
    assert FieldAction.RECORD_RESULT in allowed_actions(c.service_clerk)
    assert FieldAction.TAKE_COUNTER_TASK in allowed_actions(c.officer)
    assert FieldAction.REGISTER_SEARCH in allowed_actions(c.investigators[0])
