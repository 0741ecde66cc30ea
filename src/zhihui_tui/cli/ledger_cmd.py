"""``zhihui ledger``: the day's reception ledger as .xlsx, reported to the centre once (R-REC-5, R-CLI-2)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import fail, one_line_errors, print_json, ready
from zhihui_tui.cli.runs import DryRunOption, ForceOption, dry_run_note, once, out_scope

if TYPE_CHECKING:
    from zhihui_tui.services.reception import LedgerReportResult

app = typer.Typer(help="接待台账", no_args_is_help=True)

LEDGER_SUBDIR = "ledger"


def default_out(data_dir: Path, day: date) -> Path:
    """Where the day's ledger goes when ``--out`` is not given."""
    return data_dir / LEDGER_SUBDIR / f"接待台账-{day:%Y-%m-%d}.xlsx"


@app.command("daily")
@exclusive("ledger daily")
@one_line_errors
def daily(
    ctx: typer.Context,
    day_text: Annotated[str | None, typer.Option("--date", help="台账日期，默认今日（--as-of 的日期）")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出文件，默认 <数据目录>/ledger/接待台账-YYYY-MM-DD.xlsx")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    dry_run: DryRunOption = False,
    force: ForceOption = False,
) -> None:
    """生成当日接待台账（.xlsx）并报送指挥中心；同一业务日再次运行不重复生成（运行台账），--force 重新生成文件，
    但不重复报送。"""
    from zhihui_tui.domain.validators import parse_date
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.reception import preview_daily_ledger, report_daily_ledger

    with ready(ctx) as rt:
        service = rt.context(system_actor(rt.engine))
        day = parse_date(day_text, field="--date") if day_text is not None else service.today()
        target = out if out is not None else default_out(service.data_dir, day)
        scope = out_scope(target, f"{day:%Y-%m-%d}")
        if dry_run:
            view = preview_daily_ledger(day, target, ctx=service)
            reported = "已报送过，不再报送" if view.report is not None else "将报送指挥中心"
            plan = f"将生成 {target}：{day:%Y-%m-%d} 接待 {view.total} 人次（其中信访 {view.petitions}），{reported}"
            typer.echo(dry_run_note(rt, "ledger daily", scope, plan), err=as_json)
            return

        def work() -> LedgerReportResult:
            if out is None:
                _make_folder(target.parent)
            if sys.stderr.isatty():
                typer.echo(f"正在生成 {day:%Y-%m-%d} 的接待台账…", err=True)
            return report_daily_ledger(day, target, ctx=service)

        done = once(rt, "ledger daily", scope, force=force, as_json=as_json, work=work, produced=_produced)
        if done is None:
            return
        result = done
    if as_json:
        print_json(_as_json(result))
        return
    for line in _as_text(result):
        typer.echo(line)
    if not result.matches_report:
        typer.echo("注意：台账内容与报送时不一致（报送后数据有变动）", err=True)


def _produced(result: LedgerReportResult) -> tuple[str, Path | None]:
    first = "已报送" if result.newly_reported else "此前已报送"
    return f"接待 {result.visit_count} 人次，{first}", result.path


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"无法创建目录 {folder}：{error.strerror or error}")


def _as_text(result: LedgerReportResult) -> list[str]:
    from zhihui_tui.domain.reception import VisitPurpose

    petitions = result.counts[VisitPurpose.PETITION]
    when = f"{result.reported_at:%Y-%m-%d %H:%M}"
    status = (
        f"已报送：{when}，报送人 {result.reported_by_name}"
        if result.newly_reported
        else f"该日台账已于 {when} 由 {result.reported_by_name} 报送，本次重新生成文件，未重复报送"
    )
    return [str(result.path), f"{result.day:%Y-%m-%d} 接待 {result.visit_count} 人次（其中信访 {petitions}）", status]


def _as_json(result: LedgerReportResult) -> dict[str, object]:
    return {
        "date": result.day.isoformat(),
        "path": str(result.path),
        "visits": result.visit_count,
        "counts": {purpose.label: count for purpose, count in result.counts.items()},
        "newly_reported": result.newly_reported,
        "reported_at": f"{result.reported_at:%Y-%m-%dT%H:%M}",
        "reported_by": result.reported_by_login,
        "reported_by_name": result.reported_by_name,
        "sha256": result.sha256,
        "matches_report": result.matches_report,
    }
