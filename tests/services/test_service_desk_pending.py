"""送达跟踪 as the database keeps it (issue 16, migration 0028): after every kind of desk operation — a mailing,
a failed result, the next attempt, a served one, a handler's matter, a public notice — ``pending_attempt`` holds
exactly the attempts awaiting a result and the failures whose recipient has no later attempt, on SQLite and
PostgreSQL; the migration fills it from the attempts a court already has; ``db copy`` brings it over and the copy
keeps it; two real processes recording at once for one case leave it exact."""

from __future__ import annotations

import multiprocessing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from tests.conftest import context_for, reset_postgres
from tests.services.pending_check import computed_pending, kept_pending, pending
from tests.services.test_service_desk import (
    GOOD,
    Desk,
    _give_handler,
    generate,
    mail,
    make_desk,
    respondents,
    result,
)
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import _config
from zhihui_tui.db.models import ServiceAttempt
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.field_work import MatterKind, MatterRequest
from zhihui_tui.domain.service_attempts import AttemptInput, ResultInput
from zhihui_tui.services import service_desk as desk
from zhihui_tui.services.context import Actor
from zhihui_tui.services.db_copy import copy_database
from zhihui_tui.services.delegation import request_matter

ELSEWHERE = "乌兰浩特市兴安北大路 8 号"


@pytest.fixture
def court(engine: Engine, clock: FixedClock, tmp_path: Path) -> Desk:
    return make_desk(engine, clock, tmp_path)


def listed(c: Desk) -> list[int]:
    """送达跟踪's lines, and 待下一步 agrees with the failures among them."""
    rows = desk.attempt_queue(ctx=c.ctx(c.clerk))
    failed = sum(row.result is not None for row in rows)
    assert desk.awaiting_next(ctx=c.ctx(c.clerk)) == desk.caseload(ctx=c.ctx(c.clerk)).awaiting_next == failed
    assert [(row.sent_on, row.id) for row in rows] == sorted((row.sent_on, row.id) for row in rows)
    return [row.id for row in rows]


def send(c: Desk, target: desk.Target, how: str, address: str, number: str = "", day: str = "2026-11-27") -> int:
    attempt_id = desk.record_attempt(target, AttemptInput(how, address, number, day), ctx=c.ctx(c.clerk))
    assert attempt_id in pending(c.engine)
    return attempt_id


def test_mailings_results_and_next_attempts_keep_exactly_the_attempts_awaiting_the_desk(court: Desk) -> None:
    c = court
    generate(c)
    li, wang = respondents(c, c.two)
    first = mail(c, c.two, li.party_id, GOOD[0], day="2026-11-25")
    other = mail(c, c.two, wang.party_id, GOOD[1])
    assert pending(c.engine) == {first, other} and listed(c) == [first, other]  # oldest sent first
    result(c, first, "退回", following="另址邮寄")  # awaits its next way
    assert pending(c.engine) == {first, other} and desk.awaiting_next(ctx=c.ctx(c.clerk)) == 1
    again = mail(c, c.two, li.party_id, GOOD[2], address=ELSEWHERE)  # the next way taken: the failure leaves
    assert pending(c.engine) == {other, again} and listed(c) == [other, again]
    result(c, again, "地址不详", following="另址邮寄")
    result(c, other, "送达")
    assert pending(c.engine) == {again} and listed(c) == [again]
    third = mail(c, c.two, li.party_id, GOOD[3], address="科右前旗归流河镇")
    result(c, third, "拒收")  # served (留置): nothing awaits the desk for the case any more
    assert pending(c.engine) == set() and listed(c) == []


def test_a_handlers_matter_is_its_own_recipient_beside_the_pack(court: Desk) -> None:
    c = court
    generate(c)
    li, _wang = respondents(c, c.two)
    pack = mail(c, c.two, li.party_id, GOOD[0])
    result(c, pack, "退回", following="另址邮寄")
    _give_handler(c, c.two)
    matter = request_matter(
        MatterRequest(c.two, MatterKind.SERVICE, "向被执行人邮寄送达限制消费令", "2026-12-31"), ctx=c.ctx(c.handler)
    )
    target = desk.Target(c.two, matter_id=matter)
    sent = send(c, target, "邮寄", "科尔沁右翼前旗大坝沟镇", GOOD[1])
    result(c, sent, "退回", following="另址邮寄")
    assert pending(c.engine) == {pack, sent} and listed(c) == [pack, sent]
    resent = send(c, target, "邮寄", ELSEWHERE, GOOD[2])  # the matter's next way; the pack's failure still waits
    assert pending(c.engine) == {pack, resent}
    result(c, resent, "送达")
    assert pending(c.engine) == {pack} and listed(c) == [pack]


def test_a_public_notice_awaits_its_thirty_days_and_leaves_when_served(court: Desk) -> None:
    c = court
    generate(c)
    _give_handler(c, c.one)
    party = respondents(c, c.one)[0]
    mailed = mail(c, c.one, party.party_id, GOOD[0])
    result(c, mailed, "地址不详", following="公告送达")
    matter = request_matter(
        MatterRequest(c.one, MatterKind.PUBLIC_NOTICE, "被执行人下落不明，请公告送达", "2027-01-29"),
        ctx=c.ctx(c.handler),
    )
    assert listed(c) == [mailed] and desk.awaiting_next(ctx=c.ctx(c.clerk)) == 1
    notice = send(c, desk.Target(c.one, party_id=party.party_id, matter_id=matter), "公告送达", "人民法院公告网")
    # the notice is the respondent's next way: the failed mailing no longer waits for one
    assert listed(c) == [notice] and desk.awaiting_next(ctx=c.ctx(c.clerk)) == 0 and mailed not in pending(c.engine)
    c.clock.at = datetime(2027, 1, 4, 9, 0)
    outcome = result(c, notice, "送达", day="2026-12-28")
    assert outcome.case_served and notice not in pending(c.engine)
    assert notice not in listed(c)


def _migrate(engine: Engine, step: Any, revision: str) -> None:
    with engine.connect() as connection:
        config = _config()
        config.attributes["connection"] = connection
        step(config, revision)
        connection.commit()


_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
    "UNION SELECT tgname FROM pg_trigger UNION SELECT proname FROM pg_proc",
}


def _names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {name for (name,) in connection.execute(text(_TABLES[engine.dialect.name]))}


def _a_desk_day(c: Desk) -> dict[str, int]:
    """Open, failed-and-waiting, failed-and-followed, served and matter attempts; their ids by what they are."""
    generate(c)
    li, wang = respondents(c, c.two)
    zhang = respondents(c, c.one)[0]
    followed = mail(c, c.two, li.party_id, GOOD[0], day="2026-11-24")
    result(c, followed, "退回", following="另址邮寄")
    ids = {"followed": followed, "open": mail(c, c.two, li.party_id, GOOD[1], address=ELSEWHERE)}
    ids["waiting"] = mail(c, c.two, wang.party_id, GOOD[2], day="2026-11-25")
    result(c, ids["waiting"], "地址不详", following="承办人直接送达")
    ids["served"] = mail(c, c.one, zhang.party_id, GOOD[3])
    result(c, ids["served"], "送达")
    _give_handler(c, c.two)
    matter = request_matter(
        MatterRequest(c.two, MatterKind.SERVICE, "向被执行人邮寄送达限制消费令", "2026-12-31"), ctx=c.ctx(c.handler)
    )
    ids["matter"] = send(c, desk.Target(c.two, matter_id=matter), "邮寄", "科尔沁右翼前旗大坝沟镇", "1151234567899")
    assert pending(c.engine) == {ids["open"], ids["waiting"], ids["matter"]}
    return ids


def test_migration_0028_fills_the_attempts_awaiting_the_desk_from_those_a_court_has(court: Desk) -> None:
    """Back to 0027 (no table, no triggers, no functions), attempts and all; up again: the kept set is the computed
    one, and the triggers move it again."""
    c = court
    ids = _a_desk_day(c)
    before = kept_pending(c.engine)
    _migrate(c.engine, command.downgrade, "0027")
    assert not {n for n in _names(c.engine) if "pending_attempt" in n}
    _migrate(c.engine, command.upgrade, "head")
    assert kept_pending(c.engine) == before == computed_pending(c.engine)
    result(c, ids["matter"], "送达")  # and the triggers are back
    assert pending(c.engine) == {ids["open"], ids["waiting"]}


def test_db_copy_brings_the_kept_set_over_once_and_the_copy_keeps_it(court: Desk, tmp_path: Path) -> None:
    """The copy sets the target's triggers aside, so each pending row is the source's (not one more from a trigger
    fired by the copied attempt); the triggers are back at the target afterwards."""
    c = court
    ids = _a_desk_day(c)
    url = f"sqlite:///{tmp_path / 'copy.db'}"
    copy_database(c.engine, url)
    target = make_engine(url)
    try:
        assert kept_pending(target) == kept_pending(c.engine) == computed_pending(target)
        copied = Desk(**(vars(c) | {"engine": target}))
        result(copied, ids["open"], "送达")
        assert pending(target) == {ids["waiting"], ids["matter"]}
        wang = respondents(copied, c.two)[1]
        visit = send(copied, desk.Target(c.two, party_id=wang.party_id), "直接送达", "科右前旗归流河镇")
        assert pending(target) == {visit, ids["matter"]}  # the failure's next way taken at the copy
    finally:
        target.dispose()


@pytest.mark.postgres
def test_db_copy_into_postgresql_keeps_the_set_too(
    sqlite_engine: Engine, clock: FixedClock, pg_url: str, tmp_path: Path
) -> None:
    c = make_desk(sqlite_engine, clock, tmp_path)
    ids = _a_desk_day(c)
    reset_postgres(pg_url)
    copy_database(c.engine, pg_url)
    target = make_engine(pg_url)
    try:
        assert kept_pending(target) == kept_pending(c.engine) == computed_pending(target)
        result(Desk(**(vars(c) | {"engine": target})), ids["matter"], "送达")
        assert pending(target) == {ids["open"], ids["waiting"]}
    finally:
        target.dispose()


# -- two terminals at once ---------------------------------------------------------------------------------------


def _clerk_in_process(
    url: str, steps: list[tuple[str, Any]], clerk: Actor, clock: FixedClock, barrier: Any, queue: Any
) -> None:
    """Each step after the barrier: ("mail", (case, party, address, number)) or ("result", (what, following));
    a result is recorded on this clerk's last mailing."""
    engine = make_engine(url)
    ctx = context_for(engine, clerk, clock)
    outcomes: list[str] = []
    last = 0
    for kind, args in steps:
        barrier.wait(timeout=60)
        try:
            if kind == "mail":
                case_id, party_id, address, number = args
                raw = AttemptInput("邮寄", address, number, "2026-11-26")
                last = desk.record_attempt(desk.Target(case_id, party_id=party_id), raw, ctx=ctx)
            else:
                desk.record_result(last, ResultInput(args[0], "2026-11-27", args[1]), ctx=ctx)
        except DomainError as error:
            outcomes.append(f"refused: {error.message}")
        except Exception as error:
            outcomes.append(f"raw: {error!r}"[:300])
        else:
            outcomes.append("ok")
    engine.dispose()
    queue.put(outcomes)


def test_two_clerks_recording_for_one_case_at_once_keep_the_set_exact(db_url: str, court: Desk) -> None:
    """Two processes, released together at each step, each mail, fail, mail again and serve one respondent of the
    same case: the kept set moves in each write's own transaction and ends as computed."""
    c = court
    generate(c)
    li, wang = respondents(c, c.two)

    def steps(party: int, numbers: tuple[str, str, str], last: str) -> list[tuple[str, Any]]:
        return [
            ("mail", (c.two, party, "科尔沁右翼前旗大坝沟镇", numbers[0])),
            ("result", ("退回", "另址邮寄")),
            ("mail", (c.two, party, ELSEWHERE, numbers[1])),
            ("result", ("地址不详", "另址邮寄")),
            ("mail", (c.two, party, "科右前旗归流河镇", numbers[2])),
            ("result", (last, "另址邮寄" if last == "退回" else "")),
        ]

    plans = [
        steps(li.party_id, ("1151234567801", "1151234567802", "1151234567803"), "送达"),
        steps(wang.party_id, ("1151234567811", "1151234567812", "1151234567813"), "退回"),
    ]
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_clerk_in_process, args=(db_url, plan, c.clerk, c.clock, barrier, queue))
        for plan in plans
    ]
    for worker in workers:
        worker.start()
    try:
        outcomes = [queue.get(timeout=120) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.kill()
    assert outcomes == [["ok"] * 6] * 2, outcomes
    with Session(c.engine) as session:
        waiting = session.exec(select(ServiceAttempt.id).where(ServiceAttempt.tracking_number == "1151234567813")).one()
    assert pending(c.engine) == {waiting} and listed(c) == [waiting]  # 李四 served; 王五's third mailing returned
