"""``zhihui demo`` on a fresh SQLite file: creates the schema, loads once, prints the logins every time."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zhihui_tui.cli.app import app

runner = CliRunner()
AS_OF = "2026-11-27T09:30"


def test_demo_twice_on_a_fresh_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {"ZHIHUI_DATA_DIR": str(tmp_path / "data")}
    first = runner.invoke(app, ["--db", db, "--as-of", AS_OF, "demo"], env=env)
    assert first.exit_code == 0, first.output
    assert "已载入演示数据" in first.stdout
    for expected in ("zhuren", "张宏伟", "指挥中心主任", "lian1", "kuai01", "zhihui2026", f"zhihui --db {db}"):
        assert expected in first.stdout
    _ends_with_where_to_sign_in(first.stdout, db)
    second = runner.invoke(app, ["--db", db, "--as-of", AS_OF, "demo"], env=env)
    assert second.exit_code == 0, second.output
    assert "演示数据已存在" in second.stdout and "zhuren" in second.stdout
    _ends_with_where_to_sign_in(second.stdout, db)
    report = json.loads(runner.invoke(app, ["--db", db, "--as-of", AS_OF, "demo", "--json"], env=env).stdout)
    assert report["loaded"] is False and report["cases"] >= 300
    assert {"login": "zhuren", "name": "张宏伟", "post": "指挥中心主任"} in report["logins"]
    log = str(tmp_path / "audit-seal.log")
    assert runner.invoke(app, ["--db", db, "audit", "seal", "--log", log], env=env).exit_code == 0
    verified = runner.invoke(app, ["--db", db, "audit", "verify", "--log", log], env=env)
    assert verified.exit_code == 0, verified.output


def test_demo_refuses_a_database_with_real_accounts(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'court.db'}"
    env = {"ZHIHUI_DATA_DIR": str(tmp_path / "data")}
    assert runner.invoke(app, ["--db", db, "db", "upgrade"], env=env).exit_code == 0
    added = runner.invoke(
        app, ["--db", db, "user", "add", "admin", "--name", "杜鹏", "--role", "admin"], input="s3cret-pass\n", env=env
    )
    assert added.exit_code == 0, added.output
    refused = runner.invoke(app, ["--db", db, "--as-of", AS_OF, "demo"], env=env)
    assert refused.exit_code == 1
    assert "只能载入新建的空数据库" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def _ends_with_where_to_sign_in(stdout: str, db: str) -> None:
    """The output ends with the command to start, one account per post with its password, and the rest."""
    lines = stdout.rstrip().splitlines()
    start = lines.index(f"启动终端界面并登录：zhihui --db {db}")
    header = lines[start + 2].split()
    assert header == ["登录名", "姓名", "岗位", "密码"] and set(lines[start + 3]) <= {"-", " "}
    rows = [line.split() for line in lines[start + 4 :] if line.strip()][:-2]
    posts = {row[2] for row in rows}
    expected = {"立案审查组", "集约送达组", "网络查控组", "指挥中心主任", "线索查控组", "局长", "快速执行团队·员额法官"}
    assert expected <= posts
    assert len(rows) == len(posts) and all(row[3] == "zhihui2026" for row in rows)
    assert ["zhuren", "张宏伟", "指挥中心主任", "zhihui2026"] in rows
    assert lines[-2].startswith("同岗位的其他账号（密码相同）：lian2、") and "kuai02" in lines[-2]
    assert lines[-1] == "全部账号及其角色：zhihui user list"
