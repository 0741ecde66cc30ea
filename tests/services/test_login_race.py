"""Parallel wrong passwords from real processes: the five-failure lock holds (at most five verifications)."""

from __future__ import annotations

import multiprocessing
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import select

from tests.conftest import FIXED_NOW, make_staff
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import Staff
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role

ATTEMPTS = 12


class _CountingHasher:
    """The real hasher, counting its verifications."""

    def __init__(self, real: object) -> None:
        self.real, self.verified = real, 0

    def verify(self, hash_: str, password: str) -> bool:
        self.verified += 1
        return self.real.verify(hash_, password)  # type: ignore[attr-defined, no-any-return]

    def hash(self, password: str) -> str:
        return self.real.hash(password)  # type: ignore[attr-defined, no-any-return]


def _attempt(url: str, barrier: multiprocessing.synchronize.Barrier, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """One terminal typing a wrong password; reports how many password hashes this process verified."""
    from zhihui_tui.services import accounts

    engine = make_engine(url)
    counting = _CountingHasher(accounts._hasher)
    accounts._hasher = counting  # a real argon2 hasher that also counts, not a mock of the database
    with engine.connect():
        pass  # connect before the start line, so every process races on the attempt itself
    barrier.wait(timeout=60)
    try:
        accounts.authenticate(engine, "lian1", "wrong-password", clock=FixedClock(FIXED_NOW))
        message = "accepted"
    except accounts.LoginRefused as refused:
        message = refused.message
    engine.dispose()
    queue.put((counting.verified, message))


def test_parallel_wrong_passwords_verify_at_most_five_times(db_url: str, engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(ATTEMPTS), context.Queue()
    workers = [context.Process(target=_attempt, args=(db_url, barrier, queue)) for _ in range(ATTEMPTS)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    verifications = sum(verified for verified, _ in results)
    assert verifications <= 5, results
    assert all(message != "accepted" for _, message in results)
    assert sum("约" in message for _, message in results) >= ATTEMPTS - 5  # refused by the lock, unverified
    with read_session(engine) as session:
        staff = session.exec(select(Staff).where(Staff.login == "lian1")).one()
    assert staff.failed_logins == 5
    assert staff.locked_until is not None and staff.locked_until > datetime(2026, 11, 27, 9, 30)
