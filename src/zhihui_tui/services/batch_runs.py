"""The run ledger (R-CLI-2): a batch command that writes claims its business day and scope before the work and
records the outcome after it, so a re-run of work that already succeeded is skipped.

The claim is one INSERT against a partial unique index (one running or succeeded run per command, business day
and scope): two processes — on two machines against one PostgreSQL, where the file lock cannot reach — race for
it and exactly one wins; the loser reads the winner's row. A failed run is marked failed and holds no claim, so
the next run does the work. A run that died without a word (kill -9, power cut) is still ``running``: on its own
machine a dead process id frees it; elsewhere only ``--force`` does, as the operator's decision.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, RowMapping, insert, select, update
from sqlalchemy.exc import IntegrityError

from zhihui_tui.db.models import BatchRun
from zhihui_tui.domain.batch_runs import CLAIMING, RunOutcome, RunRecord, scope_key, scope_text
from zhihui_tui.services.importing.ledger import file_checksum

_TABLE = BatchRun.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RunRequest:
    """What a run is about to do: the command, its business day and scope, and whether the operator forces it."""

    command: str
    day: date
    scope: str
    force: bool = False


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming: the new run's id, or the run that already holds the claim."""

    run_id: int | None
    holder: RunRecord | None


@dataclass(frozen=True)
class Produced:
    """What a run produced, for the ledger: counts in Chinese (no personal data) and the file written, if any."""

    summary: str
    path: Path | None = None


def this_host() -> str:
    """The machine's name, as recorded with each run."""
    return socket.gethostname()[:255] or "本机"


def claim_run(engine: Engine, request: RunRequest, *, now: datetime) -> Claim:
    """Claim the request's business day and scope for this process, or name the run that holds it."""
    key = scope_key(request.scope)
    for _ in range(3):  # a holder released between our INSERT and our read: claim again
        try:
            with engine.begin() as connection:
                _release(connection, request, key, now)
                row = {
                    "command": request.command,
                    "business_day": request.day,
                    "scope_key": key,
                    "scope": scope_text(request.scope),
                    "started_at": now,
                    "outcome": RunOutcome.RUNNING.value,
                    "produced": "",
                    "host": this_host(),
                    "pid": os.getpid(),
                    "forced": request.force,
                }
                run_id = connection.execute(insert(_TABLE), row).inserted_primary_key[0]  # type: ignore[index]
            return Claim(int(run_id), None)
        except IntegrityError:
            holder = claim_holder(engine, request)
            if holder is not None:
                return Claim(None, holder)
    raise RuntimeError("run ledger claim did not settle")  # pragma: no cover - three releases in a row


def _release(connection: Connection, request: RunRequest, key: str, now: datetime) -> None:
    """Free the claim where allowed: ``--force`` supersedes a success and abandons a running run; without it,
    only a run whose process is gone from this machine is marked failed."""
    same = (_TABLE.c.command == request.command) & (_TABLE.c.business_day == request.day) & (_TABLE.c.scope_key == key)
    running = same & (_TABLE.c.outcome == RunOutcome.RUNNING.value)
    if request.force:
        succeeded = same & (_TABLE.c.outcome == RunOutcome.SUCCEEDED.value)
        connection.execute(update(_TABLE).where(succeeded).values(outcome=RunOutcome.SUPERSEDED.value))
        _mark_abandoned(connection, running, now, "运行中被 --force 取代")
        return
    dead = [
        run_id
        for run_id, host, pid in connection.execute(select(_TABLE.c.id, _TABLE.c.host, _TABLE.c.pid).where(running))
        if host == this_host() and not _alive(pid)
    ]
    if dead:
        _mark_abandoned(connection, running & _TABLE.c.id.in_(dead), now, "运行中断（进程已不存在）")


def _mark_abandoned(connection: Connection, where: object, now: datetime, note: str) -> None:
    connection.execute(
        update(_TABLE).where(where).values(outcome=RunOutcome.FAILED.value, finished_at=now, produced=note)  # type: ignore[arg-type]
    )


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (one we may not signal still runs)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_holder(engine: Engine, request: RunRequest) -> RunRecord | None:
    """The running or succeeded run of this command, business day and scope, if any (read only)."""
    key = scope_key(request.scope)
    c = _TABLE.c
    query = select(_TABLE).where(
        c.command == request.command, c.business_day == request.day, c.scope_key == key, c.outcome.in_(CLAIMING)
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return _record(row._mapping) if row is not None else None


def finish_run(engine: Engine, run_id: int, *, produced: Produced | None, now: datetime) -> None:
    """Record the end of a claimed run: succeeded with what it produced, or failed (``produced`` None)."""
    values: dict[str, object] = {"finished_at": now}
    if produced is None:
        values.update(outcome=RunOutcome.FAILED.value, produced="失败")
    else:
        path = produced.path.resolve() if produced.path is not None else None
        values.update(
            outcome=RunOutcome.SUCCEEDED.value,
            produced=produced.summary[:400],
            output_path=str(path)[:1000] if path is not None else None,
            output_sha256=_sha256(path) if path is not None else None,
        )
    mine = (_TABLE.c.id == run_id) & (_TABLE.c.outcome == RunOutcome.RUNNING.value)
    with engine.begin() as connection:
        connection.execute(update(_TABLE).where(mine).values(**values))


def runs_of(engine: Engine, command: str) -> list[RunRecord]:
    """Every recorded run of ``command``, oldest first (for tests and an operator's look)."""
    query = select(_TABLE).where(_TABLE.c.command == command).order_by(_TABLE.c.id)
    with engine.connect() as connection:
        return [_record(row._mapping) for row in connection.execute(query)]


def _record(r: RowMapping) -> RunRecord:
    return RunRecord(
        command=r["command"],
        day=r["business_day"],
        scope=r["scope"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        outcome=RunOutcome(r["outcome"]),
        produced=r["produced"],
        output_path=r["output_path"],
        output_sha256=r["output_sha256"],
        host=r["host"],
        pid=r["pid"],
    )


def _sha256(path: Path) -> str | None:
    """The written file's checksum (the import ledger's block-wise reader), or None when it cannot be read."""
    try:
        return file_checksum(path)
    except OSError:
        return None
