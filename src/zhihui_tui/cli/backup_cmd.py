"""``zhihui backup DEST``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import one_line_errors, print_json, ready
from zhihui_tui.cli.runs import DryRunOption, dry_run_done


@exclusive("backup")
@one_line_errors
def backup(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(metavar="DEST", help="备份文件路径")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    dry_run: DryRunOption = False,
) -> None:
    """对数据库做一致的在线备份（SQLite 用备份 API，PostgreSQL 用 pg_dump）。"""
    from zhihui_tui.services.backup import backup as run_backup
    from zhihui_tui.services.backup import backup_target

    with ready(ctx) as rt:
        if dry_run:
            target, method = backup_target(rt.engine, destination)
            typer.echo(dry_run_done(f"将备份到 {target}（{method}）"))
            return
        result = run_backup(rt.engine, destination)
    if as_json:
        print_json({"path": str(result.path), "size_bytes": result.size_bytes, "method": result.method})
    else:
        typer.echo(f"已备份到 {result.path}（{result.size_bytes:,} 字节，{result.method}）")
