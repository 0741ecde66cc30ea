"""``zhihui funds``: what is owed out of the case accounts (R-FND-2), for cron twice a month; the monthly ledger as
.xlsx (``zhihui funds ledger``); and
``zhihui import receipts`` (registered on the import group), the bank's statement of the case-funds account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import fail, one_line_errors, print_json, ready
from zhihui_tui.cli.runs import DryRunOption, ForceOption, dry_run_done, dry_run_note, once, out_scope

app = typer.Typer(help="案款（一案一账户）", no_args_is_help=True)


@app.command("due")
@exclusive("funds due")
@one_line_errors
def due(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """列出所有未发放的案款（到账日期、发放期限、金额、状态）和待认领的到账，超期在前。"""
    from zhihui_tui.domain.money import fen_to_yuan_str, format_yuan
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.funds import funds_due

    with ready(ctx) as rt:
        sums = funds_due(ctx=rt.context(system_actor(rt.engine)))
    if as_json:
        print_json(
            [
                {
                    "case_number": s.case_number,
                    "arrived": s.arrived.isoformat(),
                    "due": s.due.isoformat(),
                    "amount": fen_to_yuan_str(s.amount_fen),
                    "state": s.state.value,
                    "payer": s.payer,
                    "delay_reason": s.delay_reason,
                }
                for s in sums
            ]
        )
        return
    for s in sums:
        delayed = f"（已登记延期：{s.delay_reason}）" if s.delay_reason else ""
        who = s.case_number or f"待认领（{s.payer}）"
        amount = f"{format_yuan(s.amount_fen)} 元"
        typer.echo(f"{s.due.isoformat()}  {s.state.label:<4}  {who}  {amount}  到账 {s.arrived}{delayed}")
    typer.echo(f"共 {len(sums)} 笔", err=True)


@app.command("ledger")
@exclusive("funds ledger")
@one_line_errors
def ledger(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="台账月份，YYYY-MM（如 2026-11）")],
    out: Annotated[
        Path | None, typer.Option("--out", help="输出文件，默认 <数据目录>/ledger/案款台账-YYYY-MM.xlsx")
    ] = None,
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """生成每月案款台账（.xlsx）：当月每笔到账、发放、冲正及余额，合计，以及月末未发放、待认领的款项。
    每个业务日只生成一次（运行台账），--force 重新生成。"""
    from zhihui_tui.domain.funds import parse_month
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.funds.ledger import monthly_ledger
    from zhihui_tui.services.funds.ledger_book import LedgerFile, write_monthly_ledger

    first, _ = parse_month(month)  # a bad month fails before the database is opened
    with ready(ctx) as rt:
        service = rt.context(system_actor(rt.engine))
        target = out if out is not None else service.data_dir / "ledger" / f"案款台账-{first:%Y-%m}.xlsx"
        scope = out_scope(target, f"{first:%Y-%m}")
        if dry_run:
            book = monthly_ledger(month, ctx=service)
            counts = f"账目 {len(book.lines)} 笔，月末未发放及待认领 {len(book.open_at_end)} 笔"
            plan = f"将生成 {target}：{first:%Y-%m} {counts}"
            typer.echo(dry_run_note(rt, "funds ledger", scope, plan))
            return

        def work() -> LedgerFile:
            if out is None:
                _make_folder(target.parent)
            return write_monthly_ledger(month, target, ctx=service)

        def produced(result: LedgerFile) -> tuple[str, Path | None]:
            return f"账目 {result.entries} 笔，月末未发放及待认领 {result.open_sums} 笔", result.path

        written = once(rt, "funds ledger", scope, force=force, as_json=False, work=work, produced=produced)
    if written is not None:
        typer.echo(
            f"已生成 {written.path}：{first:%Y-%m} 账目 {written.entries} 笔，月末未发放及待认领 {written.open_sums} 笔"
        )


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"无法创建目录 {folder}：{error.strerror or error}")


@exclusive("import receipts")
@one_line_errors
def receipts(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="银行到账流水：.csv（UTF-8，可带 BOM）或 .xlsx 文件")],
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    dry_run: DryRunOption = False,
) -> None:
    """导入案款账户的银行到账流水。表头（中文）：到账日期、付款人、付款账号、金额、附言。附言中写有已立案案号的
    记入该案账户，其余待认领（3 日内）。任何一行有误则整份不导入；同一流水重复导入不会重复入账。"""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.funds import import_statement

    with ready(ctx) as rt:
        result = import_statement(file, ctx=rt.context(system_actor(rt.engine)), dry_run=dry_run)
    if as_json:
        print_json(
            {
                "rows": result.rows,
                "posted": result.posted,
                "unclaimed": result.unclaimed,
                "skipped": result.skipped,
                "dry_run": result.dry_run,
                "errors": [{"line": e.line, "field": e.field, "reason": e.reason} for e in result.errors],
            }
        )
    if result.errors:
        if not as_json:
            for error in result.errors:
                typer.echo(str(error), err=True)
        bad = len({e.line for e in result.errors})
        fail(f"共 {bad} 行有误（{len(result.errors)} 处），未导入任何到账记录（文件共 {result.rows} 行数据）")
    if not as_json:
        skipped = f"，{result.skipped} 笔此前已导入、{'将' if dry_run else '已'}跳过" if result.skipped else ""
        if dry_run:
            typer.echo(dry_run_done(f"将入账 {result.posted} 笔，待认领 {result.unclaimed} 笔{skipped}"))
        else:
            typer.echo(f"已入账 {result.posted} 笔，待认领 {result.unclaimed} 笔{skipped}")
