"""Deadline counting and time-of-day rules (R-TIME-1, R-DEL-2, R-REC-5) on real and synthetic calendars."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhihui_tui.domain.calendar import (
    DELEGATION_CUTOFF,
    LEDGER_REPORT_BY,
    RECEPTION_CLOSE,
    RECEPTION_WARN,
    CalendarYearMissing,
    CountingPolicy,
    ReceptionState,
    WorkCalendar,
    YearData,
    effective_request_day,
    reception_message,
    reception_state,
)
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.services.calendar_data import library_years, load_calendar

CAL = load_calendar()  # library 2004–2026 + packaged provisional 2027, no court files
LIBRARY_ONLY = WorkCalendar(library_years())
CAL_DAYS = CountingPolicy.CALENDAR_DAYS_ROLL_FORWARD
WORK_DAYS = CountingPolicy.WORKING_DAYS
D = date.fromisoformat


def plain_year(year: int, holidays: tuple[str, ...] = (), workdays: tuple[str, ...] = ()) -> YearData:
    return YearData(
        year=year,
        holidays=frozenset(map(D, holidays)),
        workdays=frozenset(map(D, workdays)),
        source="测试",
        provisional=False,
    )


# -- the real 2026 calendar ---------------------------------------------------------------------------------


def test_2026_spring_festival_days() -> None:
    for offset in range(9):  # 2026-02-15 (Sun) .. 2026-02-23 (Mon) are all rest days
        assert not CAL.is_workday(D("2026-02-15") + timedelta(offset))
    assert CAL.is_workday(D("2026-02-14"))  # Saturday, adjusted working day
    assert CAL.is_workday(D("2026-02-28"))  # Saturday, adjusted working day
    assert CAL.is_workday(D("2026-02-13"))  # Friday before the block
    assert CAL.is_workday(D("2026-02-24"))  # Tuesday after the block
    assert not CAL.is_workday(D("2026-03-01"))  # an ordinary Sunday


@pytest.mark.parametrize(
    ("trigger", "days", "policy", "expected"),
    [
        # Fri 02-13 + 2 calendar days = Sun 02-15, a holiday; 02-15..02-23 are off, so the next working day
        # is Tue 02-24. (Sat 02-14 is a working day but lies before the last day, so it does not matter.)
        ("2026-02-13", 2, CAL_DAYS, "2026-02-24"),
        # Working days after Fri 02-13: Sat 02-14 (adjusted, 1st), then nothing until Tue 02-24 (2nd).
        ("2026-02-13", 2, WORK_DAYS, "2026-02-24"),
        ("2026-02-13", 1, WORK_DAYS, "2026-02-14"),
        # Thu 02-12 + 2 = Sat 02-14, an adjusted working day: the deadline stays on the Saturday.
        ("2026-02-12", 2, CAL_DAYS, "2026-02-14"),
        # Thu 02-26 + 2 = Sat 02-28, adjusted working day.
        ("2026-02-26", 2, CAL_DAYS, "2026-02-28"),
        # Fri 02-27 + 2 = Sun 03-01 (ordinary weekend) → Mon 03-02.
        ("2026-02-27", 2, CAL_DAYS, "2026-03-02"),
        # 15 calendar days from 02-10 = 02-25, a working day, though the holiday lies inside the period.
        ("2026-02-10", 15, CAL_DAYS, "2026-02-25"),
        # 15 working days from Tue 02-10: 02-11,12,13,14(Sat) = 4; 02-24..27 = 8; 02-28(Sat) = 9;
        # 03-02..06 = 14; 03-09 = 15.
        ("2026-02-10", 15, WORK_DAYS, "2026-03-09"),
    ],
)
def test_spring_festival_2026_deadlines(trigger: str, days: int, policy: CountingPolicy, expected: str) -> None:
    assert CAL.due_date(D(trigger), days, policy) == D(expected)


@pytest.mark.parametrize(
    ("trigger", "days", "policy", "expected"),
    [
        # Tue 09-29 + 2 = Thu 10-01; 10-01..10-07 are off → Thu 10-08 (the SPEC's example answer).
        ("2026-09-29", 2, CAL_DAYS, "2026-10-08"),
        # Wed 09-30 + 1 working day: the whole golden week is skipped → Thu 10-08.
        ("2026-09-30", 1, WORK_DAYS, "2026-10-08"),
        # Thu 10-08 + 2 = Sat 10-10, an adjusted working day.
        ("2026-10-08", 2, CAL_DAYS, "2026-10-10"),
        ("2026-10-08", 2, WORK_DAYS, "2026-10-10"),  # Fri 10-09, Sat 10-10
        # Fri 09-18 + 2 = Sun 09-20, an adjusted working day.
        ("2026-09-18", 2, CAL_DAYS, "2026-09-20"),
        # Mid-autumn 09-25..27 (Fri–Sun): Wed 09-23 + 2 = Fri 09-25 → Mon 09-28.
        ("2026-09-23", 2, CAL_DAYS, "2026-09-28"),
        # 5 working days from Wed 09-23: 09-24, 09-28, 09-29, 09-30, 10-08.
        ("2026-09-23", 5, WORK_DAYS, "2026-10-08"),
    ],
)
def test_national_day_2026_deadlines(trigger: str, days: int, policy: CountingPolicy, expected: str) -> None:
    assert CAL.due_date(D(trigger), days, policy) == D(expected)


def test_national_day_2026_days() -> None:
    assert [CAL.is_workday(D("2026-10-01") + timedelta(i)) for i in range(10)] == [
        False, False, False, False, False, False, False,  # 10-01 .. 10-07 off
        True, True, True,  # Thu 10-08, Fri 10-09, Sat 10-10 (adjusted)
    ]  # fmt: skip
    assert CAL.is_workday(D("2026-09-20"))  # Sunday, adjusted working day


def test_zero_days_is_the_trigger_day_rolled_forward() -> None:
    assert CAL.due_date(D("2026-11-27"), 0) == D("2026-11-27")  # a Friday
    assert CAL.due_date(D("2026-11-28"), 0) == D("2026-11-30")  # Saturday → Monday
    assert CAL.due_date(D("2026-10-01"), 0, WORK_DAYS) == D("2026-10-08")
    assert CAL.due_date(D("2026-02-14"), 0) == D("2026-02-14")  # adjusted working Saturday


def test_datetime_trigger_counts_by_its_date() -> None:
    assert CAL.due_date(datetime(2026, 9, 29, 23, 59), 2) == D("2026-10-08")


def test_negative_days_are_refused() -> None:
    with pytest.raises(DomainError, match="不能为负数"):
        CAL.due_date(D("2026-11-27"), -1)


def test_default_policy_is_calendar_days_and_configurable() -> None:
    # Thu 2026-11-26 + 3: calendar → Sun 11-29 → Mon 11-30; working → Fri 27, Mon 30, Tue 12-01.
    assert CAL.due_date(D("2026-11-26"), 3) == D("2026-11-30")
    working = WorkCalendar(library_years(), default_policy=WORK_DAYS)
    assert working.due_date(D("2026-11-26"), 3) == D("2026-12-01")
    assert working.due_date(D("2026-11-26"), 3, CAL_DAYS) == D("2026-11-30")


def test_next_workday() -> None:
    assert CAL.next_workday(D("2026-10-01")) == D("2026-10-08")
    assert CAL.next_workday(D("2026-10-09")) == D("2026-10-09")
    assert CAL.next_workday(D("2026-10-09"), inclusive=False) == D("2026-10-10")  # adjusted Saturday
    assert CAL.next_workday(D("2026-10-10"), inclusive=False) == D("2026-10-12")


def test_working_days_between_counts_overdue_days() -> None:
    # Due Wed 09-30; on 10-09 the step is 2 working days overdue (10-08, 10-09), on Sat 10-10 three.
    assert CAL.working_days_between(D("2026-09-30"), D("2026-10-07")) == 0
    assert CAL.working_days_between(D("2026-09-30"), D("2026-10-09")) == 2
    assert CAL.working_days_between(D("2026-09-30"), D("2026-10-10")) == 3
    assert CAL.working_days_between(D("2026-10-10"), D("2026-09-30")) == 0
    assert CAL.working_days_between(D("2026-10-10"), D("2026-10-10")) == 0
    # Whole year 2026: 365 days − 104 weekend days − 19 weekday holidays + 6 adjusted weekends = 248.
    assert CAL.working_days_between(D("2025-12-31"), D("2026-12-31")) == 248


# -- year boundary and missing years ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "policy", "expected"),
    [
        # Wed 12-30 + 2 = Fri 2027-01-01 (元旦, provisional 2027 data) → Sat, Sun → Mon 2027-01-04.
        (2, CAL_DAYS, "2027-01-04"),
        # Wed 12-30 + 5 = Mon 2027-01-04, a working day.
        (5, CAL_DAYS, "2027-01-04"),
        # Working days: Thu 12-31 (1), [Jan 1 holiday, weekend], Mon 01-04 (2).
        (2, WORK_DAYS, "2027-01-04"),
        # … 01-05 (3), 01-06 (4), Thu 01-07 (5).
        (5, WORK_DAYS, "2027-01-07"),
    ],
)
def test_year_boundary_into_provisional_2027(days: int, policy: CountingPolicy, expected: str) -> None:
    assert CAL.due_date(D("2026-12-30"), days, policy) == D(expected)


def test_year_boundary_without_2027_data_is_reported() -> None:
    assert LIBRARY_ONLY.due_date(D("2026-12-30"), 1) == D("2026-12-31")
    for days, policy in [(2, CAL_DAYS), (5, CAL_DAYS), (2, WORK_DAYS)]:
        with pytest.raises(CalendarYearMissing) as caught:
            LIBRARY_ONLY.due_date(D("2026-12-30"), days, policy)
        assert caught.value.year == 2027
    # Roll-forward off the end: Thu 12-31 is fine, but a rest day at year end would need 2027.
    with pytest.raises(CalendarYearMissing):
        LIBRARY_ONLY.next_workday(D("2026-12-31"), inclusive=False)


def test_missing_year_2029_raises() -> None:
    with pytest.raises(CalendarYearMissing) as caught:
        CAL.is_workday(D("2029-03-01"))
    assert caught.value.year == 2029
    assert caught.value.message == "2029 年的节假日数据缺失，请在 data/calendar/2029.toml 中补充"
    with pytest.raises(CalendarYearMissing, match="2029 年"):
        CAL.due_date(D("2029-01-05"), 3)
    with pytest.raises(CalendarYearMissing, match="2029 年"):
        effective_request_day(datetime(2029, 1, 5, 10, 0), CAL)
    with pytest.raises(CalendarYearMissing, match="2029 年"):
        reception_state(datetime(2029, 1, 5, 10, 0), CAL)


def test_first_missing_year_is_named_when_crossing_it() -> None:
    # Thu 2027-12-30 + 5 lands in 2028, the first year without data (2029 is missing too).
    assert CAL.due_date(D("2027-12-23"), 3) == D("2027-12-27")  # inside 2027 is fine
    for policy in CountingPolicy:
        with pytest.raises(CalendarYearMissing) as caught:
            CAL.due_date(D("2027-12-30"), 5, policy)
        assert caught.value.year == 2028
    with pytest.raises(CalendarYearMissing) as caught:
        CAL.working_days_between(D("2027-12-01"), D("2029-01-10"))
    assert caught.value.year == 2028
    with pytest.raises(CalendarYearMissing) as caught:
        CAL.working_days_between(D("2003-12-01"), D("2004-01-10"))
    assert caught.value.year == 2003


def test_gap_year_between_covered_years() -> None:
    cal = WorkCalendar([plain_year(2030, holidays=("2030-12-31",)), plain_year(2032)])
    assert [y.year for y in cal.years()] == [2030, 2032]
    assert not cal.covers(2031)
    with pytest.raises(CalendarYearMissing) as caught:  # Tue 2030-12-31 is a holiday → roll into 2031
        cal.due_date(D("2030-12-30"), 1)
    assert caught.value.year == 2031
    with pytest.raises(CalendarYearMissing) as caught:  # working days run through 2031
        cal.due_date(D("2030-12-20"), 400, WORK_DAYS)
    assert caught.value.year == 2031
    with pytest.raises(CalendarYearMissing) as caught:
        cal.working_days_between(D("2030-06-01"), D("2032-06-01"))
    assert caught.value.year == 2031
    # Calendar days only read the last day and what follows it: a 2032 deadline needs no 2031 data.
    assert cal.due_date(D("2030-12-20"), 400) == D("2032-01-26")  # Sat 01-24 → Mon 01-26


def test_empty_calendar_covers_nothing() -> None:
    cal = WorkCalendar([])
    assert cal.years() == []
    with pytest.raises(CalendarYearMissing):
        cal.is_workday(D("2026-01-05"))
    with pytest.raises(CalendarYearMissing):
        cal.due_date(D("2026-01-05"), 3, WORK_DAYS)
    with pytest.raises(CalendarYearMissing):
        cal.working_days_between(D("2026-01-05"), D("2026-01-09"))


def test_absurd_limit_is_a_domain_error() -> None:
    with pytest.raises(DomainError, match="期限天数过大"):
        CAL.due_date(D("2026-01-05"), 10**9)


# -- YearData and construction ------------------------------------------------------------------------------


def test_weekends_rest_unless_adjusted() -> None:
    cal = WorkCalendar([plain_year(2030, holidays=("2030-01-01",), workdays=("2030-01-05",))])
    assert not cal.is_workday(D("2030-01-01"))  # Tuesday holiday
    assert cal.is_workday(D("2030-01-04"))  # ordinary Friday
    assert cal.is_workday(D("2030-01-05"))  # adjusted Saturday
    assert not cal.is_workday(D("2030-01-06"))  # ordinary Sunday


def test_later_year_data_replaces_earlier() -> None:
    cal = WorkCalendar([plain_year(2030, holidays=("2030-01-02",)), plain_year(2030)])
    assert cal.is_workday(D("2030-01-02"))
    assert len(cal.years()) == 1


def test_year_data_rejects_dates_of_another_year() -> None:
    with pytest.raises(DomainError, match="2029-12-31 不属于该年"):
        plain_year(2030, holidays=("2029-12-31",))


def test_year_data_rejects_a_day_both_off_and_on() -> None:
    with pytest.raises(DomainError, match="同时被列为"):
        plain_year(2030, holidays=("2030-01-05",), workdays=("2030-01-05",))


def test_year_data_accepts_any_iterable() -> None:
    data = YearData(2030, {D("2030-01-01")}, [], "测试", True)  # type: ignore[arg-type]
    assert data.holidays == frozenset({D("2030-01-01")})
    assert data.workdays == frozenset()
    assert data.note == ""


# -- R-DEL-2: the 15:00 cut-off -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # Fri 2026-04-03, the day before Qingming (04-04..04-06 off).
        ("2026-04-03T14:59:59", "2026-04-03"),
        ("2026-04-03T14:59:59.999999", "2026-04-03"),
        ("2026-04-03T15:00:00", "2026-04-07"),
        # Wed 2026-09-30, the day before National Day.
        ("2026-09-30T14:59:59", "2026-09-30"),
        ("2026-09-30T15:00:00", "2026-10-08"),
        # Adjusted working Saturday 2026-02-14 counts like any working day.
        ("2026-02-14T10:00:00", "2026-02-14"),
        ("2026-02-14T15:00:00", "2026-02-24"),
        # Non-working days: the next working day, whatever the hour.
        ("2026-03-01T09:00:00", "2026-03-02"),  # Sunday
        ("2026-09-25T10:00:00", "2026-09-28"),  # Fri 09-25 is the Mid-autumn holiday, not a working Friday
        ("2026-10-03T08:00:00", "2026-10-08"),  # inside the golden week
        ("2026-11-27T00:00:00", "2026-11-27"),  # an ordinary Friday, just after midnight
    ],
)
def test_effective_request_day(at: str, expected: str) -> None:
    assert effective_request_day(datetime.fromisoformat(at), CAL) == D(expected)


def test_request_after_cutoff_then_counts_its_limit() -> None:
    # A 2-day delegation asked Fri 2026-04-03 15:00 counts from Tue 04-07: + 2 = Thu 04-09.
    start = effective_request_day(datetime(2026, 4, 3, 15, 0), CAL)
    assert CAL.due_date(start, 2) == D("2026-04-09")
    start = effective_request_day(datetime(2026, 4, 3, 14, 59, 59), CAL)
    assert CAL.due_date(start, 2) == D("2026-04-07")  # 04-05 is a holiday → Tue 04-07


# -- R-REC-5: reception hours -------------------------------------------------------------------------------


def test_time_constants() -> None:
    constants = {"cutoff": DELEGATION_CUTOFF, "warn": RECEPTION_WARN, "close": RECEPTION_CLOSE}
    constants["report"] = LEDGER_REPORT_BY
    assert constants == {"cutoff": time(15), "warn": time(16, 45), "close": time(17), "report": time(17, 30)}


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("2026-11-27T08:30:00", ReceptionState.OPEN),
        ("2026-11-27T16:44:59", ReceptionState.OPEN),
        ("2026-11-27T16:45:00", ReceptionState.CLOSING_SOON),
        ("2026-11-27T16:59:59", ReceptionState.CLOSING_SOON),
        ("2026-11-27T16:59:59.999999", ReceptionState.CLOSING_SOON),
        ("2026-11-27T17:00:00", ReceptionState.CLOSED),
        ("2026-11-27T17:30:00", ReceptionState.CLOSED),
        ("2026-11-28T10:00:00", ReceptionState.CLOSED),  # Saturday
        ("2026-10-05T10:00:00", ReceptionState.CLOSED),  # National Day holiday (a Monday)
        ("2026-10-10T10:00:00", ReceptionState.OPEN),  # adjusted working Saturday
        ("2026-10-10T16:50:00", ReceptionState.CLOSING_SOON),
    ],
)
def test_reception_state(at: str, expected: ReceptionState) -> None:
    assert reception_state(datetime.fromisoformat(at), CAL) is expected


def test_reception_messages() -> None:
    assert reception_message(ReceptionState.CLOSING_SOON) == "距接待截止（17:00）不足 15 分钟"
    assert reception_message(ReceptionState.CLOSED) == "已过 17:00 接待截止时间，新登记须填写补录原因"
    assert "非工作日" in reception_message(ReceptionState.CLOSED, workday=False)
    assert "补录原因" in reception_message(ReceptionState.CLOSED, workday=False)
    assert reception_message(ReceptionState.OPEN)


# -- properties ---------------------------------------------------------------------------------------------

# Triggers up to the end of 2026 with limits up to 90 days stay inside the covered 2004–2027.
triggers = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
limits = st.integers(min_value=0, max_value=90)
policies = st.sampled_from(list(CountingPolicy))


@given(triggers, limits, policies)
def test_due_date_is_a_working_day_not_before_trigger(trigger: date, days: int, policy: CountingPolicy) -> None:
    due = CAL.due_date(trigger, days, policy)
    assert CAL.is_workday(due)
    assert due >= trigger + timedelta(days)


@given(triggers, limits)
def test_calendar_policy_is_first_working_day_on_or_after_the_last_day(trigger: date, days: int) -> None:
    due = CAL.due_date(trigger, days, CAL_DAYS)
    last = trigger + timedelta(days)
    assert due == CAL.next_workday(last)
    assert all(not CAL.is_workday(last + timedelta(i)) for i in range((due - last).days))


@given(triggers, st.integers(min_value=0, max_value=89), policies)
def test_due_date_is_monotone_in_days(trigger: date, days: int, policy: CountingPolicy) -> None:
    assert CAL.due_date(trigger, days, policy) <= CAL.due_date(trigger, days + 1, policy)


@given(triggers, st.integers(min_value=1, max_value=60))
def test_working_policy_counts_exactly_n_working_days(trigger: date, days: int) -> None:
    due = CAL.due_date(trigger, days, WORK_DAYS)
    assert CAL.working_days_between(trigger, due) == days
    assert CAL.working_days_between(trigger, due - timedelta(1)) == days - 1


@given(triggers, limits)
def test_working_policy_is_never_earlier_than_calendar_policy(trigger: date, days: int) -> None:
    assert CAL.due_date(trigger, days, WORK_DAYS) >= CAL.due_date(trigger, days, CAL_DAYS)


@given(triggers, st.integers(0, 200), st.integers(0, 200))
def test_working_days_between_is_additive(start: date, a: int, b: int) -> None:
    middle, end = start + timedelta(a), start + timedelta(a + b)
    total = CAL.working_days_between(start, end)
    assert total == CAL.working_days_between(start, middle) + CAL.working_days_between(middle, end)
    assert total == sum(CAL.is_workday(start + timedelta(i)) for i in range(1, a + b + 1))


@given(st.datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2026, 12, 30, 23, 59, 59)))
def test_effective_request_day_properties(at: datetime) -> None:
    day = effective_request_day(at, CAL)
    assert CAL.is_workday(day)
    assert day >= at.date()
    same_day = CAL.is_workday(at.date()) and at.time() < DELEGATION_CUTOFF
    assert (day == at.date()) is same_day
    if not same_day:
        assert day == CAL.next_workday(at.date(), inclusive=False)
