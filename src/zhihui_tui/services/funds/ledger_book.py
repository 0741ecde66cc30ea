"""The monthly case-funds ledger as .xlsx (R-FND-2), written whole or not at all: xlsxwriter in memory, like the
reception ledger (:mod:`zhihui_tui.services.ledger_xlsx`), then a synced temporary copy renamed over the target.

Sheet 案款台账: one row per entry of the month (amounts in yuan as numbers, two decimals shown) and the totals;
sheet 月末未发放: what was still to pay out — overdue first by deadline — or to claim at the month's end."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zhihui_tui.domain.funds import EntryKind
from zhihui_tui.services.atomic_files import place, write_temp
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.funds.due import DueSum
from zhihui_tui.services.funds.ledger import MonthLedger, monthly_ledger

FONT = "宋体"
YUAN = "#,##0.00"
ENTRY_COLUMNS = (("日期", 11), ("案号", 26), ("类别", 7), ("付款人/收款人", 28), ("金额（元）", 15), ("余额（元）", 15))
OPEN_COLUMNS = (("案号", 26), ("付款人", 24), ("到账日期", 11), ("期限", 11), ("金额（元）", 15), ("状态", 10))
OPEN_EXTRA = ("延期原因", 30)


@dataclass(frozen=True)
class LedgerFile:
    """What ``zhihui funds ledger`` wrote: where, the month's entries and the sums open at its end."""

    path: Path
    entries: int
    open_sums: int
    ledger: MonthLedger


def write_monthly_ledger(month: str, target: Path, *, ctx: ServiceContext) -> LedgerFile:
    """Read ``month``'s ledger and write it to ``target`` atomically (temporary copy, then rename)."""
    ledger = monthly_ledger(month, ctx=ctx)
    content = render(ledger, court_name=ctx.court.court_name)
    place(write_temp(target, content), target)  # the folder must exist: --out names one
    return LedgerFile(target, len(ledger.lines), len(ledger.open_at_end), ledger)


def title(court_name: str, ledger: MonthLedger) -> str:
    """The heading of the entries sheet."""
    return f"{court_name}案款台账（{ledger.first.year}年{ledger.first.month}月）"


def yuan(fen: int) -> float:
    """Fen as a yuan number for a cell (exact to the fen below 2**53 fen)."""
    return fen / 100


def render(ledger: MonthLedger, *, court_name: str) -> bytes:
    """The workbook's bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": title(court_name, ledger), "company": court_name})
    f = _formats(book)
    _entries_sheet(book.add_worksheet("案款台账"), ledger, court_name, f)
    _open_sheet(book.add_worksheet("月末未发放"), ledger, f)
    book.close()
    return buffer.getvalue()


def _formats(book: Any) -> dict[str, Any]:
    base = {"font_name": FONT, "font_size": 11, "border": 1}
    return {
        "title": book.add_format({"font_name": FONT, "bold": True, "font_size": 14, "align": "center"}),
        "header": book.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9D9D9"}),
        "cell": book.add_format(base),
        "yuan": book.add_format({**base, "num_format": YUAN}),
        "bold": book.add_format({**base, "bold": True}),
        "total": book.add_format({**base, "bold": True, "num_format": YUAN}),
    }


def _heading(sheet: Any, columns: tuple[tuple[str, int], ...], text: str, f: dict[str, Any]) -> None:
    sheet.merge_range(0, 0, 0, len(columns) - 1, text, f["title"])
    for index, (header, width) in enumerate(columns):
        sheet.set_column(index, index, width)
        sheet.write_string(1, index, header, f["header"])
    sheet.freeze_panes(2, 0)


def _entries_sheet(sheet: Any, ledger: MonthLedger, court_name: str, f: dict[str, Any]) -> None:
    _heading(sheet, ENTRY_COLUMNS, title(court_name, ledger), f)
    row = 1
    for line in ledger.lines:
        row += 1
        sheet.write_string(row, 0, f"{line.occurred_on:%Y-%m-%d}", f["cell"])
        sheet.write_string(row, 1, line.case_number, f["cell"])
        sheet.write_string(row, 2, line.kind.label, f["cell"])
        sheet.write_string(row, 3, line.counterparty, f["cell"])
        sheet.write_number(row, 4, yuan(line.amount_fen), f["yuan"])
        sheet.write_number(row, 5, yuan(line.balance_after_fen), f["yuan"])
    if not ledger.lines:
        row += 1
        sheet.merge_range(row, 0, row, len(ENTRY_COLUMNS) - 1, "本月无账目", f["cell"])
    row += 1
    for kind in EntryKind:
        row += 1
        sheet.merge_range(row, 0, row, 3, f"本月{kind.label}合计", f["bold"])
        sheet.write_number(row, 4, yuan(ledger.totals[kind]), f["total"])
    row += 1
    sheet.merge_range(row, 0, row, 3, "本月净额", f["bold"])
    sheet.write_number(row, 4, yuan(sum(ledger.totals.values())), f["total"])


def _open_sheet(sheet: Any, ledger: MonthLedger, f: dict[str, Any]) -> None:
    columns = (*OPEN_COLUMNS, OPEN_EXTRA)
    _heading(sheet, columns, f"截至 {ledger.last:%Y-%m-%d} 未发放及待认领款项", f)
    row = 1
    for due in ledger.open_at_end:
        row += 1
        _open_row(sheet, row, due, f)
    row += 2
    sheet.merge_range(row, 0, row, 3, "合计", f["bold"])
    sheet.write_number(row, 4, yuan(sum(s.amount_fen for s in ledger.open_at_end)), f["total"])


def _open_row(sheet: Any, row: int, due: DueSum, f: dict[str, Any]) -> None:
    sheet.write_string(row, 0, due.case_number or "（待认领）", f["cell"])
    sheet.write_string(row, 1, due.payer, f["cell"])
    sheet.write_string(row, 2, f"{due.arrived:%Y-%m-%d}", f["cell"])
    sheet.write_string(row, 3, f"{due.due:%Y-%m-%d}", f["cell"])
    sheet.write_number(row, 4, yuan(due.amount_fen), f["yuan"])
    sheet.write_string(row, 5, due.state.label, f["cell"])
    sheet.write_string(row, 6, due.delay_reason or "", f["cell"])
