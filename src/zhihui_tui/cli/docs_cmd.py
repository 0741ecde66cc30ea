"""``zhihui docs``: generate the due filing packs (R-SRV-1) and merge a day's documents for printing (R-CLI-2)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zhihui_tui.cli.batch import exclusive
from zhihui_tui.cli.common import fail, one_line_errors, print_json, ready
from zhihui_tui.cli.runs import DRY_RUN, DryRunOption, dry_run_done

if TYPE_CHECKING:
    from zhihui_tui.services.documents import GenerateReport, PrintedFile

app = typer.Typer(help="送达文书", no_args_is_help=True)

DOCUMENTS_SUBDIR = "documents"


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing for cron or a pipe."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


@app.command("generate")
@exclusive("docs generate")
@one_line_errors
def generate(
    ctx: typer.Context,
    case: Annotated[str | None, typer.Option("--case", help="只生成该案号的文书")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="输出目录，默认 <数据目录>/documents")] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="本院模板目录（按文件覆盖自带模板），默认 $ZHIHUI_TEMPLATE_DIR")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="重新生成已生成的文书（旧版本保留）")] = False,
    dry_run: DryRunOption = False,
    workers: Annotated[int, typer.Option("--workers", min=1, max=16, help="并行生成的进程数")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
) -> None:
    """生成到期的立案送达文书（执行通知书、报告财产令、传票、缴款通知书、执行裁定书）。"""
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.documents import (
        DocumentSettings,
        GenerateRequest,
        generate_packs,
        load_templates,
        template_folders,
    )

    with ready(ctx) as rt:
        settings = DocumentSettings.from_env(rt.court.court_name)
        loaded = load_templates(template_folders(rt.data_dir, templates))
        request = GenerateRequest(
            out_dir=(out if out is not None else rt.data_dir / DOCUMENTS_SUBDIR).resolve(),
            templates=loaded,
            settings=settings,
            case_number=case,
            force=force,
            dry_run=dry_run,
            workers=workers,
        )
        with _progress(sys.stderr.isatty() and not as_json, "生成送达文书") as progress:
            report = generate_packs(request, ctx=rt.context(system_actor(rt.engine)), progress=progress)
    if as_json:
        print_json(_report_json(report))
    else:
        for line in _report_text(report):
            typer.echo(line)
    _exit_for_failures(report)


def _exit_for_failures(report: GenerateReport) -> None:
    from zhihui_tui.services.documents import Outcome

    failed = report.of(Outcome.FAILED)
    if failed:
        listed = "；".join(f"{r.case_number}（{r.reason}）" for r in failed)
        fail(f"{len(failed)} 件案件的文书未生成：{listed}")


def _report_text(report: GenerateReport) -> list[str]:
    from zhihui_tui.services.documents import Outcome

    lines: list[str] = []
    for result in report.of(Outcome.GENERATED):
        folder = result.documents[0].path.parent if result.documents else ""
        kinds = "、".join(f"{d.kind.label}（第 {d.document_version} 版）" for d in result.documents)
        lines.append(f"{result.case_number}\t已生成 {kinds}\t{folder}")
    for result in report.of(Outcome.PLANNED):
        lines.append(f"{result.case_number}\t将生成 {'、'.join(k.label for k in result.kinds)}")
    generated, skipped = report.of(Outcome.GENERATED), report.of(Outcome.SKIPPED)
    planned, failed = report.of(Outcome.PLANNED), report.of(Outcome.FAILED)
    if report.dry_run:
        counts = f"{len(planned)} 件案件将生成文书，{len(skipped)} 件已生成，{len(failed)} 件缺少信息"
        lines.append(f"{DRY_RUN}：{counts}；未写入任何文件，未改动数据库")
    elif not generated:
        extra = f"，{len(skipped)} 件已生成过（如需重新生成请加 --force）" if skipped else ""
        lines.append(f"没有需要生成的文书，未写入任何文件{extra}")
    else:
        lines.append(
            f"共生成 {len(generated)} 件案件的 {report.documents_written} 份文书；{len(skipped)} 件已生成过，跳过"
        )
    return lines


def _report_json(report: GenerateReport) -> dict[str, object]:
    from zhihui_tui.services.documents import Outcome

    return {
        "dry_run": report.dry_run,
        "generated": [
            {
                "case_number": r.case_number,
                "documents": [
                    {"kind": d.kind.label, "version": d.document_version, "path": str(d.path), "sha256": d.sha256}
                    for d in r.documents
                ],
            }
            for r in report.of(Outcome.GENERATED)
        ],
        "planned": [
            {"case_number": r.case_number, "kinds": [k.label for k in r.kinds]} for r in report.of(Outcome.PLANNED)
        ],
        "skipped": [r.case_number for r in report.of(Outcome.SKIPPED)],
        "failed": [
            {"case_number": r.case_number, "reason": r.reason, "missing": list(r.missing)}
            for r in report.of(Outcome.FAILED)
        ],
        "templates": [
            {"name": t.name, "source": t.source, "sha256": t.sha256, "version": t.version}
            for t in report.templates.values()
        ],
    }


@app.command("print")
@exclusive("docs print")
@one_line_errors
def print_documents(
    ctx: typer.Context,
    day_text: Annotated[str | None, typer.Option("--date", help="生成日期，默认今日（--as-of 的日期）")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="输出目录，默认 <数据目录>/documents/print/YYYY-MM-DD")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出结果")] = False,
    dry_run: DryRunOption = False,
) -> None:
    """把某日生成的文书按种类合并为打印文件（每种一份，每份文书另起一页）；可日后按记录的版本重新打印。"""
    from zhihui_tui.domain.validators import parse_date
    from zhihui_tui.services.accounts import system_actor
    from zhihui_tui.services.documents import plan_print_day, print_day

    with ready(ctx) as rt:
        day = parse_date(day_text, field="--date") if day_text is not None else rt.clock.now().date()
        folder = out if out is not None else rt.data_dir / DOCUMENTS_SUBDIR / "print" / f"{day:%Y-%m-%d}"
        service = rt.context(system_actor(rt.engine))
        if dry_run:
            planned = plan_print_day(ctx=service, day=day)
            kinds = "、".join(f"{kind.label} {len(numbers)} 份" for kind, numbers in planned.items()) or "没有文书"
            typer.echo(dry_run_done(f"将在 {folder} 合并 {day:%Y-%m-%d} 的{kinds}"), err=as_json)
            if as_json:
                print_json([{"kind": k.label, "case_numbers": n, "dry_run": True} for k, n in planned.items()])
            return
        printed = print_day(ctx=service, day=day, out_dir=folder.resolve())
    if as_json:
        print_json([_printed_json(p) for p in printed])
        return
    if not printed:
        typer.echo(f"{day:%Y-%m-%d} 没有生成的文书可打印")
        return
    for p in printed:
        again = "（重新打印）" if p.reprint else ""
        typer.echo(f"{p.path}\t{p.kind.label} {len(p.case_numbers)} 份{again}")


def _printed_json(p: PrintedFile) -> dict[str, object]:
    return {
        "kind": p.kind.label,
        "path": str(p.path),
        "sha256": p.sha256,
        "case_numbers": list(p.case_numbers),
        "reprint": p.reprint,
    }
