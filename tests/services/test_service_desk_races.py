"""The service desk under contention (issue 13): two real processes, released together by a barrier, on SQLite
and PostgreSQL. One clerk wins each round; the other is told in Chinese; the database holds one owner, one
waiting mailing per respondent, one use of a tracking number."""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from tests.conftest import context_for, make_staff
from tests.services.documents_court import FIRM, SETTINGS, filed_case, person, register
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.models import Case, Deadline, ServiceAttempt
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.service_attempts import AttemptInput
from zhihui_tui.domain.steps import Step
from zhihui_tui.services import service_desk as desk
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.context import Actor
from zhihui_tui.services.documents import GenerateRequest, generate_packs, load_templates

ROUNDS = 4
TIMEOUT = 60
SQL_WORDS = re.compile(r"INSERT|UPDATE|UNIQUE|duplicate key|constraint|\[SQL", re.IGNORECASE)
Job = Callable[..., None]


def _terminal(url: str, job: Job, calls: Sequence[tuple[Any, ...]], barrier: Any, queue: Any) -> None:
    engine = make_engine(url)
    outcomes: list[tuple[str, str]] = []
    for args in calls:
        barrier.wait(timeout=TIMEOUT)
        try:
            job(engine, *args)
        except DomainError as error:
            outcomes.append(("refused", error.message))
        except Exception as error:  # what would reach the clerk raw
            outcomes.append(("raw", f"{type(error).__name__}: {error}"[:400]))
        else:
            outcomes.append(("ok", ""))
    engine.dispose()
    queue.put(outcomes)


def _race(url: str, job: Job, first: Sequence[tuple[Any, ...]], second: Sequence[tuple[Any, ...]]) -> None:
    """Both terminals' rounds; asserts that each round had one winner and one Chinese refusal."""
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_terminal, args=(url, job, calls, barrier, queue)) for calls in (first, second)]
    for worker in workers:
        worker.start()
    try:
        results = [queue.get(timeout=TIMEOUT) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
    for number, pair in enumerate(zip(*results, strict=True), start=1):
        assert sorted(kind for kind, _ in pair) == ["ok", "refused"], f"round {number}: {pair}"
        message = next(text for kind, text in pair if kind == "refused")
        assert not SQL_WORDS.search(message) and re.search(r"[\u4e00-\u9fff]", message), message


def _take(engine: Engine, deadline_id: int, actor: Actor, clock: FixedClock) -> None:
    item = desk.ItemKey(desk.ItemKind.PACK, deadline_id)
    desk.take_item(item, expected_version=1, ctx=context_for(engine, actor, clock))


def _mail(engine: Engine, case_id: int, party_id: int, number: str, actor: Actor, clock: FixedClock) -> None:
    raw = AttemptInput("邮寄", "科尔沁右翼前旗大坝沟镇", number, "2026-11-26")
    desk.record_attempt(desk.Target(case_id, party_id=party_id), raw, ctx=context_for(engine, actor, clock))


def resident_id(serial: int) -> str:
    """A valid resident ID number (GB 11643 check digit) born 1990-01-01, one per serial."""
    body = f"15222119900101{serial:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _court(engine: Engine, clock: FixedClock, tmp_path: Path, cases: int) -> tuple[Actor, Actor, list[int]]:
    first = make_staff(engine, clock, "songda1", Role.SERVICE, name="王丽娟")
    second = make_staff(engine, clock, "songda2", Role.SERVICE, name="乌日娜")
    new = [
        filed_case(applicants=(FIRM,), respondents=(person(f"被执行人{i}", resident_id(i + 1)),), amount_fen=100_00)
        for i in range(cases)
    ]
    numbers = register(engine, system_actor(engine), clock, *new)  # nobody at the desk holds them yet
    request = GenerateRequest(out_dir=tmp_path / "documents", templates=load_templates(()), settings=SETTINGS)
    generate_packs(request, ctx=context_for(engine, first, clock))
    with Session(engine) as session:
        ids = [session.exec(select(Case.id).where(Case.case_number == n)).one() for n in numbers]
    return first, second, [i for i in ids if i is not None]


def _count(engine: Engine, *where: Any) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(ServiceAttempt).where(*where)).one())


def test_two_clerks_take_the_same_pack_at_once(db_url: str, engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    first, second, case_ids = _court(engine, clock, tmp_path, ROUNDS)
    with Session(engine) as session:
        steps = session.exec(
            select(Deadline.id).where(col(Deadline.case_id).in_(case_ids), Deadline.step == Step.SERVICE_PACK.value)
        ).all()
    _race(db_url, _take, [(i, first, clock) for i in steps], [(i, second, clock) for i in steps])
    with Session(engine) as session:
        owners = session.exec(select(Deadline.owner_id).where(col(Deadline.id).in_(steps))).all()
    assert len(owners) == ROUNDS and all(owner in (first.id, second.id) for owner in owners)


def test_two_clerks_mail_the_same_respondent_at_once(
    db_url: str, engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    first, second, case_ids = _court(engine, clock, tmp_path, ROUNDS)
    parties = [desk.pack_recipients(i, ctx=context_for(engine, first, clock))[0].party_id for i in case_ids]
    rounds = list(zip(case_ids, parties, strict=True))
    _race(
        db_url,
        _mail,
        [(c, p, f"11512345670{n:02d}", first, clock) for n, (c, p) in enumerate(rounds)],
        [(c, p, f"11512345671{n:02d}", second, clock) for n, (c, p) in enumerate(rounds)],
    )
    for case_id in case_ids:
        assert _count(engine, ServiceAttempt.case_id == case_id) == 1


def test_one_tracking_number_typed_for_two_respondents_at_once(
    db_url: str, engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    first, second, case_ids = _court(engine, clock, tmp_path, 2 * ROUNDS)
    parties = [desk.pack_recipients(i, ctx=context_for(engine, first, clock))[0].party_id for i in case_ids]
    pairs = list(zip(case_ids, parties, strict=True))
    _race(
        db_url,
        _mail,
        [(*pairs[2 * n], f"115123456780{n}", first, clock) for n in range(ROUNDS)],
        [(*pairs[2 * n + 1], f"115123456780{n}", second, clock) for n in range(ROUNDS)],
    )
    for n in range(ROUNDS):
        assert _count(engine, ServiceAttempt.tracking_number == f"115123456780{n}") == 1
