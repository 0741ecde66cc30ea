"""``zhihui calendar``: deadlines and the state of the holiday data (R-TIME-1)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from zhihui_tui.cli.common import date_argument, one_line_errors, print_json, runtime

app = typer.Typer(help="节假日与期限", no_args_is_help=True)


@app.command("due")
@one_line_errors
def due(
    ctx: typer.Context,
    start: Annotated[
        date, typer.Argument(metavar="DATE", parser=date_argument, help="起算日（触发日），如 2026-10-08")
    ],
    days: Annotated[int, typer.Argument(metavar="DAYS", min=0, help="期限天数")],
    policy: Annotated[
        str | None, typer.Option("--policy", help="calendar（自然日顺延，默认）或 working（工作日）")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """打印期限届满日：自起算日次日计算，末日为节假日的顺延至下一工作日。"""
    from zhihui_tui.domain.calendar import CountingPolicy
    from zhihui_tui.services.calendar_data import provisional_years

    try:
        counting = CountingPolicy(policy) if policy else None
    except ValueError:
        raise typer.BadParameter("只能是 calendar 或 working", param_hint="选项 --policy") from None
    rt = runtime(ctx)
    result = rt.calendar.due_date(start, days, counting)
    provisional = provisional_years(rt.data_dir, start.year, result.year)
    if as_json:
        print_json(
            {"trigger": start.isoformat(), "days": days, "due": result.isoformat(), "provisional_years": provisional}
        )
        return
    typer.echo(result.isoformat())
    if provisional:  # on stderr: a script reading the date from stdout still gets one line
        years = "、".join(str(year) for year in provisional)
        typer.echo(f"注意：{years} 年节假日数据为暂定，国务院公布安排后请核对（zhihui calendar status）", err=True)


@app.command("status")
@one_line_errors
def status(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """列出节假日数据覆盖的年份、每年的数据来源，以及是否为暂定数据。"""
    from zhihui_tui.services.calendar_data import calendar_status

    report = calendar_status(runtime(ctx).data_dir)
    if as_json:
        print_json(report.as_json())
        return
    typer.echo(report.as_text())
