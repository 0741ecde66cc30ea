"""Loading the holiday calendar: library tables, packaged and court TOML files, status (R-TIME-1)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import chinese_calendar
import pytest

from zhihui_tui.domain.calendar import CalendarYearMissing, CountingPolicy, YearData
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.services.calendar_data import (
    calendar_status,
    clear_calendar_cache,
    library_years,
    load_calendar,
    parse_year_file,
    provisional_years,
)

D = date.fromisoformat
REPO_DATA = Path(__file__).resolve().parents[2] / "data"
PACKAGED_2027 = resources.files("zhihui_tui.calendar_data").joinpath("2027.toml")

EXPECTED_2027_HOLIDAYS = {
    "2027-01-01",  # 元旦
    "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",  # 春节: 除夕 (腊月廿九) .. 正月初三
    "2027-04-05",  # 清明
    "2027-05-01", "2027-05-02",  # 劳动节
    "2027-06-09",  # 端午 (五月初五)
    "2027-09-15",  # 中秋 (八月十五)
    "2027-10-01", "2027-10-02", "2027-10-03",  # 国庆
}  # fmt: skip


HEAD = 'year = 2027\nstatus = "official"\nsource = "国办发明电〔2026〕X号"\n'


def write_court_file(data_dir: Path, name: str, text: str) -> Path:
    folder = data_dir / "calendar"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def toml_for(data: YearData, *, status: str = "official") -> str:
    def dates(days: frozenset[date]) -> str:
        return ", ".join(f'"{d.isoformat()}"' for d in sorted(days))

    return (
        f'year = {data.year}\nstatus = "{status}"\nsource = "法院录入"\nnote = "测试"\n'
        f"holidays = [{dates(data.holidays)}]\nworkdays = [{dates(data.workdays)}]\n"
    )


# -- the library ---------------------------------------------------------------------------------------------


def test_library_years_are_2004_to_2026() -> None:
    years = library_years()
    assert [y.year for y in years] == list(range(2004, 2027))
    assert all(not y.provisional for y in years)
    assert all(y.source.startswith("chinesecalendar 1.11") for y in years)


def test_library_2026_matches_the_state_council_notice() -> None:
    data = {y.year: y for y in library_years()}[2026]
    assert {D("2026-02-14"), D("2026-02-28"), D("2026-09-20"), D("2026-10-10")} <= data.workdays
    assert {D("2026-02-15") + timedelta(i) for i in range(9)} <= data.holidays
    assert {D("2026-10-01") + timedelta(i) for i in range(7)} <= data.holidays


def test_table_agrees_with_the_library_on_every_day() -> None:
    cal = load_calendar()
    day = date(2004, 1, 1)
    while day.year <= 2026:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(1)


# -- the shipped 2027 file ----------------------------------------------------------------------------------


def test_court_copy_of_2027_is_the_packaged_file() -> None:
    assert (REPO_DATA / "calendar" / "2027.toml").read_bytes() == PACKAGED_2027.read_bytes()


def test_packaged_2027_is_provisional_with_the_statutory_days() -> None:
    data = parse_year_file(PACKAGED_2027.read_text(encoding="utf-8"), "2027.toml")
    assert data.year == 2027
    assert data.provisional
    assert {d.isoformat() for d in data.holidays} == EXPECTED_2027_HOLIDAYS
    assert data.workdays == frozenset()
    assert "暂定" in data.note
    assert "国务院办公厅" in data.note


def test_2027_qingming_is_the_solar_term_date() -> None:
    terms = dict(chinese_calendar.get_solar_terms(D("2027-04-01"), D("2027-04-10")))
    assert {v: k for k, v in terms.items()}["清明"] == D("2027-04-05")


def test_2027_from_the_court_file(tmp_path: Path) -> None:
    cal = load_calendar(REPO_DATA)
    assert cal.covers(2027)
    assert not cal.is_workday(D("2027-02-08"))  # 正月初三, a Monday
    assert cal.is_workday(D("2027-02-09"))
    # Thu 2027-02-04 + 1 = Fri 02-05 (除夕) → 02-06..08 off → Tue 02-09.
    assert cal.due_date(D("2027-02-04"), 1) == D("2027-02-09")
    origin = {s.year: s.origin for s in calendar_status(REPO_DATA).years}[2027]
    assert origin.startswith("法院文件") and origin.endswith("2027.toml")


# -- court files ---------------------------------------------------------------------------------------------


def test_court_override_changes_a_day(tmp_path: Path) -> None:
    library_2026 = {y.year: y for y in library_years()}[2026]
    changed = YearData(
        2026,
        library_2026.holidays | {D("2026-11-30")},  # the court marks Mon 11-30 as a rest day
        library_2026.workdays,
        "法院录入",
        False,
    )
    write_court_file(tmp_path, "2026.toml", toml_for(changed))
    assert load_calendar().is_workday(D("2026-11-30"))
    cal = load_calendar(tmp_path)
    assert not cal.is_workday(D("2026-11-30"))
    assert cal.due_date(D("2026-11-26"), 3) == D("2026-12-01")  # Sun 11-29 → (Mon off) → Tue 12-01
    assert cal.is_workday(D("2026-02-14"))  # the rest of the year is carried over from the file
    status = {s.year: s for s in calendar_status(tmp_path).years}[2026]
    assert status.source == "法院录入"
    assert status.holiday_count == len(library_2026.holidays) + 1


def test_court_file_replaces_the_whole_year(tmp_path: Path) -> None:
    write_court_file(tmp_path, "2026.toml", 'year = 2026\nstatus = "official"\nsource = "x"\nholidays = []\n')
    cal = load_calendar(tmp_path)
    assert cal.is_workday(D("2026-10-01"))  # no merging with the library's 2026


def test_court_file_extends_and_status_reports_gaps(tmp_path: Path) -> None:
    write_court_file(tmp_path, "2029.toml", 'year = 2029\nstatus = "provisional"\nsource = "x"\nholidays = []\n')
    status = calendar_status(tmp_path)
    assert status.first_missing_year == 2030
    assert status.gaps == (2028,)
    cal = load_calendar(tmp_path)
    assert cal.is_workday(D("2029-01-01"))  # nothing listed: an ordinary Monday
    with pytest.raises(CalendarYearMissing, match="2028 年的节假日数据缺失"):
        cal.due_date(D("2027-12-30"), 5)


def test_calendar_status_without_court_files() -> None:
    status = calendar_status()
    assert status.first_missing_year == 2028
    assert status.gaps == ()
    assert [s.year for s in status.years] == list(range(2004, 2028))
    last = status.years[-1]
    assert (last.year, last.provisional, last.holiday_count, last.workday_count) == (2027, True, 13, 0)
    assert last.origin == "内置文件 zhihui_tui.calendar_data/2027.toml"
    first = status.years[0]
    assert first.origin == "chinesecalendar 库" and not first.provisional


def test_provisional_years_of_a_span() -> None:
    assert provisional_years(None, 2026, 2026) == []
    assert provisional_years(None, 2026, 2027) == [2027]  # a December deadline running into January


def test_status_renders_as_text_and_json(tmp_path: Path) -> None:
    write_court_file(tmp_path, "2029.toml", 'year = 2029\nstatus = "provisional"\nsource = "x"\nholidays = []\n')
    status = calendar_status(tmp_path)
    text = status.as_text()
    assert "2026  正式  放假 33 天  调休上班 6 天  chinesecalendar 1.11" in text
    assert "2027  暂定  放假 13 天  调休上班 0 天" in text
    assert "缺失年份：2028" in text
    assert text.endswith("2030 年起无数据：请在 data/calendar/2030.toml 中补充")
    document = json.loads(json.dumps(status.as_json(), ensure_ascii=False))
    assert document["first_missing_year"] == 2030
    assert document["gaps"] == [2028]
    assert document["years"][-1]["year"] == 2029
    assert document["years"][-1]["provisional"] is True


def test_toml_dates_and_bom_are_accepted(tmp_path: Path) -> None:
    text = 'year = 2028\nstatus = "official"\nsource = "x"\nholidays = [2028-01-03]\nworkdays = [2028-01-08]\n'
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2028.toml").write_bytes("\ufeff".encode() + text.encode())
    cal = load_calendar(tmp_path)
    assert not cal.is_workday(D("2028-01-03"))
    assert cal.is_workday(D("2028-01-08"))  # Saturday worked


def test_load_is_cached_per_data_dir(tmp_path: Path) -> None:
    assert load_calendar(tmp_path) is load_calendar(tmp_path)
    assert load_calendar(tmp_path) is load_calendar(tmp_path / "calendar" / "..")
    assert load_calendar(tmp_path) is not load_calendar(tmp_path, CountingPolicy.WORKING_DAYS)
    assert load_calendar(tmp_path, CountingPolicy.WORKING_DAYS).default_policy is CountingPolicy.WORKING_DAYS
    first = load_calendar(tmp_path)
    clear_calendar_cache()
    assert load_calendar(tmp_path) is not first


def test_other_files_in_the_folder_are_ignored(tmp_path: Path) -> None:
    write_court_file(tmp_path, "README.txt", "说明")
    write_court_file(tmp_path, "2027.toml.bak", "not toml [")
    assert load_calendar(tmp_path).covers(2027)


def test_a_malformed_court_file_stops_loading(tmp_path: Path) -> None:
    write_court_file(tmp_path, "2027.toml", HEAD + 'holidays = ["2027-01-01"\n')
    with pytest.raises(DomainError) as caught:
        load_calendar(tmp_path)
    message = caught.value.message
    assert message.startswith(f"日历文件 {tmp_path / 'calendar' / '2027.toml'} 文件末尾格式错误")
    assert "方括号 [ ] 没有闭合" in message


# -- file validation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('year = 2027\nstatus = "official"\nsource = "x\n', ["第 3 行第 12 列格式错误", "引号没有闭合"]),
        ("year = 2027\nstatus = official\n", ["第 2 行第 10 列格式错误", "须加英文双引号"]),
        (HEAD + 'holidays = ["2027-01-01" "2027-01-02"]\n', ["第 4 行第 26 列格式错误", "缺少逗号"]),
        ("year = 2027\nyear = 2027\n", ["第 2 行", "同一个键写了两次"]),
        (HEAD + 'holidays = ["2027-02-30"]\n', ["第 4 行", "“holidays”第 1 项", "'2027-02-30'", "有效日期"]),
        (HEAD + 'holidays = ["2027-01-01", "27-1-2"]\n', ["“holidays”第 2 项", "有效日期"]),
        (HEAD + "holidays = [20270101]\n", ["“holidays”第 1 项", "有效日期"]),
        (HEAD + 'holidays = []\nworkdays = ["2026-12-27"]\n', ["第 5 行", "2026-12-27 不属于 2027 年"]),
        (HEAD + 'holidays = "2027-01-01"\n', ["“holidays”应为日期列表"]),
        (HEAD + 'holidays = []\nworkdays = ["2027-02-10"]\n', ["2027-02-10 是星期三", "workdays"]),
        (HEAD + 'holidays = ["2027-02-20"]\nworkdays = ["2027-02-20"]\n', ["同时被列为放假日和调休上班日"]),
        (HEAD + 'holiday = ["2027-01-01"]\n', ["未知的键“holiday”"]),
        ('year = 2027\nstatus = "official"\nholidays = []\n', ["缺少“source”"]),
        ('year = 2027\nstatus = "draft"\nsource = "x"\nholidays = []\n', ["“status”应为", "'draft'"]),
        ('year = "2027"\nstatus = "official"\nsource = "x"\nholidays = []\n', ["“year”应为四位年份"]),
        ('year = 2028\nstatus = "official"\nsource = "x"\nholidays = []\n', ["文件名与 year = 2028 不一致"]),
        (HEAD.replace('"国办发明电〔2026〕X号"', "12") + "holidays = []\n", ["“source”应为带引号的文字"]),
        (HEAD + "holidays = [2027-01-01T09:00:00]\n", ["有效日期"]),
    ],
)
def test_malformed_files_give_chinese_errors(text: str, fragments: list[str]) -> None:
    with pytest.raises(DomainError) as caught:
        parse_year_file(text, "data/calendar/2027.toml")
    message = caught.value.message
    assert message.startswith("日历文件 data/calendar/2027.toml")
    for fragment in fragments:
        assert fragment in message, message


def test_non_utf8_court_file(tmp_path: Path) -> None:
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2027.toml").write_bytes('source = "国务院"'.encode("gbk"))
    with pytest.raises(DomainError, match="UTF-8"):
        load_calendar(tmp_path)
