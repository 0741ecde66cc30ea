"""``zhihui zhongben``: open cases against the 终本 conditions, eligible first, each unmet condition named
(R-ZB-1, SPEC §5.2)."""

from __future__ import annotations

from typing import Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import one_line_errors, print_json, ready


@exclusive("zhongben")
@one_line_errors
def zhongben(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出承办中的案件是否符合终本条件，并逐项列出未满足的条件（符合条件的在前）。"""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.closing import zhongben_candidates

    with ready(ctx) as rt:
        checks = zhongben_candidates(ctx=rt.context(system_actor(rt.engine)))
    if as_json:
        print_json([{"case_number": c.case_number, "eligible": c.eligible, "unmet": list(c.unmet)} for c in checks])
        return
    for c in checks:
        if c.eligible:
            approved = f"（主任已批准：{c.override_reason}）" if c.override_reason else ""
            typer.echo(f"{c.case_number}  符合终本条件{approved}")
        else:
            typer.echo(f"{c.case_number}  不符合：{'；'.join(c.unmet)}")
    eligible = sum(1 for c in checks if c.eligible)
    typer.echo(f"共 {len(checks)} 件承办中案件，{eligible} 件符合终本条件", err=True)
