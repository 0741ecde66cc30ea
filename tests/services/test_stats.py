"""Monthly indicators (issue 15, R-SUP-1) on a small court computed by hand, both databases; the .xlsx read back
with openpyxl; a bad month is a clear error."""

from __future__ import annotations

import json
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.conftest import context_for, make_staff
from tests.services.documents_court import BASIS, FIRM, person
from zhihui_tui.cli.app import app
from zhihui_tui.db.models import Deadline
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.indicators import indicators
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services import funds
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewBasis, NewCase, register_case
from zhihui_tui.services.stats import monthly_report, parse_month
from zhihui_tui.services.uow import unit_of_work

CALENDAR = load_calendar(None)
NOVEMBER = date(2026, 11, 1)


def _case(
    engine: Engine,
    clock: FixedClock,
    handler: int,
    n: int,
    *,
    filed: datetime,
    assigned: datetime,
    target_fen: int,
    closed: tuple[datetime, str] | None = None,
) -> int:
    stage = Stage.CLOSED if closed else Stage.ASSIGNED
    times = {Stage.ASSIGNED: assigned, **({Stage.CLOSED: closed[0]} if closed else {})}
    new = NewCase(
        category=FilingCategory.APPLICATION, received_at=filed, applicants=(FIRM,),
        respondents=(person(f"被执行人{n}", None),), target_amount_fen=target_fen,
        basis=NewBasis(BASIS.issuing_court, f"（2026）内2221民初{6000 + n}号"), stage=stage, filed_at=filed,
        handler_id=handler, stage_times=times,
    )  # fmt: skip
    system = system_actor(engine)
    with unit_of_work(engine, actor=system, action="测试：收案", clock=clock) as session:
        case = register_case(session, new, actor=system, calendar=CALENDAR, court_code="内2221")
        if closed:
            case.closed_at, case.closure = closed
        session.flush()
        assert case.id is not None
        return case.id


@pytest.fixture
def court(engine: Engine, clock: FixedClock) -> FixedClock:
    clock.at = datetime(2026, 12, 6, 9, 0)
    a = make_staff(engine, clock, "kuai01", Role.HANDLER, name="王建国", team=Team.FAST, title=Title.JUDGE)
    b = make_staff(engine, clock, "jing01", Role.HANDLER, name="孙立军", team=Team.INTENSIVE, title=Title.JUDGE)
    kw = make_staff(engine, clock, "kuanwu1", Role.FUNDS)
    d = datetime
    paid = _case(engine, clock, a.id, 1, filed=d(2026, 9, 1, 9), assigned=d(2026, 9, 10, 9), target_fen=100_000,
                 closed=(d(2026, 11, 10, 16), "fulfilled"))  # fmt: skip
    _case(engine, clock, a.id, 2, filed=d(2026, 10, 1, 9), assigned=d(2026, 11, 5, 9), target_fen=50_000,
          closed=(d(2026, 11, 20, 16), "procedure_terminated"))  # fmt: skip
    _case(engine, clock, a.id, 3, filed=d(2026, 11, 2, 9), assigned=d(2026, 11, 15, 9), target_fen=10_000)
    _case(
        engine,
        clock,
        a.id,
        4,
        filed=d(2026, 8, 1, 9),
        assigned=d(2026, 8, 20, 9),
        target_fen=10_000,
        closed=(d(2026, 10, 30, 16), "fulfilled"),
    )  # closed before November: neither carried nor closed
    late = _case(engine, clock, b.id, 5, filed=d(2026, 11, 3, 9), assigned=d(2026, 11, 6, 9), target_fen=20_000)
    funds.record_receipt(paid, funds.ReceiptInput("张三", "", "现场缴纳", "2026-11-05", "1000"),
                         ctx=context_for(engine, kw, clock))  # fmt: skip
    with unit_of_work(engine, actor=system_actor(engine), action="测试：期限", clock=clock) as session:
        session.add(Deadline(case_id=late, step="dossier_transfer", owner_id=b.id, owner_role="handler",
                             triggered_at=d(2026, 11, 6), due_date=date(2026, 11, 10)))  # fmt: skip
        session.add(
            Deadline(
                case_id=late,
                step="archive",
                owner_id=b.id,
                owner_role="handler",
                triggered_at=d(2026, 11, 6),
                due_date=date(2026, 11, 12),
                done_at=d(2026, 11, 12, 17),
            )
        )
    return clock


def test_indicators_as_computed_by_hand(engine: Engine, court: FixedClock) -> None:
    report = monthly_report(NOVEMBER, ctx=context_for(engine, system_actor(engine), court))
    rows = {h.login: h.counts for h in report.handlers}
    a, b = rows["kuai01"], rows["jing01"]
    assert (a.carried, a.received, a.closed, a.fulfilled, a.terminated, a.actually_executed) == (1, 2, 2, 1, 1, 1)
    assert (a.target_fen, a.in_place_fen, a.days_to_close, a.days_to_close_fulfilled) == (150_000, 100_000, 120, 70)
    rates = indicators(a)
    assert rates.closure_rate == Fraction(2, 3)
    assert rates.fulfilled_rate == rates.termination_rate == rates.actual_execution_rate == Fraction(1, 2)
    assert rates.funds_in_place_rate == Fraction(2, 3)
    assert (rates.average_days, rates.average_days_fulfilled) == (60, 70)
    assert (b.received, b.closed, b.overdue_steps) == (1, 0, 1)  # done on its due day is not late
    assert indicators(b).fulfilled_rate is None  # nothing closed: "—", not 0 %
    assert report.teams[Team.FAST] == a and report.court.closed == 2


def test_the_workbook_and_json_carry_the_same_figures_and_the_formulas(
    engine: Engine, court: FixedClock, db_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "2026-11.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "--db",
            db_url,
            "--as-of",
            "2026-12-06T09:00",
            "stats",
            "monthly",
            "--month",
            "2026-11",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (kuai,) = [h for h in document["handlers"] if h["login"] == "kuai01"]
    assert (kuai["closure_rate"], kuai["in_place"], kuai["target"]) == (0.6667, "1000.00", "1500.00")
    book = load_workbook(out)
    sheet = book["月度指标"]
    header = [cell.value for cell in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "王建国")
    assert row[header.index("结案率")] == "66.7%" and row[header.index("执行到位率")] == "66.7%"
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)][-1] == "全院合计"
    formulas = {r[0]: r[1] for r in book["计算公式"].iter_rows(min_row=2, values_only=True)}
    assert formulas["结案率"] == "已结 ÷（旧存 + 新收）"


@pytest.mark.parametrize("text", ["2026-13", "2026/11", "26-11", "2026-00", ""])
def test_a_bad_month_is_refused_with_the_form(text: str) -> None:
    with pytest.raises(FieldError, match="月份"):
        parse_month(text)


def test_a_bad_month_on_the_command_line_is_one_line_and_exit_1(sqlite_engine: Engine, sqlite_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", sqlite_url, "stats", "monthly", "--month", "2026-13"])
    assert result.exit_code == 1
    assert result.output.strip() == "错误：月份：“2026-13”不是有效的月份"
