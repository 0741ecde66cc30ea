"""The case import's columns and the parsers of its fields: one row's cells into checked values, every problem
collected on the row with its line and column (see :mod:`zhihui_tui.services.importing.cases` for the rules)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any

from zhihui_tui.domain.basis import parse_basis as read_basis
from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.identity import identify
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.money import parse_yuan
from zhihui_tui.domain.roles import Team, Title
from zhihui_tui.services.cases import NewBasis, NewCase, PartyKind
from zhihui_tui.services.importing.table import Cell, RowError, cell_text, text_at

COLUMNS = (
    "案号", "收案日期", "立案日期", "类别", "申请执行人", "申请执行人证件号", "被执行人", "被执行人证件号",
    "被执行人下落不明", "执行标的", "执行依据", "承办人", "团队", "状态",
)  # fmt: skip
REQUIRED_COLUMNS = (
    "收案日期", "类别", "申请执行人", "申请执行人证件号", "被执行人", "被执行人证件号", "执行标的", "状态",
)  # fmt: skip
IMPORT_TIME = time(9, 0)  # a date-only column is recorded at 09:00, as ``--as-of DATE`` reads a bare date
SEPARATOR = "、"

_SCIENTIFIC = re.compile(r"[0-9.]+E\+?[0-9]+")
NUMERIC_ID = "证件号被表格存成了数字（只保留 15 位有效数字，末几位已丢失）：请把该列设为文本格式后重新录入"
_YES_NO = {"是": True, "否": False}
TEAMS = {"快执": Team.FAST, "快速执行团队": Team.FAST, "精执": Team.INTENSIVE, "精执办案团队": Team.INTENSIVE}


@dataclass(frozen=True)
class StaffInfo:
    """An account as the 承办人 column needs it: active, a handler, not a clerk, and its team."""

    id: int
    login: str
    name: str
    active: bool
    handler: bool
    team: Team | None
    title: Title | None


@dataclass(frozen=True)
class ParsedRow:
    """A row that passed every check of its own: the case it makes, the number the file gave, what identifies it.

    A 申请执行 row with a basis is identified by (basis number, applicant ID) pairs — the same applicant on the same
    document is the same case, whatever its date or amount; any other row by its fingerprint (received date,
    category, amount, parties)."""

    line: int
    case: NewCase
    number: CaseNumber | None
    fingerprint: tuple[Any, ...]
    basis_keys: frozenset[tuple[str, str]] = frozenset()


class Row:
    """One data row: raw cells by column name, and the problems found so far."""

    def __init__(self, line: int, cells: list[Cell], positions: dict[str, int]) -> None:
        self.line = line
        self.cells = cells
        self.positions = positions
        self.errors: list[RowError] = []

    def raw(self, column: str) -> Cell:
        """The cell of ``column`` as the reader gave it."""
        return text_at(self.cells, self.positions, column)

    def text(self, column: str) -> str:
        """The cell of ``column`` as the text a clerk sees, trimmed."""
        return cell_text(self.raw(column)).strip()

    def fail(self, column: str, reason: str) -> None:
        """Record a problem of this row."""
        self.errors.append(RowError(self.line, column, reason))

    def attempt(self, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``parse(...)``, or None with its field error recorded on the row."""
        try:
            return parse(*args, **kwargs)
        except FieldError as error:
            self.fail(error.field, error.reason)
            return None


def split_names(text: str) -> list[str]:
    """Several parties (or their numbers) in one cell, separated by 、."""
    return [part.strip() for part in text.split(SEPARATOR)] if text.strip() else []


def parse_category(text: str) -> FilingCategory:
    """类别 by its Chinese label; required."""
    if not text:
        raise FieldError("类别", "不能为空")
    return FilingCategory.from_label(text)


def parse_stage(text: str) -> Stage:
    """状态 by its Chinese label; required."""
    if not text:
        raise FieldError("状态", "不能为空")
    return Stage.from_label(text)


def parse_amount(value: Cell) -> int:
    """Number cells (int, float, Decimal) and text go to the one money parser; dates and booleans as their text."""
    if isinstance(value, (int, float, Decimal, str)) and not isinstance(value, bool):
        return parse_yuan(value, field="执行标的")
    return parse_yuan(cell_text(value), field="执行标的")


def parse_identity(row: Row, text: str, column: str, label: str, *, today: date) -> tuple[PartyKind, str] | None:
    """A 居民身份证号 makes a person, a 统一社会信用代码 an organisation; the shape decides which rules apply."""
    compact = unicodedata.normalize("NFKC", text).strip().upper()
    if not compact:
        row.fail(column, f"{label}证件号为空（多人之间只用一个“、”）")
        return None
    if _SCIENTIFIC.fullmatch(compact):
        row.fail(column, f"{label}{NUMERIC_ID}")
        return None
    try:
        kind, number = identify(compact, field=column, today=today)
    except FieldError as error:
        # the number named, as a cell may hold several ("申请执行人 1522…0012 不是有效的居民身份证号：…")
        row.fail(column, f"{label}{error.reason}" if compact in error.reason else f"{label} {compact} {error.reason}")
        return None
    return PartyKind(kind), number


def parse_whereabouts(row: Row, column: str, count: int) -> list[bool] | None:
    """被执行人下落不明: one 是/否 for all respondents, or one per respondent (empty = 否)."""
    parts = split_names(row.text(column)) or ["否"]
    unknown = [p for p in parts if p not in _YES_NO]
    if unknown:
        row.fail(column, f"应填“是”或“否”（收到“{unknown[0]}”）")
        return None
    values = [_YES_NO[p] for p in parts]
    if len(values) == 1:
        return values * count
    if len(values) != count:
        row.fail(column, f"逐人填写时个数应与被执行人相同（{count} 人，{len(values)} 个值）")
        return None
    return values


def parse_basis(text: str, *, today: date, court_codes: Mapping[str, str]) -> NewBasis:
    """执行依据 as courts write it (:mod:`zhihui_tui.domain.basis`): the number alone (the body from its court code),
    the body before it, the document kind after it, an effective date (not in the future) last."""
    basis = read_basis(text, court_codes=court_codes, today=today, field="执行依据")
    return NewBasis(basis.issuing_body, basis.document_number, basis.effective_date, basis.document_kind)
