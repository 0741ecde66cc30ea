"""Weekly supervision (R-SUP-1): cases long unclosed — filed more than N months ago (6 by default,
``ZHIHUI_LONG_UNCLOSED_MONTHS``) and still open — with who holds them, oldest first; and the supervision
workbook of open steps (and, weekly, those cases)."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from json.encoder import encode_basestring  # the C one when built, as json.dumps(ensure_ascii=False) uses
from pathlib import Path
from typing import Any, TextIO

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


def step_record(s: OpenStep) -> dict[str, Any]:
    """One open step as ``zhihui supervise --json`` lists it (SPEC §5.2)."""
    return {
        "case_number": s.case_number,
        "step": s.label,
        "owner": s.owner_login,
        "owner_post": s.owner_role.label,
        "due": s.due.isoformat(),
        "state": s.state.value,
        "overdue_days": s.overdue_days,
    }


def long_record(c: LongCase) -> dict[str, Any]:
    """One long-unclosed case as ``zhihui supervise --weekly --json`` lists it."""
    return {
        "case_number": c.case_number,
        "filed": c.filed_on.isoformat(),
        "days_open": c.days_open,
        "stage": c.stage.label,
        "handler": c.handler or None,
    }


def _scalar(value: object) -> str:
    """A value as json.dumps(ensure_ascii=False) writes it; strings and integers without an encoder object per
    value (on 157,000 steps the generic encoder was most of the writing time)."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return encode_basestring(value)
    if type(value) is int:  # not bool, which json writes as true/false
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def write_json(out: TextIO, steps: Iterable[OpenStep], long_cases: list[LongCase] | None) -> int:
    """The supervise JSON document, written step by step as ``steps`` yields them; returns how many steps.

    The text is exactly ``json.dumps(document, ensure_ascii=False, indent=2)`` plus a newline (the list of steps,
    or with ``long_cases`` ``{"steps": …, "long_unclosed": …}``), but no list of all steps nor the whole text is
    ever held: on 1,000,000 cases that pair was most of the command's peak memory."""
    if long_cases is None:
        count = _write_list(out, map(step_record, steps), 0)
    else:
        out.write('{\n  "steps": ')
        count = _write_list(out, map(step_record, steps), 1)
        out.write(',\n  "long_unclosed": ')
        _write_list(out, map(long_record, long_cases), 1)
        out.write("\n}")
    out.write("\n")
    return count


def _write_list(out: TextIO, records: Iterable[dict[str, Any]], depth: int) -> int:
    pad, count = "  " * depth, 0
    for record in records:
        out.write(",\n" if count else "[\n")
        out.write(_object(record, depth + 1))
        count += 1
    out.write(f"\n{pad}]" if count else "[]")
    return count


def _object(record: dict[str, Any], depth: int) -> str:
    """A flat object of scalars as json.dumps(indent=2) writes it at ``depth``: its keys laid out once per shape,
    the values filled in (157,000 steps, each its seven keys encoded again, were a third of the writing)."""
    keys = tuple(record)
    layout = _LAYOUTS.get((keys, depth))
    if layout is None:
        layout = _LAYOUTS[(keys, depth)] = _layout(keys, depth)
    return layout % tuple(map(_scalar, record.values()))


_LAYOUTS: dict[tuple[tuple[str, ...], int], str] = {}


def _layout(keys: tuple[str, ...], depth: int) -> str:
    if not keys:
        return "{}"
    pad = "  " * depth
    fields = ",\n".join(f"{pad}  {_scalar(key).replace('%', '%%')}: %s" for key in keys)
    return f"{pad}{{\n{fields}\n{pad}}}"
