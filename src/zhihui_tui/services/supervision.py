"""Weekly supervision (R-SUP-1): cases long unclosed — filed more than N months ago (6 by default,
``ZHIHUI_LONG_UNCLOSED_MONTHS``) and still open — with who holds them, oldest first; and the supervision
workbook of open steps (and, weekly, those cases)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import xlsxwriter
from sqlmodel import col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, Staff
from zhihui_tui.domain.closing import add_months
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.deadlines import OpenStep
from zhihui_tui.services.documents.files import write_atomically

LONG_UNCLOSED_MONTHS = 6
STILL_OPEN = (Stage.FILED, Stage.SERVED, Stage.INQUIRED, Stage.TRIAGED, Stage.ESCALATED, Stage.ASSIGNED)


@dataclass(frozen=True)
class LongCase:
    """A case open longer than the limit."""

    case_number: str
    filed_on: date
    days_open: int
    stage: Stage
    handler: str  # "" before assignment


def long_unclosed_months() -> int:
    """The limit in months (``ZHIHUI_LONG_UNCLOSED_MONTHS``, 1–60)."""
    text = os.environ.get("ZHIHUI_LONG_UNCLOSED_MONTHS", str(LONG_UNCLOSED_MONTHS)).strip()
    if not text.isdigit() or not 1 <= int(text) <= 60:
        raise DomainError(f"ZHIHUI_LONG_UNCLOSED_MONTHS 应为 1 至 60 的整数，实际为“{text}”")
    return int(text)


def long_unclosed_cases(*, ctx: ServiceContext, months: int | None = None) -> list[LongCase]:
    """Open cases filed before the limit, oldest first."""
    today = ctx.now().date()
    limit = add_months(today, -(months or long_unclosed_months()))
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(Case.case_number, Case.filed_at, Case.stage, Staff.name)
            .join(Staff, col(Staff.id) == Case.handler_id, isouter=True)
            .where(col(Case.stage).in_([s.value for s in STILL_OPEN]))
            .where(col(Case.filed_at) < datetime.combine(limit, time()))
            .order_by(col(Case.filed_at), col(Case.id))
        ).all()
    return [
        LongCase(number or "", filed.date(), (today - filed.date()).days, Stage(stage), name or "")
        for number, filed, stage, name in rows
        if filed is not None
    ]


STEP_HEADERS = ("期限", "状态", "超期工作日", "案号", "节点", "责任人", "责任岗位")
LONG_HEADERS = ("案号", "立案日期", "已历天数", "状态", "承办人")


def write_workbook(path: Path, steps: list[OpenStep], long_cases: list[LongCase] | None, *, made: datetime) -> None:
    """未完成节点 (and 长期未结案件 when weekly) as an .xlsx, written atomically."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": "督办清单", "created": made.replace(tzinfo=UTC)})
    bold = book.add_format({"bold": True, "font_name": "宋体", "border": 1})
    plain = book.add_format({"font_name": "宋体", "border": 1})
    late = book.add_format({"font_name": "宋体", "border": 1, "font_color": "#C00000"})
    sheet = book.add_worksheet("未完成节点")
    sheet.write_row(0, 0, STEP_HEADERS, bold)
    for row, s in enumerate(steps, start=1):
        cells = (s.due.isoformat(), s.state.label, s.overdue_days, s.case_number, s.label, s.owner_name or "（未领取）",
                 s.owner_role.label)  # fmt: skip
        sheet.write_row(row, 0, cells, late if s.overdue_days else plain)
    sheet.set_column(0, 6, 14)
    sheet.set_column(3, 3, 24)
    sheet.freeze_panes(1, 0)
    if long_cases is not None:
        weekly = book.add_worksheet("长期未结案件")
        weekly.write_row(0, 0, LONG_HEADERS, bold)
        for row, c in enumerate(long_cases, start=1):
            weekly.write_row(row, 0, (c.case_number, c.filed_on.isoformat(), c.days_open, c.stage.label, c.handler),
                             plain)  # fmt: skip
        weekly.set_column(0, 0, 24)
        weekly.set_column(1, 4, 12)
    book.close()
    write_atomically(path, buffer.getvalue())
