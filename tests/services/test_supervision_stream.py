"""``zhihui supervise --json`` streamed (issue 15): the open steps read from a cursor in batches are the listed
steps, in the same order and without the list's limit, and the JSON written step by step is byte for byte what
``json.dumps(…, ensure_ascii=False, indent=2)`` writes of the whole document — both databases."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from tests.conftest import context_for
from tests.services.test_stats import court  # noqa: F401  (the fixture)
from zhihui_tui.db.models import Deadline
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import DeadlineState, Step
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.deadlines import OpenStep, all_open_steps, iter_open_steps
from zhihui_tui.services.supervision import LongCase, long_record, step_record, write_json
from zhihui_tui.services.uow import unit_of_work

ODD = ("（2026）内2221执1号", "100% %s %(x)d", 'a "quoted" \\ back\\slash', "line\nbreak\ttab\x01", "emoji 🙂 ü", "")


def _more_steps(engine: Engine, clock: FixedClock) -> None:
    """Open steps on the fixture's cases, due around the fixture's day (some the same day: order by id)."""
    with unit_of_work(engine, actor=system_actor(engine), action="测试：期限", clock=clock) as session:
        for n, step in enumerate(("service_pack", "network_inquiry", "archive")):
            for case_id in (1, 2, 3):
                due = date(2026, 12, 6) + timedelta(days=n - 1)
                session.add(Deadline(case_id=case_id, step=step, owner_role="handler",
                                     triggered_at=datetime(2026, 11, 1), due_date=due))  # fmt: skip


def _document(steps: list[OpenStep], long_cases: list[LongCase] | None) -> str:
    listed = [step_record(s) for s in steps]
    whole = listed if long_cases is None else {"steps": listed, "long_unclosed": [long_record(c) for c in long_cases]}
    return json.dumps(whole, ensure_ascii=False, indent=2) + "\n"


def test_streamed_steps_are_the_listed_steps_without_the_limit(engine: Engine, court: FixedClock) -> None:  # noqa: F811
    ctx = context_for(engine, system_actor(engine), court)
    before = len(all_open_steps(ctx=ctx))
    _more_steps(engine, court)
    listed = all_open_steps(ctx=ctx)
    assert len(listed) == before + 9
    assert list(iter_open_steps(ctx=ctx)) == listed
    assert list(iter_open_steps(ctx=ctx, batch=3)) == listed  # several fetches, same rows and order
    assert len(all_open_steps(ctx=ctx, limit=4)) == 4  # the list stops at its limit; the stream does not


@pytest.mark.parametrize("weekly", [False, True], ids=["steps", "weekly"])
def test_written_json_is_the_json_dumps_text(engine: Engine, court: FixedClock, weekly: bool) -> None:  # noqa: F811
    _more_steps(engine, court)
    ctx = context_for(engine, system_actor(engine), court)
    long_cases = [LongCase(text, date(2026, 1, 5), 335, Stage.ASSIGNED, text) for text in ODD] if weekly else None
    out = io.StringIO()
    listed = all_open_steps(ctx=ctx)
    assert write_json(out, iter_open_steps(ctx=ctx), long_cases) == len(listed) > 9
    assert out.getvalue() == _document(listed, long_cases)
    document = json.loads(out.getvalue())
    first = (document["steps"] if weekly else document)[0]
    assert first["state"] == "overdue" and first["overdue_days"] > 0  # overdue first, with its working days


def test_odd_text_nulls_and_empty_lists_are_written_as_json_dumps_writes_them() -> None:
    steps = [
        OpenStep(
            n,
            n,
            text,
            Step.ARCHIVE,
            Role.HANDLER,
            text or None,
            text,
            date(2026, 12, 1),
            DeadlineState.OVERDUE,
            n * 1_000_000_007,
        )
        for n, text in enumerate(ODD)
    ]
    for listed, long_cases in ((steps, None), ([], None), ([], []), (steps, [])):
        out = io.StringIO()
        assert write_json(out, iter(listed), long_cases) == len(listed)
        assert out.getvalue() == _document(listed, long_cases)
        json.loads(out.getvalue())
