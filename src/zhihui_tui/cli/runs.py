"""The run ledger and ``--dry-run`` as every writing cron command uses them (R-CLI-2).

``once`` wraps a command's writing work: it claims the business day (the working day of ``--as-of``) and scope in
the ledger, skips with one line when the same work already succeeded (exit 0; ``--force`` re-runs), exits 75 when
another machine is running it, and records what the work produced — or that it failed, so the next run retries.
A dry run never reaches ``once``: it reads, says 演练 and writes nothing, the ledger included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from zhihui_tui.cli.batch import BUSY
from zhihui_tui.cli.common import fail, print_json
from zhihui_tui.runtime import Runtime

T = TypeVar("T")

DryRunOption = Annotated[bool, typer.Option("--dry-run", help="演练：只显示将要写出的内容，不写文件、不改数据库")]
ForceOption = Annotated[bool, typer.Option("--force", help="本业务日已成功运行过也重新运行（运行台账保留旧记录）")]
DRY_RUN = "演练（--dry-run）"


def business_day_of(rt: Runtime) -> date:
    """The working day this run belongs to, by the court calendar."""
    from zhihui_tui.domain.batch_runs import business_day

    return business_day(rt.clock.now(), rt.calendar)


def once(
    rt: Runtime,
    command: str,
    scope: str,
    *,
    force: bool,
    as_json: bool,
    work: Callable[[], T],
    produced: Callable[[T], tuple[str, Path | None]],
) -> T | None:
    """Run ``work`` once per business day and scope; None when skipped (the line already printed)."""
    from zhihui_tui.domain.batch_runs import RunOutcome, already_done_line, running_elsewhere_line
    from zhihui_tui.services.batch_runs import Produced, RunRequest, claim_run, finish_run

    request = RunRequest(command, business_day_of(rt), scope, force)
    claim = claim_run(rt.engine, request, now=rt.clock.now())
    if claim.holder is not None:
        if claim.holder.outcome is RunOutcome.RUNNING:
            fail(running_elsewhere_line(claim.holder), code=BUSY)
        typer.echo(already_done_line(claim.holder), err=as_json)
        if as_json:
            print_json({"skipped": True, "previous_run": _run_json(claim.holder)})
        return None
    assert claim.run_id is not None
    try:
        value = work()
    except BaseException:
        finish_run(rt.engine, claim.run_id, produced=None, now=rt.clock.now())
        raise
    summary, path = produced(value)
    finish_run(rt.engine, claim.run_id, produced=Produced(summary, path), now=rt.clock.now())
    return value


def dry_run_done(plan: str) -> str:
    """The dry run's line for a command without a run ledger (imports: their own ledger is the file)."""
    return f"{DRY_RUN}：{plan}；未写入任何文件，未改动数据库"


def dry_run_note(rt: Runtime, command: str, scope: str, plan: str) -> str:
    """The dry run's line: what a real run would write, and whether it would be skipped as already done."""
    from zhihui_tui.services.batch_runs import RunRequest, claim_holder

    holder = claim_holder(rt.engine, RunRequest(command, business_day_of(rt), scope))
    skipped = "；本业务日已成功运行过，正式运行将跳过（除非加 --force）" if holder is not None else ""
    return dry_run_done(plan) + skipped


def _run_json(run: object) -> dict[str, object]:
    from zhihui_tui.domain.batch_runs import RunRecord

    assert isinstance(run, RunRecord)
    return {
        "command": run.command,
        "business_day": run.day.isoformat(),
        "scope": run.scope,
        "finished": f"{run.finished_at or run.started_at:%Y-%m-%dT%H:%M}",
        "produced": run.produced,
        "path": run.output_path,
        "sha256": run.output_sha256,
    }


def out_scope(out: Path, *parts: str) -> str:
    """A scope naming the output file (resolved: the same file reached two ways is one scope)."""
    return " ".join([*parts, f"→ {out.resolve()}"])
