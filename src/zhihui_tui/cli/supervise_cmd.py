"""``zhihui supervise``: every open step with its owner and due date, overdue and near-due first (R-SUP-1);
``--weekly`` adds the cases open longer than six months; ``--out`` writes the list as an .xlsx."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import one_line_errors, ready
from zhihui_tui.cli.runs import DryRunOption, ForceOption, dry_run_note, once, out_scope

if TYPE_CHECKING:
    from zhihui_tui.services.deadlines import OpenStep
    from zhihui_tui.services.supervision import LongCase


@exclusive("supervise")
@one_line_errors
def supervise(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    weekly: Annotated[bool, typer.Option("--weekly", help="同时列出长期未结案件（默认立案超过 6 个月）")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="写出 .xlsx 督办清单")] = None,
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """列出所有未完成的节点（责任人、期限、状态），超期与临期在前。
    写出 .xlsx 时每个业务日只生成一次（运行台账），--force 重新生成；只列出（不加 --out）不记入运行台账。"""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.deadlines import iter_open_steps
    from zhihui_tui.services.supervision import long_unclosed_cases, write_json, write_workbook

    with ready(ctx) as rt:
        context = rt.context(system_actor(rt.engine))
        if out is None:  # a listing, streamed: every step written as it is read (SPEC §5.2, issue 15)
            listed = iter_open_steps(ctx=context), long_unclosed_cases(ctx=context) if weekly else None
            if as_json:
                write_json(sys.stdout, *listed)
            else:
                _print_listing(*listed)
            return
        scope = out_scope(out, "周报" if weekly else "每日")

        def work() -> tuple[list[OpenStep], list[LongCase] | None]:
            # Every step, however many (all_open_steps stops at 100,000 for the screens that page).
            found = list(iter_open_steps(ctx=context)), long_unclosed_cases(ctx=context) if weekly else None
            if not dry_run:
                write_workbook(out, *found, made=context.now())
            return found

        note = None
        if dry_run:
            steps, long_cases = work()
            note = dry_run_note(rt, "supervise", scope, f"将写出 {out}（未完成节点 {len(steps)} 个）")
        else:
            done = once(rt, "supervise", scope, force=force, as_json=as_json, work=work, produced=_produced(out))
            if done is None:
                return
            steps, long_cases = done
    if as_json:
        write_json(sys.stdout, steps, long_cases)
        return
    _print_listing(steps, long_cases)
    if note is not None:
        typer.echo(note, err=True)
    else:
        typer.echo(f"已写出 {out}", err=True)


def _print_listing(steps: Iterable[OpenStep], long_cases: list[LongCase] | None) -> None:
    count = 0
    for s in steps:
        count += 1
        owner = s.owner_name or s.owner_role.label
        late = f"（超期 {s.overdue_days} 个工作日）" if s.overdue_days else ""
        typer.echo(f"{s.due.isoformat()}  {s.state.label:<4}  {s.case_number}  {s.label}  {owner}{late}")
    typer.echo(f"共 {count} 个未完成节点", err=True)
    if long_cases is not None:
        typer.echo("长期未结案件：")
        for c in long_cases:
            typer.echo(f"{c.case_number}  立案 {c.filed_on}  已 {c.days_open} 天  {c.stage.label}  {c.handler or '—'}")
        typer.echo(f"共 {len(long_cases)} 件长期未结案件", err=True)


def _produced(out: Path) -> Callable[[tuple[list[OpenStep], list[LongCase] | None]], tuple[str, Path | None]]:
    def describe(found: tuple[list[OpenStep], list[LongCase] | None]) -> tuple[str, Path | None]:
        steps, long_cases = found
        weekly = f"，长期未结案件 {len(long_cases)} 件" if long_cases is not None else ""
        return f"未完成节点 {len(steps)} 个{weekly}", out

    return describe
