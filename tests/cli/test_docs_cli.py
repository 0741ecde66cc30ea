"""``zhihui docs generate`` / ``zhihui docs print`` as cron runs them (R-CLI-2): JSON on stdout, a second run that
writes nothing and says so, a failing case named on stderr with a non-zero exit while the others are written,
template problems stopping the run with no file left behind."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from tests.cli.state import database_rows, folder_files
from tests.conftest import FIXED_NOW
from tests.services.documents_court import FIRM, LI, SETTINGS_ENV, WANG, ZHANG, filed_case, person, register, text_of
from zhihui_tui.__main__ import hoist_global_options
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.services.accounts import system_actor

runner = CliRunner()
AS_OF = "2026-11-27T09:30"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, hoist_global_options(list(args)))


@pytest.fixture
def court(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    """A court database with two due packs and one case without a service address."""
    for name, value in SETTINGS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ZHIHUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ZHIHUI_TEMPLATE_DIR", raising=False)
    url = f"sqlite:///{tmp_path / 'court.db'}"
    assert invoke("--db", url, "db", "upgrade").exit_code == 0
    engine = make_engine(url)
    numbers = register(
        engine,
        system_actor(engine),
        FixedClock(FIXED_NOW),
        filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=20_000_000),
        filed_case(applicants=(WANG,), respondents=(person("赵六", "152221199501010032", address=None),), amount_fen=1),
        filed_case(applicants=(WANG,), respondents=(FIRM,), amount_fen=100_001, received=datetime(2026, 11, 25, 9)),
    )
    engine.dispose()
    return url, numbers


def test_generate_names_the_failed_case_keeps_the_others_and_a_second_run_writes_nothing(
    court: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, numbers = court
    out = tmp_path / "out"
    first = invoke("--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(out), "--json")
    assert first.exit_code == 1
    document = json.loads(first.stdout)
    assert [g["case_number"] for g in document["generated"]] == [numbers[0], numbers[2]]
    assert document["failed"] == [
        {"case_number": numbers[1], "reason": "缺少被执行人“赵六”的送达地址", "missing": ["被执行人“赵六”的送达地址"]}
    ]
    assert first.stderr.strip() == f"错误：1 件案件的文书未生成：{numbers[1]}（缺少被执行人“赵六”的送达地址）"
    paths = [Path(d["path"]) for g in document["generated"] for d in g["documents"]]
    assert len(paths) == 10 and all(p.is_file() for p in paths)
    for path in paths:
        assert numbers[0] in text_of(path) or numbers[2] in text_of(path)
    assert "贰拾万元整" in text_of(paths[0])
    assert [t["name"] for t in document["templates"]] == [
        "执行通知书.docx",
        "报告财产令.docx",
        "传票.docx",
        "缴款通知书.docx",
        "执行裁定书.docx",
    ]

    files_before = sorted(out.rglob("*"))
    second = invoke("--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(out))
    assert second.exit_code == 1  # the address is still missing
    assert "没有需要生成的文书，未写入任何文件，2 件已生成过" in second.stdout
    assert sorted(out.rglob("*")) == files_before


def test_force_for_one_case_keeps_the_old_version(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, numbers = court
    out = tmp_path / "out"
    invoke("--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(out), "--case", numbers[0])
    forced = invoke(
        "--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(out), "--case", numbers[0], "--force"
    )
    assert forced.exit_code == 0, forced.output
    assert "执行通知书（第 2 版）" in forced.stdout
    folder = out / numbers[0]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{k}-v{v}.docx" for k in ("执行通知书", "报告财产令", "传票", "缴款通知书", "执行裁定书") for v in (1, 2)
    )


def test_dry_run_lists_and_writes_nothing(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, numbers = court
    result = invoke("--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(tmp_path / "out"), "--dry-run")
    assert f"{numbers[0]}\t将生成 执行通知书、报告财产令、传票、缴款通知书、执行裁定书" in result.stdout
    assert "未写入任何文件" in result.stdout and not (tmp_path / "out").exists()


def test_unknown_placeholder_stops_the_run_with_no_file(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, _ = court
    templates = tmp_path / "court-templates"
    templates.mkdir()
    document = docx.Document()
    document.add_paragraph("{{ case_number }} {{ debtor }}")
    document.save(str(templates / "传票.docx"))
    result = invoke(
        "--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(tmp_path / "out"), "--templates", str(templates)
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：模板 ") and "{{ debtor }}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.docx"))


def test_missing_account_settings_are_named(
    court: tuple[str, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = court
    monkeypatch.delenv("ZHIHUI_FUNDS_ACCOUNT_NUMBER")
    result = invoke("--db", url, "docs", "generate", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "案款账户账号（ZHIHUI_FUNDS_ACCOUNT_NUMBER）" in result.stderr
    assert not (tmp_path / "out").exists()


def test_print_merges_the_days_documents(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, numbers = court
    invoke("--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(tmp_path / "out"))
    printed = invoke("--db", url, "--as-of", AS_OF, "docs", "print", "--out", str(tmp_path / "print"), "--json")
    assert printed.exit_code == 0, printed.output
    files = json.loads(printed.stdout)
    assert [f["kind"] for f in files] == ["执行通知书", "报告财产令", "传票", "缴款通知书", "执行裁定书"]
    assert all(f["case_numbers"] == [numbers[0], numbers[2]] for f in files)
    merged = text_of(Path(files[0]["path"]))
    assert numbers[0] in merged and numbers[2] in merged
    later = invoke(
        "--db",
        url,
        "--as-of",
        "2026-12-03T10:00",
        "docs",
        "print",
        "--date",
        "2026-11-27",
        "--out",
        str(tmp_path / "p2"),
    )
    assert later.exit_code == 0 and "（重新打印）" in later.stdout
    nothing = invoke(
        "--db", url, "--as-of", AS_OF, "docs", "print", "--date", "2026-11-26", "--out", str(tmp_path / "p3")
    )
    assert "2026-11-26 没有生成的文书可打印" in nothing.stdout


def test_print_dry_run_names_what_it_would_merge_and_writes_nothing(
    court: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, numbers = court
    invoke("--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(tmp_path / "out"))
    before, files = database_rows(url), folder_files(tmp_path)
    dry = invoke("--db", url, "--as-of", AS_OF, "docs", "print", "--out", str(tmp_path / "print"), "--dry-run")
    assert dry.exit_code == 0, dry.output
    (line,) = dry.output.strip().splitlines()
    assert line.startswith(f"演练（--dry-run）：将在 {tmp_path / 'print'} 合并 2026-11-27 的执行通知书 2 份、")
    assert line.endswith("未写入任何文件，未改动数据库")
    assert database_rows(url) == before and folder_files(tmp_path) == files and not (tmp_path / "print").exists()
    listed = invoke("--db", url, "--as-of", AS_OF, "docs", "print", "--dry-run", "--json")
    first = {"kind": "执行通知书", "case_numbers": [numbers[0], numbers[2]], "dry_run": True}
    assert json.loads(listed.stdout)[0] == first


def test_generate_dry_run_changes_no_row(court: tuple[str, list[str]], tmp_path: Path) -> None:
    url, _ = court
    before = database_rows(url)
    result = invoke("--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(tmp_path / "out"), "--dry-run")
    assert "演练（--dry-run）：2 件案件将生成文书" in result.stdout
    assert database_rows(url) == before
