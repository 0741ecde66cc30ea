"""``zhihui db``: create or migrate the schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from zhihui_tui.cli.common import one_line_errors, print_json, runtime

if TYPE_CHECKING:
    from zhihui_tui.db.presence import SchemaReport

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


# Exit statuses of ``db status`` (also in its --help): a script can tell "create it" from "migrate it".
STATUS_EXITS = {"current": 0, "missing": 3, "empty": 4, "behind": 5, "ahead": 6}


@app.command("status")
@one_line_errors
def status(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """显示数据库结构版本（当前版本与程序需要的版本）。只读：不会创建数据库、建表或写入任何内容。

    \b
    退出状态：
      0 结构已是最新；
      1 无法访问数据库（原因一行写在标准错误上）；
      3 数据库不存在（SQLite 文件或 PostgreSQL 数据库不存在；zhihui db upgrade 会创建）；
      4 数据库存在但尚未建表（版本：无；zhihui db upgrade 建表）；
      5 结构落后（zhihui db upgrade 升级）；
      6 结构比本程序新（请升级本程序）。
    """
    from zhihui_tui.db.presence import SchemaState, inspect_schema

    rt = runtime(ctx)
    try:
        report = inspect_schema(rt.database_url, lambda: rt.engine)
    finally:
        rt.dispose()
    if as_json:
        print_json(
            {
                "state": report.state.value,
                "exists": report.exists,
                "current": report.current,
                "head": report.head,
                "up_to_date": report.state is SchemaState.CURRENT,
                "database": report.where,
            }
        )
    else:
        typer.echo(_status_line(report))
    raise typer.Exit(STATUS_EXITS[report.state.value])


def _status_line(report: SchemaReport) -> str:
    from zhihui_tui.db.presence import SchemaState

    head = f"程序需要：{report.head}"
    return {
        SchemaState.MISSING: f"数据库不存在：{report.where}（未创建；zhihui db upgrade 会创建它）",
        SchemaState.EMPTY: f"尚未建表（版本：无）；{head}；请运行：zhihui db upgrade",
        SchemaState.BEHIND: f"当前版本：{report.current}；{head}；结构落后，请运行：zhihui db upgrade",
        SchemaState.AHEAD: f"当前版本：{report.current}；{head}；数据库比本程序新，请升级本程序",
        SchemaState.CURRENT: f"当前版本：{report.current}；{head}；已是最新",
    }[report.state]
