"""``zhihui audit``: check the trail is complete and unaltered."""

from __future__ import annotations

from typing import Annotated

import typer

from zhihui_tui.cli.common import fail, one_line_errors, print_json, ready

app = typer.Typer(help="审计记录（全程留痕）", no_args_is_help=True)


@app.command("verify")
@one_line_errors
def verify(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """逐条核对审计记录的哈希链；发现删除或篡改时以非零状态退出并指出第一条问题记录。"""
    from zhihui_tui.db.engine import read_session
    from zhihui_tui.services.audit import verify as verify_chain

    with ready(ctx) as rt, read_session(rt.engine) as session:
        result = verify_chain(session)
    if as_json:
        print_json({"ok": result.ok, "checked": result.checked, "bad_id": result.bad_id, "reason": result.reason})
        if not result.ok:
            raise typer.Exit(1)
        return
    if not result.ok:
        fail(f"审计记录校验失败：{result.reason}（此前 {result.checked} 条完好）")
    typer.echo(f"审计记录完好：共 {result.checked} 条，哈希链连续")
