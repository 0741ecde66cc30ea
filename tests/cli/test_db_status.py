"""``db status`` and the other reporting commands never create a database, its folder or its tables: they say
what is there, with an exit status per case. Real SQLite files and a real PostgreSQL server."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from tests.conftest import PG_URL
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import head_revision

runner = CliRunner()

# Commands that only read: none of them may leave a database (or tables) behind.
READ_ONLY = (
    ["db", "status"],
    ["db", "status", "--json"],
    ["supervise"],
    ["supervise", "--json"],
    ["triage", "propose"],
    ["audit", "verify"],
    ["calendar", "status"],
    ["user", "list"],
)


def _invoke(db: str, *args: str, data: Path) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db, *args], env={"ZHIHUI_DATA_DIR": str(data)})
    return result.exit_code, result.stdout, result.stderr


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]


def test_status_of_a_missing_file_creates_neither_file_nor_folder(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "court.db"
    code, stdout, _ = _invoke(f"sqlite:///{path}", "db", "status", data=tmp_path / "data")
    assert code == 3
    assert stdout.strip() == f"数据库不存在：{path}（未创建；zhihui db upgrade 会创建它）"
    code, stdout, _ = _invoke(f"sqlite:///{path}", "db", "status", "--json", data=tmp_path / "data")
    assert code == 3 and json.loads(stdout) == {
        "state": "missing",
        "exists": False,
        "current": None,
        "head": head_revision(),
        "up_to_date": False,
        "database": str(path),
    }
    assert not path.parent.exists()


def test_status_of_an_empty_file_says_no_tables_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "court.db"
    path.touch()
    code, stdout, _ = _invoke(f"sqlite:///{path}", "db", "status", data=tmp_path)
    assert code == 4
    assert stdout.startswith("尚未建表（版本：无）；程序需要：") and "zhihui db upgrade" in stdout
    assert path.stat().st_size == 0 and _tables(path) == []


def test_status_tells_current_behind_and_ahead_apart(tmp_path: Path) -> None:
    path = tmp_path / "court.db"
    url = f"sqlite:///{path}"
    assert _invoke(url, "db", "upgrade", data=tmp_path)[0] == 0
    code, stdout, _ = _invoke(url, "db", "status", data=tmp_path)
    assert code == 0 and stdout.strip() == f"当前版本：{head_revision()}；程序需要：{head_revision()}；已是最新"
    for revision, expected_code, words in (("0001", 5, "结构落后"), ("9999", 6, "比本程序新")):
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        before = path.read_bytes()
        code, stdout, _ = _invoke(url, "db", "status", data=tmp_path)
        assert code == expected_code and f"当前版本：{revision}" in stdout and words in stdout
        assert path.read_bytes() == before


def test_the_help_lists_the_exit_statuses() -> None:
    result = runner.invoke(app, ["db", "status", "--help"])
    assert result.exit_code == 0
    for line in ("0 结构已是最新", "3 数据库不存在", "4 数据库存在但尚未建表", "5 结构落后", "6 结构比本程序新"):
        assert line in result.stdout


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_read_only_commands_never_create_the_database(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "data" / "zhihui.db"  # the default file under the data folder
    missing = tmp_path / "elsewhere" / "court.db"
    result = runner.invoke(app, args, env={"ZHIHUI_DATA_DIR": str(tmp_path / "data"), "ZHIHUI_DATABASE_URL": ""})
    code, _, _ = _invoke(f"sqlite:///{missing}", *args, data=tmp_path / "data")
    assert not path.exists() and not missing.parent.exists()
    if args[:2] == ["calendar", "status"]:  # needs no database at all
        assert result.exit_code == 0 and code == 0
    elif args[:2] == ["db", "status"]:
        assert result.exit_code == 3 and code == 3
    else:
        assert result.exit_code == 1 and code == 1
        assert result.stderr.startswith("错误：数据库不存在：") and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_read_only_commands_leave_an_empty_file_without_tables(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "court.db"
    path.touch()
    code, _, stderr = _invoke(f"sqlite:///{path}", *args, data=tmp_path)
    assert path.stat().st_size == 0 and _tables(path) == []
    if args[0] not in ("db", "calendar"):
        assert code == 1 and "zhihui db upgrade" in stderr


@pytest.mark.postgres
def test_postgresql_missing_database_and_empty_schema(pg_url: str, tmp_path: Path) -> None:
    from tests.conftest import reset_postgres

    assert PG_URL
    absent = make_url(pg_url).set(database=make_url(pg_url).database + "_absent")
    absent_url = absent.render_as_string(hide_password=False)
    code, stdout, _ = _invoke(absent_url, "db", "status", data=tmp_path)
    assert code == 3 and stdout.startswith("数据库不存在：")
    code, _, stderr = _invoke(absent_url, "supervise", data=tmp_path)
    assert code == 1 and stderr.startswith("错误：数据库不存在：")
    reset_postgres(pg_url)
    for args in READ_ONLY:
        _invoke(pg_url, *args, data=tmp_path)
    code, stdout, _ = _invoke(pg_url, "db", "status", data=tmp_path)
    assert code == 4 and stdout.startswith("尚未建表（版本：无）")
    engine = make_engine(pg_url)
    try:
        assert inspect(engine).get_table_names() == []
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": absent.database}
            ).first()
        assert exists is None
    finally:
        engine.dispose()
