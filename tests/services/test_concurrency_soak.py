"""Eight clerks and the batch commands at once on the demo court, on SQLite and PostgreSQL (issue 16).

Eight spawned interpreters drive the services as the posts do — filing (收案、立案) and the window, network inquiry
(findings, flags), funds (receipts, disbursements), the director (flags, rulings, assigning service items) and the
service desk (taking items, mailings and results) — while the parent runs ``zhihui triage propose``, ``supervise``,
``import cases``, ``ledger daily`` and ``audit verify`` as cron would, for ``SOAK_SECONDS``. Every outcome is logged
as the clerk would read it. Then, against the database:

- no lost update: each contested record's version (and its audit rows) counts exactly the saves reported as done —
  every other save reached its clerk as a conflict;
- no "database is locked", SQL text or traceback reached a clerk or a command's output;
- no duplicate or skipped case number per year and type;
- the audit chain verifies; every account's balance is its entries' sum to the fen, and equals what was reported.

SQLite's writers queue in arrival order (``db/writer_gate.py``; SQLite's own busy handler is not fair: with eight
writers on two loaded cores one could lose every turn for 15 s). A save that still outwaits the 15 s timeout is told
"其他终端正在集中保存…" — a conflict, nothing saved — and counted as one.
``ZHIHUI_SOAK_SECONDS`` lengthens the run for a longer local soak.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import col, select

from tests.conftest import CALENDAR, FIXED_NOW
from tests.services.documents_court import SETTINGS
from tests.services.pending_check import computed_pending, kept_pending
from tests.services.soak_clerks import Plan, clerk
from tests.services.test_importing import add_account, csv_text, row
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import (
    AssetFinding,
    AuditRecord,
    Case,
    CaseParty,
    CaseSequence,
    Deadline,
    FundsEntry,
    Party,
    Staff,
    TriageFlags,
    Visit,
)
from zhihui_tui.demo import load_demo
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import Step
from zhihui_tui.services import inquiry
from zhihui_tui.services.accounts import actor_for
from zhihui_tui.services.audit import verify
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.documents import GenerateRequest, generate_packs, load_templates
from zhihui_tui.services.funds.accounts import balance_of
from zhihui_tui.services.uow import WRITE_BUSY

SOAK_SECONDS = float(os.environ.get("ZHIHUI_SOAK_SECONDS", "30"))
CLERKS = (
    ("filing", "lian1"),
    ("filing", "lian2"),
    ("inquiry", "chakong"),
    ("inquiry", "chakong2"),
    ("funds", "kuanwu1"),
    ("funds", "kuanwu2"),
    ("director", "zhuren"),
    ("service", "songda1"),
)
AS_OF = FIXED_NOW.strftime("%Y-%m-%dT%H:%M")
BAD_TEXT = re.compile(
    r"database is locked|Traceback|INSERT|UPDATE |UNIQUE|duplicate key|constraint|\[SQL|psycopg", re.IGNORECASE
)
CASE_NUMBER = re.compile(r"（(\d{4})）内2221(执恢|执异|执)(\d+)号")
pytestmark = pytest.mark.slow


@dataclass
class Court:
    """The loaded court, the plan the clerks get, and what was there before they started."""

    engine: Engine
    plan: Plan
    versions: dict[tuple[str, int], int] = field(default_factory=dict)
    balances: dict[int, int] = field(default_factory=dict)
    sequences: dict[tuple[int, str], int] = field(default_factory=dict)
    last_case: int = 0
    last_entry: int = 0
    findings: int = 0
    visits: int = 0


# -- set-up --------------------------------------------------------------------------------------------------


def _ids(engine: Engine, statement: Any) -> list[Any]:
    with read_session(engine) as session:
        return list(session.exec(statement).all())


def _respondent(engine: Engine, case_id: int) -> int:
    statement = select(CaseParty.party_id).where(CaseParty.case_id == case_id, CaseParty.role == "respondent")
    return int(_ids(engine, statement)[0])


def _staff_id(engine: Engine, login: str) -> int:
    return int(_ids(engine, select(Staff.id).where(Staff.login == login))[0])


def _by_stage(engine: Engine, stage: Stage, count: int, skip: int = 0) -> list[int]:
    statement = select(Case.id).where(Case.stage == stage.value).order_by(Case.id).offset(skip).limit(count)
    return [int(i) for i in _ids(engine, statement)]


def _accounts(engine: Engine) -> list[tuple[int, str]]:
    """Two cases that hold money, with an applicant to pay."""
    cases = _ids(engine, select(FundsEntry.case_id).distinct().order_by(FundsEntry.case_id).limit(2))
    out = []
    for case_id in cases:
        statement = (
            select(Party.name)
            .join(CaseParty, col(CaseParty.party_id) == Party.id)
            .where(CaseParty.case_id == case_id, CaseParty.role == "applicant")
        )
        out.append((int(case_id), str(_ids(engine, statement)[0])))
    return out


def _visitors(engine: Engine) -> list[tuple[int, str]]:
    statement = (
        select(CaseParty.case_id, Party.id_number)
        .join(Party, col(CaseParty.party_id) == Party.id)
        .where(CaseParty.role == "applicant", Party.kind == "person", col(Party.id_number).is_not(None))
        .order_by(CaseParty.case_id)
        .limit(4)
    )
    return [(int(c), str(i)) for c, i in _ids(engine, statement)]


def _load_court(url: str, data_dir: Path, clock: FixedClock) -> Court:
    engine = make_engine(url)
    upgrade(engine)
    load_demo(engine, clock=clock, calendar=CALENDAR, court_code="内2221")
    add_account(engine, clock, "chakong2", Role.NETWORK_INQUIRY, "网络查控二")
    served = _by_stage(engine, Stage.SERVED, 4)
    chakong = ServiceContext(engine=engine, clock=clock, calendar=CALENDAR, actor=actor_for(engine, "chakong"))
    findings = []
    for case_id in served[:3]:
        first = inquiry.FindingInput(
            party_id=_respondent(engine, case_id), asset_type="存款", institution="农行", amount="100.00"
        )
        findings.append(inquiry.add_finding(case_id, first, ctx=chakong))
    filed = _by_stage(engine, Stage.FILED, 5)
    mailed, packed = filed[:2], filed[2:]
    songda = chakong.acting(actor_for(engine, "songda1"))
    for case_id in mailed:  # the pack must exist before a mailing
        number = _ids(engine, select(Case.case_number).where(Case.id == case_id))[0]
        request = GenerateRequest(
            out_dir=data_dir / "documents", templates=load_templates(()), settings=SETTINGS, case_number=number
        )
        generate_packs(request, ctx=songda)
    steps = select(Deadline.id).where(col(Deadline.case_id).in_(packed), Deadline.step == Step.SERVICE_PACK.value)
    plan = Plan(
        url=url,
        data_dir=str(data_dir),
        seconds=SOAK_SECONDS,
        findings=tuple(findings),
        flag_cases=tuple(served[2:]),
        finding_targets=tuple((c, _respondent(engine, c)) for c in served),
        accounts=tuple(_accounts(engine)),
        approver_id=_staff_id(engine, "zhuren"),
        triage_cases=tuple(_by_stage(engine, Stage.INQUIRED, 6)),
        pack_steps=tuple(int(i) for i in _ids(engine, steps)),
        service_clerks=(_staff_id(engine, "songda1"), _staff_id(engine, "songda2")),
        mail_targets=tuple((c, _respondent(engine, c)) for c in mailed),
        visitors=tuple(_visitors(engine)),
        basis_base=int(time.time()) % 1000 * 1_000_000,
    )
    return _snapshot(Court(engine, plan))


def _snapshot(court: Court) -> Court:
    """What the checks compare against: versions, balances and counters before the clerks start."""
    engine, plan = court.engine, court.plan
    with read_session(engine) as session:
        for finding in plan.findings:
            court.versions[("finding", finding)] = session.get_one(AssetFinding, finding).version
        for case_id in plan.flag_cases:
            flags = session.get(TriageFlags, case_id)
            court.versions[("flags", case_id)] = 0 if flags is None else flags.version
        for step in plan.pack_steps:
            court.versions[("step", step)] = session.get_one(Deadline, step).version
        court.balances = {case_id: balance_of(session, case_id) for case_id, _ in plan.accounts}
        court.sequences = {(s.year, s.case_type): s.last for s in session.exec(select(CaseSequence))}
        court.last_case = int(session.exec(select(func.max(Case.id))).one() or 0)
        court.last_entry = int(session.exec(select(func.max(FundsEntry.id))).one() or 0)
        court.findings = int(session.exec(select(func.count()).select_from(AssetFinding)).one())
        court.visits = int(session.exec(select(func.count()).select_from(Visit).where(*_today())).one())
    assert all(len(getattr(plan, name)) >= 2 for name in ("findings", "flag_cases", "accounts", "pack_steps"))
    return court


@pytest.fixture
def court(db_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Court]:
    began = time.monotonic()
    loaded = _load_court(db_url, tmp_path / "data", clock)
    print(f"\ncourt loaded in {time.monotonic() - began:.1f} s")
    yield loaded
    loaded.engine.dispose()


# -- the batch commands, as cron runs them meanwhile ----------------------------------------------------------


@dataclass
class Batch:
    """Runs each command in turn until the deadline; keeps (command, exit code, stdout, stderr)."""

    url: str
    folder: Path
    stop_at: float
    runs: list[tuple[str, int, str, str]] = field(default_factory=list)

    def command(self, *args: str) -> None:
        began = time.monotonic()
        seals = str(self.folder / "audit-seal.log")  # this database's own: verify checks every seal in it
        env = {**os.environ, "ZHIHUI_DATA_DIR": str(self.folder / "data"), "ZHIHUI_AUDIT_SEAL_LOG": seals}
        argv = [sys.executable, "-m", "zhihui_tui", "--db", self.url, "--as-of", AS_OF, *args]
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, check=False)
        self.runs.append((" ".join(args[:2]), done.returncode, done.stdout, done.stderr))
        print(f"{' '.join(args[:2])}: {time.monotonic() - began:.1f} s")

    def import_file(self, n: int) -> str:
        rows = [
            row(
                立案日期="2026-11-21",
                状态="已立案",
                执行依据=f"科尔沁右翼前旗人民法院（2025）内2221民初{n * 10 + k}号 2026-10-01",
            )
            for k in range(3)
        ]
        path = self.folder / f"import-{n}.csv"
        path.write_text(csv_text(rows), encoding="utf-8-sig")
        return str(path)

    def run(self) -> None:
        commands: list[tuple[str, ...]] = [("import",), ("triage", "propose", "--json"), ("supervise",)] * 100
        # yesterday's ledger (today's is reported after 17:00), written while the window registers today's visits
        commands.insert(0, ("ledger", "daily", "--date", "2026-11-26", "--out", str(self.folder / "ledger.xlsx")))
        for n, args in enumerate(commands):
            if time.monotonic() >= self.stop_at:
                break
            self.command(*(("import", "cases", self.import_file(n)) if args == ("import",) else args))
        self.command("audit", "seal")
        self.command("audit", "verify")


# -- the run -------------------------------------------------------------------------------------------------


def _run(court: Court, folder: Path) -> tuple[list[dict[str, Any]], Batch]:
    plan, began = court.plan, time.monotonic()
    context = multiprocessing.get_context("spawn")
    ready, go = context.Semaphore(0), context.Event()
    logs = [folder / f"clerk-{n}.jsonl" for n in range(len(CLERKS))]
    workers = [
        context.Process(target=clerk, args=(plan, post, login, n + 1, str(logs[n]), ready, go))
        for n, (post, login) in enumerate(CLERKS)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:  # every interpreter is up and connected: the soak's clock starts for all at once
        assert ready.acquire(timeout=120), "a clerk did not start"
    go.set()
    print(f"\nclerks up in {time.monotonic() - began:.1f} s")
    batch = Batch(plan.url, folder, time.monotonic() + SOAK_SECONDS)
    runner = threading.Thread(target=batch.run)
    runner.start()
    for worker in workers:
        worker.join(timeout=SOAK_SECONDS + 120)
        if worker.is_alive():
            worker.kill()
    runner.join(timeout=SOAK_SECONDS + 240)
    assert [w.exitcode for w in workers] == [0] * len(workers), "a clerk's process died"
    outcomes = []
    for n, path in enumerate(logs):
        for line in filter(None, path.read_text(encoding="utf-8").splitlines()):
            outcomes.append({**json.loads(line), "clerk": CLERKS[n][1]})
    return outcomes, batch


def _ok(outcomes: list[dict[str, Any]], op: str) -> list[dict[str, Any]]:
    return [o for o in outcomes if o["op"] == op and o["kind"] == "ok"]


def test_eight_clerks_and_the_batch_commands_at_once(court: Court, tmp_path: Path) -> None:
    started = time.monotonic()
    outcomes, batch = _run(court, tmp_path)
    tally = Counter((o["op"], o["kind"]) for o in outcomes)
    print(f"\nsoak {time.monotonic() - started:.1f} s: {sorted(tally.items())}")
    print("batch:", Counter((cmd, code) for cmd, code, _, _ in batch.runs))
    print("told:", Counter((o["op"], o["text"][:40]) for o in outcomes if o["kind"] != "ok").most_common(12))
    slowest = max(outcomes, key=lambda o: o["ms"])
    print("slowest call:", slowest["op"], slowest["ms"], "ms")
    _check_what_clerks_read(outcomes)
    _check_batch_output(batch)
    engine = court.engine
    _check_no_lost_update(court, outcomes)
    _check_case_numbers(court, outcomes)
    _check_money(court, outcomes)
    _check_visits_and_findings(court, outcomes)
    assert kept_pending(engine) == computed_pending(engine)  # 送达跟踪 as the database keeps it (migration 0028)
    with read_session(engine) as session:
        assert verify(session).ok


def _check_what_clerks_read(outcomes: list[dict[str, Any]]) -> None:
    bad = [o for o in outcomes if o["kind"] == "bad" or BAD_TEXT.search(o["text"])]
    assert not bad, bad[:5]
    for o in outcomes:
        if o["kind"] != "ok":
            assert re.search(r"[\u4e00-\u9fff]", o["text"]), o
    done = Counter(o["clerk"] for o in outcomes if o["kind"] == "ok")
    assert all(done[login] > 0 for _, login in CLERKS), done  # every terminal got work done


def _check_batch_output(batch: Batch) -> None:
    assert batch.runs and batch.runs[-1][0] == "audit verify" and batch.runs[-1][1] == 0, batch.runs[-1:]
    for command, code, out, err in batch.runs:
        assert code == 0, (command, code, err[-400:])
        assert not BAD_TEXT.search(out + err), (command, out[-400:], err[-400:])
    assert {cmd for cmd, *_ in batch.runs} >= {"import cases", "ledger daily", "audit seal"}


def _check_no_lost_update(court: Court, outcomes: list[dict[str, Any]]) -> None:
    """Each contested row moved one version per reported save: no save was silently lost or overwritten."""
    saves = Counter()
    for o in _ok(outcomes, "edit_finding"):
        saves[("finding", o["finding"])] += 1
    for o in _ok(outcomes, "retick_flags"):
        saves[("flags", o["case"])] += 1
    for o in _ok(outcomes, "take_pack") + _ok(outcomes, "assign_pack"):
        saves[("step", o["step"])] += 1
    models = {"finding": AssetFinding, "flags": TriageFlags, "step": Deadline}
    with read_session(court.engine) as session:
        for (kind, key), before in court.versions.items():
            row = session.get(models[kind], key)
            now = 0 if row is None else row.version
            assert now == before + saves[(kind, key)], (kind, key, before, saves[(kind, key)], now)
        for finding in court.plan.findings:  # and the audit trail holds one change per reported save
            audited = session.exec(
                select(func.count())
                .select_from(AuditRecord)
                .where(
                    AuditRecord.entity == "asset_finding",
                    AuditRecord.entity_id == str(finding),
                    AuditRecord.action == "修改查控结果",
                )
            ).one()
            assert audited == saves[("finding", finding)]
    conflicts = sum(1 for o in outcomes if o["kind"] == "conflict")
    busy = sum(1 for o in outcomes if o["text"] == WRITE_BUSY)
    print(f"saves {sum(saves.values())}, conflicts told to the clerk {conflicts} (of which busy {busy})")


def _check_case_numbers(court: Court, outcomes: list[dict[str, Any]]) -> None:
    """Numbers given out during the run: per year and type exactly the counter's new range, each once."""
    with read_session(court.engine) as session:
        numbers = session.exec(select(Case.case_number).where(Case.id > court.last_case)).all()
        sequences = {(s.year, s.case_type): s.last for s in session.exec(select(CaseSequence))}
    given: dict[tuple[int, str], list[int]] = {}
    for number in numbers:
        if number is not None and (match := CASE_NUMBER.fullmatch(number)):
            given.setdefault((int(match[1]), match[2]), []).append(int(match[3]))
    for key, last in sequences.items():
        start = court.sequences.get(key, 0)
        assert sorted(given.get(key, [])) == list(range(start + 1, last + 1)), key
    filed = [o["number"] for o in _ok(outcomes, "file_one")]
    assert len(set(filed)) == len(filed) and set(filed) <= set(numbers)
    assert filed, "no case was filed during the soak"


def _check_money(court: Court, outcomes: list[dict[str, Any]]) -> None:
    moved: Counter[int] = Counter()
    reported: dict[int, list[int]] = {}
    for o in _ok(outcomes, "post_receipt") + _ok(outcomes, "pay_out"):
        moved[o["case"]] += o["fen"]
        reported.setdefault(o["case"], []).append(o["fen"])
    with read_session(court.engine) as session:
        for case_id, before in court.balances.items():
            new = (FundsEntry.case_id == case_id, col(FundsEntry.id) > court.last_entry)
            entries = session.exec(select(FundsEntry).where(*new)).all()
            assert sorted(e.amount_fen for e in entries) == sorted(reported[case_id])  # entry by entry, signed
            assert sum(e.amount_fen for e in entries) == moved[case_id]
            assert balance_of(session, case_id) == before + moved[case_id] >= 0


def _check_visits_and_findings(court: Court, outcomes: list[dict[str, Any]]) -> None:
    with read_session(court.engine) as session:
        findings = session.exec(select(func.count()).select_from(AssetFinding)).one()
        visits = session.exec(select(func.count()).select_from(Visit).where(*_today())).one()
    assert findings == court.findings + len(_ok(outcomes, "add_finding"))
    assert visits == court.visits + len(_ok(outcomes, "visit"))


def _today() -> tuple[Any, ...]:
    start = FIXED_NOW.replace(hour=0, minute=0)
    return (col(Visit.visited_at) >= start, col(Visit.visited_at) < start.replace(day=start.day + 1))
