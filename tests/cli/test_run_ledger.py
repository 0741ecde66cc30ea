"""The run ledger and --dry-run of the writing cron commands (issue 15, R-CLI-2): a re-run for the same business
day is skipped with one line, --force re-runs, a failed run can be re-run, a dry run changes nothing, and two
processes racing for the same work (two machines: separate lock folders) do it exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, insert
from typer.testing import CliRunner

from tests.cli.state import database_rows, folder_files
from tests.services.documents_court import FIRM, LI, ZHANG, filed_case
from zhihui_tui.cli.app import app
from zhihui_tui.cli.batch import BUSY, held
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import BatchRun
from zhihui_tui.domain.batch_runs import RunOutcome, scope_key
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.batch_runs import runs_of, this_host
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import register_case
from zhihui_tui.services.uow import unit_of_work

MONDAY = "2026-11-30T18:00"  # a working day, after reception closed


def _writers(out: Path) -> dict[str, list[str]]:
    """Each writing command with the output it writes to ``out`` (a file; ledger daily's after reception)."""
    return {
        "supervise": ["supervise", "--weekly", "--out", str(out)],
        "stats monthly": ["stats", "monthly", "--month", "2026-11", "--out", str(out)],
        "funds ledger": ["funds", "ledger", "--month", "2026-11", "--out", str(out)],
        "ledger daily": ["ledger", "daily", "--date", "2026-11-27", "--out", str(out)],
    }


COMMANDS = list(_writers(Path("x")))


@pytest.fixture
def court(sqlite_engine: Engine) -> Engine:
    """Two open cases with their steps (so every report has rows)."""
    clock = FixedClock(datetime(2026, 11, 20, 9, 0))
    system = system_actor(sqlite_engine)
    with unit_of_work(sqlite_engine, actor=system, action="测试：收案", clock=clock) as session:
        for respondent in (ZHANG, LI):
            new = filed_case(applicants=(FIRM,), respondents=(respondent,), amount_fen=100, received=clock.now())
            register_case(session, new, actor=system, calendar=load_calendar(None), court_code="内2221")
    return sqlite_engine


def _run(url: str, argv: list[str], *, as_of: str = MONDAY):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["--db", url, "--as-of", as_of, *argv])


@pytest.mark.parametrize("command", COMMANDS)
def test_a_second_run_the_same_business_day_is_skipped_and_force_runs_it_again(
    court: Engine, sqlite_url: str, tmp_path: Path, command: str
) -> None:
    out = tmp_path / "out" / "报表.xlsx"
    out.parent.mkdir()
    argv = _writers(out)[command]
    first = _run(sqlite_url, argv)
    assert first.exit_code == 0, first.output
    load_workbook(out)  # a whole workbook, readable
    written = out.read_bytes()
    out.unlink()  # a skipped run must not write it again
    again = _run(sqlite_url, argv, as_of="2026-11-30T20:00")
    assert again.exit_code == 0, again.output
    (line,) = again.output.strip().splitlines()
    assert line.startswith(f"zhihui {command} 已于 2026-11-30 18:00 完成业务日 2026-11-30 的运行（")
    assert line.endswith("本次未重复执行，如需重新运行请加 --force") and "SHA-256" in line
    assert not out.exists()
    forced = _run(sqlite_url, [*argv, "--force"], as_of="2026-11-30T20:00")
    assert forced.exit_code == 0, forced.output
    assert out.exists() and len(out.read_bytes()) > 0 and written[:2] == b"PK"
    runs = runs_of(court, command)
    assert [r.outcome for r in runs] == [RunOutcome.SUPERSEDED, RunOutcome.SUCCEEDED]
    assert runs[1].output_path == str(out.resolve()) and runs[1].output_sha256 is not None
    assert {r.day.isoformat() for r in runs} == {"2026-11-30"}


def test_the_business_day_is_the_working_day_weekends_and_holidays_repeat_the_last_one(
    court: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "督办.xlsx"
    argv = ["supervise", "--out", str(out)]
    assert _run(sqlite_url, argv, as_of="2026-11-27T08:00").exit_code == 0  # Friday
    saturday = _run(sqlite_url, argv, as_of="2026-11-28T08:00")
    assert "已于 2026-11-27 08:00 完成业务日 2026-11-27 的运行" in saturday.output
    monday = _run(sqlite_url, argv, as_of="2026-11-30T08:00")
    assert monday.exit_code == 0 and "已写出" in monday.output
    assert _run(sqlite_url, argv, as_of="2026-09-30T08:00").exit_code == 0  # the eve of National Day
    golden_week = _run(sqlite_url, argv, as_of="2026-10-05T08:00")
    assert "完成业务日 2026-09-30 的运行" in golden_week.output
    days = [(r.day.isoformat(), r.outcome) for r in runs_of(court, "supervise")]
    assert days == [("2026-11-27", "succeeded"), ("2026-11-30", "succeeded"), ("2026-09-30", "succeeded")]


def test_the_scope_keeps_different_months_and_outputs_apart(court: Engine, sqlite_url: str, tmp_path: Path) -> None:
    for month, name in (("2026-10", "a.xlsx"), ("2026-11", "a.xlsx"), ("2026-11", "b.xlsx")):
        result = _run(sqlite_url, ["stats", "monthly", "--month", month, "--out", str(tmp_path / name)])
        assert result.exit_code == 0 and "已写出" in result.output, result.output
    assert len(runs_of(court, "stats monthly")) == 3


def test_a_failed_run_records_no_success_and_the_next_run_does_the_work(
    court: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "月报.xlsx"
    out.mkdir()  # a folder where the workbook should go: the rename fails
    argv = ["stats", "monthly", "--month", "2026-11", "--out", str(out)]
    failed = _run(sqlite_url, argv)
    assert failed.exit_code == 1
    (line,) = failed.output.strip().splitlines()
    assert line.startswith("错误：无法写入") and str(out) in line and "目录" in line
    assert [r.outcome for r in runs_of(court, "stats monthly")] == [RunOutcome.FAILED]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    out.rmdir()
    retried = _run(sqlite_url, argv)
    assert retried.exit_code == 0, retried.output
    assert [r.outcome for r in runs_of(court, "stats monthly")] == [RunOutcome.FAILED, RunOutcome.SUCCEEDED]
    assert load_workbook(out).sheetnames == ["月度指标", "计算公式"]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_dry_run_writes_no_file_no_row_and_no_ledger_entry(
    court: Engine, sqlite_url: str, tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    out = folder / "报表.xlsx"
    before, files = database_rows(sqlite_url), folder_files(tmp_path)
    result = _run(sqlite_url, [*_writers(out)[command], "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "演练（--dry-run）：" in result.output and "未写入任何文件，未改动数据库" in result.output
    assert database_rows(sqlite_url) == before and folder_files(tmp_path) == files
    assert list(folder.iterdir()) == []
    assert _run(sqlite_url, _writers(out)[command]).exit_code == 0  # the real run
    after = _run(sqlite_url, [*_writers(out)[command], "--dry-run"])
    assert "本业务日已成功运行过，正式运行将跳过（除非加 --force）" in after.output


@pytest.mark.parametrize("command", COMMANDS)
def test_a_writing_command_exits_75_while_another_run_holds_its_lock(
    court: Engine, sqlite_url: str, tmp_path: Path, command: str
) -> None:
    out = tmp_path / "报表.xlsx"
    with held(sqlite_url, command):
        result = _run(sqlite_url, _writers(out)[command])
    assert result.exit_code == BUSY
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"错误：zhihui {command} 已在运行（进程 {os.getpid()}，")
    assert not out.exists() and runs_of(court, command) == []


def _running_row(engine: Engine, *, scope: str, host: str, pid: int) -> None:
    row = {"command": "stats monthly", "business_day": datetime(2026, 11, 30).date(), "scope_key": scope_key(scope),
           "scope": scope, "started_at": datetime(2026, 11, 30, 7, 0), "outcome": "running", "produced": "",
           "host": host, "pid": pid, "forced": False}  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(BatchRun.__table__), row)  # type: ignore[attr-defined]


def test_a_run_that_died_on_this_machine_is_taken_over(court: Engine, sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "月报.xlsx"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _running_row(court, scope=f"2026-11 → {out.resolve()}", host=this_host(), pid=int(gone.stdout))
    result = _run(sqlite_url, ["stats", "monthly", "--month", "2026-11", "--out", str(out)])
    assert result.exit_code == 0 and out.exists(), result.output
    runs = runs_of(court, "stats monthly")
    assert [(r.outcome, r.produced) for r in runs] == [
        (RunOutcome.FAILED, "运行中断（进程已不存在）"),
        (RunOutcome.SUCCEEDED, "0 名承办人，全院已结 0 件"),
    ]


def test_a_run_on_another_machine_turns_this_one_away_until_forced(
    court: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "月报.xlsx"
    _running_row(court, scope=f"2026-11 → {out.resolve()}", host="zhixing-02", pid=4242)
    argv = ["stats", "monthly", "--month", "2026-11", "--out", str(out)]
    busy = _run(sqlite_url, argv)
    assert busy.exit_code == BUSY and not out.exists()
    (line,) = busy.output.strip().splitlines()
    assert line.startswith("错误：zhihui stats monthly 正在 zhixing-02 上运行（进程 4242，2026-11-30 07:00 开始")
    forced = _run(sqlite_url, [*argv, "--force"])
    assert forced.exit_code == 0 and out.exists(), forced.output
    outcomes = [(r.host, r.outcome) for r in runs_of(court, "stats monthly")]
    assert outcomes == [("zhixing-02", RunOutcome.FAILED), (this_host(), RunOutcome.SUCCEEDED)]


@pytest.fixture
def migrated(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def test_processes_racing_on_two_machines_do_the_work_once(migrated: Engine, db_url: str, tmp_path: Path) -> None:
    """Four processes at once, each with its own lock folder (as on four machines), on SQLite and PostgreSQL:
    the ledger's unique claim lets exactly one write the report; the others are turned away or told it ran."""
    out = tmp_path / "月报.xlsx"
    argv = ["--db", db_url, "--as-of", MONDAY, "stats", "monthly", "--month", "2026-11", "--out", str(out)]
    procs = []
    for machine in range(4):
        folder = tmp_path / f"machine-{machine}"
        folder.mkdir()
        env = {**os.environ, "TMPDIR": str(folder)}
        command = [sys.executable, "-m", "zhihui_tui", *argv]
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = ["".join(p.communicate(timeout=300)) for p in procs]
    results = [(p.returncode, text) for p, text in zip(procs, outputs, strict=True)]
    worked = [err for code, err in results if code == 0 and "已写出" in err]
    assert len(worked) == 1, results
    for code, err in results:
        assert (code == 0 and ("已写出" in err or "未重复执行" in err)) or (code == BUSY and "上运行" in err), err
    runs = runs_of(migrated, "stats monthly")
    assert [r.outcome for r in runs] == [RunOutcome.SUCCEEDED]
    load_workbook(out)


OTHER_WRITERS = {
    "import findings": ["import", "findings", "查控.csv"],
    "import receipts": ["import", "receipts", "流水.csv"],
    "docs generate": ["docs", "generate", "--out", "documents"],
    "backup": ["backup", "copy.db"],
    "audit seal": ["audit", "seal", "--log", "seal.log"],
}


@pytest.mark.parametrize("command", OTHER_WRITERS)
def test_the_other_writing_commands_exit_75_and_write_nothing_while_locked(
    court: Engine, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    before, files = database_rows(sqlite_url), folder_files(tmp_path)
    with held(sqlite_url, command):
        result = _run(sqlite_url, OTHER_WRITERS[command])
    assert result.exit_code == BUSY, result.output
    assert f"错误：zhihui {command} 已在运行" in result.output
    assert database_rows(sqlite_url) == before and folder_files(tmp_path) == files
