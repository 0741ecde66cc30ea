"""The day's ledger report renders its workbook outside the write lock (found by the issue-16 soak: on SQLite the
window's saves waited behind ``zhihui ledger daily`` building the .xlsx until they gave up after 15 s).

Both tests hook the renderer: the first checks that while it runs another terminal can take SQLite's write lock at
once; the second registers a visit while it runs, and the report must still count that visit, in the database and
in the file."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from tests.conftest import context_for
from tests.services.test_reception import Court, _visit
from tests.services.test_reception import court as reception_court
from zhihui_tui.db.engine import is_sqlite, read_session
from zhihui_tui.db.models import LedgerReport
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.services import ledger_xlsx
from zhihui_tui.services.reception import register_visit, report_daily_ledger

DAY = date(2026, 11, 26)  # yesterday on the fixed clock: reportable now


@pytest.fixture
def front_desk(engine: Engine, clock: FixedClock) -> Court:
    return reception_court.__wrapped__(engine, clock)  # type: ignore[attr-defined,no-any-return]


def _late_visit(court: Court, hour: int) -> Any:
    return _visit(court, visited_at=datetime(2026, 11, 26, hour), late_entry_reason="电话补录")


def test_rendering_the_report_holds_no_write_lock(
    engine: Engine, clock: FixedClock, front_desk: Court, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_sqlite(engine):
        pytest.skip("PostgreSQL's row locks never block other days' or other tables' saves")
    register_visit(_late_visit(front_desk, 10), ctx=context_for(engine, front_desk.clerk, clock))
    database = make_url(str(engine.url)).database
    assert database is not None
    writable: list[bool] = []
    real = ledger_xlsx.render

    def render(*args: Any, **kwargs: Any) -> bytes:
        other = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another terminal's save, while the workbook is being built
            other.rollback()
            writable.append(True)
        except sqlite3.OperationalError:
            writable.append(False)
        finally:
            other.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger_xlsx, "render", render)
    result = report_daily_ledger(DAY, tmp_path / "ledger.xlsx", ctx=context_for(engine, front_desk.clerk, clock))
    assert result.newly_reported and result.visit_count == 1
    assert writable == [True]


def test_a_visit_saved_while_the_report_renders_is_in_the_report(
    engine: Engine, clock: FixedClock, front_desk: Court, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = context_for(engine, front_desk.clerk, clock)
    register_visit(_late_visit(front_desk, 10), ctx=ctx)
    real, calls = ledger_xlsx.render, []

    def render(*args: Any, **kwargs: Any) -> bytes:
        if not calls:
            register_visit(_late_visit(front_desk, 11), ctx=ctx)  # the window saves meanwhile
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger_xlsx, "render", render)
    out = tmp_path / "ledger.xlsx"
    result = report_daily_ledger(DAY, out, ctx=ctx)
    assert result.visit_count == 2 and len(calls) == 2  # rendered again under the lock, with the new visit
    with read_session(engine) as session:
        report = session.get(LedgerReport, DAY)
    assert report is not None and report.visit_count == 2
    text = " ".join(str(c.value) for row in load_workbook(out).active.iter_rows() for c in row if c.value is not None)
    assert "2" in text and text.count("告知已立案，正在送达") == 2
