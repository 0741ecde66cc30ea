"""The day's reception ledger as a formatted .xlsx a clerk opens in WPS or Excel (R-REC-5, R-CLI-2).

xlsxwriter in memory: its zip entries carry a fixed 1980 timestamp and its XML is written in a fixed order, so
with the workbook's created/modified time set to the report time the same ledger always gives the same bytes —
a second run of ``zhihui ledger daily`` reproduces the reported file exactly.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhihui_tui.services.reception.ledger import LedgerRow, LedgerView

SHEET_NAME = "接待台账"
FONT = "宋体"
COURT_TIME = timezone(timedelta(hours=8), "CST")  # court time is China Standard Time (no DST since 1991)
LINE_HEIGHT = 15.0  # points per text line at 11 pt
HEADER_ROW = 1
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class Column:
    """A ledger column: heading, width and alignment."""

    header: str
    width: float  # in Excel character units; a CJK character takes two
    wrap: bool = False
    centre: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("时间", 7, centre=True),
    Column("渠道", 6, centre=True),
    Column("来访人", 16, wrap=True),
    Column("证件号", 21),
    Column("电话", 15),
    Column("事由", 11, centre=True),
    Column("关联案号", 25, wrap=True),
    Column("接待人", 10),
    Column("处理结果", 42, wrap=True),
    Column("补录原因", 20, wrap=True),
)
LAST_COLUMN = len(COLUMNS) - 1


def cells(row: LedgerRow) -> tuple[str, ...]:
    """A ledger row in column order, as the clerk reads it."""
    return (
        f"{row.visited_at:%H:%M}",
        row.channel.label,
        row.visitor_name,
        row.id_number_masked,
        row.phone_masked,
        row.purpose.label,
        row.case_number or "",
        row.staff_name,
        row.outcome,
        row.late_entry_reason or "",
    )


def title(court_name: str, day: date) -> str:
    """The sheet's heading: the court and the day."""
    return f"{court_name}执行接待台账（{day.year}年{day.month}月{day.day}日）"


def footer(reporter_name: str, reported_at: datetime) -> str:
    """The line under the counts: who reported, and when."""
    return f"报送人：{reporter_name}　报送时间：{reported_at:%Y-%m-%d %H:%M}"


def render(ledger: LedgerView, *, court_name: str, reporter_name: str, reported_at: datetime) -> bytes:
    """The workbook's bytes; equal input gives equal bytes."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {
            "title": title(court_name, ledger.day),
            "author": reporter_name,
            "company": court_name,
            "created": reported_at.replace(tzinfo=COURT_TIME).astimezone(UTC),
        }
    )
    formats = _formats(workbook)
    sheet = workbook.add_worksheet(SHEET_NAME)
    _set_up_page(sheet, ledger.day)
    sheet.merge_range(0, 0, 0, LAST_COLUMN, title(court_name, ledger.day), formats["title"])
    sheet.set_row(0, 30)
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width)
        sheet.write_string(HEADER_ROW, index, column.header, formats["header"])
    sheet.set_row(HEADER_ROW, 22)
    row = _write_rows(sheet, ledger.rows, formats)
    row = _write_totals(sheet, row + 1, ledger, formats)
    sheet.merge_range(row + 2, 0, row + 2, LAST_COLUMN, footer(reporter_name, reported_at), formats["footer"])
    workbook.close()
    return buffer.getvalue()


def _formats(workbook: Any) -> dict[str, Any]:
    base = {"font_name": FONT, "font_size": 11, "valign": "top"}
    boxed = {**base, "border": 1}
    return {
        "title": workbook.add_format({**base, "bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "header": workbook.add_format(
            {**boxed, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#D9D9D9", "text_wrap": True}
        ),
        "cell": workbook.add_format(boxed),
        "centre": workbook.add_format({**boxed, "align": "center"}),
        "wrap": workbook.add_format({**boxed, "text_wrap": True}),
        "empty": workbook.add_format({**boxed, "align": "center", "font_color": "#808080"}),
        "total_label": workbook.add_format({**boxed, "bold": True}),
        "label": workbook.add_format(boxed),
        "count": workbook.add_format({**boxed, "num_format": "0"}),
        "total": workbook.add_format({**boxed, "bold": True, "num_format": "0"}),
        "footer": workbook.add_format({**base, "align": "right"}),
    }


def _set_up_page(sheet: Any, day: date) -> None:
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    sheet.repeat_rows(0, HEADER_ROW)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer(f"&C{day:%Y-%m-%d} 接待台账　第 &P 页 / 共 &N 页")


def _write_rows(sheet: Any, rows: Sequence[LedgerRow], formats: dict[str, Any]) -> int:
    """Data rows from ``FIRST_DATA_ROW``; returns the last row used."""
    if not rows:
        sheet.merge_range(FIRST_DATA_ROW, 0, FIRST_DATA_ROW, LAST_COLUMN, "本日无来访登记", formats["empty"])
        return FIRST_DATA_ROW
    for offset, ledger_row in enumerate(rows):
        row = FIRST_DATA_ROW + offset
        values = cells(ledger_row)
        for index, (column, value) in enumerate(zip(COLUMNS, values, strict=True)):
            style = "wrap" if column.wrap else "centre" if column.centre else "cell"
            if value:
                sheet.write_string(row, index, value, formats[style])
            else:
                sheet.write_blank(row, index, None, formats[style])  # bordered, but no empty string
        sheet.set_row(row, LINE_HEIGHT * _lines_needed(values))
    last = FIRST_DATA_ROW + len(rows) - 1
    sheet.autofilter(HEADER_ROW, 0, last, LAST_COLUMN)
    return last


def _write_totals(sheet: Any, row: int, ledger: LedgerView, formats: dict[str, Any]) -> int:
    """The counts by purpose under the rows (信访 among them, R-REC-6); returns the last row used."""
    row += 1
    sheet.merge_range(row, 0, row, 1, "事由", formats["header"])
    sheet.write_string(row, 2, "人次", formats["header"])
    for purpose, count in ledger.counts.items():
        row += 1
        sheet.merge_range(row, 0, row, 1, purpose.label, formats["label"])
        sheet.write_number(row, 2, count, formats["count"])
    row += 1
    sheet.merge_range(row, 0, row, 1, "合计", formats["total_label"])
    sheet.write_number(row, 2, ledger.total, formats["total"])
    return row


def display_width(text: str) -> int:
    """Columns the text takes on screen and paper: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines_needed(values: Sequence[str]) -> int:
    """Lines the tallest wrapped cell needs, so WPS and LibreOffice show whole outcomes without a resize."""
    lines = 1
    for column, value in zip(COLUMNS, values, strict=True):
        if not column.wrap:
            continue
        usable = max(1, int(column.width) - 1)
        wrapped = sum(max(1, math.ceil(display_width(part) / usable)) for part in value.split("\n"))
        lines = max(lines, wrapped)
    return lines
