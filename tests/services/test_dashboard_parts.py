"""The dashboard read in two halves (issue 15: today's panels first, the month after) agrees with the figures
computed the long way, on the hand-computed court of the statistics tests plus steps due today, overdue and
unowned — both databases: each post's and person's overdue and due-today counts with the open steps listed one
by one, the month's counts with the monthly report, and each month of the trend with that month's report."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from tests.conftest import context_for
from tests.services.test_stats import court  # noqa: F401  (the fixture)
from zhihui_tui.db.models import Case, Deadline, Staff
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.closing import add_months
from zhihui_tui.domain.steps import DeadlineState
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.dashboard import Dashboard, load_dashboard, load_month, load_today
from zhihui_tui.services.deadlines import all_open_steps
from zhihui_tui.services.stats import monthly_report
from zhihui_tui.services.uow import unit_of_work


def _steps(engine: Engine, clock: FixedClock) -> None:
    """Steps on the fixture's cases: overdue, due today and later; owned by a handler and left to a post."""
    with unit_of_work(engine, actor=system_actor(engine), action="测试：期限", clock=clock) as session:
        ids = dict(session.exec(select(Staff.login, Staff.id)).all())
        cases = session.exec(select(Case.id).order_by(col(Case.id))).all()
        for n, step in enumerate(("objection_transfer", "dossier_to_handler", "dossier_scan", "triage")):
            for case_id, owner, role in ((cases[0], ids["kuai01"], "handler"), (cases[1], None, "service"),
                                         (cases[2], ids["jing01"], "handler")):  # fmt: skip
                due = date(2026, 12, 6) + timedelta(days=n - 2)
                session.add(Deadline(case_id=case_id, step=step, owner_id=owner, owner_role=role,
                                     triggered_at=datetime(2026, 11, 1), due_date=due))  # fmt: skip


def test_the_halves_agree_with_the_long_way(engine: Engine, court: FixedClock) -> None:  # noqa: F811
    _steps(engine, court)
    ctx = context_for(engine, system_actor(engine), court)
    today, month = load_today(ctx=ctx), load_month(ctx=ctx)
    assert Dashboard.of(today, month) == load_dashboard(ctx=ctx)

    steps = all_open_steps(ctx=ctx)
    for state, field in ((DeadlineState.OVERDUE, "overdue"), (DeadlineState.DUE_TODAY, "due_today")):
        by_post = Counter(s.owner_role.label for s in steps if s.state is state)
        by_person = Counter(s.owner_name for s in steps if s.state is state and s.owner_name)
        assert {t.label: getattr(t, field) for t in today.posts if getattr(t, field)} == by_post
        assert {t.label: getattr(t, field) for t in today.people if getattr(t, field)} == by_person
        assert sum(by_post.values()) > sum(by_person.values()) > 0  # the unowned steps count for their post only

    first = date(2026, 12, 1)
    assert month.month == monthly_report(first, ctx=ctx).court
    for back, point in zip(range(11, -1, -1), month.trend, strict=True):
        court_month = monthly_report(add_months(first, -back), ctx=ctx).court
        assert point.month == add_months(first, -back)
        assert (point.closed, point.fulfilled, point.terminated) == (
            court_month.closed, court_month.fulfilled, court_month.terminated)  # fmt: skip
    assert sum(point.closed for point in month.trend) == 3
