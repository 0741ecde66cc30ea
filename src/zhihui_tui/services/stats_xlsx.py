"""The monthly indicators as an .xlsx a clerk opens in WPS or Excel: one sheet of rows (handlers, teams, court)
and one sheet with every formula written out, so the court can check each figure by hand."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter

from zhihui_tui.domain.indicators import FORMULAS, Counts, days, indicators, percent
from zhihui_tui.domain.money import format_yuan
from zhihui_tui.services.documents.files import write_atomically
from zhihui_tui.services.stats import MonthlyReport

HEADERS = (
    "承办人", "团队", "旧存", "新收", "已结", "结案率", "执行完毕", "执行完毕率", "实际执行", "实际执行率",
    "申请标的（元）", "到位金额（元）", "执行到位率", "终本", "终本率", "平均结案天数", "执行完毕平均天数", "超期节点",
)  # fmt: skip


def _cells(name: str, team: str, c: Counts) -> list[object]:
    rates = indicators(c)
    return [
        name, team, c.carried, c.received, c.closed, percent(rates.closure_rate), c.fulfilled,
        percent(rates.fulfilled_rate), c.actually_executed, percent(rates.actual_execution_rate),
        format_yuan(c.target_fen), format_yuan(c.in_place_fen), percent(rates.funds_in_place_rate), c.terminated,
        percent(rates.termination_rate), days(rates.average_days), days(rates.average_days_fulfilled),
        c.overdue_steps,
    ]  # fmt: skip


def report_bytes(report: MonthlyReport, *, made: datetime) -> bytes:
    """The workbook, in memory; the same report at the same time gives the same bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": f"{report.month:%Y年%m月}执行指标", "created": made.replace(tzinfo=UTC)})
    bold = book.add_format({"bold": True, "font_name": "宋体", "border": 1, "align": "center", "text_wrap": True})
    plain = book.add_format({"font_name": "宋体", "border": 1})
    total = book.add_format({"font_name": "宋体", "border": 1, "bold": True})
    sheet = book.add_worksheet("月度指标")
    sheet.write(0, 0, f"{report.month:%Y年%m月} 执行指标（按承办人、团队、全院）", bold)
    sheet.write_row(1, 0, HEADERS, bold)
    rows = [_cells(h.name, h.team.label if h.team else "", h.counts) for h in report.handlers]
    rows += [_cells(f"{team.label}合计", team.label, c) for team, c in report.teams.items()]
    for number, cells in enumerate(rows, start=2):
        sheet.write_row(number, 0, cells, plain)
    sheet.write_row(len(rows) + 2, 0, _cells("全院合计", "", report.court), total)
    sheet.set_column(0, 1, 10)
    sheet.set_column(2, len(HEADERS) - 1, 11)
    sheet.freeze_panes(2, 1)
    formulas = book.add_worksheet("计算公式")
    formulas.write_row(0, 0, ("指标", "计算方法"), bold)
    for number, (name, text) in enumerate(FORMULAS, start=1):
        formulas.write_row(number, 0, (name, text), plain)
    formulas.set_column(0, 0, 16)
    formulas.set_column(1, 1, 90)
    book.close()
    return buffer.getvalue()


def write_report(report: MonthlyReport, path: Path, *, made: datetime) -> None:
    """Write the workbook atomically: a reader sees the old file or the whole new one."""
    write_atomically(path, report_bytes(report, made=made))
