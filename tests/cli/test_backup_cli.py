"""``zhihui backup``: a consistent copy that opens as a database with the same rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from zhihui_tui.cli.app import app

runner = CliRunner()


def _db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'court.db'}"
    assert runner.invoke(app, ["--db", url, "db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        app, ["--db", url, "user", "add", "lian1", "--name", "王立案", "--role", "filing_review"], input="pw-123456\n"
    )
    assert added.exit_code == 0
    return url


def test_backup_copies_a_live_database(tmp_path: Path) -> None:
    url = _db(tmp_path)
    target = tmp_path / "copy.db"
    result = runner.invoke(app, ["--db", url, "backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT login FROM staff ORDER BY id").fetchall() == [("system",), ("lian1",)]
        assert copy.execute("SELECT count(*) FROM audit_record").fetchone()[0] == 2
    assert not (tmp_path / "copy.db.partial").exists()


def test_backup_into_a_missing_folder_fails_with_one_line(tmp_path: Path) -> None:
    url = _db(tmp_path)
    result = runner.invoke(app, ["--db", url, "backup", str(tmp_path / "nope" / "copy.db")])
    assert result.exit_code == 1 and "不存在" in result.output
    assert len(result.output.strip().splitlines()) == 1
