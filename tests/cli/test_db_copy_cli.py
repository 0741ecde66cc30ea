"""``zhihui db copy``: the summary on success; every refusal one line on stderr, non-zero, target untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from typer.testing import CliRunner

from tests.conftest import reset_postgres
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import _config

runner = CliRunner()


def _court(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'court.db'}"
    assert runner.invoke(app, ["--db", url, "db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        app, ["--db", url, "user", "add", "lian1", "--name", "王立案", "--role", "filing_review"], input="pw-123456\n"
    )
    assert added.exit_code == 0, added.output
    return url


def _one_line_refusal(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("错误：") and expected in result.stderr


def test_copy_prints_each_table_and_the_checks(tmp_path: Path) -> None:
    url = _court(tmp_path)
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    result = runner.invoke(app, ["--db", url, "db", "copy", target])
    assert result.exit_code == 0, result.output
    assert "staff" in result.stdout and "2 →          2" in result.stdout
    assert "行数逐表一致" in result.stdout and "目标库审计链核对无误（2 条）" in result.stdout
    again = runner.invoke(app, ["--db", url, "db", "copy", f"sqlite:///{tmp_path / 'copy2.db'}", "--json"])
    document = json.loads(again.stdout)
    assert {"table": "staff_role", "source_rows": 2, "target_rows": 2} in document["tables"]
    assert document["audit_checked"] == 2 and document["sequences_reset"] == 0


def test_a_non_empty_target_is_refused(tmp_path: Path) -> None:
    url = _court(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    _one_line_refusal(["--db", url, "db", "copy", _court(other)], "只写入空数据库")
    _one_line_refusal(["--db", url, "db", "copy", url], "目标数据库与源数据库相同")


def test_an_unreachable_or_missing_target_is_refused(tmp_path: Path) -> None:
    url = _court(tmp_path)
    _one_line_refusal(["--db", url, "db", "copy", "postgresql://postgres@127.0.0.1:1/zhihui"], "无法访问目标数据库")


@pytest.mark.postgres
def test_a_missing_postgres_database_is_named(tmp_path: Path, pg_url: str) -> None:
    url = _court(tmp_path)
    missing = pg_url.rsplit("/", 1)[0] + "/zhihui_no_such_database"
    _one_line_refusal(["--db", url, "db", "copy", missing], "请先建库")


def test_a_source_behind_head_is_refused_and_no_target_is_made(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.connect() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        connection.commit()
    engine.dispose()
    _one_line_refusal(["--db", url, "db", "copy", f"sqlite:///{tmp_path / 'new.db'}"], "数据库结构版本落后")
    assert not (tmp_path / "new.db").exists()


@pytest.mark.postgres
def test_sqlite_to_postgres_resets_sequences(tmp_path: Path, pg_url: str) -> None:
    reset_postgres(pg_url)
    url = _court(tmp_path)
    result = runner.invoke(app, ["--db", url, "db", "copy", pg_url])
    assert result.exit_code == 0, result.output
    assert "个自增序列" in result.stdout
    added = runner.invoke(
        app,
        ["--db", pg_url, "user", "add", "lian2", "--name", "巴特尔", "--role", "filing_review"],
        input="pw-9876543\n",
    )
    assert added.exit_code == 0, added.output
    verified = runner.invoke(app, ["--db", pg_url, "audit", "verify", "--log", str(tmp_path / "seal.log")])
    assert "审计记录校验失败" not in verified.output and verified.exit_code in (0, 3)
