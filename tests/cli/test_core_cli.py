"""Batch commands as cron runs them: real SQLite files, exit codes, one-line reasons, JSON on stdout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zhihui_tui.__main__ import hoist_global_options
from zhihui_tui.cli.app import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'court.db'}"
    result = runner.invoke(app, ["--db", url, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    return url


def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, hoist_global_options(list(args)), input=stdin)


def test_upgrade_is_idempotent_and_status_reports_head(db: str) -> None:
    again = invoke("db", "upgrade", "--db", db)
    assert again.exit_code == 0 and "已是最新" in again.output
    status = invoke("db", "status", "--json", "--db", db)
    assert status.exit_code == 0 and json.loads(status.stdout)["up_to_date"] is True


def test_commands_refuse_an_uninitialised_database(tmp_path: Path) -> None:
    result = invoke("user", "list", "--db", f"sqlite:///{tmp_path / 'empty.db'}")
    assert result.exit_code == 1
    assert "zhihui db upgrade" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_user_add_reads_the_password_from_stdin(db: str) -> None:
    added = invoke(
        "user", "add", "lian1", "--name", "王立案", "--role", "立案审查组", "--db", db, stdin="s3cret-pass\n"
    )
    assert added.exit_code == 0, added.output
    listed = invoke("user", "list", "--json", "--db", db)
    assert {"login": "lian1", "name": "王立案", "roles": ["filing_review"]} in json.loads(listed.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lian1", "--name", "王立案", "--role", "wizard"], "没有“wizard”这个角色"),
        (["lian1", "--name", "王立案", "--role", "handler", "--mobile", "12345"], "手机号"),
        (["lian 1", "--name", "王立案", "--role", "handler"], "登录名"),
        (["cheng1", "--name", "王承办", "--role", "handler", "--team", "nope"], "团队：没有“nope”"),
        (["cheng1", "--name", "王承办", "--role", "handler", "--title", "法官"], "职务：没有“法官”"),
    ],
)
def test_user_add_bad_input_fails_with_one_line(db: str, args: list[str], message: str) -> None:
    result = invoke("user", "add", *args, "--db", db, stdin="s3cret-pass\n")
    assert result.exit_code == 1 and message in result.output
    assert invoke("user", "list", "--json", "--db", db).stdout.strip() == "[]"


def test_user_add_takes_team_and_title_by_code_or_chinese_name(db: str) -> None:
    for login, team, title in (("cheng1", "快执", "员额法官"), ("cheng2", "intensive", "enforcement_officer")):
        args = ("--role", "handler", "--team", team, "--title", title, "--db", db)
        result = invoke("user", "add", login, "--name", "王承办", *args, stdin="s3cret-pass\n")
        assert result.exit_code == 0, result.output
    assert len(json.loads(invoke("user", "list", "--json", "--db", db).stdout)) == 2


def test_audit_verify_passes_on_an_untouched_trail(db: str, tmp_path: Path) -> None:
    invoke("user", "add", "lian1", "--name", "王立案", "--role", "filing_review", "--db", db, stdin="s3cret-pass\n")
    log = str(tmp_path / "audit-seal.log")
    assert invoke("audit", "seal", "--log", log, "--db", db).exit_code == 0
    result = invoke("audit", "verify", "--json", "--log", log, "--db", db)
    assert result.exit_code == 0 and json.loads(result.stdout) == {
        "ok": True,
        "complete": True,
        "checked": 2,
        "bad_id": None,
        "reason": "",
        "seals_checked": 1,
        "unchecked": [],
        "notes": [],
    }


def test_audit_verify_fails_naming_the_first_bad_row(db: str) -> None:
    import sqlite3

    for login in ("a1", "a2"):
        invoke("user", "add", login, "--name", "某人", "--role", "handler", "--db", db, stdin="s3cret-pass\n")
    path = db.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TRIGGER audit_record_no_update")
        connection.execute("UPDATE audit_record SET actor_login = 'intruder' WHERE id = 2")
    result = invoke("audit", "verify", "--db", db)
    assert result.exit_code == 1
    assert "第 2 条" in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("trigger", "days", "due"),
    [
        ("2026-09-29", "2", "2026-10-08"),  # into National Day: rolls to the first working day after it
        ("2026-02-13", "2", "2026-02-24"),  # Spring Festival 2026
        ("2026-12-30", "2", "2027-01-04"),  # the year boundary into provisional 2027 data
        ("2026/3/5", "0", "2026-03-05"),
    ],
)
def test_calendar_due(trigger: str, days: str, due: str) -> None:
    result = invoke("calendar", "due", trigger, days)
    assert result.exit_code == 0 and result.stdout.strip() == due


def test_calendar_due_says_when_the_deadline_rests_on_provisional_data() -> None:
    into_2027 = invoke("calendar", "due", "2026-12-25", "15")
    assert into_2027.stdout.strip() == "2027-01-11"  # the date alone on stdout, for scripts
    assert "2027 年节假日数据为暂定" in into_2027.stderr
    assert "暂定" not in invoke("calendar", "due", "2026-09-29", "2").stderr
    as_json = json.loads(invoke("calendar", "due", "2026-12-30", "2", "--json").stdout)
    assert as_json["provisional_years"] == [2027]


def test_calendar_due_rejects_an_impossible_date_and_a_missing_year() -> None:
    bad_date = invoke("calendar", "due", "2026-02-30", "2")
    assert bad_date.exit_code == 2 and "起算日" in bad_date.output  # a bad argument: a usage error
    missing = invoke("calendar", "due", "2029-06-01", "2")
    assert missing.exit_code == 1 and "2029" in missing.output


def test_calendar_status_flags_provisional_years() -> None:
    result = invoke("calendar", "status", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    years = {entry["year"]: entry for entry in report["years"]}
    assert years[2026]["provisional"] is False
    assert years[2027]["provisional"] is True


def test_as_of_is_accepted_anywhere_and_checked(db: str) -> None:
    assert invoke("supervise", "--json", "--as-of", "2026-12-01T09:00", "--db", db).exit_code == 0
    bad = invoke("supervise", "--as-of", "yesterday", "--db", db)
    assert bad.exit_code == 2 and "--as-of" in bad.output


def test_hoisting_keeps_other_arguments_in_order() -> None:
    assert hoist_global_options(["calendar", "due", "--db=x", "2026-01-01", "--as-of", "t", "3"]) == [
        "--db=x",
        "--as-of",
        "t",
        "calendar",
        "due",
        "2026-01-01",
        "3",
    ]
