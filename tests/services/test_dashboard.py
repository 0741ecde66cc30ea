"""The 综合事务 dashboard's figures (issue 15) and the cases behind each, on the hand-computed court of the
statistics tests — both databases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from tests.conftest import context_for
from tests.services.test_stats import court  # noqa: F401  (the fixture)
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.dashboard import DrillKind, drill_cases, load_dashboard


def test_figures_and_their_cases(engine: Engine, court: FixedClock) -> None:  # noqa: F811
    ctx = context_for(engine, system_actor(engine), court)
    board = load_dashboard(ctx=ctx)
    assert board.today == date(2026, 12, 6) and len(board.trend) == 12
    by_month = {f"{p.month:%Y-%m}": (p.closed, p.fulfilled, p.terminated) for p in board.trend}
    assert by_month["2026-11"] == (2, 1, 1) and by_month["2026-10"] == (1, 1, 0) and by_month["2026-12"] == (0, 0, 0)
    november = next(p for p in board.trend if f"{p.month:%Y-%m}" == "2026-11")
    closed = drill_cases(november.drill, ctx=ctx)
    assert sorted(row.detail for row in closed) == ["执行完毕", "终结本次执行程序"]
    loads = {load.name: load.cases for load in board.caseload}
    assert loads == {"王建国": 1, "孙立军": 1}
    sun = next(t for t in board.people if t.label == "孙立军")
    assert sun.overdue >= 1 and sun.overdue_drill.kind is DrillKind.OVERDUE_PERSON
    behind = drill_cases(sun.overdue_drill, ctx=ctx)
    assert len(behind) == sun.overdue and all(row.handler == "孙立军" for row in behind)
    handler_post = next(t for t in board.posts if t.label == Role.HANDLER.label)
    assert handler_post.overdue >= sun.overdue
    assert board.long_unclosed == 0
    assert board.month.closed == 0  # December has closed nothing yet
