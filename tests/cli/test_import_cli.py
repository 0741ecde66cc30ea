"""``zhihui import cases FILE`` as cron and clerks run it: exit codes, `第 N 行：字段：原因` on stderr, JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import func, select
from stdnum.cn import ric
from typer.testing import CliRunner

from tests.cli.state import database_rows, folder_files
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import Case

runner = CliRunner()
AS_OF = "2026-11-27T09:30"
COLUMNS = (
    "案号", "收案日期", "立案日期", "类别", "申请执行人", "申请执行人证件号", "被执行人", "被执行人证件号",
    "被执行人下落不明", "执行标的", "执行依据", "承办人", "团队", "状态",
)  # fmt: skip


def person_id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


ZHANG, LI, WANG = person_id("15222119800101123"), person_id("15222119850505234"), person_id("15222119900909345")


def line(**values: str) -> list[str]:
    base = {
        "收案日期": "2026-11-20",
        "类别": "申请执行",
        "申请执行人": "张三",
        "申请执行人证件号": ZHANG,
        "被执行人": "李四",
        "被执行人证件号": LI,
        "被执行人下落不明": "否",
        "执行标的": "200000.00",
        "状态": "材料接收",
    } | values
    return [base.get(column, "") for column in COLUMNS]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # as Excel writes it
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'court.db'}"
    assert runner.invoke(app, ["--db", url, "db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        app,
        ["--db", url, "user", "add", "kuai01", "--name", "王建国", "--role", "handler", "--team", "fast",
         "--title", "judge"],
        input="s3cret-pass\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    return url


def run(db: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", db, "--as-of", AS_OF, "import", "cases", *args])


def count(db: str) -> int:
    engine = make_engine(db)
    with read_session(engine) as session:
        result = int(session.exec(select(func.count()).select_from(Case)).one())
    engine.dispose()
    return result


def test_good_csv_with_bom_is_imported(db: str, tmp_path: Path) -> None:
    rows = [
        line(),
        line(案号="（2026）内2221执12号", 立案日期="2026-11-21", 状态="已立案", 被执行人="王五", 被执行人证件号=WANG),
        line(立案日期="2026-11-21", 状态="承办中", 承办人="kuai01", 收案日期="2026-11-19"),
    ]
    result = run(db, str(write_csv(tmp_path / "cases.csv", rows)))
    assert result.exit_code == 0, result.output
    assert "已导入 3 件案件，其中 1 件新分配案号" in result.stdout
    assert count(db) == 3


def test_the_same_file_run_again_imports_nothing_and_exits_0(db: str, tmp_path: Path) -> None:
    path = str(
        write_csv(tmp_path / "cases.csv", [line(), line(被执行人="王五", 被执行人证件号=WANG, 收案日期="2026-11-19")])
    )
    assert run(db, path).exit_code == 0
    again = run(db, path)
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == "该文件已于 2026-11-27 09:30 导入（2 件案件），本次未导入任何案件"
    report = json.loads(run(db, path, "--json").stdout)
    assert report["imported"] == 0 and report["already_imported"] == {"at": "2026-11-27 09:30", "cases": 2}
    assert count(db) == 2


def test_xlsx_is_imported_with_json_report(db: str, tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(list(COLUMNS))
    book.active.append(line(执行标的="199999.99"))
    path = tmp_path / "cases.xlsx"
    book.save(path)
    result = run(db, str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report == {"rows": 1, "imported": 1, "allocated": 0, "dry_run": False, "ignored_columns": [], "errors": []}


def test_bad_rows_are_listed_on_stderr_and_nothing_is_saved(db: str, tmp_path: Path) -> None:
    rows = [line(), line(执行标的="12.345"), line(承办人="nobody", 立案日期="2026-11-21", 状态="承办中")]
    result = run(db, str(write_csv(tmp_path / "cases.csv", rows)))
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert errors[:2] == ["第 3 行：执行标的：最多两位小数", "第 4 行：承办人：没有登录名为“nobody”的账号"]
    assert errors[-1].startswith("错误：共 2 行有误") and "未导入任何案件" in errors[-1]
    assert result.stdout == ""
    assert count(db) == 0


def test_bad_rows_in_json(db: str, tmp_path: Path) -> None:
    result = run(db, str(write_csv(tmp_path / "cases.csv", [line(收案日期="明天")])), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["imported"] == 0 and report["errors"][0]["line"] == 2 and report["errors"][0]["field"] == "收案日期"


def test_duplicate_number_and_unknown_handler(db: str, tmp_path: Path) -> None:
    numbered = {"案号": "（2026）内2221执5号", "立案日期": "2026-11-21", "状态": "已立案"}
    assert run(db, str(write_csv(tmp_path / "a.csv", [line(**numbered)]))).exit_code == 0
    result = run(db, str(write_csv(tmp_path / "b.csv", [line(**numbered, 被执行人="王五", 被执行人证件号=WANG)])))
    assert result.exit_code == 1 and "第 2 行：案号：（2026）内2221执5号 已存在" in result.stderr
    assert count(db) == 1


def test_gbk_csv_is_refused_in_one_chinese_line(db: str, tmp_path: Path) -> None:
    result = run(db, str(write_csv(tmp_path / "cases.csv", [line()], encoding="gbk")))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "不是 UTF-8 编码" in result.stderr and "GBK" in result.stderr


@pytest.mark.parametrize("content", ["xlsx", "binary"])
def test_a_file_that_is_not_a_csv_is_refused(db: str, tmp_path: Path, content: str) -> None:
    path = tmp_path / "cases.csv"
    if content == "xlsx":
        Workbook().save(tmp_path / "real.xlsx")
        (tmp_path / "real.xlsx").rename(path)
    else:
        path.write_bytes(bytes(range(256)))
    result = run(db, str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：文件")
    assert count(db) == 0


def test_a_missing_file_is_a_one_line_failure(db: str, tmp_path: Path) -> None:
    result = run(db, str(tmp_path / "nope.csv"))
    assert result.exit_code == 1 and "找不到文件" in result.stderr


def test_dry_run_checks_the_whole_file_and_writes_nothing(db: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cases.csv", [line(), line(被执行人="王五", 被执行人证件号=WANG)])
    before, files = database_rows(db), folder_files(tmp_path)
    dry = run(db, str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.strip() == "演练（--dry-run）：将导入 2 件案件；未写入任何文件，未改动数据库"
    assert database_rows(db) == before and folder_files(tmp_path) == files
    report = json.loads(run(db, str(path), "--dry-run", "--json").stdout)
    assert (report["imported"], report["dry_run"]) == (2, True) and count(db) == 0
    real = run(db, str(path))
    assert real.exit_code == 0 and count(db) == 2
    again = run(db, str(path), "--dry-run")  # the import ledger knows the file
    assert "该文件已于" in again.stdout and count(db) == 2


def test_dry_run_of_a_bad_file_lists_every_problem_and_fails(db: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cases.csv", [line(), line(执行标的="-5")])
    before = database_rows(db)
    result = run(db, str(path), "--dry-run")
    assert result.exit_code == 1 and "第 3 行" in result.output and "未导入任何案件" in result.output
    assert database_rows(db) == before
