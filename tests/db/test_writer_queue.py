"""SQLite's writers queue in arrival order (issue 16): a batch writing in short steps lets every clerk in between.

The proof runs real processes: one batch process writes back-to-back steps that each hold the write lock for
``STEP`` seconds, while ``CLERKS`` processes keep saving. For every save we measure the wait (asked → transaction
begun) and how many batch steps began while it waited. With the queue a waiting clerk is overtaken by at most the
one step that took its ticket just before the clerk did; left to SQLite's busy handler (``writer_queue=False``) the
batch takes the lock again in the microseconds after each COMMIT while the clerks sleep in back-off, and a clerk
waits step after step — the second test keeps that measurement honest (it is what the queue is for).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.conftest import context_for, make_staff
from tests.db import writer_queue_procs as procs
from tests.db.writer_queue_procs import CLERKS, INSERT, STEP, schema
from tests.services.test_open_once_races import _cases
from zhihui_tui.db import engine as engine_module
from zhihui_tui.db import writer_gate
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import funds
from zhihui_tui.services.errors import ConcurrentEdit
from zhihui_tui.services.uow import WRITE_BUSY

pytestmark = pytest.mark.skipif(not writer_gate.SUPPORTED, reason="the writer queue needs Linux OFD locks")


@dataclass
class Measured:
    waits: list[float]  # each clerk save's wait, asked → transaction begun (s)
    overtaken: list[int]  # each save's count of batch steps that began while it waited
    timed_out: int  # saves that outwaited the timeout
    begun: list[tuple[float, int]]  # every transaction's (begun at, ticket), batch's and clerks'


def _run(url: str, *, queued: bool) -> Measured:
    schema(url)
    context = multiprocessing.get_context("spawn")
    ready, go, done, out = context.Semaphore(0), context.Event(), context.Event(), context.Queue()
    workers = [context.Process(target=procs.batch, args=(url, queued, ready, go, done, out))]
    workers += [context.Process(target=procs.clerk, args=(url, queued, n, ready, go, done, out)) for n in range(CLERKS)]
    for worker in workers:
        worker.start()
    for _ in workers:
        assert ready.acquire(timeout=60), "a process did not start"
    go.set()
    results = dict(out.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    assert [w.exitcode for w in workers] == [0] * len(workers)
    steps: list[tuple[float, int]] = results.pop("batch")
    saves = [save for clerk in results.values() for save in clerk]
    waited = [(asked, began, ticket) for asked, began, ticket in saves if began is not None]
    return Measured(
        waits=[began - asked for asked, began, _ in waited],
        overtaken=[sum(asked < step < began for step, _ in steps) for asked, began, _ in waited],
        timed_out=len(saves) - len(waited),
        begun=sorted(steps + [(began, ticket) for _, began, ticket in waited]),
    )


def _report(label: str, run: Measured) -> None:
    waits = run.waits
    p95 = statistics.quantiles(waits, n=20)[-1] if len(waits) > 1 else max(waits)
    print(
        f"\n{label}: {len(waits)} saves, wait max {max(waits) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"median {statistics.median(waits) * 1000:.0f} ms; overtaken by batch steps max {max(run.overtaken)}; "
        f"timed out {run.timed_out}; load {os.getloadavg()[0]:.1f}"
    )


@pytest.mark.slow
def test_a_batch_writing_in_steps_lets_each_waiting_clerk_in_at_the_next_step(tmp_path: Path) -> None:
    run = _run(f"sqlite:///{tmp_path / 'queue.db'}", queued=True)
    _report("queued", run)
    assert run.timed_out == 0
    assert len(run.waits) >= CLERKS * 10  # the clerks really saved while the batch ran
    # First come, first served, across the five processes: transactions began in the order of their tickets.
    tickets = [ticket for _, ticket in run.begun]
    assert tickets == sorted(tickets) and len(set(tickets)) == len(tickets) and tickets[0] > 0
    # On the clock: the step that took its ticket just before the clerk did may begin while the clerk waits (and
    # one more if the clerk's process was descheduled between asking and taking its ticket); no other does. So a
    # save waits for a step and the other clerks' short saves ahead of it: far below the 15 s timeout, and far
    # below the three seconds the batch runs.
    assert max(run.overtaken) <= 2
    assert max(run.waits) < 30 * STEP


@pytest.mark.slow
def test_without_the_queue_the_same_batch_starves_the_clerks(tmp_path: Path) -> None:
    """The measurement above has teeth: SQLite's busy handler alone lets the batch overtake waiting clerks."""
    run = _run(f"sqlite:///{tmp_path / 'busy.db'}", queued=False)
    _report("busy handler", run)
    assert max(run.overtaken) >= 5
    assert max(run.waits) >= 5 * STEP


# -- in one process: order, timeouts, dead holders, what is not queued ----------------------------------------------


def _hold(engine: Engine, entered: threading.Event, release: threading.Event) -> None:
    with engine.begin() as connection:
        connection.execute(INSERT, {"who": "holder", "n": 0})
        entered.set()
        release.wait(10)


def test_writers_of_one_process_begin_in_the_order_they_asked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'order.db'}"
    schema(url)
    engine = make_engine(url)
    entered, release, order = threading.Event(), threading.Event(), []

    def save(n: int) -> None:
        with engine.begin() as connection:
            order.append(n)
            connection.execute(INSERT, {"who": "clerk", "n": n})

    holder = threading.Thread(target=_hold, args=(engine, entered, release))
    holder.start()
    assert entered.wait(10)
    savers = []
    for n in range(6):
        savers.append(threading.Thread(target=save, args=(n,)))
        savers[-1].start()
        time.sleep(0.03)  # each has taken its ticket before the next asks
    release.set()
    for thread in [holder, *savers]:
        thread.join(10)
    assert order == list(range(6))
    engine.dispose()


def test_a_turn_that_does_not_come_in_time_is_the_save_again_message_and_leaves_the_queue(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'zhihui.db'}"
    engine = make_engine(url)
    upgrade(engine)
    clerk = make_staff(engine, clock, "kuanwu1", Role.FUNDS)
    (case_id,) = _cases(engine, clock, Stage.SERVED, count=1)
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 300)  # the 15 s of production, shortened
    impatient, third = make_engine(url), make_engine(url)
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_connection, args=(engine, entered, release))
    holder.start()
    assert entered.wait(10)
    raw = funds.ReceiptInput("张三", "", "现场缴纳", "2026-11-20", "10.00")
    try:
        began = time.monotonic()
        with pytest.raises(ConcurrentEdit) as told:
            funds.record_receipt(case_id, raw, ctx=context_for(impatient, clerk, clock))
        assert str(told.value) == WRITE_BUSY
        assert 0.25 < time.monotonic() - began < 5
    finally:
        release.set()
        holder.join(10)
    began = time.monotonic()  # the writer that gave up holds no place: the next one is not kept waiting for it
    funds.record_receipt(case_id, raw, ctx=context_for(third, clerk, clock))
    funds.record_receipt(case_id, raw, ctx=context_for(impatient, clerk, clock))  # and the clerk's save again works
    assert time.monotonic() - began < 1
    for each in (engine, impatient, third):
        each.dispose()


def _hold_connection(engine: Engine, entered: threading.Event, release: threading.Event) -> None:
    with engine.begin() as connection:
        connection.execute(text("SELECT 1"))
        entered.set()
        release.wait(10)


@pytest.mark.parametrize("where", ["holding", "waiting"])
def test_a_writer_killed_in_the_queue_does_not_hold_it_up(tmp_path: Path, where: str) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    schema(url)
    engine = make_engine(url)
    context = multiprocessing.get_context("spawn")
    entered = context.Event()
    connection = engine.connect() if where == "waiting" else None
    if connection is not None:
        connection.begin()  # the test holds the turn; the other process queues behind it
    victim = context.Process(target=procs.die_holding if where == "holding" else procs.die_waiting, args=(url, entered))
    victim.start()
    assert entered.wait(60)
    time.sleep(0.3)  # holding its turn (or its ticket) for sure
    assert victim.pid is not None
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(10)
    if connection is not None:
        connection.rollback()
        connection.close()
    began = time.monotonic()
    with engine.begin() as writing:
        writing.execute(INSERT, {"who": "next", "n": 0})
    assert time.monotonic() - began < 1
    with engine.connect() as reading:
        assert reading.execute(text("SELECT who FROM step")).scalars().all() == ["next"]
    engine.dispose()


def test_readers_and_in_memory_databases_are_not_queued(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'read.db'}"
    schema(url)
    engine = make_engine(url)
    entered, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=(engine, entered, release))
    holder.start()
    assert entered.wait(10)
    try:
        began = time.monotonic()
        with read_session(make_engine(url)) as session:
            assert session.connection().execute(text("SELECT count(*) FROM step")).scalar_one() == 0
        assert time.monotonic() - began < 1
    finally:
        release.set()
        holder.join(10)
    assert (tmp_path / "read.db.writer-queue").exists()
    assert writer_gate.gate_for(":memory:", 1.0) is None
    assert writer_gate.gate_for(None, 1.0) is None
    memory = make_engine("sqlite://")
    with memory.begin() as connection:
        assert not isinstance(connection.connection.dbapi_connection, writer_gate.GatedConnection)
    memory.dispose()
    engine.dispose()


def test_a_sidecar_that_cannot_be_used_leaves_the_writers_to_sqlite(tmp_path: Path) -> None:
    """A queue file that cannot be opened (here a folder in its place; a read-only folder or a full disk alike)
    costs fairness, never a save."""
    url = f"sqlite:///{tmp_path / 'odd.db'}"
    (tmp_path / "odd.db.writer-queue").mkdir()
    schema(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(INSERT, {"who": "clerk", "n": 0})
        assert connection.connection.dbapi_connection.ticket is None  # type: ignore[union-attr]
    with engine.connect() as reading:
        assert reading.execute(text("SELECT count(*) FROM step")).scalar_one() == 1
    engine.dispose()
