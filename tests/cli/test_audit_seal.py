"""``zhihui audit seal`` for cron and ``zhihui audit verify`` against the seal log and the key file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Key file and seal log at their defaults, inside a data folder of the test's own."""
    folder = tmp_path / "data"
    monkeypatch.setenv("ZHIHUI_DATA_DIR", str(folder))
    monkeypatch.delenv("ZHIHUI_AUDIT_KEY_FILE")
    monkeypatch.delenv("ZHIHUI_AUDIT_SEAL_LOG")
    return folder


def _ready(db_url: str) -> None:
    assert runner.invoke(app, ["--db", db_url, "db", "upgrade"]).exit_code == 0
    added = runner.invoke(
        app,
        ["--db", db_url, "user", "add", "lian1", "--name", "王立案", "--role", "filing_review"],
        input="pw-123456\n",
    )
    assert added.exit_code == 0, added.output


def test_db_upgrade_creates_the_key_file_owner_only(db_url: str, data_dir: Path) -> None:
    result = runner.invoke(app, ["--db", db_url, "db", "upgrade"])
    key = data_dir / "audit.key"
    assert result.exit_code == 0 and f"已生成审计密钥文件：{key}" in result.output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    again = runner.invoke(app, ["--db", db_url, "db", "upgrade"])
    assert again.exit_code == 0 and "审计密钥" not in again.output


def test_seal_twice_appends_two_lines_and_verify_checks_both(db_url: str, data_dir: Path) -> None:
    _ready(db_url)
    first = runner.invoke(app, ["--db", db_url, "audit", "seal", "--json"])
    assert first.exit_code == 0, first.output
    sealed = json.loads(first.output)
    assert sealed["log"] == str(data_dir / "audit-seal.log") and sealed["last_id"] >= 1
    second = runner.invoke(app, ["--db", db_url, "audit", "seal"])
    assert second.exit_code == 0 and f"第 {sealed['last_id']} 条" in second.output
    lines = (data_dir / "audit-seal.log").read_text().splitlines()
    assert len(lines) == 2 and all(
        set(json.loads(line)) >= {"sealed_at", "last_id", "last_hash", "mac"} for line in lines
    )
    verified = runner.invoke(app, ["--db", db_url, "audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert verified.output.startswith("审计记录完好：") and "2 条封存记录相符" in verified.output


def test_verify_without_log_or_key_says_so_and_exits_3(db_url: str, data_dir: Path) -> None:
    _ready(db_url)
    no_log = runner.invoke(app, ["--db", db_url, "audit", "verify"])
    assert no_log.exit_code == 3
    assert f"未能核对：未找到封存日志 {data_dir / 'audit-seal.log'}" in no_log.output
    assert runner.invoke(app, ["--db", db_url, "audit", "seal"]).exit_code == 0
    (data_dir / "audit.key").rename(data_dir / "elsewhere.key")
    no_key = runner.invoke(app, ["--db", db_url, "audit", "verify", "--json"])
    document = json.loads(no_key.output)
    assert no_key.exit_code == 3 and document["ok"] and not document["complete"]
    assert len(document["unchecked"]) == 1 and document["unchecked"][0].startswith("未找到审计密钥文件")


def test_verify_catches_a_cut_tail_with_the_head_rewound_through_the_seal_log(db_url: str, data_dir: Path) -> None:
    _ready(db_url)
    log = data_dir.parent / "elsewhere" / "seal.log"
    assert runner.invoke(app, ["--db", db_url, "audit", "seal", "--log", str(log)]).exit_code == 0
    engine = make_engine(db_url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            for trigger in ("audit_record_no_delete", "audit_head_no_rewind"):
                connection.execute(text(f"DROP TRIGGER {trigger}"))
        else:
            connection.execute(text("ALTER TABLE audit_record DISABLE TRIGGER USER"))
            connection.execute(text("ALTER TABLE audit_head DISABLE TRIGGER USER"))
        connection.execute(text("DELETE FROM audit_record WHERE id > 1"))
        connection.execute(text("UPDATE audit_head SET last_id = 1, last_hash = (SELECT hash FROM audit_record)"))
    engine.dispose()
    result = runner.invoke(app, ["--db", db_url, "audit", "verify", "--log", str(log), "--json"])
    document = json.loads(result.output)
    assert result.exit_code == 1 and not document["ok"] and document["bad_id"] == 2
    assert "链尾被删除且链尾记录被回拨" in document["reason"]


def test_seal_into_an_unwritable_place_fails_with_one_line(db_url: str, data_dir: Path) -> None:
    _ready(db_url)
    blocker = data_dir / "file"
    blocker.write_text("")
    result = runner.invoke(app, ["--db", db_url, "audit", "seal", "--log", str(blocker / "seal.log")])
    assert result.exit_code == 1 and "无法写入封存日志" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_dry_run_seal_checks_and_signs_but_appends_nothing(db_url: str, data_dir: Path) -> None:
    _ready(db_url)
    log = data_dir / "audit-seal.log"
    dry = runner.invoke(app, ["--db", db_url, "audit", "seal", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("演练（--dry-run）：将把审计链尾第 ") and "未写入任何文件" in dry.output
    assert not log.exists()
    assert runner.invoke(app, ["--db", db_url, "audit", "seal"]).exit_code == 0
    before = log.read_bytes()
    assert runner.invoke(app, ["--db", db_url, "audit", "seal", "--dry-run"]).exit_code == 0
    assert log.read_bytes() == before
