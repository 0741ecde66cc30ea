"""PostgreSQL restarted under load (issue 16): the clerk is told once, in Chinese, and the next save goes through.

The shared server on 5432 serves every other test, so this one starts a throwaway cluster of its own (``initdb`` in
a temporary folder, another port, run as the ``postgres`` account) and restarts that while a terminal keeps saving
receipts through the service layer. Each failure is worded by ``describe()``, exactly as a screen would show it.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from tests.conftest import context_for, make_staff
from tests.services.test_open_once_races import _cases
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import FundsEntry
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import funds
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.tui.service_calls import DATABASE_UNAVAILABLE, FailureKind, describe

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ACTION = "登记到账"


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(*argv: str) -> list[str]:
    """Run a server binary as the ``postgres`` account (the server refuses to run as root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return list(argv)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """A private PostgreSQL cluster: its folder, port and ``pg_ctl``."""

    def __init__(self, bin_dir: Path, folder: Path, port: int) -> None:
        self.bin_dir, self.folder, self.port = bin_dir, folder, port
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        argv = _as_postgres(str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options, "-w", *args)
        subprocess.run(argv, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.ctl("-l", str(self.folder / "server.log"), "start")  # a log file: the server must not hold our pipes

    def stop(self) -> None:
        self.ctl("-m", "fast", "stop")  # every session is cut, mid-transaction or not


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    bin_dir = _binaries()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start a server as the postgres account")
    folder = Path(tempfile.mkdtemp(prefix="zhihui-pg-"))
    os.chmod(folder, 0o777)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    initdb = _as_postgres(str(bin_dir / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres")
    subprocess.run([*initdb, "-E", "UTF8", "--no-sync"], check=True, capture_output=True, timeout=120)
    made = Cluster(bin_dir, folder, _free_port())
    made.start()
    try:
        yield made
    finally:
        made.ctl("-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


class Terminal(threading.Thread):
    """Saves a receipt again and again; keeps what the clerk was shown for each (kind, text, when)."""

    def __init__(self, ctx: ServiceContext, case_id: int) -> None:
        super().__init__(daemon=True)
        self.ctx, self.case_id = ctx, case_id
        self.seen: list[tuple[str, str, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            raw = funds.ReceiptInput("张三", "", "现场缴纳", "2026-11-20", "10.00")
            try:
                funds.record_receipt(self.case_id, raw, ctx=self.ctx)
            except Exception as error:  # as the screen would word it
                failure = describe(error, ACTION)
                self.seen.append((failure.kind.value, failure.text, time.monotonic()))
                time.sleep(0.2)  # the clerk reads the message before trying again
            else:
                self.seen.append(("ok", "", time.monotonic()))

    def oks(self) -> int:
        return sum(1 for kind, _, _ in self.seen if kind == "ok")


def _wait_for(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_restart_under_load_is_one_chinese_message_then_saves_again(cluster: Cluster, clock: FixedClock) -> None:
    engine: Engine = make_engine(cluster.url)
    upgrade(engine)
    clerk = make_staff(engine, clock, "kuanwu1", Role.FUNDS, name="周晓燕")
    (case_id,) = _cases(engine, clock, Stage.SERVED, count=1)
    terminal = Terminal(context_for(engine, clerk, clock), case_id)
    terminal.start()
    try:
        _wait_for(lambda: terminal.oks() >= 3)
        down = time.monotonic()
        cluster.stop()
        _wait_for(lambda: any(kind != "ok" and at > down for kind, _, at in terminal.seen))
        time.sleep(1.0)  # a few more tries against a server that is gone
        cluster.start()
        up = time.monotonic()
        _wait_for(lambda: any(kind == "ok" and at > up for kind, _, at in terminal.seen), seconds=30)
    finally:
        terminal.stop.set()
        terminal.join(timeout=30)
    outage = [(kind, text) for kind, text, at in terminal.seen if down < at]
    failures = {(kind, text) for kind, text in outage if kind != "ok"}
    assert failures == {(FailureKind.UNAVAILABLE.value, DATABASE_UNAVAILABLE)}, failures
    first_after = next(kind for kind, _, at in terminal.seen if at > up)
    assert first_after == "ok", terminal.seen[-10:]  # the pool threw the dead connections away: no stale error
    with read_session(engine) as session:
        stored = int(session.exec(select(func.count()).select_from(FundsEntry)).one())
    # Every save shown as done is there; a save cut at its COMMIT may have landed although the clerk was told
    # the database was unreachable — at most one such, since the terminal saves one at a time.
    assert terminal.oks() <= stored <= terminal.oks() + 1
    engine.dispose()


def test_a_terminal_idle_across_a_restart_saves_at_once(cluster: Cluster, clock: FixedClock) -> None:
    """Its pooled connection died with the old server: the next save must not be the one that finds out."""
    engine = make_engine(cluster.url)
    upgrade(engine)
    clerk = make_staff(engine, clock, "kuanwu2", Role.FUNDS, name="李会计")
    (case_id,) = _cases(engine, clock, Stage.SERVED, count=1)
    ctx = context_for(engine, clerk, clock)
    raw = funds.ReceiptInput("张三", "", "现场缴纳", "2026-11-20", "10.00")
    funds.record_receipt(case_id, raw, ctx=ctx)  # the pool now holds a connection to this server
    cluster.stop()
    cluster.start()
    funds.record_receipt(case_id, raw, ctx=ctx)  # pre-ping finds the dead connection and opens a new one
    with read_session(engine) as session:
        stored = session.exec(select(func.count()).select_from(FundsEntry).where(FundsEntry.case_id == case_id))
        assert stored.one() == 2
    engine.dispose()
