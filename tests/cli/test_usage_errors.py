"""A command line that cannot run as typed: one Chinese line on stderr naming the argument, exit 2, nothing on
stdout — never Typer's English usage box. ``--help`` still prints the help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhihui_tui.__main__ import hoist_global_options
from zhihui_tui.cli.app import app

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, hoist_global_options(list(args)), prog_name="zhihui")
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["calendar", "due", "2026-10-08", "-3"], "错误：参数 DAYS（期限天数）不能为负数，收到“-3”"),
        (["calendar", "due", "2026-10-08", "--", "-3"], "错误：参数 DAYS（期限天数）应不小于 0，收到“-3”"),
        (["calendar", "due", "2026-10-08", "abc"], "错误：参数 DAYS（期限天数）应为整数，收到“abc”"),
        (["calendar", "due", "abc", "3"], "错误：参数 DATE（起算日）：日期格式应为 YYYY-MM-DD"),
        (["calendar", "due", "2026-02-30", "3"], "错误：参数 DATE（起算日）：日期无效：2026-02-30"),
        (["calendar", "due", "2026-10-08"], "错误：缺少参数 DAYS（期限天数）"),
        (["calendar", "due"], "错误：缺少参数 DATE（起算日）"),
        (["calendar", "due", "2026-10-08", "3", "4"], "错误：多余的参数：4"),
        (["calendar", "due", "2026-10-08", "3", "--bogus"], "错误：没有选项 --bogus"),
        (["calendar", "due", "2026-10-08", "3", "--policy", "x"], "错误：选项 --policy：只能是 calendar 或 working"),
        (["calendar", "due", "2026-10-08", "3", "--policy"], "错误：选项 --policy 后面需要一个值"),
        (["user", "add", "lian1", "--role", "handler"], "错误：缺少选项 --name（姓名）"),
        (["import", "cases"], "错误：缺少参数 FILE"),
        (["supervise", "--as-of", "yesterday"], "错误：--as-of：无法识别的时间“yesterday”"),
        (["--as-of"], "错误：选项 --as-of 后面需要一个值"),
        (["--bogus"], "错误：没有选项 --bogus"),
        (["nosuch"], "错误：没有子命令“nosuch”，可用的子命令：supervise、demo"),
        (["suprvise"], "错误：没有子命令“suprvise”（是否想用：supervise）"),
        (["calendar", "nope"], "错误：没有子命令“nope”，可用的子命令：due、status"),
    ],
)
def test_bad_command_lines_fail_with_one_chinese_line(tmp_path: Path, args: list[str], expected: str) -> None:
    # A database that is never created: a usage error stops before anything is opened.
    db = tmp_path / "never.db"
    code, stdout, stderr = _run("--db", f"sqlite:///{db}", *args)
    assert code == 2
    assert stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(expected), lines[0]
    assert "Usage" not in stderr and "Error" not in stderr and "Try" not in stderr
    assert not db.exists()


def test_the_line_says_where_the_usage_is() -> None:
    _, _, stderr = _run("calendar", "due", "2026-10-08", "-3")
    assert stderr.strip().endswith("；查看用法：zhihui calendar due --help")


def test_help_still_prints_the_usage() -> None:
    result = runner.invoke(app, ["calendar", "due", "--help"], prog_name="zhihui")
    assert result.exit_code == 0
    assert "起算日" in result.stdout and "期限天数" in result.stdout and "x>=0" in result.stdout
    group = runner.invoke(app, ["db"], prog_name="zhihui")  # a group without its subcommand: its help
    assert "upgrade" in group.output and "status" in group.output and "错误" not in group.output


def test_good_arguments_still_work() -> None:
    code, stdout, stderr = _run("calendar", "due", "2026/3/5", "0")
    assert (code, stdout.strip(), stderr) == (0, "2026-03-05", "")


def test_the_installed_command_speaks_chinese_too(tmp_path: Path) -> None:
    """The real entry point, as cron runs it: the hoisting of --db/--as-of and the root group together."""
    done = subprocess.run(
        [sys.executable, "-m", "zhihui_tui", "calendar", "due", "2026-10-08", "-3"],
        capture_output=True,
        text=True,
        env={"PATH": "", "ZHIHUI_DATA_DIR": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "错误：参数 DAYS（期限天数）不能为负数，收到“-3”；查看用法：zhihui calendar due --help"
    ]
