"""``zhihui supervise``: every open step with its owner and due date, overdue and near-due first (R-SUP-1)."""

from __future__ import annotations

from typing import Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import one_line_errors, print_json, ready


@exclusive("supervise")
@one_line_errors
def supervise(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出所有未完成的节点（责任人、期限、状态），超期与临期在前。"""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.deadlines import all_open_steps

    with ready(ctx) as rt:
        steps = all_open_steps(ctx=rt.context(system_actor(rt.engine)))
    if as_json:
        print_json(
            [
                {
                    "case_number": s.case_number,
                    "step": s.label,
                    "owner": s.owner_login,
                    "owner_post": s.owner_role.label,
                    "due": s.due.isoformat(),
                    "state": s.state.value,
                    "overdue_days": s.overdue_days,
                }
                for s in steps
            ]
        )
        return
    for s in steps:
        owner = s.owner_name or s.owner_role.label
        late = f"（超期 {s.overdue_days} 个工作日）" if s.overdue_days else ""
        typer.echo(f"{s.due.isoformat()}  {s.state.label:<4}  {s.case_number}  {s.label}  {owner}{late}")
    typer.echo(f"共 {len(steps)} 个未完成节点", err=True)
