"""Loads the holiday calendar (R-TIME-1): the chinesecalendar library, packaged files, then court files.

Order of precedence, lowest first — a later source replaces a whole year of an earlier one:
1. every complete year in the installed ``chinese_calendar`` library (read from its tables, not day by day);
2. ``zhihui_tui/calendar_data/YYYY.toml`` shipped with the package (e.g. a provisional next year);
3. ``<data_dir>/calendar/YYYY.toml`` maintained by the court (format: see the comment atop the shipped file).
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from zhihui_tui.domain.calendar import CountingPolicy, WorkCalendar, YearData
from zhihui_tui.domain.errors import DomainError

CALENDAR_SUBDIR = "calendar"
_PACKAGE = "zhihui_tui.calendar_data"
_STATUSES = {"official": False, "provisional": True}  # status → provisional flag
_KEYS = {"year", "status", "source", "note", "holidays", "workdays"}
_REQUIRED = ("year", "status", "source", "holidays")
_FILE_NAME = re.compile(r"^\d{4}\.toml$")
_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)")
# The commonest tomllib complaints, in words a clerk can act on; anything else is shown as tomllib says it.
_TOML_HINTS = {
    "Unclosed array": "列表中缺少逗号，或方括号 [ ] 没有闭合",
    "Unterminated string": "引号没有闭合",
    "Illegal character": "含有不允许的字符（常见原因：引号没有闭合）",
    "Invalid value": "值无效（文字和日期须加英文双引号）",
    "Expected '=' after a key": "键后面缺少 =",
    "Cannot overwrite a value": "同一个键写了两次",
    "Expected newline or end of document": "一行只能写一项，或多了符号",
}


@dataclass(frozen=True)
class YearStatus:
    """One covered year as ``zhihui calendar status`` reports it."""

    year: int
    source: str
    provisional: bool
    holiday_count: int
    workday_count: int
    note: str
    origin: str  # where the data was read from: the library, a packaged file, or a court file path


@dataclass(frozen=True)
class CalendarStatus:
    """Which years the working calendar covers, the first missing year and any gaps (``calendar status``)."""

    years: tuple[YearStatus, ...]
    first_missing_year: int | None  # the year after the last covered one; None if nothing is covered
    gaps: tuple[int, ...]  # uncovered years between the first and the last covered one

    def as_json(self) -> dict[str, Any]:
        """The status as plain JSON data for ``--json``."""
        return {
            "years": [asdict(s) for s in self.years],
            "first_missing_year": self.first_missing_year,
            "gaps": list(self.gaps),
        }

    def as_text(self) -> str:
        """One line per year, then the missing years (R-TIME-1: missing years are reported)."""
        lines = [_status_line(s) for s in self.years]
        if self.gaps:
            lines.append(f"缺失年份：{'、'.join(map(str, self.gaps))}（这些年份的期限无法计算）")
        if self.first_missing_year is None:
            lines.append("没有任何节假日数据")
        else:
            year = self.first_missing_year
            lines.append(f"{year} 年起无数据：请在 data/{CALENDAR_SUBDIR}/{year}.toml 中补充")
        return "\n".join(lines)


def _status_line(s: YearStatus) -> str:
    flag = "暂定" if s.provisional else "正式"
    line = f"{s.year}  {flag}  放假 {s.holiday_count} 天  调休上班 {s.workday_count} 天  {s.source}  [{s.origin}]"
    return f"{line}\n      备注：{s.note}" if s.note else line


# -- library ----------------------------------------------------------------------------------------------


def library_years() -> list[YearData]:
    """Every complete year of the installed chinesecalendar, read from its tables in one pass."""
    from chinese_calendar import constants  # imported here: only the loader depends on the library

    holidays: dict[int, set[date]] = defaultdict(set)
    workdays: dict[int, set[date]] = defaultdict(set)
    for day in constants.holidays:
        holidays[day.year].add(day)
    for day in constants.workdays:
        workdays[day.year].add(day)
    source = f"chinesecalendar {_library_version()}（国务院办公厅通知）"
    complete = [y for y in sorted(holidays) if _looks_complete(holidays[y])]
    return [YearData(y, frozenset(holidays[y]), frozenset(workdays[y]), source, False) for y in complete]


def _looks_complete(rest_days: set[date]) -> bool:
    # A year is published by one notice covering 元旦 through 国庆; a year holding only a stray block
    # (e.g. a New Year holiday spilling over) must not pass for a covered year.
    year = next(iter(rest_days)).year
    return date(year, 1, 1) in rest_days and date(year, 10, 1) in rest_days


def _library_version() -> str:
    try:
        return metadata.version("chinesecalendar")
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored copies have no metadata
        return "?"


# -- TOML files -------------------------------------------------------------------------------------------


def parse_year_file(text: str, name: str) -> YearData:
    """Parse one ``YYYY.toml``; every problem is a Chinese ``DomainError`` naming the file and line or key."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DomainError(f"日历文件 {name} {_toml_problem(exc)}") from None
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise DomainError(f"日历文件 {name}：未知的键“{unknown[0]}”（可用的键：{'、'.join(sorted(_KEYS))}）")
    for key in _REQUIRED:
        if key not in raw:
            raise DomainError(f"日历文件 {name}：缺少“{key}”")
    year = _year(raw["year"], name)
    provisional = _status(raw["status"], name)
    holidays = _dates(raw, "holidays", year, text, name)
    workdays = _dates(raw, "workdays", year, text, name)
    _check_workdays_are_weekends(workdays, text, name)
    data = {"source": raw["source"], "note": raw.get("note", "")}
    for key, value in data.items():
        if not isinstance(value, str):
            raise DomainError(f"日历文件 {name}：“{key}”应为带引号的文字")
    try:
        return YearData(year, holidays, workdays, data["source"], provisional, data["note"])
    except DomainError as exc:
        raise DomainError(f"日历文件 {name}：{exc.message}") from None


def _toml_problem(exc: tomllib.TOMLDecodeError) -> str:
    """'第 N 行第 M 列格式错误：<Chinese hint>（<tomllib text>）' from tomllib's English message."""
    text = str(exc)
    match = _TOML_POSITION.search(text)
    detail = _TOML_POSITION.sub("", text).strip()
    where = ""
    if match and match[1]:
        where = f"第 {match[1]} 行第 {match[2]} 列"
    elif match:
        where = "文件末尾"
    hint = next((zh for en, zh in _TOML_HINTS.items() if detail.startswith(en)), "")
    return f"{where}格式错误：{hint}（{detail}）" if hint else f"{where}格式错误：{detail}"


def _year(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
        raise DomainError(f"日历文件 {name}：“year”应为四位年份，如 year = 2027")
    stem = Path(name).name
    if _FILE_NAME.match(stem) and int(stem[:4]) != value:
        raise DomainError(f"日历文件 {name}：文件名与 year = {value} 不一致")
    return value


def _status(value: Any, name: str) -> bool:
    if value not in _STATUSES:
        expected = '"official"（正式）或 "provisional"（暂定）'
        raise DomainError(f"日历文件 {name}：“status”应为 {expected}，而不是 {value!r}")
    return _STATUSES[value]


def _dates(raw: dict[str, Any], key: str, year: int, text: str, name: str) -> frozenset[date]:
    values = raw.get(key, [])
    if not isinstance(values, list):
        raise DomainError(f'日历文件 {name}：“{key}”应为日期列表，如 {key} = ["{year}-01-01"]')
    days: set[date] = set()
    for position, value in enumerate(values, start=1):
        day = _one_date(value)
        where = f"日历文件 {name}{_line_hint(text, value)}：“{key}”第 {position} 项"
        if day is None:
            raise DomainError(f"{where} {value!r} 不是 YYYY-MM-DD 格式的有效日期")
        if day.year != year:
            raise DomainError(f"{where} {day.isoformat()} 不属于 {year} 年")
        days.add(day)
    return frozenset(days)


def _one_date(value: Any) -> date | None:
    # Quoted strings and bare TOML dates are both accepted; a TOML date-time is not a day.
    if type(value) is date:
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _check_workdays_are_weekends(workdays: frozenset[date], text: str, name: str) -> None:
    # A weekday listed as a working day changes nothing, so it is almost surely a typo for a weekend date.
    for day in sorted(workdays):
        if day.weekday() < 5:
            raise DomainError(
                f"日历文件 {name}{_line_hint(text, day.isoformat())}：“workdays”中的 {day.isoformat()} 是"
                f"星期{'一二三四五'[day.weekday()]}，本来就是工作日（workdays 只列调休上班的周六、周日）"
            )


def _line_hint(text: str, value: Any) -> str:
    """' 第 N 行' for the first line holding the value, so a clerk finds the entry; '' if not found."""
    needle = value.isoformat() if isinstance(value, date) else str(value)
    for number, line in enumerate(text.splitlines(), start=1):
        if needle and needle in line.split("#", 1)[0]:
            return f" 第 {number} 行"
    return ""


def _packaged_files() -> list[tuple[str, str]]:
    """(name, text) of every YYYY.toml shipped in the package."""
    root = resources.files(_PACKAGE)
    found = sorted((e for e in root.iterdir() if _FILE_NAME.match(e.name)), key=lambda e: e.name)
    return [(f"{_PACKAGE}/{entry.name}", entry.read_text(encoding="utf-8")) for entry in found]


def _court_files(data_dir: Path) -> list[tuple[str, str]]:
    folder = data_dir / CALENDAR_SUBDIR
    if not folder.is_dir():
        return []
    paths = sorted(p for p in folder.iterdir() if _FILE_NAME.match(p.name) and p.is_file())
    return [(str(p), _read(p)) for p in paths]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # tolerate a BOM from Windows editors
    except UnicodeDecodeError:
        raise DomainError(f"日历文件 {path}：不是 UTF-8 编码的文本") from None


# -- assembly ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _collect(data_dir: Path | None) -> tuple[tuple[YearData, str], ...]:
    """Every year with where it came from, later sources replacing earlier ones; built once per data_dir."""
    chosen: dict[int, tuple[YearData, str]] = {y.year: (y, "chinesecalendar 库") for y in library_years()}
    for name, text in _packaged_files():
        data = parse_year_file(text, name)
        chosen[data.year] = (data, f"内置文件 {name}")
    for name, text in _court_files(data_dir) if data_dir is not None else []:
        data = parse_year_file(text, name)
        chosen[data.year] = (data, f"法院文件 {name}")
    return tuple(chosen[y] for y in sorted(chosen))


@lru_cache(maxsize=16)
def _build(data_dir: Path | None, policy: CountingPolicy) -> WorkCalendar:
    return WorkCalendar((data for data, _ in _collect(data_dir)), default_policy=policy)


def _key(data_dir: Path | None) -> Path | None:
    return data_dir.resolve() if data_dir is not None else None


def load_calendar(
    data_dir: Path | None = None,
    policy: CountingPolicy = CountingPolicy.CALENDAR_DAYS_ROLL_FORWARD,
) -> WorkCalendar:
    """The working calendar: library years, packaged files, then ``data_dir/calendar/*.toml``.

    Cached per data_dir: the table is built once per process. ``data_dir=None`` uses no court files.
    """
    return _build(_key(data_dir), CountingPolicy(policy))


def clear_calendar_cache() -> None:
    """Forget loaded calendars, e.g. after the court edits a calendar file while the process runs."""
    _build.cache_clear()
    _collect.cache_clear()


def calendar_status(data_dir: Path | None = None) -> CalendarStatus:
    """The covered years, where each came from, and the first year that is missing (``zhihui calendar status``)."""
    entries = _collect(_key(data_dir))
    years = tuple(
        YearStatus(
            year=data.year,
            source=data.source,
            provisional=data.provisional,
            holiday_count=len(data.holidays),
            workday_count=len(data.workdays),
            note=data.note,
            origin=origin,
        )
        for data, origin in entries
    )
    if not years:
        return CalendarStatus(years=(), first_missing_year=None, gaps=())
    covered = {s.year for s in years}
    first, last = min(covered), max(covered)
    gaps = tuple(y for y in range(first, last + 1) if y not in covered)
    return CalendarStatus(years=years, first_missing_year=last + 1, gaps=gaps)


def provisional_years(data_dir: Path | None, first: int, last: int) -> list[int]:
    """The years from ``first`` to ``last`` whose holiday data is provisional: a deadline across them may move."""
    return [s.year for s in calendar_status(data_dir).years if s.provisional and first <= s.year <= last]
