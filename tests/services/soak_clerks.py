"""The clerks of the concurrency soak (issue 16): one function per post, run in its own spawned interpreter.

Each clerk loops over its post's service calls until a wall-clock deadline, choosing among them at random (seeded),
and logs every outcome as one JSON line: what it called, on which record, and what the clerk would have read —
``describe()`` of the TUI, the one wording every screen shows. The parent test reads the logs and checks them
against the database. Contested records (findings, flags, accounts, service items) are shared by two clerks so
that optimistic locks and row locks are really raced.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.conftest import CALENDAR, COURT, FIXED_NOW
from tests.services.test_filing import APPLICATION_ITEMS, DRAFT
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import AssetFinding, Case, Deadline, ServiceAttempt, TriageFlags
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.funds import DisbursementInput
from zhihui_tui.domain.reception import VisitInput
from zhihui_tui.domain.service_attempts import AttemptInput, ResultInput
from zhihui_tui.domain.triage import FLAG_LABELS
from zhihui_tui.services import filing, funds, inquiry, service_desk, triage
from zhihui_tui.services.accounts import actor_for
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.reception import register_visit
from zhihui_tui.tui.service_calls import FailureKind, describe


@dataclass(frozen=True)
class Plan:
    """What the clerks work on, read from the loaded court before they start (plain data: it crosses processes)."""

    url: str
    data_dir: str
    seconds: float  # how long every clerk keeps starting new calls once all are ready
    findings: tuple[int, ...]  # contested by both inquiry clerks
    flag_cases: tuple[int, ...]  # 已送达 cases whose flags both inquiry clerks re-tick
    finding_targets: tuple[tuple[int, int], ...]  # (case, respondent) to add findings to
    accounts: tuple[tuple[int, str], ...]  # (case, applicant name): both funds clerks post and pay here
    approver_id: int
    triage_cases: tuple[int, ...]  # 已查控 cases the director flags and rules
    pack_steps: tuple[int, ...]  # 生成文书并邮寄 steps the service clerk takes while the director assigns
    service_clerks: tuple[int, ...]
    mail_targets: tuple[tuple[int, int], ...]  # (case, respondent) whose pack exists: mail, then a result
    visitors: tuple[tuple[int, str], ...]  # (case, applicant ID number) for a case query at the window
    basis_base: int = 0


@dataclass
class Log:
    """One clerk's outcome file, a JSON object per line."""

    path: Path
    lines: list[str] = field(default_factory=list)

    def write(self, op: str, kind: str, text: str = "", **data: Any) -> None:
        self.lines.append(json.dumps({"op": op, "kind": kind, "text": text, **data}, ensure_ascii=False))

    def flush(self) -> None:
        self.path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")


def _version(url_engine: Any, model: Any, key: Any) -> int | None:
    with read_session(url_engine) as session:
        row = session.get(model, key)
        return None if row is None else int(row.version)


# -- one call per post: each returns the data to log on success -----------------------------------------------


def file_one(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    """收案 then 立案: a new case number is allocated."""
    draft = replace(DRAFT, basis_number=f"（2026）内2221民初{plan.basis_base + serial}号")
    case_id = filing.receive_materials(draft, APPLICATION_ITEMS, ctx=ctx)
    version = _version(ctx.engine, Case, case_id)
    assert version is not None
    first = rng.choice(plan.service_clerks)  # 初次分案 to one of the service desk's clerks
    filed = filing.file_case(case_id, expected_version=version, first_assignee_id=first, ctx=ctx)
    return {"case": case_id, "number": filed.case_number}


def visit(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    """A party asks about their case at the window."""
    case_id, id_number = rng.choice(plan.visitors)
    visit_id = register_visit(VisitInput(id_number=id_number, case_id=case_id, outcome="告知案件进展"), ctx=ctx)
    return {"visit": visit_id}


def edit_finding(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    """Re-save a contested finding with the version just read (a lost race must be a conflict)."""
    finding_id = rng.choice(plan.findings)
    with read_session(ctx.engine) as session:
        row = session.get(AssetFinding, finding_id)
        assert row is not None
        party, version = row.party_id, row.version
    amount = f"{rng.randint(1, 9_999_999) / 100:.2f}"
    edit = inquiry.FindingInput(party_id=party, asset_type="存款", institution="农行", amount=amount)
    inquiry.update_finding(finding_id, edit, expected_version=version, ctx=ctx)
    return {"finding": finding_id, "from": version}


def add_finding(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    case_id, party = rng.choice(plan.finding_targets)
    row = inquiry.FindingInput(party_id=party, asset_type="车辆", institution="公安交管", quantity="1")
    return {"finding": inquiry.add_finding(case_id, row, ctx=ctx), "case": case_id}


def retick_flags(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    """Toggle one flag on a contested case: every save changes the row, so every success bumps its version."""
    case_id = rng.choice(plan.flag_cases)
    with read_session(ctx.engine) as session:
        row = session.get(TriageFlags, case_id)
        current = {name for name in FLAG_LABELS if row is not None and getattr(row, name)}
        version = None if row is None else row.version
    flag = rng.choice(sorted(FLAG_LABELS))
    inquiry.set_triage_flags(case_id, current ^ {flag}, expected_version=version, ctx=ctx)
    return {"case": case_id, "from": version}


def post_receipt(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    case_id, _ = rng.choice(plan.accounts)
    fen = rng.randint(1, 500_000)
    raw = funds.ReceiptInput("张三", "", "现场缴纳", "2026-11-20", str(Decimal(fen) / 100))
    funds.record_receipt(case_id, raw, ctx=ctx)
    return {"case": case_id, "fen": fen}


def pay_out(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    case_id, payee = rng.choice(plan.accounts)
    fen = rng.randint(1, 900_000)
    raw = DisbursementInput(
        payee,
        "中国农业银行科右前旗支行",
        "6228480088123456789",
        str(Decimal(fen) / 100),
        "2026-11-26",
        plan.approver_id,
    )
    funds.disburse(case_id, raw, ctx=ctx)
    return {"case": case_id, "fen": -fen}


def board_flags(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    case_id = rng.choice(plan.triage_cases)
    with read_session(ctx.engine) as session:
        row = session.get(TriageFlags, case_id)
        version = None if row is None else row.version
    triage.set_flags(case_id, {rng.choice(sorted(FLAG_LABELS))}, expected_version=version, ctx=ctx)
    return {"case": case_id}


def rule(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    case_id = rng.choice(plan.triage_cases)
    return {"case": case_id, "track": triage.accept(case_id, ctx=ctx).value}


def _pack_item(ctx: ServiceContext, rng: random.Random, plan: Plan) -> tuple[service_desk.ItemKey, int]:
    step = rng.choice(plan.pack_steps)
    version = _version(ctx.engine, Deadline, step)
    assert version is not None
    return service_desk.ItemKey(service_desk.ItemKind.PACK, step), version


def assign_pack(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    item, version = _pack_item(ctx, rng, plan)
    clerk = rng.choice(plan.service_clerks)
    service_desk.assign_item(item, clerk, expected_version=version, ctx=ctx)
    return {"step": item.id, "from": version}


def take_pack(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    item, version = _pack_item(ctx, rng, plan)
    service_desk.take_item(item, expected_version=version, ctx=ctx)
    return {"step": item.id, "from": version}


def mail_and_result(ctx: ServiceContext, plan: Plan, rng: random.Random, serial: int) -> dict[str, Any]:
    """Mail a respondent whose pack is printed, then record it served (a refused second mailing is a refusal)."""
    case_id, party = rng.choice(plan.mail_targets)
    number = f"1{plan.basis_base // 1000 % 100:02d}{serial:010d}"
    raw = AttemptInput("邮寄", "科尔沁右翼前旗大坝沟镇", number, "2026-11-26")
    attempt = service_desk.record_attempt(service_desk.Target(case_id, party_id=party), raw, ctx=ctx)
    version = _version(ctx.engine, ServiceAttempt, attempt)
    service_desk.record_result(attempt, ResultInput("送达", "2026-11-27"), expected_version=version, ctx=ctx)
    return {"attempt": attempt}


def _ms(began: float) -> int:
    return round((time.monotonic() - began) * 1000)


Call = Callable[[ServiceContext, Plan, random.Random, int], dict[str, Any]]
POSTS: dict[str, tuple[Call, ...]] = {
    "filing": (file_one, file_one, visit),
    "inquiry": (edit_finding, edit_finding, retick_flags, add_finding),
    "funds": (post_receipt, post_receipt, pay_out),
    "director": (board_flags, rule, assign_pack, assign_pack),
    "service": (take_pack, mail_and_result),
}


def clerk(plan: Plan, post: str, login: str, seed: int, log_path: str, ready: Any, go: Any) -> None:
    """One terminal: once every terminal is up (``go``), call the post's services for ``plan.seconds``, logging
    what the clerk would read."""
    engine = make_engine(plan.url)
    ctx = ServiceContext(
        engine=engine,
        clock=FixedClock(FIXED_NOW),
        calendar=CALENDAR,
        actor=actor_for(engine, login),
        court=COURT,
        data_dir=Path(plan.data_dir),
    )
    rng, log, serial = random.Random(seed), Log(Path(log_path)), seed * 100_000
    ready.release()
    go.wait()
    stop_at = time.monotonic() + plan.seconds
    while time.monotonic() < stop_at:
        call = rng.choice(POSTS[post])
        serial += 1
        began, at = time.monotonic(), time.time()
        try:
            data = call(ctx, plan, rng, serial)
        except Exception as error:  # every error: what the TUI would show for it
            failure = describe(error, call.__name__)
            kind = {FailureKind.CONFLICT: "conflict", FailureKind.REFUSED: "refused"}.get(failure.kind, "bad")
            log.write(
                call.__name__,
                kind,
                failure.text,
                ms=_ms(began),
                at=at,
                error=type(error).__name__,
                detail=str(error)[:300],
            )
        else:
            log.write(call.__name__, "ok", ms=_ms(began), at=at, **data)
    log.flush()
    engine.dispose()
