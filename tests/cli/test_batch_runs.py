"""Every cron command runs once at a time (exit 75 for a second run while the first holds its lock) and logs its
runs without personal data (issue 15, R-CLI-2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from zhihui_tui.cli.app import app
from zhihui_tui.cli.batch import BUSY, frames, held, redact

COMMANDS = [
    ["supervise", "--json"],
    ["stats", "monthly", "--month", "2026-11"],
    ["zhongben"],
    ["docs", "print", "--date", "2026-11-27"],
    ["ledger", "daily", "--date", "2026-11-27"],
    ["import", "cases", "missing.csv"],
    ["funds", "due"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: a[0])
def test_a_second_run_while_one_holds_the_lock_exits_75(
    sqlite_engine: Engine, sqlite_url: str, argv: list[str]
) -> None:
    name = (
        " ".join(a for a in argv[:2] if not a.startswith("-"))
        if argv[0] in ("stats", "docs", "ledger", "import", "funds")
        else argv[0]
    )
    with held(sqlite_url, name):
        result = CliRunner().invoke(app, ["--db", sqlite_url, *argv])
    assert result.exit_code == BUSY, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"错误：zhihui {name} 已在运行（进程 {os.getpid()}，") and line.endswith("请稍后再试")


def test_another_process_is_turned_away_and_runs_once_the_lock_is_free(sqlite_engine: Engine, sqlite_url: str) -> None:
    command = [sys.executable, "-m", "zhihui_tui", "--db", sqlite_url, "supervise", "--json"]
    with held(sqlite_url, "supervise"):
        busy = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert busy.returncode == BUSY and "已在运行" in busy.stderr
    free = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert free.returncode == 0, free.stderr
    assert free.stdout.strip() == "[]"


def test_the_run_log_names_runs_and_carries_no_personal_digits(sqlite_engine: Engine, sqlite_url: str) -> None:
    log = Path(os.environ["ZHIHUI_LOG_FILE"])
    before = log.read_text(encoding="utf-8") if log.exists() else ""
    result = CliRunner().invoke(app, ["--db", sqlite_url, "zhongben", "--json"])
    assert result.exit_code == 0
    added = log.read_text(encoding="utf-8")[len(before) :]
    assert "zhongben 开始" in added and "zhongben 结束，退出码 0" in added


def test_redaction_and_frames_keep_no_values() -> None:
    assert redact("证件号 152221199003070013 电话 13912345678") == "证件号 15**************13 电话 13*******78"
    try:
        raise ValueError("张三 152221199003070013")
    except ValueError as error:
        text = frames(error)
    assert "test_batch_runs.py" in text and "152221" not in text and "张三" not in text
