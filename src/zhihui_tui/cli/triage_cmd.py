"""``zhihui triage``: cases awaiting triage with the proposed track and its reasons (R-TRI-2, SPEC §5.2)."""

from __future__ import annotations

from typing import Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import one_line_errors, print_json, ready

app = typer.Typer(help="繁简分流", no_args_is_help=True)


@app.command("propose")
@exclusive("triage propose")
@one_line_errors
def propose(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """列出待分流（已查控）的案件及系统建议（快执/精执/局长指定）和理由。"""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.triage import all_proposals

    with ready(ctx) as rt:
        service = rt.context(system_actor(rt.engine))  # the batch account, as every command acts
        cases = all_proposals(ctx=service)
    if as_json:
        print_json(
            [
                {
                    "case_number": c.case_number,
                    "proposal": c.proposal.track.value,
                    "reasons": list(c.proposal.reasons),
                    "blocking": list(c.proposal.blocking),
                }
                for c in cases
            ]
        )
        return
    if not cases:
        typer.echo("没有待分流的案件")
        return
    for c in cases:
        typer.echo(f"{c.case_number}\t{c.proposal.track.value}\t{'；'.join(c.proposal.reasons)}")
    typer.echo(f"共 {len(cases)} 件待分流", err=True)
