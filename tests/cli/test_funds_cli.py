"""``zhihui import receipts`` and ``zhihui funds due --json`` (SPEC §5.1, §5.2): all or nothing, one line on
failure, re-import posts nothing twice, the JSON fields and states as specified."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select
from typer.testing import CliRunner

from tests.cli.state import database_rows, folder_files
from tests.conftest import FIXED_NOW
from tests.services.documents_court import FIRM, ZHANG, filed_case, register
from tests.services.test_funds import statement
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import FundsEntry
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.services.accounts import system_actor

runner = CliRunner()
AS_OF = "2026-11-27T09:30"


def court(tmp_path: Path) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'court.db'}"
    engine = make_engine(url)
    upgrade(engine)
    (number,) = register(
        engine,
        system_actor(engine),
        FixedClock(FIXED_NOW),
        filed_case(applicants=(FIRM,), respondents=(ZHANG,), amount_fen=100_000),
    )
    engine.dispose()
    return url, number


def run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", url, "--as-of", AS_OF, *args])


def test_receipts_post_once_and_funds_due_lists_them(tmp_path: Path) -> None:
    url, number = court(tmp_path)
    file = statement(
        tmp_path / "flow.csv",
        [["2026-10-20", "张三", "", "1,234.56", f"案号{number}"], ["2026-11-26", "某公司", "", "99.9", "货款"]],
    )
    first = run(url, "import", "receipts", str(file))
    assert first.exit_code == 0, first.output
    assert "已入账 1 笔，待认领 1 笔" in first.output
    again = run(url, "import", "receipts", str(file), "--json")
    assert json.loads(again.stdout) == {
        "rows": 2, "posted": 0, "unclaimed": 0, "skipped": 2, "dry_run": False, "errors": []
    }  # fmt: skip
    due = run(url, "funds", "due", "--json")
    assert due.exit_code == 0, due.output
    rows = json.loads(due.stdout)
    assert [(r["case_number"], r["arrived"], r["due"], r["amount"], r["state"]) for r in rows] == [
        (number, "2026-10-20", "2026-11-19", "1234.56", "overdue"),
        (None, "2026-11-26", "2026-11-30", "99.90", "unclaimed"),
    ]


def test_a_bad_statement_exits_non_zero_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    url, _ = court(tmp_path)
    file = statement(tmp_path / "bad.csv", [["2026-11-25", "张三", "", "abc", ""]])
    result = run(url, "import", "receipts", str(file))
    assert result.exit_code == 1
    assert "第 2 行：金额" in result.output
    assert result.output.strip().splitlines()[-1].startswith("错误：共 1 行有误")
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.exec(select(FundsEntry)).all() == []
    engine.dispose()


def test_a_dry_run_of_a_statement_posts_nothing(tmp_path: Path) -> None:
    url, number = court(tmp_path)
    file = statement(
        tmp_path / "flow.csv",
        [["2026-10-20", "张三", "", "1,234.56", f"案号{number}"], ["2026-11-26", "某公司", "", "99.9", "货款"]],
    )
    before, files = database_rows(url), folder_files(tmp_path)
    dry = run(url, "import", "receipts", str(file), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.strip() == "演练（--dry-run）：将入账 1 笔，待认领 1 笔；未写入任何文件，未改动数据库"
    assert database_rows(url) == before and folder_files(tmp_path) == files
    assert "已入账 1 笔，待认领 1 笔" in run(url, "import", "receipts", str(file)).output
