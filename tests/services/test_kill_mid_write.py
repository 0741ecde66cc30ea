"""kill -9 of a writer inside its write transaction (issue 16), on SQLite and PostgreSQL.

A spawned interpreter calls a service; a hook on its engine's ``commit`` event — every row of the unit of work
flushed, the audit records appended, the COMMIT not yet sent — tells the test it is there and waits. The test sends
SIGKILL. Then: nothing of that call is in the database (no half record, no audit row), the next writer doing the
same thing gets through at once, the audit chain verifies and, on SQLite, ``PRAGMA integrity_check`` says ok.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, text
from sqlmodel import select

from tests.conftest import FIXED_NOW, context_for, make_staff
from tests.services.test_filing import APPLICATION_ITEMS, DRAFT
from tests.services.test_importing import add_account, csv_text, row
from tests.services.test_open_once_races import _cases, _respondent
from zhihui_tui.db.engine import is_sqlite, make_engine, read_session
from zhihui_tui.db.models import AssetFinding, AuditRecord, Case, FundsEntry, NetworkInquiry, Party, Visit
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.reception import VisitInput
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services import filing, funds, inquiry
from zhihui_tui.services.accounts import actor_for, system_actor
from zhihui_tui.services.audit import verify
from zhihui_tui.services.importing.cases import import_cases
from zhihui_tui.services.reception import register_visit

APPLICANT_ID = "152221199003070011"  # the applicant of every case ``_cases`` registers
TIMEOUT = 90
NEXT_WRITER_SECONDS = 10.0  # the next clerk's save, however loaded the machine: far below the 15 s busy timeout


def _call(engine: Engine, job: str, case_id: int, party_id: int, login: str, folder: str) -> None:
    ctx = context_for(engine, actor_for(engine, login), FixedClock(FIXED_NOW))
    if job == "receive":
        filing.receive_materials(DRAFT, APPLICATION_ITEMS, ctx=ctx)
    elif job == "finding":
        raw = inquiry.FindingInput(party_id=party_id, asset_type="存款", institution="农行", amount="100.00")
        inquiry.add_finding(case_id, raw, ctx=ctx)
    elif job == "visit":
        register_visit(VisitInput(id_number=APPLICANT_ID, case_id=case_id, outcome="告知已立案"), ctx=ctx)
    elif job == "receipt":
        funds.record_receipt(case_id, funds.ReceiptInput("张三", "", "现场缴纳", "2026-11-20", "1234.56"), ctx=ctx)
    else:
        import_cases(Path(folder) / "cases.csv", ctx=ctx.acting(system_actor(engine)))


def _writer(url: str, job: str, args: tuple[Any, ...], at_commit: Any) -> None:
    """Call the service; at its COMMIT, say so and wait to be killed."""
    engine = make_engine(url)

    @event.listens_for(engine, "commit")
    def _hold(_connection: Any) -> None:
        at_commit.set()
        time.sleep(600)

    _call(engine, job, *args)


TABLES = {"receive": Case, "finding": AssetFinding, "visit": Visit, "receipt": FundsEntry, "import": Case}


def _counts(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            model.__name__: int(session.exec(select(func.count()).select_from(model)).one())
            for model in (Case, Party, AssetFinding, NetworkInquiry, Visit, FundsEntry, AuditRecord)
        }


def _setup(engine: Engine, clock: FixedClock, tmp_path: Path) -> tuple[int, int, dict[str, str]]:
    logins = {
        "receive": make_staff(engine, clock, "lian1", Role.FILING_REVIEW).login,
        "visit": make_staff(engine, clock, "lian2", Role.FILING_REVIEW).login,
        "finding": make_staff(engine, clock, "chakong", Role.NETWORK_INQUIRY).login,
        "receipt": make_staff(engine, clock, "kuanwu1", Role.FUNDS).login,
        "import": "system",
    }
    add_account(engine, clock, "kuai01", Role.HANDLER, "王建国", team=Team.FAST.value, title=Title.JUDGE.value)
    (case_id,) = _cases(engine, clock, Stage.SERVED, count=1)
    rows = [row(执行依据=f"科尔沁右翼前旗人民法院（2026）内2221民初{8000 + n}号 2026-10-01") for n in range(300)]
    (tmp_path / "cases.csv").write_text(csv_text(rows), encoding="utf-8-sig")
    return case_id, _respondent(engine, case_id), logins


@pytest.mark.parametrize("job", ["receive", "finding", "visit", "receipt", "import"])
def test_a_writer_killed_at_its_commit_leaves_nothing_and_blocks_no_one(
    db_url: str, engine: Engine, clock: FixedClock, tmp_path: Path, job: str
) -> None:
    case_id, party_id, logins = _setup(engine, clock, tmp_path)
    before = _counts(engine)
    context = multiprocessing.get_context("spawn")
    at_commit = context.Event()
    args = (case_id, party_id, logins[job], str(tmp_path))
    writer = context.Process(target=_writer, args=(db_url, job, args, at_commit))
    writer.start()
    try:
        assert at_commit.wait(TIMEOUT), "the writer never reached its commit"
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(TIMEOUT)
    finally:
        if writer.is_alive():
            writer.kill()
    assert writer.exitcode == -signal.SIGKILL
    assert _counts(engine) == before  # no half record, no audit row of the killed call

    started = time.monotonic()
    _call(engine, job, *args)  # the next clerk (or the next cron run) does the same and gets through
    assert time.monotonic() - started < NEXT_WRITER_SECONDS
    after = _counts(engine)
    assert after[TABLES[job].__name__] > before[TABLES[job].__name__]
    with read_session(engine) as session:
        assert verify(session).ok
    if is_sqlite(engine):
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
