"""One tabular-file reader for both importers: a .csv (UTF-8, with or without BOM) or .xlsx file as header + rows.

Streams (a .csv line by line, a .xlsx in openpyxl's read-only mode), so memory does not grow with the file; every
row carries its physical line number (header = line 1) for the messages; content that does not match the
extension, another encoding, a NUL or a damaged workbook is refused as a whole with a message naming what it is.
"""

from __future__ import annotations

import codecs
import csv
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from zhihui_tui.domain.errors import DomainError

Cell = str | int | float | Decimal | datetime | date | bool | None
Rows = Iterator[tuple[int, list[Cell]]]


class ImportFileError(DomainError):
    """The file as a whole cannot be read (wrong type, wrong encoding, missing columns): nothing was imported."""


@dataclass(frozen=True)
class RowError:
    """One problem of one row: the physical line, the column and the reason, as the clerk reads it."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        """As the clerk reads it: 第 N 行：字段：原因."""
        return f"第 {self.line} 行：{self.field}：{self.reason}"


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


def _csv_rows(handle: Iterable[str]) -> Rows:
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


def _xlsx_rows(workbook: Any) -> Rows:
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
def open_table(path: Path) -> Iterator[Rows]:
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


def is_blank(cells: Sequence[Cell]) -> bool:
    """Whether a row has no visible content (such rows are skipped and not counted)."""
    return all(cell_text(c).strip() == "" for c in cells)


def data_rows(rows: Rows) -> Rows:
    """The rows after the header that have content, with their physical line numbers."""
    return ((line, cells) for line, cells in rows if not is_blank(cells))


@dataclass(frozen=True)
class Header:
    """Where each known column sits, the columns ignored as unknown, and the header's line."""

    positions: dict[str, int]
    ignored: tuple[str, ...]
    line: int


def read_header(rows: Rows, columns: Sequence[str], required: Sequence[str]) -> Header:
    """The first non-blank row as the header of ``columns``; a missing required column or a repeated one is refused."""
    for line, cells in rows:
        if not is_blank(cells):
            return _parse_header(line, cells, columns, required)
    raise ImportFileError("文件中没有表头和数据")


def _parse_header(line: int, cells: list[Cell], columns: Sequence[str], required: Sequence[str]) -> Header:
    names = [unicodedata.normalize("NFKC", cell_text(c)).strip().lstrip("\ufeff") for c in cells]
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, name in enumerate(names):
        if not name:
            continue
        if name in positions:
            raise ImportFileError(f"第 {line} 行（表头）：列“{name}”出现了两次")
        if name in columns:
            positions[name] = index
        else:
            ignored.append(name)
    missing = [c for c in required if c not in positions]
    if missing:
        delimiter = any(sep in name for name in names for sep in ("\t", ";", "；", "，"))
        hint = "；各列之间应以英文逗号分隔" if delimiter else ""
        raise ImportFileError(
            f"第 {line} 行（表头）缺少必需的列：{'、'.join(missing)}{hint}（表头应为：{'、'.join(columns)}）"
        )
    return Header(positions, tuple(ignored), line)


def text_at(cells: Sequence[Cell], positions: dict[str, int], column: str) -> Cell:
    """The raw cell of ``column`` in a row (None when the column is absent or the row is short)."""
    index = positions.get(column)
    return cells[index] if index is not None and index < len(cells) else None
