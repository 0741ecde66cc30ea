"""``zhihui backup``: a consistent copy that opens as a database with the same rows."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import reset_postgres
from zhihui_tui.cli.app import app
from zhihui_tui.db.migrate import head_revision

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


def test_a_finished_backup_leaves_only_the_copy_and_it_passes_integrity_check(tmp_path: Path) -> None:
    url = _db(tmp_path)
    folder = tmp_path / "backups"
    folder.mkdir()
    result = runner.invoke(app, ["--db", url, "backup", str(folder / "copy.db")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["copy.db"]  # no copy.db.partial-shm / -wal beside it
    with closing(sqlite3.connect(folder / "copy.db")) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert sorted(p.name for p in folder.iterdir()) == ["copy.db"]


def _at_0008(url: str) -> None:
    """A database one step behind, with rows in it, as an older release left it."""
    from alembic import command

    from zhihui_tui.db.engine import make_engine
    from zhihui_tui.db.migrate import _config

    engine = make_engine(url)
    with engine.connect() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
        connection.commit()
    engine.dispose()


def _revision(url: str) -> str | None:
    from zhihui_tui.db.engine import make_engine
    from zhihui_tui.db.migrate import current_revision

    engine = make_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_upgrade_takes_a_pg_dump_first(pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reset_postgres(pg_url)
    _at_0008(pg_url)
    monkeypatch.setenv("ZHIHUI_DATA_DIR", str(tmp_path / "data"))
    result = runner.invoke(app, ["--db", pg_url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    dumps = list((tmp_path / "data" / "backups").glob("before-upgrade-0008-*.dump"))
    assert len(dumps) == 1 and f"升级前备份：{dumps[0]}" in result.output
    listing = subprocess.run(["pg_restore", "--list", str(dumps[0])], capture_output=True, text=True, check=True)
    assert "TABLE public audit_head" in listing.stdout and "audit_chain_key" not in listing.stdout
    assert _revision(pg_url) == head_revision()


@pytest.mark.postgres
def test_postgres_upgrade_without_pg_dump_refuses_unless_no_backup(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reset_postgres(pg_url)
    _at_0008(pg_url)
    monkeypatch.setenv("ZHIHUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    assert shutil.which("pg_dump") is None
    refused = runner.invoke(app, ["--db", pg_url, "db", "upgrade"])
    assert refused.exit_code == 1 and len(refused.output.strip().splitlines()) == 1
    assert "未找到 pg_dump" in refused.output and "pg_dump --format=custom" in refused.output
    assert "--no-backup" in refused.output and _revision(pg_url) == "0008"
    forced = runner.invoke(app, ["--db", pg_url, "db", "upgrade", "--no-backup"])
    assert forced.exit_code == 0 and f"0008 → {head_revision()}" in forced.output and "升级前备份" not in forced.output
    assert _revision(pg_url) == head_revision()


def test_a_dry_run_checks_the_target_and_copies_nothing(tmp_path: Path) -> None:
    url = _db(tmp_path)
    target = tmp_path / "copy.db"
    result = runner.invoke(app, ["--db", url, "backup", str(target), "--dry-run"])
    assert result.exit_code == 0, result.output
    plan = f"将备份到 {target}（SQLite 在线备份）"
    assert result.output.strip() == f"演练（--dry-run）：{plan}；未写入任何文件，未改动数据库"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == []
    folder = runner.invoke(app, ["--db", url, "backup", str(tmp_path), "--dry-run"])
    assert folder.exit_code == 1 and "是一个目录，请给出文件名" in folder.output
