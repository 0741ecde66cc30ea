"""Property tests: hostile cell values through both importers, via real .csv and real .xlsx files.

Whatever the cells hold (huge strings, control characters and NUL, bidi marks, emoji, SQL, lone surrogates where
the format can carry them, odd numbers), an import ends in exactly one of three ways: the importer's own
``ImportFileError``/``DomainError``; an ``ImportResult`` whose every error names a data line and which wrote
nothing; or a save of every row, with the amount the money parser reads from the cell. Never another exception,
never part of a file. One database per test is shared by its examples; the row counts are checked around each.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import col, func, select

from tests.conftest import context_for
from tests.services.hostile_kit import EXTRA
from tests.services.test_importing import LI, ZHANG
from tests.services.test_inquiry import PERSON_B, served_case
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AssetFinding, Case
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.money import parse_yuan
from zhihui_tui.services.context import Actor
from zhihui_tui.services.importing.cases import COLUMNS as CASE_COLUMNS
from zhihui_tui.services.importing.cases import import_cases
from zhihui_tui.services.importing.findings import COLUMNS as FINDING_COLUMNS
from zhihui_tui.services.importing.findings import import_findings
from zhihui_tui.services.importing.table import ImportFileError

CASE_ROW: dict[str, Any] = {
    "收案日期": "2026-11-20", "类别": "申请执行", "申请执行人": "张三", "申请执行人证件号": ZHANG,
    "被执行人": "李四", "被执行人证件号": LI, "被执行人下落不明": "否", "执行标的": "150000.00", "状态": "材料接收",
}  # fmt: skip
FINDING_ROW: dict[str, Any] = {
    "被执行人": "李四", "证件号": PERSON_B, "财产类型": "存款", "机构": "中国农业银行科右前旗支行",
    "金额": "100.00", "冻结": "否",
}  # fmt: skip
NASTY = [
    "\x00", "a\x00b", "\x07", "\x1b[31m", "\t", "\r\n", "\u2028", "\u202e李四", "\u200f", "\u200b", "\ufeff",
    "🙂", "👨‍👩‍👧", "張三", "'; DROP TABLE cases; --", "1' OR '1'='1", "=1+1", "@SUM(A1)", "NULL", "null", "%s%n",
    "-0.00", "12.", ".5", "1e3", "NaN", "inf", "1,234.50", "１２３．４５", "¥5元", "0.30000000000000004", "+5",
    "2026-02-30", "9999-12-31", "0000-00-00", "是、否", "、、", "  ", "\u3000", "\x85", "\ud7ff",
]  # fmt: skip
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _huge(char: str, size: int) -> str:
    return char * size


text_cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(NASTY),
    st.sampled_from(EXTRA),  # astral CJK, LIKE wildcards, format strings, odd numbers and dates
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=8)),
    st.builds(_huge, st.sampled_from(["9", "x", "张", "🙂", "\u202e", ","]), st.integers(500, 40_000)),
)
number_cells = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1 + 0.2, -0.0, 12.34, 1e16, 5e-324, 150000.0]),
)
xlsx_cells = st.one_of(
    text_cells.map(lambda t: "".join(ch for ch in t if not 0xD800 <= ord(ch) <= 0xDFFF)),  # not in XML
    number_cells,
    number_cells.filter(lambda x: isinstance(x, float)).map(lambda x: ("=B1+C1", x)),
    st.booleans(),
    st.none(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
)
csv_cells = st.one_of(
    text_cells,
    st.builds(_huge, st.sampled_from(["x", "𠀀", "㍿"]), st.sampled_from([100_000, 1_000_000])),  # .xlsx: 32,767 max
    number_cells.map(repr),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=2),  # lone surrogates
)


def rows_of(base: dict[str, Any], columns: tuple[str, ...], cells: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One to three rows: the valid base row with a random set of its columns replaced by hostile cells."""
    row = st.dictionaries(st.sampled_from(columns), cells, min_size=1, max_size=4).map(lambda bad: base | bad)
    return st.lists(row, min_size=1, max_size=3)


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([[row.get(c, "") for c in columns] for row in rows])
    path.write_bytes(buffer.getvalue().encode("utf-8", errors="surrogatepass"))  # a lone surrogate: invalid UTF-8
    return path


def write_xlsx(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Path:
    """Written by xlsxwriter, which keeps control characters (as _xHHHH_ escapes that openpyxl reads back).

    A number cell is written with 16 significant digits, as xlsxwriter (and openpyxl) do; a float that needs 17,
    like 0.1 + 0.2, reaches a file as the cached result of a formula, which is how Excel saves ``=0.1+0.2``.
    """
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for at, name in enumerate(columns):
        sheet.write_string(0, at, name)
    for line, row in enumerate(rows, start=1):
        for at, name in enumerate(columns):
            value = row.get(name, "")
            if isinstance(value, bool):
                sheet.write_boolean(line, at, value)
            elif isinstance(value, int | float):
                sheet.write_number(line, at, value)
            elif isinstance(value, tuple):  # a formula and the result Excel cached, with all 17 digits
                sheet.write_formula(line, at, value[0], None, value[1])
            elif isinstance(value, date):
                sheet.write_datetime(line, at, datetime.combine(value, datetime.min.time()), day)
            elif value is not None:
                sheet.write_string(line, at, value)
    book.close()
    return path


def count(engine: Engine, table: type[Case] | type[AssetFinding]) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def amounts_in(path: Path, column: str) -> list[int]:
    """Fen of every data row's cell in ``column``, read back independently of the importer's reader."""
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
        values: list[Any] = [r[records[0].index(column)] for r in records[1:]]
    else:
        book = load_workbook(path, read_only=True, data_only=True)
        table = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
        values = [r[table[0].index(column)] for r in table[1:]]
    return [parse_yuan(v.date().isoformat() if isinstance(v, datetime) else v if v is not None else "") for v in values]


def check_outcome(engine: Engine, table: Any, before: int, rows: list[dict[str, Any]], outcome: Any) -> None:
    """All or nothing: a refusal writes nothing and names data lines; a success writes every non-blank row."""
    after = count(engine, table)
    if isinstance(outcome, DomainError):  # ImportFileError included
        assert outcome.message and after == before
        return
    assert after == before + outcome.imported
    if outcome.errors:
        assert outcome.imported == 0
        breaks = sum(v.count("\n") + v.count("\r") for row in rows for v in row.values() if isinstance(v, str))
        last = len(rows) + 1 + breaks  # a quoted cell with line breaks spans physical lines
        assert all(2 <= e.line <= last and e.field and e.reason for e in outcome.errors), outcome.errors
        assert len({e.line for e in outcome.errors}) <= len(rows)
    elif getattr(outcome, "previous", None) is not None:  # the same file again (a repeated example): nothing new
        assert outcome.imported == 0 and after == before
    else:
        assert outcome.imported + getattr(outcome, "skipped", 0) == outcome.rows


def attempt(run: Any) -> Any:
    try:
        return run()
    except (ImportFileError, DomainError) as error:
        return error


@pytest.fixture
def import_file(engine: Engine, clock: FixedClock, system: Actor) -> Any:
    ctx = context_for(engine, system, clock)

    def _run(path: Path) -> Any:
        return import_cases(path, ctx=ctx)

    return _run


def cases_property(engine: Engine, import_file: Any, rows: list[dict[str, Any]], writer: Any, suffix: str) -> None:
    before = count(engine, Case)
    with TemporaryDirectory() as folder:
        path = writer(Path(folder) / f"cases{suffix}", CASE_COLUMNS, rows)
        outcome = attempt(lambda: import_file(path))
        check_outcome(engine, Case, before, rows, outcome)
        if not isinstance(outcome, DomainError) and outcome.ok and outcome.imported:
            newest = select(Case.target_amount_fen).order_by(col(Case.id).desc()).limit(outcome.imported)
            with read_session(engine) as session:
                saved = sorted(session.exec(newest).all())
            assert saved == sorted(amounts_in(path, "执行标的"))


@SETTINGS
@given(rows=rows_of(CASE_ROW, CASE_COLUMNS, csv_cells))
def test_hostile_csv_cells_in_a_case_import(engine: Engine, import_file: Any, rows: list[dict[str, Any]]) -> None:
    cases_property(engine, import_file, rows, write_csv, ".csv")


@SETTINGS
@given(rows=rows_of(CASE_ROW, CASE_COLUMNS, xlsx_cells))
def test_hostile_xlsx_cells_in_a_case_import(engine: Engine, import_file: Any, rows: list[dict[str, Any]]) -> None:
    cases_property(engine, import_file, rows, write_xlsx, ".xlsx")


@pytest.fixture
def served(engine: Engine, clock: FixedClock) -> str:
    """The case number of one served case whose respondent is 李四."""
    case_id = served_case(engine, clock)
    with read_session(engine) as session:
        number = session.exec(select(Case.case_number).where(Case.id == case_id)).one()
    assert number
    return number


def findings_property(
    engine: Engine, clock: FixedClock, system: Actor, served: str, rows: list[dict[str, Any]], writer: Any, suffix: str
) -> None:
    rows = [{"案号": served} | row for row in rows]
    before = count(engine, AssetFinding)
    with TemporaryDirectory() as folder:
        path = writer(Path(folder) / f"findings{suffix}", FINDING_COLUMNS, rows)
        outcome = attempt(lambda: import_findings(path, ctx=context_for(engine, system, clock)))
    check_outcome(engine, AssetFinding, before, rows, outcome)


@SETTINGS
@given(rows=rows_of(FINDING_ROW, FINDING_COLUMNS, csv_cells))
def test_hostile_csv_cells_in_a_findings_import(
    engine: Engine, clock: FixedClock, system: Actor, served: str, rows: list[dict[str, Any]]
) -> None:
    findings_property(engine, clock, system, served, rows, write_csv, ".csv")


@SETTINGS
@given(rows=rows_of(FINDING_ROW, FINDING_COLUMNS, xlsx_cells))
def test_hostile_xlsx_cells_in_a_findings_import(
    engine: Engine, clock: FixedClock, system: Actor, served: str, rows: list[dict[str, Any]]
) -> None:
    findings_property(engine, clock, system, served, rows, write_xlsx, ".xlsx")


def test_float_cell_off_the_fen_is_refused_with_its_value(
    engine: Engine, import_file: Any, tmp_path: Path, clock: FixedClock, system: Actor, served: str
) -> None:
    """``=0.1+0.2`` as Excel saves it: refused in both importers with the value shown, never saved as 0.30."""
    summed = ("=0.1+0.2", 0.1 + 0.2)
    result = import_file(write_xlsx(tmp_path / "cases.xlsx", CASE_COLUMNS, [CASE_ROW | {"执行标的": summed}]))
    assert [(e.line, e.field) for e in result.errors] == [(2, "执行标的")]
    assert result.errors[0].reason.startswith("金额 0.30000000000000004 不是精确到分的数值")
    path = write_xlsx(tmp_path / "f.xlsx", FINDING_COLUMNS, [FINDING_ROW | {"案号": served, "金额": summed}])
    found = import_findings(path, ctx=context_for(engine, system, clock))
    assert [(e.line, e.field) for e in found.errors] == [(2, "金额")]
    assert found.errors[0].reason.startswith("金额 0.30000000000000004 不是精确到分的数值")
    assert count(engine, Case) == 1 and count(engine, AssetFinding) == 0  # only the served case


def test_float_cell_exact_to_the_fen_is_saved(engine: Engine, import_file: Any, tmp_path: Path) -> None:
    result = import_file(write_xlsx(tmp_path / "cases.xlsx", CASE_COLUMNS, [CASE_ROW | {"执行标的": 199999.99}]))
    assert result.ok and result.imported == 1
    with read_session(engine) as session:
        assert session.exec(select(Case.target_amount_fen)).one() == 19999999


def test_field_error_is_a_domain_error() -> None:
    """``attempt`` relies on it: a FieldError escaping an importer is still the importer's own refusal."""
    assert issubclass(FieldError, DomainError) and issubclass(ImportFileError, DomainError)
