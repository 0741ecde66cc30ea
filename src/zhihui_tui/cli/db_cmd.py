"""``zhihui db``: create or migrate the schema."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from zhihui_tui.cli.common import one_line_errors, print_json, ready, runtime

if TYPE_CHECKING:
    from zhihui_tui.db.presence import SchemaReport

app = typer.Typer(help="数据库结构：创建、升级、查看版本；整库复制", no_args_is_help=True)


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


@app.command("copy")
@one_line_errors
def copy(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="TARGET_URL", help="目标数据库 URL（须为空库）")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """把 --db 指定的数据库整体复制到空的目标数据库（例如从 SQLite 迁到 PostgreSQL）。

    目标先建表到当前结构，再按外键顺序分批复制每张表；提交前核对每张表的行数和目标库的审计链（用同一个审计
    密钥文件），PostgreSQL 目标的自增序列移到已复制的最大编号之后。任何一步失败都全部撤销，目标保持为空。
    目标已有数据时拒绝。复制期间源库可照常使用（按同一时刻的快照复制）。"""
    from zhihui_tui.services.db_copy import copy_database

    with ready(ctx) as rt:
        result = copy_database(rt.engine, target)
    if as_json:
        print_json(
            {
                "target": result.target,
                "tables": [
                    {"table": t.name, "source_rows": t.source_rows, "target_rows": t.target_rows} for t in result.tables
                ],
                "rows": result.rows,
                "audit_checked": result.audit_checked,
                "audit_unchecked": list(result.audit_unchecked),
                "sequences_reset": result.sequences_reset,
            }
        )
        return
    width = max(len(t.name) for t in result.tables)
    for t in result.tables:
        typer.echo(f"{t.name:<{width}}  {t.source_rows:>10,} → {t.target_rows:>10,}")
    typer.echo(f"已复制到 {result.target}：{len(result.tables)} 张表，共 {result.rows:,} 行，行数逐表一致")
    typer.echo(f"目标库审计链核对无误（{result.audit_checked:,} 条）")
    for line in result.audit_unchecked:
        typer.echo(f"未核对：{line}")
    if result.sequences_reset:
        typer.echo(f"已重设 {result.sequences_reset} 个自增序列")
