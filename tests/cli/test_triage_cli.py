"""``zhihui triage propose [--json]`` (SPEC §5.2): case_number, proposal, reasons, blocking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import FIXED_NOW
from tests.services.test_inquiry import PERSON_C, served_case
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import Case
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import Stage

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> tuple[str, list[str]]:
    url = f"sqlite:///{tmp_path / 'court.db'}"
    engine = make_engine(url)
    upgrade(engine)
    clock = FixedClock(FIXED_NOW)
    ids = [
        served_case(engine, clock, stage=Stage.INQUIRED),
        served_case(engine, clock, stage=Stage.INQUIRED, respondents=(("王五", PERSON_C, True),)),
        served_case(engine, clock, stage=Stage.INQUIRED, disputed=True),
        served_case(engine, clock),  # still at the inquiry post: not listed
    ]
    with read_session(engine) as session:
        numbers = [session.get(Case, i).case_number or "" for i in ids]  # type: ignore[union-attr]
    engine.dispose()
    return url, numbers


def test_propose_json(db: tuple[str, list[str]]) -> None:
    url, numbers = db
    result = runner.invoke(app, ["--db", url, "--as-of", "2026-11-27T09:30", "triage", "propose", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [d["case_number"] for d in document] == numbers[:3]
    assert document[0] == {
        "case_number": numbers[0],
        "proposal": "快执",
        "reasons": ["标的 15.0 万元 ≤ 20 万元"],
        "blocking": [],
    }
    assert document[1]["proposal"] == "精执" and document[1]["blocking"] == ["被执行人下落不明：不适用快执"]
    assert document[2]["proposal"] == "局长指定" and document[2]["blocking"] == []


def test_propose_text_and_empty(db: tuple[str, list[str]], tmp_path: Path) -> None:
    url, numbers = db
    result = runner.invoke(app, ["--db", url, "triage", "propose"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith(f"{numbers[0]}\t快执\t")
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert runner.invoke(app, ["--db", empty, "db", "upgrade"]).exit_code == 0
    none = runner.invoke(app, ["--db", empty, "triage", "propose", "--json"])
    assert none.exit_code == 0 and json.loads(none.stdout) == []


def test_propose_on_a_database_never_upgraded_fails_in_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'x.db'}", "triage", "propose"])
    assert result.exit_code != 0 and result.stderr.startswith("错误：")
