"""Working-day calendar and deadline counting (R-TIME-1), plus the time-of-day rules (R-DEL-2, R-REC-5).

Pure: the calendar is built from ``YearData`` handed in by ``services.calendar_data``; nothing here reads files
or the clock. Every date a computation reads must lie in a year that has data, otherwise
``CalendarYearMissing`` is raised — a missing year is never silently treated as all-working.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from zhihui_tui.domain.errors import DomainError

DELEGATION_CUTOFF = time(15, 0)  # R-DEL-2: requests at or after this count from the next working day
RECEPTION_WARN = time(16, 45)  # R-REC-5: the reception screen warns from here
RECEPTION_CLOSE = time(17, 0)  # R-REC-5: reception closes
LEDGER_REPORT_BY = time(17, 30)  # R-REC-5: the day's ledger is reported to the centre by then

_REST, _WORK, _MISSING = 0, 1, 2
_SATURDAY = 5  # date.weekday(): Monday == 0


class CalendarYearMissing(DomainError):
    """A computation needed a day of a year for which no holiday data is loaded."""

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年的节假日数据缺失，请在 data/calendar/{year}.toml 中补充")
        self.year = year


@dataclass(frozen=True)
class YearData:
    """One year's official rest days and adjusted working days (调休), as published.

    ``holidays`` are rest days (weekend days inside a holiday block may be listed too — harmless);
    ``workdays`` are weekend days that are working days by adjustment.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str
    provisional: bool
    note: str = ""

    def __post_init__(self) -> None:
        # Accept any iterable of dates so callers can pass sets or lists; store frozensets (hashable, immutable).
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        for label, days in (("放假日", self.holidays), ("调休上班日", self.workdays)):
            stray = sorted(d for d in days if d.year != self.year)
            if stray:
                raise DomainError(f"{self.year} 年节假日数据中的{label} {stray[0].isoformat()} 不属于该年")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise DomainError(f"{both[0].isoformat()} 同时被列为放假日和调休上班日")


class CountingPolicy(StrEnum):
    """How a limit of N days is counted; the court can configure it (R-TIME-1)."""

    # Calendar days from the day after the trigger; a last day that is not a working day moves forward.
    CALENDAR_DAYS_ROLL_FORWARD = "calendar"
    # Working days only, from the day after the trigger.
    WORKING_DAYS = "working"


class WorkCalendar:
    """A per-day table built once from ``YearData``; every query is an index lookup.

    Asking the holiday library day by day is ~800x slower, so the table holds, for every day from 1 January of
    the first year with data to 31 December of the last: its state (rest / work / missing), the index of the
    next day that stops a roll-forward (working or missing), and prefix counts of working and missing days.
    Later entries for the same year replace earlier ones (court files override the library).
    """

    def __init__(
        self,
        years: Iterable[YearData],
        *,
        default_policy: CountingPolicy = CountingPolicy.CALENDAR_DAYS_ROLL_FORWARD,
    ) -> None:
        self._years: dict[int, YearData] = {}
        for data in years:
            self._years[data.year] = data
        self.default_policy = default_policy
        self._build_table()

    # -- construction -------------------------------------------------------------------------------------

    def _build_table(self) -> None:
        if not self._years:
            self._base, self._size = 1, 0
            self._state = b""
            self._next: list[int] = []
            self._work_cum: list[int] = [0]
            self._missing_cum: list[int] = [0]
            return
        first, last = min(self._years), max(self._years)
        self._base = date(first, 1, 1).toordinal()
        self._size = date(last, 12, 31).toordinal() - self._base + 1
        state = bytearray(self._day_state(date.fromordinal(self._base + i)) for i in range(self._size))
        self._state = bytes(state)
        self._next = self._stop_indexes(state)
        self._work_cum = _prefix_counts(state, _WORK)
        self._missing_cum = _prefix_counts(state, _MISSING)

    def _day_state(self, day: date) -> int:
        data = self._years.get(day.year)
        if data is None:
            return _MISSING
        if day in data.holidays:
            return _REST
        if day in data.workdays or day.weekday() < _SATURDAY:
            return _WORK
        return _REST

    @staticmethod
    def _stop_indexes(state: bytearray) -> list[int]:
        """For each index, the first index at or after it that is a working or missing day (size if none)."""
        size = len(state)
        stops = [size] * size
        upcoming = size
        for i in range(size - 1, -1, -1):
            if state[i] != _REST:
                upcoming = i
            stops[i] = upcoming
        return stops

    # -- coverage -----------------------------------------------------------------------------------------

    def years(self) -> list[YearData]:
        """The loaded years in order (what the calendar command lists and checks)."""
        return [self._years[y] for y in sorted(self._years)]

    def covers(self, year: int) -> bool:
        """Whether ``year`` is loaded; days outside loaded years are refused, never guessed."""
        return year in self._years

    def _missing(self, ordinal: int) -> CalendarYearMissing:
        """The error for an uncovered day (a day past ``date.max`` is a bad limit, not a missing year)."""
        if ordinal > date.max.toordinal():
            raise DomainError("期限天数过大，超出可计算的日期范围")
        return CalendarYearMissing(date.fromordinal(ordinal).year)

    def _index(self, ordinal: int) -> int:
        """Table index of a day that must be covered."""
        i = ordinal - self._base
        if not 0 <= i < self._size or self._state[i] == _MISSING:
            raise self._missing(ordinal)
        return i

    def _require_range(self, first: int, last: int) -> None:
        """Every day with ordinal in [first, last] must be covered; name the earliest year that is not."""
        lo, hi = first - self._base, last - self._base
        if lo < 0 or lo >= self._size:
            raise self._missing(first)
        end = min(hi, self._size - 1)
        if hi >= self._size or self._missing_cum[end + 1] != self._missing_cum[lo]:
            raise self._missing(self._first_missing_from(lo))

    def _first_missing_from(self, i: int) -> int:
        """Ordinal of the first missing day at or after index i (the day after the table if none)."""
        target = self._missing_cum[i] + 1
        j = bisect_left(self._missing_cum, target, lo=i + 1)
        return self._base + (j - 1 if j <= self._size else self._size)

    # -- queries ------------------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day (weekends, holidays and make-up working days applied)."""
        return self._state[self._index(_as_date(d).toordinal())] == _WORK

    def next_workday(self, d: date, *, inclusive: bool = True) -> date:
        """The first working day on or after ``d`` (strictly after it when ``inclusive`` is False)."""
        return self._roll_forward(_as_date(d).toordinal() + (0 if inclusive else 1))

    def _roll_forward(self, ordinal: int) -> date:
        stop = self._next[self._index(ordinal)]
        if stop == self._size or self._state[stop] == _MISSING:
            raise self._missing(self._base + stop)
        return date.fromordinal(self._base + stop)

    def due_date(self, trigger: date | datetime, days: int, policy: CountingPolicy | None = None) -> date:
        """The deadline for a step triggered on ``trigger`` with a limit of ``days`` (R-TIME-1).

        Counting starts the day after the trigger. ``days == 0`` means the trigger day itself, moved forward
        to a working day if needed. A datetime trigger counts by its date; apply ``effective_request_day``
        first where the 15:00 cut-off matters (R-DEL-2).
        """
        if days < 0:
            raise DomainError(f"期限天数不能为负数：{days}")
        start = (trigger.date() if isinstance(trigger, datetime) else trigger).toordinal()
        if days and (policy or self.default_policy) == CountingPolicy.WORKING_DAYS:
            return self._nth_workday_after(start, days)
        # Hot path (called for every open step on every screen refresh): inline index and roll-forward.
        i = start + days - self._base
        if 0 <= i < self._size:
            stop = self._next[i]
            if stop < self._size and self._state[stop] == _WORK:
                return date.fromordinal(self._base + stop)
        return self._roll_forward(start + days)  # raises the precise CalendarYearMissing

    def _nth_workday_after(self, start: int, n: int) -> date:
        """The n-th working day strictly after the day with ordinal ``start`` (n >= 1)."""
        lo = start + 1 - self._base  # index of the first day counted
        if lo < 0 or lo >= self._size:
            raise self._missing(start + 1)
        # work_cum[k] = working days among indexes < k, so the n-th one is at index j with work_cum[j+1] == want.
        want = self._work_cum[lo] + n
        j = bisect_left(self._work_cum, want, lo=lo + 1) - 1
        if j >= self._size:
            raise self._missing(self._first_missing_from(lo))
        self._require_range(start + 1, self._base + j)
        return date.fromordinal(self._base + j)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; 0 when end <= start (e.g. "overdue by N working days")."""
        first, last = _as_date(start).toordinal() + 1, _as_date(end).toordinal()
        if last < first:
            return 0
        self._require_range(first, last)
        lo, hi = first - self._base, last - self._base
        return self._work_cum[hi + 1] - self._work_cum[lo]


def _prefix_counts(state: bytearray, value: int) -> list[int]:
    """counts[k] = number of indexes < k whose state equals ``value``."""
    counts = [0] * (len(state) + 1)
    running = 0
    for i, s in enumerate(state):
        running += s == value
        counts[i + 1] = running
    return counts


def _as_date(value: date | datetime) -> date:
    # datetime is a subclass of date; its toordinal() already ignores the time, but be explicit.
    return value.date() if isinstance(value, datetime) else value


# -- time-of-day rules ------------------------------------------------------------------------------------


def effective_request_day(at: datetime, cal: WorkCalendar) -> date:
    """The day a delegation request counts from (R-DEL-2).

    Before 15:00 on a working day: that day. At or after 15:00:00, or on a non-working day: the next working day.
    Court time is naive local time; an aware datetime is read on its own wall clock.
    """
    day = at.date()
    if cal.is_workday(day) and at.time() < DELEGATION_CUTOFF:
        return day
    return cal.next_workday(day, inclusive=False)


class ReceptionState(StrEnum):
    """Whether the reception window is open now, about to close, or closed."""

    OPEN = "open"
    CLOSING_SOON = "closing_soon"
    CLOSED = "closed"


def reception_state(at: datetime, cal: WorkCalendar) -> ReceptionState:
    """Reception is open on working days until 17:00, with a warning from 16:45 (R-REC-5)."""
    if not cal.is_workday(at.date()):
        return ReceptionState.CLOSED
    now = at.time()
    if now >= RECEPTION_CLOSE:
        return ReceptionState.CLOSED
    if now >= RECEPTION_WARN:
        return ReceptionState.CLOSING_SOON
    return ReceptionState.OPEN


def reception_message(state: ReceptionState, *, workday: bool = True) -> str:
    """The banner shown at the reception post; ``workday=False`` words CLOSED for a rest day."""
    if state is ReceptionState.CLOSING_SOON:
        return "距接待截止（17:00）不足 15 分钟"
    if state is ReceptionState.CLOSED:
        if not workday:
            return "今日非工作日，接待不开放，新登记须填写补录原因"
        return "已过 17:00 接待截止时间，新登记须填写补录原因"
    return "接待中（17:00 截止）"
