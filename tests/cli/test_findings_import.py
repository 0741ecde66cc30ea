"""``zhihui import findings FILE`` (SPEC §5.1): all or nothing, every bad row with its line number, csv and xlsx."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import select
from typer.testing import CliRunner

from tests.cli.state import database_rows, folder_files
from tests.conftest import FIXED_NOW, context_for
from tests.services.test_inquiry import PERSON_B, PERSON_C, served_case
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import AssetFinding, Case, NetworkInquiry
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import Stage

runner = CliRunner()
AS_OF = "2026-11-27T09:30"
COLUMNS = ("案号", "被执行人", "证件号", "财产类型", "机构", "金额", "数量", "冻结", "备注")


@pytest.fixture
def court(tmp_path: Path) -> tuple[str, list[str]]:
    """A database with two served cases and one already inquired; returns the URL and their case numbers."""
    url = f"sqlite:///{tmp_path / 'court.db'}"
    engine = make_engine(url)
    upgrade(engine)
    clock = FixedClock(FIXED_NOW)
    ids = [
        served_case(engine, clock),
        served_case(engine, clock, respondents=(("王五", PERSON_C, False), ("李四", PERSON_B, False))),
        served_case(engine, clock, stage=Stage.INQUIRED, filed=datetime(2026, 11, 23, 9)),
    ]
    with read_session(engine) as session:
        numbers = [session.get(Case, i).case_number for i in ids]  # type: ignore[union-attr]
    engine.dispose()
    return url, [n for n in numbers if n]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))  # with BOM, as Excel writes it
    return path


def run(url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", url, "--as-of", AS_OF, "import", "findings", *args])


def findings(url: str) -> list[AssetFinding]:
    engine = make_engine(url)
    with read_session(engine) as session:
        rows = list(session.exec(select(AssetFinding).order_by(AssetFinding.id)).all())
    engine.dispose()
    return rows


def test_good_csv_with_bom_is_imported_once(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, (first, second, _) = court
    path = write_csv(
        tmp_path / "findings.csv",
        [
            [first, "李四", PERSON_B, "存款", "中国农业银行科右前旗支行", "52,000.50", "", "是", ""],
            [first, "李四", "", "车辆", "", "", "1", "否", "蒙G·A1234"],
            [second, "王五", PERSON_C, "网络资金", "支付宝", "1000", "", "是", ""],
            ["", "", "", "", "", "", "", "", ""],
        ],
    )
    result = run(url, str(path))
    assert result.exit_code == 0, result.output
    assert "已导入 3 条查控结果（2 件案件）" in result.output
    rows = findings(url)
    assert [(r.asset_type, r.amount_fen, r.quantity, r.frozen, r.source) for r in rows] == [
        ("deposit", 5_200_050, None, True, "import"),
        ("vehicle", None, 1, False, "import"),
        ("online_funds", 100_000, None, True, "import"),
    ]
    again = run(url, str(path), "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["skipped"] == 3 and len(findings(url)) == 3
    engine = make_engine(url)
    with read_session(engine) as session:
        assert len(session.exec(select(NetworkInquiry)).all()) == 2  # the inquiry counts as started
    engine.dispose()


def test_bad_rows_are_all_reported_and_nothing_is_imported(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, (first, second, inquired) = court
    path = write_csv(
        tmp_path / "bad.csv",
        [
            [first, "李四", PERSON_B, "存款", "农行", "100", "", "是", ""],  # good
            [first, "李四", PERSON_B, "存款", "农行", "-100", "", "是", ""],  # negative
            [first, "李四", PERSON_B, "存款", "农行", "1.005", "", "是", ""],  # over-precise
            [first, "李四", PERSON_B, "车辆", "", "", "99999999", "否", ""],  # absurd quantity
            ["（2026）内2221执9999号", "李四", PERSON_B, "存款", "农行", "1", "", "是", ""],  # unknown case
            [first, "王五", PERSON_C, "存款", "农行", "1", "", "是", ""],  # respondent of another case
            [second, "张三", "", "存款", "农行", "1", "", "是", ""],  # not a respondent by name
            [inquired, "李四", PERSON_B, "存款", "农行", "1", "", "是", ""],  # table submitted: a late result, fine
            [first, "李四", PERSON_B, "飞机", "", "", "", "也许", ""],  # unknown type, bad 冻结
        ],
    )
    result = run(url, str(path))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("第")]
    assert [line.split("：")[0] for line in lines] == [
        "第 3 行", "第 4 行", "第 5 行", "第 6 行", "第 7 行", "第 8 行", "第 10 行", "第 10 行",
    ]  # fmt: skip
    assert "不能为负数" in lines[0] and "最多两位小数" in lines[1] and "不能超过" in lines[2]
    assert "没有案号" in lines[3] and "不是本案被执行人" in lines[4] and "不是本案被执行人" in lines[5]
    assert not any(line.startswith("第 9 行") for line in lines)  # a late result for a submitted table is kept
    assert "共 7 行有误" in result.stderr
    assert findings(url) == []


def test_xlsx_written_in_the_test(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, (first, _, _) = court
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    sheet.append([first, "李四", PERSON_B, "存款", "建设银行", 12345.67, None, "是", None])
    sheet.append([first, "李四", PERSON_B, "不动产", "不动产登记中心", 800000, 1, "否", "住宅一套"])
    path = tmp_path / "findings.xlsx"
    book.save(path)
    result = run(url, str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "rows": 2, "imported": 2, "skipped": 0, "cases": 1, "dry_run": False, "ignored_columns": [], "errors": [],
    }  # fmt: skip
    assert [(r.amount_fen, r.quantity) for r in findings(url)] == [(1_234_567, None), (80_000_000, 1)]


def test_files_that_are_not_tables_are_refused(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, _ = court
    fake = tmp_path / "fake.xlsx"
    fake.write_text("案号,被执行人\n", encoding="utf-8")
    result = run(url, str(fake))
    assert result.exit_code == 1 and "不是 Excel" in result.stderr
    missing = tmp_path / "cols.csv"
    missing.write_text("案号,金额\nx,1\n", encoding="utf-8")
    result = run(url, str(missing))
    assert result.exit_code == 1 and "缺少必需的列" in result.stderr


def test_import_findings_on_each_database(engine: Engine, tmp_path: Path) -> None:
    """The same import through the service on SQLite and PostgreSQL."""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.importing.findings import import_findings

    clock = FixedClock(FIXED_NOW)
    case_id = served_case(engine, clock)
    with read_session(engine) as session:
        number = session.get(Case, case_id).case_number  # type: ignore[union-attr]
    assert number
    path = write_csv(tmp_path / "f.csv", [[number, "李四", PERSON_B, "存款", "农行", "10", "", "是", ""]])
    result = import_findings(path, ctx=context_for(engine, system_actor(engine), clock))
    assert (result.imported, result.errors) == (1, ())
    bad = write_csv(tmp_path / "b.csv", [[number, "王五", PERSON_C, "存款", "农行", "10", "", "是", ""]])
    result = import_findings(bad, ctx=context_for(engine, system_actor(engine), clock))
    assert result.imported == 0 and result.errors[0].line == 2


def test_dry_run_counts_what_would_go_in_and_writes_nothing(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, (first, second, _) = court
    path = write_csv(
        tmp_path / "findings.csv",
        [
            [first, "李四", PERSON_B, "存款", "中国农业银行科右前旗支行", "52,000.50", "", "是", ""],
            [second, "王五", PERSON_C, "网络资金", "支付宝", "1000", "", "是", ""],
        ],
    )
    before, files = database_rows(url), folder_files(tmp_path)
    dry = run(url, str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.strip() == "演练（--dry-run）：将导入 2 条查控结果（2 件案件）；未写入任何文件，未改动数据库"
    assert database_rows(url) == before and folder_files(tmp_path) == files
    assert run(url, str(path)).exit_code == 0 and len(findings(url)) == 2
    again = run(url, str(path), "--dry-run")
    assert "将导入 0 条查控结果（0 件案件），2 条此前已导入、将跳过" in again.stdout
