"""Supervision states (SPEC §5.2, R-TIME-1) across the 2026 National Day golden week, the 2027 Spring Festival
(provisional data) and the turn of 2026 into 2027: due dates rolled past holidays, 已超期 / 今日到期 / 临近到期 /
未到期 on chosen days, overdue counted in working days (a make-up Saturday counts). Every expected value is worked
out by hand in the comments from the calendar files, not by the code under test."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.conftest import CALENDAR, context_for
from tests.services.documents_court import FIRM, LI, WANG, ZHANG, filed_case
from zhihui_tui.cli.app import app
from zhihui_tui.domain.calendar import CountingPolicy
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import register_case
from zhihui_tui.services.deadlines import all_open_steps, open_deadline
from zhihui_tui.services.uow import unit_of_work

WORKING_DAYS = load_calendar(None, CountingPolicy.WORKING_DAYS)


def _court(engine: Engine) -> dict[str, str]:
    """Four filed cases; returns a name → case number map.

    - golden: filed 2026-09-28, 送达 (5 days) → 10-03, a holiday; 10-01..10-07 off → due 2026-10-08.
    - newyear: filed 2026-12-25, 送达 → 12-30 (working); plus 卷宗编目扫描 (7 days) → 2027-01-01, New Year's Day,
      then a weekend → due 2027-01-04.
    - spring: filed 2027-02-03, 送达 → 02-08, in the Spring Festival (02-05..02-08 off) → due 2027-02-09.
    - counted: filed 2026-12-28 with 5 *working* days (the other policy): 12-29, 12-30, 12-31, 01-04, 01-05 →
      due 2027-01-05.
    """
    system = system_actor(engine)
    numbers: dict[str, str] = {}
    plan = (
        ("golden", ZHANG, datetime(2026, 9, 28, 9), CALENDAR),
        ("newyear", LI, datetime(2026, 12, 25, 9), CALENDAR),
        ("spring", WANG, datetime(2027, 2, 3, 9), CALENDAR),
        ("counted", ZHANG, datetime(2026, 12, 28, 9), WORKING_DAYS),
    )
    for name, respondent, received, calendar in plan:
        clock = FixedClock(received)
        with unit_of_work(engine, actor=system, action="测试：收案", clock=clock) as session:
            new = filed_case(applicants=(FIRM,), respondents=(respondent,), amount_fen=100, received=received)
            case = register_case(session, new, actor=system, calendar=calendar, court_code="内2221")
            session.flush()
            assert case.id is not None and case.case_number is not None
            numbers[name] = case.case_number
            if name == "newyear":
                open_deadline(session, case_id=case.id, step=Step.DOSSIER_SCAN, triggered_at=received,
                              calendar=calendar)  # fmt: skip
    return numbers


def _states(engine: Engine, today: date) -> dict[tuple[str, str], tuple[str, str, int]]:
    """(case number, step) → (due, state, overdue working days) as supervise lists them on ``today``."""
    ctx = context_for(engine, system_actor(engine), FixedClock(datetime.combine(today, datetime.min.time())))
    return {(s.case_number, s.step.value): (s.due.isoformat(), s.state.value, s.overdue_days)
            for s in all_open_steps(ctx=ctx)}  # fmt: skip


SERVICE, SCAN = Step.SERVICE_PACK.value, Step.DOSSIER_SCAN.value

CASES = [
    # golden week: due 10-08
    ("golden", SERVICE, date(2026, 9, 30), ("2026-10-08", "open", 0)),  # 8 days away
    ("golden", SERVICE, date(2026, 10, 6), ("2026-10-08", "due_soon", 0)),  # 2 days away, mid-holiday
    ("golden", SERVICE, date(2026, 10, 8), ("2026-10-08", "due_today", 0)),
    ("golden", SERVICE, date(2026, 10, 12), ("2026-10-08", "overdue", 3)),  # 10-09, 10-10 (调休 Saturday), 10-12
    # the year's turn: 送达 due 12-30, 编目扫描 due 01-04
    ("newyear", SERVICE, date(2026, 12, 31), ("2026-12-30", "overdue", 1)),
    ("newyear", SERVICE, date(2027, 1, 4), ("2026-12-30", "overdue", 2)),  # 12-31, 01-04 (01-01..03 off)
    ("newyear", SCAN, date(2026, 12, 31), ("2027-01-04", "open", 0)),  # 4 days away
    ("newyear", SCAN, date(2027, 1, 2), ("2027-01-04", "due_soon", 0)),
    ("newyear", SCAN, date(2027, 1, 4), ("2027-01-04", "due_today", 0)),
    ("newyear", SCAN, date(2027, 1, 5), ("2027-01-04", "overdue", 1)),
    # working-day counting across the turn: due 2027-01-05
    ("counted", SERVICE, date(2027, 1, 3), ("2027-01-05", "due_soon", 0)),
    ("counted", SERVICE, date(2027, 1, 7), ("2027-01-05", "overdue", 2)),  # 01-06, 01-07
    # Spring Festival 2027: due 02-09
    ("spring", SERVICE, date(2027, 2, 4), ("2027-02-09", "open", 0)),  # 5 days away
    ("spring", SERVICE, date(2027, 2, 8), ("2027-02-09", "due_soon", 0)),  # a holiday, 1 day away
    ("spring", SERVICE, date(2027, 2, 9), ("2027-02-09", "due_today", 0)),
    ("spring", SERVICE, date(2027, 2, 15), ("2027-02-09", "overdue", 4)),  # 02-10, 11, 12, 15
]


def test_states_across_holidays_and_the_year_boundary(engine: Engine) -> None:
    numbers = _court(engine)
    for name, step, today, expected in CASES:
        found = _states(engine, today)[(numbers[name], step)]
        assert found == expected, (name, step, today)


def test_supervise_json_and_workbook_just_after_the_year_turn(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    """On 2027-01-05 (hand-worked): 送达 of golden (10-08) is overdue by far, newyear's 送达 (12-30) by 3 working
    days (12-31, 01-04, 01-05), its 编目扫描 (01-04) by 1, counted's 送达 (01-05) is due today and spring's
    (02-09) is open — overdue first, by due date."""
    numbers = _court(sqlite_engine)
    out = tmp_path / "督办.xlsx"
    argv = ["--db", sqlite_url, "--as-of", "2027-01-05T08:30", "supervise", "--json", "--out", str(out)]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    listed = [(s["case_number"], s["step"], s["due"], s["state"], s["overdue_days"]) for s in json.loads(result.stdout)]
    # 2026-10-08 → 2027-01-05: Oct 9–30 (17, with the 调休 Saturday 10-10), Nov (21), Dec (23), Jan 4–5 (2) = 63
    assert listed == [
        (numbers["golden"], "生成文书并邮寄", "2026-10-08", "overdue", 63),
        (numbers["newyear"], "生成文书并邮寄", "2026-12-30", "overdue", 3),
        (numbers["newyear"], "卷宗编目扫描上传", "2027-01-04", "overdue", 1),
        (numbers["counted"], "生成文书并邮寄", "2027-01-05", "due_today", 0),
        (numbers["spring"], "生成文书并邮寄", "2027-02-09", "open", 0),
    ]
    rows = list(load_workbook(out)["未完成节点"].iter_rows(values_only=True))
    assert rows[0] == ("期限", "状态", "超期工作日", "案号", "节点", "责任人", "责任岗位")
    assert [r[:5] for r in rows[1:]] == [
        ("2026-10-08", "已超期", 63, numbers["golden"], "生成文书并邮寄"),
        ("2026-12-30", "已超期", 3, numbers["newyear"], "生成文书并邮寄"),
        ("2027-01-04", "已超期", 1, numbers["newyear"], "卷宗编目扫描上传"),
        ("2027-01-05", "今日到期", 0, numbers["counted"], "生成文书并邮寄"),
        ("2027-02-09", "未到期", 0, numbers["spring"], "生成文书并邮寄"),
    ]
