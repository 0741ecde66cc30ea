"""``zhihui import cases FILE`` (SPEC §5.1): cases from .csv (UTF-8, with or without BOM) or .xlsx, all or nothing.

Every row is parsed in full and every problem is collected with the row's physical line number (header = line 1);
one bad row and nothing is written. A clean file goes in with one short bulk transaction that writes what
``register_case`` would write for each row (same rows, deadlines, search keys and audit entries).

Rules beyond the column list (the decisions a clerk needs to know):

* Columns. Required: 收案日期 类别 申请执行人 申请执行人证件号 被执行人 被执行人证件号 执行标的 状态. The others
  (案号 立案日期 被执行人下落不明 执行依据 承办人 团队) may be left out. Unknown columns (a 备注 column, say) are
  ignored and named in the report; a column given twice is an error. Fully blank rows are skipped.
* Parties. Several applicants or respondents are separated by 、, their ID numbers in the same order and number.
  A number shaped like a 居民身份证号 (18 digits, last may be X; or 15 digits) makes a person, otherwise it must be a
  统一社会信用代码 and makes an organisation. One number always carries one name (in the file and in the database).
* 被执行人下落不明: 是/否 (empty = 否) for all respondents of the row, or one 是/否 per respondent separated by 、.
* 执行依据: "作出机关 文书编号 [生效日期]", e.g. ``科尔沁右翼前旗人民法院（2026）内2221民初1234号 2026-03-05``;
  optional. The effective date may not lie after 收案日期.
* Dates are not in the future; 立案日期 is not before 收案日期. Times of day are unknown: 09:00 is recorded.
* Stages: 材料接收 and 不予立案 have neither 立案日期 nor 案号; every other stage needs 立案日期. Before triage
  (up to 已查控, and 局长指定) there is no 承办人/团队; from 已分流 on a 承办人 is required, and a 团队 too (taken
  from the handler's team when left empty; 执行异议 cases need none). 执行异议 cases skip service and triage, so
  they are never 已送达/已查控/已分流/局长指定.
* 案号: this court's code, the type of the category (执 for 申请执行/审判庭移送 — 执保 is also accepted for
  申请执行 —, 执恢, 执异) and the year of 立案日期; unique in the file and the database. Empty: allocated on import,
  after every given number has moved the counter past itself, so allocations never collide.
* 承办人: the login of an active account with the handler role, not a clerk (书记员).
* A row without 案号 that repeats another row or an existing case (same 收案日期, 类别, 执行标的 and parties) is
  refused, so importing the same file twice cannot double the cases.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    Case,
    CaseParty,
    Party,
    Staff,
    StaffRole,
)
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.case_number import CaseNumber, parse_case_number
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import CaseType, FilingCategory, Stage
from zhihui_tui.domain.money import parse_yuan
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.validators import (
    clean_text,
    normalize_credit_code,
    normalize_person_name,
    normalize_resident_id,
    parse_date,
)
from zhihui_tui.services.case_import_plan import parties_of as _parties_of
from zhihui_tui.services.case_import_write import Refused, write_cases
from zhihui_tui.services.cases import (
    STAGE_STEP,
    NewBasis,
    NewCase,
    NewParty,
    PartyKind,
    PartyRole,
)
from zhihui_tui.services.context import Actor, require_role

COLUMNS = (
    "案号", "收案日期", "立案日期", "类别", "申请执行人", "申请执行人证件号", "被执行人", "被执行人证件号",
    "被执行人下落不明", "执行标的", "执行依据", "承办人", "团队", "状态",
)  # fmt: skip
REQUIRED_COLUMNS = (
    "收案日期", "类别", "申请执行人", "申请执行人证件号", "被执行人", "被执行人证件号", "执行标的", "状态",
)  # fmt: skip
IMPORT_TIME = time(9, 0)  # a date-only column is recorded at 09:00, as ``--as-of DATE`` reads a bare date
SEPARATOR = "、"
_CHUNK = 500  # IN-list size for database look-ups
_PROGRESS_EVERY = 500

Cell = str | int | float | Decimal | datetime | date | bool | None
Progress = Callable[[str, int], None]


class ImportFileError(DomainError):
    """The file as a whole cannot be read (wrong type, wrong encoding, missing columns): nothing was imported."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.field}：{self.reason}"


@dataclass(frozen=True)
class ImportResult:
    rows: int  # data rows read (blank rows not counted)
    imported: int  # cases written: 0 whenever ``errors`` is not empty
    allocated: int  # case numbers allocated on import (rows without 案号 that were filed)
    errors: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_lines(self) -> int:
        return len({e.line for e in self.errors})


# ------------------------------------------------------------------------------------------------
# Reading .csv and .xlsx
# ------------------------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls / .doc
_SAVE_AS_UTF8 = "请在 WPS/Excel 中“另存为”→“CSV UTF-8（逗号分隔）”后再导入"


def _head(path: Path, size: int = 8192) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def _check_csv_bytes(path: Path, head: bytes) -> None:
    """A .csv must be UTF-8 text; name what it is instead when it is not."""
    if head.startswith(_ZIP_MAGIC):
        raise ImportFileError(
            "文件扩展名是 .csv，内容却是 Excel（.xlsx）表格或压缩包：请把扩展名改为 .xlsx，或" + _SAVE_AS_UTF8
        )
    if head.startswith(_OLE_MAGIC):
        raise ImportFileError("文件扩展名是 .csv，内容却是旧版 Excel（.xls）文件：" + _SAVE_AS_UTF8)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError("文件是 UTF-16 编码（Excel 的“Unicode 文本”）：" + _SAVE_AS_UTF8)
    if head.startswith(b"%PDF"):
        raise ImportFileError("文件扩展名是 .csv，内容却是 PDF 文件")
    if b"\x00" in head:
        raise ImportFileError("文件不是文本表格（含二进制内容）：请导入 .xlsx 或 CSV（UTF-8）文件")
    _check_utf8(path)


def _check_utf8(path: Path) -> None:
    """Decode the whole file once, streaming, so an encoding problem or a NUL is reported before any row is read.

    A NUL past the sniffed head would otherwise reach a cell (the csv module passes it through since Python 3.11);
    a multibyte character cut at the very end means the file was truncated, not that it is in another encoding.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            nul = chunk.find(b"\x00")
            if nul >= 0:
                line = lines_before + chunk[:nul].count(b"\n") + 1
                raise ImportFileError(
                    f"第 {line} 行含空字符（NUL）：文件不是文本表格，请导入 .xlsx 或 CSV（UTF-8）文件"
                )
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                line = lines_before + chunk[: error.start].count(b"\n") + 1
                raise ImportFileError(_not_utf8_message(chunk[error.start :], line)) from None
            lines_before += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFileError(
                f"文件无法读取：第 {lines_before + 1} 行末尾的字符不完整，文件可能没有保存完整或被截断"
            ) from None


def _not_utf8_message(sample: bytes, line: int) -> str:
    try:
        sample[:64].decode("gb18030")
        guess = "，看起来是 GBK/GB18030 编码"
    except UnicodeDecodeError:
        guess = ""
    return f"文件不是 UTF-8 编码（第 {line} 行起无法识别{guess}）：{_SAVE_AS_UTF8}"


_CSV_ERRORS = {"field larger than field limit": "单元格内容过长", "line contains NUL": "含空字符（NUL）"}


def _csv_rows(handle: Iterable[str]) -> Iterator[tuple[int, list[Cell]]]:
    """Records with the physical line they start on (a quoted cell may span lines)."""
    reader = csv.reader(handle)
    last = 0
    try:
        for record in reader:
            yield last + 1, list(record)
            last = reader.line_num
    except csv.Error as error:
        text = str(error)
        reason = next((v for k, v in _CSV_ERRORS.items() if k in text), f"CSV 格式错误（{text}）")
        raise ImportFileError(f"第 {last + 1} 行：{reason}") from None


def _damaged_xlsx(error: BaseException, line: int | None = None) -> ImportFileError:
    """The one message for a workbook openpyxl cannot read, naming the low-level error for whoever debugs it."""
    where = f"第 {line} 行附近：" if line else ""
    return ImportFileError(
        f"文件无法读取：Excel 文件已损坏或不是 .xlsx（{where}{type(error).__name__}），请重新保存或导出后再导入"
    )


def _xlsx_rows(workbook: Any) -> Iterator[tuple[int, list[Cell]]]:
    """The first sheet's rows; read-only mode parses the sheet while it is iterated, so damage surfaces here too.

    A damaged deflate stream, a bad CRC or truncated sheet XML raise from inside openpyxl (``zlib.error``,
    ``BadZipFile``, ``ParseError``, lxml's ``XMLSyntaxError``, ``KeyError``…) in the middle of the rows: all of
    them mean the same to the clerk.  Only openpyxl runs inside the ``try``: the caller's code does not, so its own
    bugs are not disguised as a damaged file.
    """
    try:
        rows = iter(workbook.worksheets[0].iter_rows(values_only=True))  # gaps come back as empty rows
    except Exception as error:  # see the docstring
        raise _damaged_xlsx(error) from None
    line = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as error:  # see the docstring
            raise _damaged_xlsx(error, line + 1) from None
        line += 1
        yield line, list(values)


def _open_workbook(path: Path) -> Any:
    """The workbook in read-only mode; any failure of openpyxl on a damaged file becomes one file-level message."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheets = len(workbook.worksheets)
    except Exception as error:  # lxml, zlib, zipfile and openpyxl each raise their own
        raise _damaged_xlsx(error) from None
    if not sheets:
        workbook.close()
        raise ImportFileError("Excel 文件中没有工作表")
    return workbook


@contextmanager
def open_table(path: Path) -> Iterator[Iterator[tuple[int, list[Cell]]]]:
    """The rows of a .csv or .xlsx file, header first, each with its physical line number.

    Streams: a .csv is read line by line and a .xlsx in openpyxl's read-only mode, so memory does not grow with
    the file. Content that does not match the extension is refused with a message naming what it is.
    """
    if not path.is_file():
        raise ImportFileError(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        hint = "；旧版 .xls 请另存为 .xlsx" if suffix == ".xls" else ""
        raise ImportFileError(f"只能导入 .csv 或 .xlsx 文件（收到“{suffix or '无扩展名'}”）{hint}")
    try:
        head = _head(path)
    except OSError as error:  # permissions, a file on a vanished share
        raise ImportFileError(f"文件无法读取：{error.strerror or type(error).__name__}") from None
    if not head:
        raise ImportFileError("文件是空的（0 字节）")
    if suffix == ".csv":
        _check_csv_bytes(path, head)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield _csv_rows(handle)
        return
    if not head.startswith(_ZIP_MAGIC):
        what = "看起来是文本/CSV 文件，请把扩展名改为 .csv" if b"\x00" not in head else "无法识别的文件"
        raise ImportFileError(f"文件扩展名是 .xlsx，内容却不是 Excel 表格（{what}）")
    workbook = _open_workbook(path)
    try:
        yield _xlsx_rows(workbook)
    finally:
        workbook.close()


def cell_text(value: Cell) -> str:
    """A cell as the text a clerk sees: whole numbers without ``.0``, dates as ISO, Excel booleans as 是/否."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _is_blank(cells: Sequence[Cell]) -> bool:
    return all(cell_text(c).strip() == "" for c in cells)


@dataclass(frozen=True)
class _Header:
    positions: dict[str, int]
    ignored: tuple[str, ...]
    line: int


def _read_header(rows: Iterator[tuple[int, list[Cell]]]) -> _Header:
    for line, cells in rows:
        if not _is_blank(cells):
            return _parse_header(line, cells)
    raise ImportFileError("文件中没有表头和数据")


def _parse_header(line: int, cells: list[Cell]) -> _Header:
    names = [unicodedata.normalize("NFKC", cell_text(c)).strip().lstrip("\ufeff") for c in cells]
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, name in enumerate(names):
        if not name:
            continue
        if name in positions:
            raise ImportFileError(f"第 {line} 行（表头）：列“{name}”出现了两次")
        if name in COLUMNS:
            positions[name] = index
        else:
            ignored.append(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        delimiter = any(sep in name for name in names for sep in ("\t", ";", "；", "，"))
        hint = "；各列之间应以英文逗号分隔" if delimiter else ""
        raise ImportFileError(
            f"第 {line} 行（表头）缺少必需的列：{'、'.join(missing)}{hint}（表头应为：{'、'.join(COLUMNS)}）"
        )
    return _Header(positions, tuple(ignored), line)


# ------------------------------------------------------------------------------------------------
# Parsing one row
# ------------------------------------------------------------------------------------------------

_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
_SCIENTIFIC = re.compile(r"[0-9.]+E\+?[0-9]+")
_NUMERIC_ID = "证件号被表格存成了数字（只保留 15 位有效数字，末几位已丢失）：请把该列设为文本格式后重新录入"
_DOC_NUMBER = re.compile(r"[（(][0-9]{4}[）)][^\s,，;；]*?号")
_YES_NO = {"是": True, "否": False}
_TEAMS = {"快执": Team.FAST, "快速执行团队": Team.FAST, "精执": Team.INTENSIVE, "精执办案团队": Team.INTENSIVE}
_UNFILED = (Stage.RECEIVED, Stage.REJECTED)
_BEFORE_TRIAGE = (Stage.RECEIVED, Stage.FILED, Stage.SERVED, Stage.INQUIRED, Stage.ESCALATED, Stage.REJECTED)
_OBJECTION_SKIPS = (Stage.SERVED, Stage.INQUIRED, Stage.TRIAGED, Stage.ESCALATED)


@dataclass(frozen=True)
class _StaffInfo:
    id: int
    login: str
    name: str
    active: bool
    handler: bool
    team: Team | None
    title: Title | None


@dataclass(frozen=True)
class _ParsedRow:
    line: int
    case: NewCase
    number: CaseNumber | None
    fingerprint: tuple[Any, ...]


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(SEPARATOR)] if text.strip() else []


class _RowParser:
    """Turns one row into a NewCase, or into the list of everything wrong with it."""

    def __init__(
        self, header: _Header, *, court_code: str, now: datetime, staff: dict[str, _StaffInfo], calendar: WorkCalendar
    ) -> None:
        self.header = header
        self.court_code = court_code
        self.now = now
        self.today = now.date()
        self.staff = staff
        self.calendar = calendar

    def parse(self, line: int, cells: list[Cell]) -> tuple[_ParsedRow | None, list[RowError]]:
        row = _Row(line, cells, self.header.positions)
        category = row.attempt(_category, row.text("类别"))
        stage = row.attempt(_stage, row.text("状态"))
        received = self._date(row, "收案日期", required=True)
        filed = self._date(row, "立案日期", required=False)
        number = row.attempt(parse_case_number, row.text("案号")) if row.text("案号") else None
        applicants = self._parties(row, "申请执行人", "申请执行人证件号", None)
        respondents = self._parties(row, "被执行人", "被执行人证件号", "被执行人下落不明")
        amount = row.attempt(_amount, row.raw("执行标的"))
        basis = row.attempt(self._basis, row.text("执行依据")) if row.text("执行依据") else None
        handler = self._handler(row)
        team = self._team(row, handler)
        if applicants and respondents:
            applicant_ids = [a.id_number for a in applicants]
            both = [p.id_number for p in respondents if p.id_number in applicant_ids]
            if both:
                row.fail("被执行人证件号", f"{both[0]} 同时是申请执行人")
        self._check_dates(row, received, filed, basis)
        if stage is not None:
            self._check_stage(row, stage, category, filed, number, handler, team)
        if number is not None and category is not None:
            self._check_number(row, number, category, filed)
        if row.errors:
            return None, row.errors
        assert category and stage and received and applicants and respondents and amount is not None
        case = NewCase(
            category=category,
            received_at=self._moment(received),
            applicants=applicants,
            respondents=respondents,
            target_amount_fen=amount,
            basis=basis,
            stage=stage,
            case_number=number,
            filed_at=self._moment(filed) if filed else None,
            handler_id=handler.id if handler else None,
            team=team,
        )
        self._check_deadline(row, case)
        if row.errors:
            return None, row.errors
        fingerprint = (
            received,
            category,
            amount,
            tuple(p.id_number for p in applicants),
            tuple(p.id_number for p in respondents),
        )
        return _ParsedRow(line, case, number, fingerprint), []

    # -- fields -------------------------------------------------------------------------------------

    def _moment(self, day: date) -> datetime:
        return min(datetime.combine(day, IMPORT_TIME), self.now)

    def _date(self, row: _Row, column: str, *, required: bool) -> date | None:
        value = row.raw(column)
        if isinstance(value, datetime):
            day: date | None = value.date()
        elif isinstance(value, date):
            day = value
        elif not row.text(column):
            if required:
                row.fail(column, "不能为空")
            return None
        else:
            day = row.attempt(parse_date, row.text(column), field=column)
        if day is not None and day > self.today:
            row.fail(column, f"不能晚于今天（{self.today.isoformat()}）")
            return None
        return day

    def _parties(
        self, row: _Row, names_column: str, ids_column: str, unknown_column: str | None
    ) -> tuple[NewParty, ...] | None:
        names, ids = _split(row.text(names_column)), _split(row.text(ids_column))
        if not names:
            row.fail(names_column, "不能为空")
        if isinstance(row.raw(ids_column), int | float):
            row.fail(ids_column, _NUMERIC_ID)
            return None
        if not ids:
            row.fail(ids_column, "不能为空")
        if not names or not ids:
            return None
        if len(names) != len(ids):
            row.fail(
                ids_column, f"与{names_column}人数不一致（{len(names)} 个名称、{len(ids)} 个证件号，多人用“、”分隔）"
            )
            return None
        unknown = self._whereabouts(row, unknown_column, len(names)) if unknown_column else [False] * len(names)
        parties: list[NewParty] = []
        seen: dict[str, int] = {}
        for index, (name, number) in enumerate(zip(names, ids, strict=True)):
            label = f"第 {index + 1} 个" if len(names) > 1 else ""
            party = self._party(row, name, number, names_column, ids_column, label)
            if party is None:
                continue
            if party.id_number in seen:
                row.fail(ids_column, f"{party.id_number} 重复出现")
                continue
            seen[party.id_number or ""] = index
            parties.append(
                NewParty(party.kind, party.name, party.id_number, whereabouts_unknown=bool(unknown and unknown[index]))
            )
        return tuple(parties) if len(parties) == len(names) else None

    def _party(
        self, row: _Row, name: str, number: str, names_column: str, ids_column: str, label: str
    ) -> NewParty | None:
        identity = self._identity(row, number, ids_column, label)
        if not name:
            row.fail(names_column, f"{label}名称为空（多人之间只用一个“、”）")
            return None
        if identity is None:
            return None
        kind, id_number = identity
        try:
            if kind is PartyKind.PERSON:
                clean = normalize_person_name(name, field=names_column)
            else:
                clean = clean_text(name, field=names_column, max_length=100)
        except FieldError as error:
            row.fail(names_column, f"{label}{error.reason}")
            return None
        return NewParty(kind, clean, id_number)

    def _identity(self, row: _Row, text: str, column: str, label: str) -> tuple[PartyKind, str] | None:
        """A 居民身份证号 makes a person, a 统一社会信用代码 an organisation; the shape decides which rules apply."""
        compact = unicodedata.normalize("NFKC", text).strip().upper()
        if not compact:
            row.fail(column, f"{label}证件号为空（多人之间只用一个“、”）")
            return None
        if _SCIENTIFIC.fullmatch(compact):
            row.fail(column, f"{label}{_NUMERIC_ID}")
            return None
        if _ID_SHAPE.fullmatch(compact):
            try:
                return PartyKind.PERSON, normalize_resident_id(compact, field=column, today=self.today)
            except FieldError as error:
                person_error = error.reason
            try:  # an all-digit credit code is rare but legal
                return PartyKind.ORGANISATION, normalize_credit_code(compact, field=column)
            except FieldError:
                row.fail(column, f"{label}{compact} 不是有效的身份证号：{person_error}")
                return None
        if len(compact) != 18:
            row.fail(column, f"{label}“{text.strip()}”应为 18 位居民身份证号或统一社会信用代码")
            return None
        try:
            return PartyKind.ORGANISATION, normalize_credit_code(compact, field=column)
        except FieldError as error:
            row.fail(column, f"{label}{compact} 不是有效的统一社会信用代码：{error.reason}")
            return None

    def _whereabouts(self, row: _Row, column: str, count: int) -> list[bool] | None:
        parts = _split(row.text(column)) or ["否"]
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

    def _basis(self, text: str) -> NewBasis:
        column = "执行依据"
        value = clean_text(text, field=column, max_length=200)
        match = _DOC_NUMBER.search(value)
        if match is None:
            raise FieldError(
                column,
                "应写作“作出机关 文书编号 [生效日期]”，如：科尔沁右翼前旗人民法院（2026）内2221民初1234号 2026-03-05",
            )
        court = value[: match.start()].strip(" ，,；;:：")
        if not court:
            raise FieldError(column, "缺少作出机关（如 科尔沁右翼前旗人民法院）")
        if len(court) > 100:
            raise FieldError(column, "作出机关不能超过 100 个字")
        number = match.group().replace("(", "（").replace(")", "）")
        rest = value[match.end() :].strip(" ，,；;")
        rest = rest.removeprefix("生效日期").removeprefix("生效").removesuffix("生效").strip(" ：:")
        effective = parse_date(rest, field=column) if rest else None
        if effective is not None and effective > self.today:
            raise FieldError(column, f"生效日期不能晚于今天（{self.today.isoformat()}）")
        return NewBasis(court, number, effective)

    def _handler(self, row: _Row) -> _StaffInfo | None:
        login = row.text("承办人").strip()
        if not login:
            return None
        info = self.staff.get(login)
        problem = (
            f"没有登录名为“{login}”的账号" if info is None
            else f"“{login}”（{info.name}）的账号已停用" if not info.active
            else f"“{login}”（{info.name}）不是承办人" if not info.handler
            else f"“{login}”（{info.name}）是书记员，不能作为承办人" if info.title is Title.CLERK
            else None
        )  # fmt: skip
        if problem:
            row.fail("承办人", problem)
            return None
        return info

    def _team(self, row: _Row, handler: _StaffInfo | None) -> Team | None:
        text = row.text("团队").strip()
        if not text:
            return handler.team if handler else None
        team = _TEAMS.get(text) or next((t for t in Team if t.value == text), None)
        if team is None:
            row.fail("团队", f"应为“快执”或“精执”（或留空），收到“{text}”")
            return None
        if handler is not None and handler.team is not None and handler.team is not team:
            row.fail("团队", f"承办人“{handler.login}”（{handler.name}）属于{handler.team.label}团队，与“{text}”不符")
        return team

    # -- consistency --------------------------------------------------------------------------------

    def _check_dates(self, row: _Row, received: date | None, filed: date | None, basis: NewBasis | None) -> None:
        if received and filed and filed < received:
            row.fail("立案日期", f"{filed.isoformat()} 早于收案日期 {received.isoformat()}")
        if received and basis and basis.effective_date and basis.effective_date > received:
            row.fail("执行依据", f"生效日期 {basis.effective_date.isoformat()} 晚于收案日期 {received.isoformat()}")

    def _check_stage(
        self,
        row: _Row,
        stage: Stage,
        category: FilingCategory | None,
        filed: date | None,
        number: CaseNumber | None,
        handler: _StaffInfo | None,
        team: Team | None,
    ) -> None:
        label = f"状态为“{stage.label}”的案件"
        if category is FilingCategory.OBJECTION and stage in _OBJECTION_SKIPS:
            row.fail("状态", f"执行异议案件不经送达、查控和分流，状态不能是“{stage.label}”")
        if stage in _UNFILED:
            if row.text("立案日期"):
                row.fail("立案日期", f"{label}尚未立案，立案日期应为空")
            if row.text("案号"):
                row.fail("案号", f"{label}尚未立案，案号应为空")
        elif not row.text("立案日期"):
            row.fail("立案日期", f"{label}必须有立案日期")
        if stage in _BEFORE_TRIAGE:
            for column in ("承办人", "团队"):
                if row.text(column):
                    row.fail(column, f"{label}尚未分流，{column}应为空")
            return
        if not row.text("承办人"):
            row.fail("承办人", f"{label}必须填写承办人（登录名）")
        elif handler is not None and team is None and category is not FilingCategory.OBJECTION:
            row.fail("团队", f"{label}必须填写团队（快执或精执）")

    def _check_number(self, row: _Row, number: CaseNumber, category: FilingCategory, filed: date | None) -> None:
        if number.court_code != self.court_code:
            row.fail("案号", f"法院代字“{number.court_code}”不是本院的“{self.court_code}”")
        allowed = (
            (category.case_type, CaseType.PRESERVATION)
            if category is FilingCategory.APPLICATION
            else (category.case_type,)
        )
        if number.case_type not in allowed:
            row.fail(
                "案号",
                f"类型代字“{number.case_type.value}”与类别“{category.label}”不符（应为“{category.case_type.value}”）",
            )
        if filed is not None and number.year != filed.year:
            row.fail("案号", f"年份 {number.year} 与立案日期 {filed.isoformat()} 的年份不符")

    def _check_deadline(self, row: _Row, case: NewCase) -> None:
        """The stage's running deadline must be computable: its year needs holiday data (R-TIME-1)."""
        step = STAGE_STEP.get(case.stage)
        if case.category is FilingCategory.OBJECTION and case.stage is Stage.FILED:
            step = Step.OBJECTION_TRANSFER
        if step is None:
            return
        trigger = case.received_at if case.stage is Stage.RECEIVED else (case.filed_at or case.received_at)
        try:
            self.calendar.due_date(trigger, step.rule.days)
        except DomainError as error:
            row.fail("收案日期" if case.stage is Stage.RECEIVED else "立案日期", error.message)


class _Row:
    """One data row: raw cells by column name, and the problems found so far."""

    def __init__(self, line: int, cells: list[Cell], positions: dict[str, int]) -> None:
        self.line = line
        self.cells = cells
        self.positions = positions
        self.errors: list[RowError] = []

    def raw(self, column: str) -> Cell:
        index = self.positions.get(column)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, column: str) -> str:
        return cell_text(self.raw(column)).strip()

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, reason))

    def attempt(self, parse: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return parse(*args, **kwargs)
        except FieldError as error:
            self.fail(error.field, error.reason)
            return None


def _category(text: str) -> FilingCategory:
    if not text:
        raise FieldError("类别", "不能为空")
    return FilingCategory.from_label(text)


def _stage(text: str) -> Stage:
    if not text:
        raise FieldError("状态", "不能为空")
    return Stage.from_label(text)


def _amount(value: Cell) -> int:
    """Number cells (int, float, Decimal) and text go to the one money parser; dates and booleans as their text."""
    if isinstance(value, (int, float, Decimal, str)) and not isinstance(value, bool):
        return parse_yuan(value, field="执行标的")
    return parse_yuan(cell_text(value), field="执行标的")


# ------------------------------------------------------------------------------------------------
# Checks against the whole file and the database
# ------------------------------------------------------------------------------------------------


def _staff_by_login(session: Session) -> dict[str, _StaffInfo]:
    handlers = set(session.exec(select(StaffRole.staff_id).where(StaffRole.role == Role.HANDLER.value)).all())
    result = {}
    for staff in session.exec(select(Staff)).all():
        assert staff.id is not None
        result[staff.login] = _StaffInfo(
            id=staff.id,
            login=staff.login,
            name=staff.name,
            active=staff.active,
            handler=staff.id in handlers,
            team=Team(staff.team) if staff.team else None,
            title=Title(staff.title) if staff.title else None,
        )
    return result


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


@dataclass
class _FileChecks:
    """Uniqueness across rows: case numbers, one name per ID number, and no repeated case."""

    numbers: dict[str, int] = field(default_factory=dict)  # case number → first line
    names: dict[str, tuple[str, int]] = field(default_factory=dict)  # ID number → (name, first line)
    fingerprints: dict[tuple[Any, ...], int] = field(default_factory=dict)

    def check(self, parsed: _ParsedRow) -> list[RowError]:
        errors: list[RowError] = []
        line = parsed.line
        if parsed.number is not None:
            key = str(parsed.number)
            if key in self.numbers:
                errors.append(RowError(line, "案号", f"{key} 与第 {self.numbers[key]} 行重复"))
            else:
                self.numbers[key] = line
        else:
            first = self.fingerprints.setdefault(parsed.fingerprint, line)
            if first != line:
                errors.append(
                    RowError(line, "案号", f"与第 {first} 行是同一案件（收案日期、类别、当事人和执行标的相同）")
                )
        for role, party in _parties_of(parsed.case):
            assert party.id_number is not None
            name, first_line = self.names.setdefault(party.id_number, (party.name, line))
            if name != party.name:
                column = "申请执行人" if role is PartyRole.APPLICANT else "被执行人"
                errors.append(
                    RowError(
                        line,
                        column,
                        f"证件号 {party.id_number} 在第 {first_line} 行登记为“{name}”，此处为“{party.name}”",
                    )
                )
        return errors


def _database_errors(session: Session, rows: list[_ParsedRow]) -> list[RowError]:
    return [*_existing_numbers(session, rows), *_existing_names(session, rows), *_existing_cases(session, rows)]


def _existing_numbers(session: Session, rows: list[_ParsedRow]) -> Iterator[RowError]:
    line_of = {str(r.number): r.line for r in rows if r.number is not None}
    for chunk in _chunks(list(line_of)):
        for number in session.exec(select(Case.case_number).where(col(Case.case_number).in_(chunk))).all():
            assert number is not None
            yield RowError(line_of[number], "案号", f"{number} 已存在")


def _existing_names(session: Session, rows: list[_ParsedRow]) -> Iterator[RowError]:
    uses: dict[str, list[tuple[int, PartyRole, str]]] = {}
    for row in rows:
        for role, party in _parties_of(row.case):
            assert party.id_number is not None
            uses.setdefault(party.id_number, []).append((row.line, role, party.name))
    for chunk in _chunks(list(uses)):
        found = session.exec(select(Party.id_number, Party.name).where(col(Party.id_number).in_(chunk))).all()
        for id_number, name in found:
            assert id_number is not None
            for line, role, given in uses[id_number]:
                if given != name:
                    column = "申请执行人" if role is PartyRole.APPLICANT else "被执行人"
                    yield RowError(line, column, f"证件号 {id_number} 已登记为“{name}”，与“{given}”不符")


def _existing_cases(session: Session, rows: list[_ParsedRow]) -> Iterator[RowError]:
    """Rows without 案号 that match a case already in the database (the same file imported twice)."""
    wanted = {r.fingerprint: r.line for r in rows if r.number is None}
    if not wanted:
        return
    days = sorted({key[0] for key in wanted})
    start, end = datetime.combine(days[0], time()), datetime.combine(days[-1] + timedelta(days=1), time())
    keys = {key[:3] for key in wanted}
    candidates: dict[int, tuple[date, FilingCategory, int, str | None]] = {}
    query = select(Case.id, Case.received_at, Case.filing_category, Case.target_amount_fen, Case.case_number).where(
        Case.received_at >= start, Case.received_at < end
    )
    for case_id, received, category, amount, number in session.exec(query):
        if (received.date(), FilingCategory(category), amount) in keys:
            candidates[case_id] = (received.date(), FilingCategory(category), amount, number)
    parties: dict[int, dict[str, list[str]]] = {}
    for chunk in _chunks(sorted(candidates)):
        query = (
            select(CaseParty.case_id, CaseParty.role, Party.id_number)
            .join(Party, col(Party.id) == CaseParty.party_id)
            .where(col(CaseParty.case_id).in_(chunk))
            .order_by(CaseParty.case_id, CaseParty.role, CaseParty.position)
        )
        for case_id, role, id_number in session.exec(query):
            parties.setdefault(case_id, {}).setdefault(role, []).append(id_number or "")
    for case_id, (day, category, amount, number) in sorted(candidates.items()):
        by_role = parties.get(case_id, {})
        key = (day, category, amount, tuple(by_role.get("applicant", [])), tuple(by_role.get("respondent", [])))
        if key in wanted:
            existing = number or f"收案于 {day.isoformat()} 的未立案案件"
            yield RowError(wanted[key], "案号", f"与已有案件 {existing} 是同一案件（可能已导入过）")


# ------------------------------------------------------------------------------------------------
# The import
# ------------------------------------------------------------------------------------------------


def import_cases(
    engine: Engine,
    path: Path,
    *,
    actor: Actor,
    clock: Clock,
    calendar: WorkCalendar,
    court_code: str,
    progress: Progress | None = None,
) -> ImportResult:
    """Check every row outside any write transaction; then write all of them in one short bulk transaction, or
    none and return every problem.

    The database checks run before the write (so a bad file never takes the write lock) and, if anything they
    read has changed by then, again inside the write transaction once imports are serialised (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: an advisory lock): the same file imported twice at the same moment goes in once and
    the second run is refused row by row (``case_import_write``).
    """
    require_role(actor, (Role.ADMIN, Role.SYSTEM), "导入案件")
    with read_session(engine) as session:
        staff = _staff_by_login(session)
    with open_table(Path(path)) as rows:
        header = _read_header(rows)
        parser = _RowParser(header, court_code=court_code, now=clock.now(), staff=staff, calendar=calendar)
        parsed, errors, count = _parse_rows(rows, parser, progress)
    if count == 0:
        raise ImportFileError("文件中只有表头，没有案件")
    ignored = header.ignored
    if errors:  # every problem at once: the database's objections too
        with read_session(engine) as session:
            errors += _database_errors(session, parsed)
    else:
        try:
            write_cases(
                engine,
                parsed,
                actor=actor,
                clock=clock,
                calendar=calendar,
                court_code=court_code,
                recheck=lambda session: _database_errors(session, parsed),
            )
        except Refused as refused:  # already in the database, or another run (or a clerk) got there first
            errors = refused.errors
    if errors:
        ordered = tuple(sorted(errors, key=lambda e: e.line))  # stable: a row's problems keep column order
        return ImportResult(rows=count, imported=0, allocated=0, errors=ordered, ignored_columns=ignored)
    if progress:
        progress("已写入", len(parsed))
    allocated = sum(1 for p in parsed if p.number is None and p.case.filed_at is not None)
    return ImportResult(rows=count, imported=len(parsed), allocated=allocated, ignored_columns=ignored)


def _parse_rows(
    rows: Iterator[tuple[int, list[Cell]]], parser: _RowParser, progress: Progress | None
) -> tuple[list[_ParsedRow], list[RowError], int]:
    parsed: list[_ParsedRow] = []
    errors: list[RowError] = []
    checks = _FileChecks()
    count = 0
    for line, cells in rows:
        if _is_blank(cells):
            continue
        count += 1
        row, row_errors = parser.parse(line, cells)
        errors += row_errors
        if row is not None:
            errors += checks.check(row)
            parsed.append(row)
        if progress and count % _PROGRESS_EVERY == 0:
            progress("已检查", count)
    return parsed, errors, count
