"""``zhihui db``: create or migrate the schema."""

from __future__ import annotations

from typing import Annotated

import typer

from zhihui_tui.cli.common import one_line_errors, print_json, runtime

app = typer.Typer(help="数据库结构：创建、升级、查看版本", no_args_is_help=True)


@app.command("upgrade")
@one_line_errors
def upgrade(
    ctx: typer.Context,
    no_backup: Annotated[
        bool, typer.Option("--no-backup", help="不做升级前备份（仅在已另行备份时使用，例如没有 pg_dump 时）")
    ] = False,
) -> None:
    """创建数据库或升级到当前结构。升级前自动备份到 数据目录/backups/（SQLite 用 VACUUM INTO，PostgreSQL 用
    pg_dump；找不到 pg_dump 时拒绝升级，除非给出 --no-backup）；并在缺少时生成审计密钥文件。"""
    from zhihui_tui.db.migrate import upgrade as run_upgrade
    from zhihui_tui.services.audit import prepare_key

    rt = runtime(ctx)
    try:
        result = run_upgrade(rt.engine, backup_dir=rt.data_dir / "backups", no_backup=no_backup)
        if result.before == result.after:
            typer.echo(f"数据库结构已是最新（{result.after}）")
        else:
            typer.echo(f"数据库结构：{result.before or '（空）'} → {result.after}")
        if result.backup:
            typer.echo(f"升级前备份：{result.backup}")
        key_path, created = prepare_key(rt.engine)
    finally:
        rt.dispose()
    if created:
        typer.echo(f"已生成审计密钥文件：{key_path}（仅本账户可读；请另行备份，丢失后无法再写入审计记录）")


@app.command("status")
@one_line_errors
def status(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """显示数据库结构版本；落后时以非零状态退出。"""
    from zhihui_tui.db.migrate import current_revision, head_revision

    rt = runtime(ctx)
    current, head = current_revision(rt.engine), head_revision()
    if as_json:
        print_json({"current": current, "head": head, "up_to_date": current == head})
    else:
        typer.echo(f"当前版本：{current or '（未初始化）'}；程序需要：{head}")
    if current != head:
        raise typer.Exit(1)
