"""The run ledger's rules (R-CLI-2): which business day a batch run belongs to, how its scope is keyed, and what
an operator is told when a run is skipped because the same work already succeeded that day.

A cron command that writes (database rows or a file) runs once per business day and scope: a second run finds
the first one's success in the ledger and says when it ran and what it produced instead of doing the work again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zhihui_tui.domain.calendar import WorkCalendar

SCOPE_TEXT_MAX = 400
_LOOKBACK_DAYS = 60  # longer than any run of holidays and weekends in the PRC calendar


class RunOutcome(StrEnum):
    """Where a run stands. Only ``running`` and ``succeeded`` hold the claim on a business day and scope."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SUPERSEDED = "superseded"  # a success re-run with --force

    @property
    def label(self) -> str:
        """The Chinese name, for messages."""
        return {"running": "运行中", "succeeded": "成功", "failed": "失败", "superseded": "已被重新运行取代"}[self]


CLAIMING = (RunOutcome.RUNNING.value, RunOutcome.SUCCEEDED.value)


def business_day(at: datetime, calendar: WorkCalendar) -> date:
    """The working day a run at ``at`` belongs to: its own date when that is a working day, else the last working
    day before it (a weekend or holiday run repeats the Friday's work, which nothing has changed since)."""
    day = at.date()
    for _ in range(_LOOKBACK_DAYS):
        if calendar.is_workday(day):
            return day
        day -= timedelta(days=1)
    return at.date()  # a calendar with no working day in two months: key the run by its own date


def scope_key(scope: str) -> str:
    """The scope's SHA-256: the unique key stays short however long the output path is."""
    return hashlib.sha256(scope.encode("utf-8")).hexdigest()


def scope_text(scope: str) -> str:
    """The scope as stored for reading (the key above is exact; the text may be shortened)."""
    return scope if len(scope) <= SCOPE_TEXT_MAX else scope[: SCOPE_TEXT_MAX - 1] + "…"


@dataclass(frozen=True)
class RunRecord:
    """One ledger row as the command reports it."""

    command: str
    day: date
    scope: str
    started_at: datetime
    finished_at: datetime | None
    outcome: RunOutcome
    produced: str
    output_path: str | None
    output_sha256: str | None
    host: str
    pid: int


def already_done_line(run: RunRecord) -> str:
    """The one line a skipped re-run prints: when the work ran and what it produced."""
    when = f"{run.finished_at or run.started_at:%Y-%m-%d %H:%M}"
    named = run.output_path and run.output_path not in run.scope
    output = f"，文件 {run.output_path}" if named else ""
    output += f"（SHA-256 {run.output_sha256[:12]}…）" if run.output_sha256 else ""
    done = f"已于 {when} 完成业务日 {run.day:%Y-%m-%d} 的运行（{run.scope}）"
    return f"zhihui {run.command} {done}：{run.produced}{output}；本次未重复执行，如需重新运行请加 --force"


def running_elsewhere_line(run: RunRecord) -> str:
    """The one line when another machine holds the claim (exit 75, like the file lock on one machine)."""
    return (
        f"zhihui {run.command} 正在 {run.host} 上运行（进程 {run.pid}，{run.started_at:%Y-%m-%d %H:%M} 开始，"
        f"业务日 {run.day:%Y-%m-%d}），本次未执行；请稍后再试，如确认该运行已中断可加 --force"
    )
