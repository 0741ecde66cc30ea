"""The run ledger's claim (R-CLI-2) under real contention: processes released at the same instant against one
SQLite file or one PostgreSQL database — as cron on several machines would — and exactly one may do the work.
Also the business day by the court calendar: weekends, golden weeks, make-up working days, the year's turn."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import CALENDAR
from zhihui_tui.domain.batch_runs import RunOutcome, business_day
from zhihui_tui.services.batch_runs import Produced, RunRequest, claim_holder, claim_run, finish_run, runs_of

NOW = datetime(2026, 11, 30, 9, 0)
CLAIMER = """
import json, os, sys, time
from datetime import date, datetime
from zhihui_tui.db.engine import make_engine
from zhihui_tui.services.batch_runs import RunRequest, claim_run
engine = make_engine(sys.argv[1])
engine.connect().close()
while not os.path.exists(sys.argv[2]):
    time.sleep(0.005)
claim = claim_run(engine, RunRequest("supervise", date(2026, 11, 30), "每日 → /srv/督办.xlsx"),
                  now=datetime(2026, 11, 30, 9, 0))
print(json.dumps({"won": claim.run_id is not None,
                  "holder": claim.holder.outcome.value if claim.holder else None}), flush=True)
while not os.path.exists(sys.argv[3]):  # stay alive: a claim whose process is gone may be taken over
    time.sleep(0.005)
"""


def test_processes_released_together_claim_the_work_exactly_once(engine: Engine, db_url: str, tmp_path: Path) -> None:
    go, done = tmp_path / "go", tmp_path / "done"
    procs = [
        subprocess.Popen([sys.executable, "-c", CLAIMER, db_url, str(go), str(done)], stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    time.sleep(3)  # every process connected and waiting
    go.touch()
    try:
        answers = [json.loads(p.stdout.readline()) for p in procs if p.stdout is not None]
    finally:
        done.touch()
    assert all(p.wait(timeout=120) == 0 for p in procs)
    assert sorted(a["won"] for a in answers) == [False, False, False, True]
    assert [a["holder"] for a in answers if not a["won"]] == ["running"] * 3  # the winner has not finished
    assert [r.outcome for r in runs_of(engine, "supervise")] == [RunOutcome.RUNNING]


def test_a_success_holds_the_claim_a_failure_releases_it(engine: Engine) -> None:
    request = RunRequest("stats monthly", date(2026, 11, 30), "2026-11 → /srv/月报.xlsx")
    first = claim_run(engine, request, now=NOW)
    assert first.run_id is not None
    finish_run(engine, first.run_id, produced=None, now=NOW)  # failed
    assert claim_holder(engine, request) is None
    second = claim_run(engine, request, now=NOW)
    assert second.run_id is not None
    finish_run(engine, second.run_id, produced=Produced("3 名承办人"), now=NOW)
    third = claim_run(engine, request, now=NOW)
    assert third.run_id is None and third.holder is not None
    assert (third.holder.outcome, third.holder.produced) == (RunOutcome.SUCCEEDED, "3 名承办人")
    forced = claim_run(engine, RunRequest(request.command, request.day, request.scope, force=True), now=NOW)
    assert forced.run_id is not None
    outcomes = [r.outcome for r in runs_of(engine, "stats monthly")]
    assert outcomes == [RunOutcome.FAILED, RunOutcome.SUPERSEDED, RunOutcome.RUNNING]


def test_a_finish_never_overwrites_a_run_that_was_taken_over(engine: Engine) -> None:
    request = RunRequest("funds ledger", date(2026, 11, 30), "2026-11 → /srv/案款.xlsx")
    stale = claim_run(engine, request, now=NOW)
    assert stale.run_id is not None
    taken = claim_run(engine, RunRequest(request.command, request.day, request.scope, force=True), now=NOW)
    assert taken.run_id is not None
    finish_run(engine, stale.run_id, produced=Produced("迟到的结果"), now=NOW)  # the abandoned run wakes up
    runs = runs_of(engine, "funds ledger")
    assert [(r.outcome, r.produced) for r in runs] == [
        (RunOutcome.FAILED, "运行中被 --force 取代"),
        (RunOutcome.RUNNING, ""),
    ]


@pytest.mark.parametrize(
    ("at", "day"),
    [
        ("2026-11-30T09:00", "2026-11-30"),  # a Monday
        ("2026-11-28T23:00", "2026-11-27"),  # Saturday → Friday
        ("2026-10-01T08:00", "2026-09-30"),  # National Day 2026: the whole golden week is the eve's
        ("2026-10-07T20:00", "2026-09-30"),
        ("2026-10-08T08:00", "2026-10-08"),  # back to work
        ("2026-10-10T09:00", "2026-10-10"),  # a Saturday made a working day (调休)
        ("2027-01-01T10:00", "2026-12-31"),  # New Year's Day 2027 belongs to the last working day of 2026
        ("2027-02-08T10:00", "2027-02-04"),  # Spring Festival 2027 (provisional data: 02-05..02-08 off)
    ],
)
def test_the_business_day_is_the_last_working_day(at: str, day: str) -> None:
    assert business_day(datetime.fromisoformat(at), CALENDAR).isoformat() == day


def test_the_calendar_data_behind_the_business_days() -> None:
    """The days the cases above rely on, read from the packaged holiday data (so a data change shows here)."""
    assert not CALENDAR.is_workday(date(2026, 10, 7)) and CALENDAR.is_workday(date(2026, 10, 10))
    assert not CALENDAR.is_workday(date(2027, 2, 8)) and CALENDAR.is_workday(date(2027, 2, 9))
    assert not CALENDAR.is_workday(date(2027, 1, 1)) and CALENDAR.is_workday(date(2026, 12, 31))
