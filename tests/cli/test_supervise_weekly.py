"""``zhihui supervise --weekly --out`` (issue 15): the long-unclosed cases besides the open steps, as JSON and
as an .xlsx read back."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.services.documents_court import FIRM, LI, ZHANG, filed_case
from zhihui_tui.cli.app import app
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import register_case
from zhihui_tui.services.uow import unit_of_work


def test_weekly_lists_cases_open_over_six_months(sqlite_engine: Engine, sqlite_url: str, tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 12, 6, 9, 0))
    system = system_actor(sqlite_engine)
    with unit_of_work(sqlite_engine, actor=system, action="测试：收案", clock=clock) as session:
        old = register_case(session, filed_case(applicants=(FIRM,), respondents=(ZHANG,), amount_fen=100,
                                                 received=datetime(2026, 5, 20, 9)),
                            actor=system, calendar=load_calendar(None), court_code="内2221")  # fmt: skip
        register_case(session, filed_case(applicants=(FIRM,), respondents=(LI,), amount_fen=100,
                                          received=datetime(2026, 11, 20, 9)),
                      actor=system, calendar=load_calendar(None), court_code="内2221")  # fmt: skip
        session.flush()
        number = old.case_number
    out = tmp_path / "督办.xlsx"
    argv = ["--db", sqlite_url, "--as-of", "2026-12-06T09:00", "supervise", "--weekly", "--json", "--out", str(out)]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [c["case_number"] for c in document["long_unclosed"]] == [number]
    assert document["long_unclosed"][0]["days_open"] == 200
    assert len(document["steps"]) == 2
    book = load_workbook(out)
    assert book.sheetnames == ["未完成节点", "长期未结案件"]
    assert [r[0] for r in book["长期未结案件"].iter_rows(min_row=2, values_only=True)] == [number]
    assert book["未完成节点"].max_row == 3
    plain = CliRunner().invoke(app, ["--db", sqlite_url, "--as-of", "2026-12-06T09:00", "supervise", "--json"])
    assert isinstance(json.loads(plain.stdout), list)  # without --weekly the document stays SPEC §5.2's list
