"""A fair queue for SQLite's writers (issue 16): saves take the write lock in the order they asked for it.

SQLite's own busy handler is not fair: a waiting writer sleeps with growing back-off (1, 2, 5 … 100 ms) and
retries, so a newcomer — or a batch job taking its next short step the moment it committed the last — can take the
lock again and again while a clerk who has waited for seconds sleeps through every gap. In the issue-16 soak 5 of
~530 saves waited the whole busy timeout and were told "其他终端正在集中保存…".

Before ``BEGIN IMMEDIATE`` every write transaction on a SQLite file takes a ticket from a sidecar file next to the
database (``<db>.writer-queue``), and waits until every earlier ticket has left; it leaves right after its COMMIT or
ROLLBACK. Everything is an open-file-description lock (Linux ``F_OFD_SETLK[W]``), so it works between processes and
between threads of one process, and the kernel drops the locks of a process that dies, however it dies:

- byte 0 is the counter's mutex, held only while the next ticket number (8 bytes at the start of the file) is
  read, bumped and the ticket's own byte locked;
- ticket *t* is byte *t*, locked by its holder from taking the ticket until it leaves;
- a ticket's turn comes when a write lock on bytes ``[1, t)`` is granted, that is when no earlier ticket is held —
  one blocking call, woken by the kernel the moment the last earlier holder leaves (no polling, no back-off).

A waiter that gives up (the same timeout as SQLite's, ending in the same "database is locked" and so the same
conflict message) or dies simply drops its byte: later tickets stop waiting for it, and still wait for the earlier
ones. A batch job that writes in short steps takes a new ticket for every step, so the clerks who asked meanwhile
go first. The gate only orders writers; SQLite's write lock still guards the data, so a writer that skips the gate
(the ``sqlite3`` shell, another program, a platform without OFD locks, a sidecar that cannot be opened or written)
is merely served unfairly, as before.

Lock order (docs/locking.md): the gate comes before everything a transaction takes, since it is taken before
``BEGIN IMMEDIATE``. Never open a second write transaction on the same database while holding the gate in the
same thread: it would wait for the first, as SQLite's own write lock already makes it do.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

# struct flock of 64-bit Linux: l_type, l_whence, (pad), l_start, l_len, l_pid, (pad); OFD locks need l_pid = 0.
_FLOCK = struct.Struct("hhqqi4x")
_COUNTER = struct.Struct("<Q")
SUPPORTED = sys.platform == "linux" and hasattr(fcntl, "F_OFD_SETLKW") and struct.calcsize("P") == 8
SUFFIX = ".writer-queue"


class GateTimeout(Exception):
    """The turn did not come within the timeout: the writer left the queue and nothing was begun."""


def _lock(fd: int, command: int, kind: int, start: int, length: int) -> None:
    fcntl.fcntl(fd, command, _FLOCK.pack(kind, os.SEEK_SET, start, length, 0))


def _try_lock(fd: int, start: int, length: int) -> bool:
    try:
        _lock(fd, fcntl.F_OFD_SETLK, fcntl.F_WRLCK, start, length)
    except OSError as error:  # EAGAIN (or EACCES): someone holds part of the range
        if error.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


class Ticket:
    """A place in the queue: holding it means every later writer waits. Leave exactly once (idempotent)."""

    def __init__(self, fd: int, number: int) -> None:
        self._fd: int | None = fd
        self.number = number

    def leave(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # the last reference to this open file description: the kernel drops its locks

    def __del__(self) -> None:  # a ticket lost with its connection must not block the queue for good
        self.leave()


class WriterGate:
    """The queue of one SQLite database file's writers. Cheap to build; the sidecar file is opened per ticket."""

    def __init__(self, database: Path, timeout: float) -> None:
        self._database = Path(os.path.realpath(database))  # one queue per file, whatever path names it
        self.path = self._database.with_name(self._database.name + SUFFIX)
        self.timeout = timeout

    def enter(self) -> Ticket | None:
        """Wait for this writer's turn; raises :class:`GateTimeout` after ``timeout`` seconds in the queue. None
        when the sidecar cannot be used (a read-only folder, a full disk, no lock resources): the writer goes on
        unqueued, to SQLite's busy handler, as before the queue."""
        deadline = time.monotonic() + self.timeout
        try:
            ticket = self._take_ticket()
        except OSError:
            return None
        try:
            if ticket.number > 1 and not self._wait_turn(ticket.number, deadline):
                raise GateTimeout(f"writer queue: not served within {self.timeout:g} s")
        except OSError:
            ticket.leave()
            return None
        except BaseException:
            ticket.leave()
            raise
        return ticket

    def _open(self) -> int:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            if os.fstat(fd).st_size == 0:  # a new sidecar: as readable and writable as the database, like -wal
                os.fchmod(fd, os.stat(self._database).st_mode & 0o666)
        except FileNotFoundError:
            pass
        return fd

    def _take_ticket(self) -> Ticket:
        fd = self._open()
        try:
            _lock(fd, fcntl.F_OFD_SETLKW, fcntl.F_WRLCK, 0, 1)  # the counter's mutex: held for microseconds
            raw = os.pread(fd, _COUNTER.size, 0)
            number = (_COUNTER.unpack(raw)[0] if len(raw) == _COUNTER.size else 0) + 1
            while not _try_lock(fd, number, 1):  # only if the counter went backwards (a rewritten file)
                number += 1
            os.pwrite(fd, _COUNTER.pack(number), 0)
            _lock(fd, fcntl.F_OFD_SETLK, fcntl.F_UNLCK, 0, 1)
        except BaseException:
            os.close(fd)
            raise
        return Ticket(fd, number)

    def _wait_turn(self, number: int, deadline: float) -> bool:
        """Whether every ticket before ``number`` left before ``deadline``. Uncontended: one non-blocking call.
        Contended: a helper thread blocks in the kernel on the range; this thread waits for it with the timeout."""
        fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        if _try_lock(fd, 1, number - 1):
            os.close(fd)
            return True
        served = threading.Event()
        failed: list[BaseException] = []

        def wait() -> None:
            try:
                _lock(fd, fcntl.F_OFD_SETLKW, fcntl.F_WRLCK, 1, number - 1)
            except BaseException as error:  # handed to the waiting thread
                failed.append(error)
            finally:
                os.close(fd)  # granted or not, the range is only a question: drop it at once
                served.set()

        threading.Thread(target=wait, name="writer-queue", daemon=True).start()
        if not served.wait(max(0.0, deadline - time.monotonic())):
            return False  # the helper stays blocked until the earlier tickets leave, then closes its descriptor
        if failed:
            raise failed[0]
        return True


class GatedConnection(sqlite3.Connection):
    """A SQLite connection that leaves the writer queue once its transaction has ended (after COMMIT or
    ROLLBACK, so the next writer never finds the write lock still held)."""

    writer_gate: WriterGate | None = None
    ticket: Ticket | None = None

    def enter_gate(self) -> None:
        if self.writer_gate is not None and self.ticket is None:
            self.ticket = self.writer_gate.enter()

    def leave_gate(self) -> None:
        ticket, self.ticket = self.ticket, None
        if ticket is not None:
            ticket.leave()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:  # a failed COMMIT leaves the transaction open: the rollback leaves
                self.leave_gate()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            if not self.in_transaction:
                self.leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_gate()


def gate_for(database: str | None, timeout: float) -> WriterGate | None:
    """The queue for a SQLite database path; None where there is nothing to queue for (in-memory databases,
    ``file:`` URIs) or no OFD locks (not Linux)."""
    if not SUPPORTED or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return WriterGate(Path(database), timeout)


def enter(dbapi_connection: Any) -> None:
    """Take this connection's turn before it begins a write transaction (a no-op on an ungated connection)."""
    if isinstance(dbapi_connection, GatedConnection):
        dbapi_connection.enter_gate()


def leave(dbapi_connection: Any) -> None:
    """Leave the queue without a transaction having begun (``BEGIN`` itself failed)."""
    if isinstance(dbapi_connection, GatedConnection):
        dbapi_connection.leave_gate()
