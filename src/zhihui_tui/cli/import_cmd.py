"""``zhihui import``: bring existing cases in from a spreadsheet (SPEC §5.1), all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import fail, one_line_errors, print_json, ready
from zhihui_tui.cli.runs import DryRunOption, dry_run_done

app = typer.Typer(help="从 .csv / .xlsx 导入数据（整份文件全部成功或全部不导入）", no_args_is_help=True)


def _progress(phase: str, count: int) -> None:
    # Only on a terminal: cron mail and pipes get the result lines, not a ticker.
    if sys.stderr.isatty():
        typer.echo(f"\r{phase} {count} 行…", err=True, nl=False)


@app.command("cases")
@exclusive("import cases")
@one_line_errors
def cases(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=".csv（UTF-8，可带 BOM）或 .xlsx 文件")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    dry_run: DryRunOption = False,
) -> None:
    """导入案件。表头（中文）：案号、收案日期、立案日期、类别、申请执行人、申请执行人证件号、被执行人、
    被执行人证件号、被执行人下落不明、执行标的、执行依据、承办人、团队、状态。任何一行有误则整份不导入，
    并逐行列出“第 N 行：字段：原因”。"""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.importing.cases import import_cases

    with ready(ctx) as rt:
        result = import_cases(file, ctx=rt.context(system_actor(rt.engine)), progress=_progress, dry_run=dry_run)
    if sys.stderr.isatty():
        typer.echo("\r\033[K", err=True, nl=False)
    previous = result.previous
    if previous is not None:  # the same file again: nothing to do, and that is a success (R-CLI-2)
        when = f"{previous.imported_at:%Y-%m-%d %H:%M}"
        if as_json:
            print_json(
                {"rows": 0, "imported": 0, "allocated": 0, "already_imported": {"at": when, "cases": previous.imported}}
            )
        else:
            typer.echo(f"该文件已于 {when} 导入（{previous.imported} 件案件），本次未导入任何案件")
        return
    _report(result, as_json, what="案件", extra={"allocated": result.allocated})
    if not as_json:
        allocated = f"，其中 {result.allocated} 件新分配案号" if result.allocated else ""
        done = f"{result.imported} 件案件{allocated}"
        typer.echo(dry_run_done(f"将导入 {done}") if dry_run else f"已导入 {done}")


@app.command("findings")
@exclusive("import findings")
@one_line_errors
def findings(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=".csv（UTF-8，可带 BOM）或 .xlsx 文件")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    dry_run: DryRunOption = False,
) -> None:
    """导入网络查控结果（查控结果反馈信息表）。表头（中文）：案号、被执行人、证件号、财产类型、机构、金额、数量、
    冻结、备注。任何一行有误（含未知案件、非本案被执行人）则整份不导入，并逐行列出“第 N 行：字段：原因”。"""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.importing.findings import import_findings

    with ready(ctx) as rt:
        result = import_findings(file, ctx=rt.context(system_actor(rt.engine)), dry_run=dry_run)
    _report(result, as_json, what="查控结果", extra={"skipped": result.skipped, "cases": result.cases})
    if not as_json:
        skipped = f"，{result.skipped} 条此前已导入、{'将' if dry_run else '已'}跳过" if result.skipped else ""
        done = f"{result.imported} 条查控结果（{result.cases} 件案件）{skipped}"
        typer.echo(dry_run_done(f"将导入 {done}") if dry_run else f"已导入 {done}")


def _report(result: Any, as_json: bool, *, what: str, extra: dict[str, Any]) -> None:
    """What both imports say: ignored columns, the JSON document, and every bad row before a one-line failure."""
    if result.ignored_columns:
        typer.echo(f"提示：已忽略不认识的列：{'、'.join(result.ignored_columns)}", err=True)
    if as_json:
        print_json(
            {
                "rows": result.rows,
                "imported": result.imported,
                **extra,
                "dry_run": result.dry_run,
                "ignored_columns": list(result.ignored_columns),
                "errors": [{"line": e.line, "field": e.field, "reason": e.reason} for e in result.errors],
            }
        )
    if result.errors:
        if not as_json:
            for error in result.errors:
                typer.echo(str(error), err=True)
        fail(
            f"共 {result.bad_lines} 行有误（{len(result.errors)} 处），未导入任何{what}（文件共 {result.rows} 行数据）"
        )
