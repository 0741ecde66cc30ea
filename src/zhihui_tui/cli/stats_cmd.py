"""``zhihui stats monthly``: per-handler, per-team and court indicators of a month (R-SUP-1), as text, JSON or
an .xlsx with its formulas."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import one_line_errors, print_json, ready
from zhihui_tui.cli.runs import DryRunOption, ForceOption, dry_run_note, once, out_scope

if TYPE_CHECKING:
    from zhihui_tui.services.stats import MonthlyReport

app = typer.Typer(help="统计报表", no_args_is_help=True)


@app.command("monthly")
@exclusive("stats monthly")
@one_line_errors
def monthly(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="统计月份，格式 YYYY-MM，如 2026-11")],
    out: Annotated[Path | None, typer.Option("--out", help="写出 .xlsx 文件（含计算公式表）")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """按承办人、团队和全院统计月度执行指标：旧存、新收、已结、结案率、执行完毕率、实际执行率、执行到位率、终本率、
    平均结案天数、超期节点。写出 .xlsx 时每个业务日只生成一次（运行台账），--force 重新生成。"""
    from zhihui_tui.domain.indicators import days, indicators, percent
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.stats import monthly_report, parse_month, report_json
    from zhihui_tui.services.stats_xlsx import write_report

    first = parse_month(month)
    with ready(ctx) as rt:
        context = rt.context(system_actor(rt.engine))
        scope = out_scope(out, f"{first:%Y-%m}") if out is not None else ""
        if out is None or dry_run:
            report = monthly_report(first, ctx=context)
            note = dry_run_note(rt, "stats monthly", scope, f"将写出 {out}") if out is not None else None
        else:

            def work() -> MonthlyReport:
                made = monthly_report(first, ctx=context)
                write_report(made, out, made=context.now())
                return made

            done = once(rt, "stats monthly", scope, force=force, as_json=as_json, work=work, produced=_produced(out))
            if done is None:
                return
            report, note = done, None
    if as_json:
        print_json(report_json(report))
        return
    for h in report.handlers:
        r = indicators(h.counts)
        typer.echo(
            f"{h.name}\t新收 {h.counts.received}\t已结 {h.counts.closed}\t结案率 {percent(r.closure_rate)}\t"
            f"执行完毕率 {percent(r.fulfilled_rate)}\t终本率 {percent(r.termination_rate)}\t"
            f"平均结案天数 {days(r.average_days)}\t超期节点 {h.counts.overdue_steps}"
        )
    court = indicators(report.court)
    typer.echo(f"全院：已结 {report.court.closed} 件，结案率 {percent(court.closure_rate)}", err=True)
    if note is not None:
        typer.echo(note, err=True)
    elif out is not None:
        typer.echo(f"已写出 {out}", err=True)


def _produced(out: Path) -> Callable[[MonthlyReport], tuple[str, Path | None]]:
    def describe(report: MonthlyReport) -> tuple[str, Path | None]:
        return f"{len(report.handlers)} 名承办人，全院已结 {report.court.closed} 件", out

    return describe
