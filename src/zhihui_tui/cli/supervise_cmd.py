"""``zhihui supervise``: every open step with its owner and due date, overdue and near-due first (R-SUP-1);
``--weekly`` adds the cases open longer than six months; ``--out`` writes the list as an .xlsx."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import one_line_errors, print_json, ready


@exclusive("supervise")
@one_line_errors
def supervise(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    weekly: Annotated[bool, typer.Option("--weekly", help="同时列出长期未结案件（默认立案超过 6 个月）")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="写出 .xlsx 督办清单")] = None,
) -> None:
    """列出所有未完成的节点（责任人、期限、状态），超期与临期在前。"""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.deadlines import all_open_steps
    from zhihui_tui.services.supervision import long_unclosed_cases, write_workbook

    with ready(ctx) as rt:
        context = rt.context(system_actor(rt.engine))
        steps = all_open_steps(ctx=context)
        long_cases = long_unclosed_cases(ctx=context) if weekly else None
        if out is not None:
            write_workbook(out, steps, long_cases, made=context.now())
    if as_json:
        listed = [_step(s) for s in steps]
        print_json(listed if long_cases is None else {"steps": listed, "long_unclosed": [_long(c) for c in long_cases]})
        return
    for s in steps:
        owner = s.owner_name or s.owner_role.label
        late = f"（超期 {s.overdue_days} 个工作日）" if s.overdue_days else ""
        typer.echo(f"{s.due.isoformat()}  {s.state.label:<4}  {s.case_number}  {s.label}  {owner}{late}")
    typer.echo(f"共 {len(steps)} 个未完成节点", err=True)
    if long_cases is not None:
        typer.echo("长期未结案件：")
        for c in long_cases:
            typer.echo(f"{c.case_number}  立案 {c.filed_on}  已 {c.days_open} 天  {c.stage.label}  {c.handler or '—'}")
        typer.echo(f"共 {len(long_cases)} 件长期未结案件", err=True)
    if out is not None:
        typer.echo(f"已写出 {out}", err=True)


def _step(s: Any) -> dict[str, Any]:
    return {
        "case_number": s.case_number,
        "step": s.label,
        "owner": s.owner_login,
        "owner_post": s.owner_role.label,
        "due": s.due.isoformat(),
        "state": s.state.value,
        "overdue_days": s.overdue_days,
    }


def _long(c: Any) -> dict[str, Any]:
    return {
        "case_number": c.case_number,
        "filed": c.filed_on.isoformat(),
        "days_open": c.days_open,
        "stage": c.stage.label,
        "handler": c.handler or None,
    }
