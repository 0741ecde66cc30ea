"""When each demo case entered each stage: walked back from its current stage within the plan's limits."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta

from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.lifecycle import STAGE_ORDER, FilingCategory, Stage

# ------------------------------------------------------------------------------------------------
# Time lines
# ------------------------------------------------------------------------------------------------

# (working days or calendar days, low, high) between entering one stage and the next.
_GAPS: dict[tuple[Stage, Stage], tuple[str, int, int]] = {
    (Stage.RECEIVED, Stage.FILED): ("wd", 0, 2),
    (Stage.RECEIVED, Stage.REJECTED): ("wd", 1, 3),
    (Stage.FILED, Stage.SERVED): ("wd", 1, 4),
    (Stage.FILED, Stage.ASSIGNED): ("wd", 1, 2),  # objection cases go straight to their handler
    (Stage.SERVED, Stage.INQUIRED): ("wd", 1, 2),
    (Stage.INQUIRED, Stage.TRIAGED): ("wd", 0, 2),
    (Stage.INQUIRED, Stage.ESCALATED): ("wd", 0, 2),
    (Stage.TRIAGED, Stage.ASSIGNED): ("wd", 0, 2),
    (Stage.ASSIGNED, Stage.CLOSED): ("cd", 10, 90),
    (Stage.CLOSED, Stage.ARCHIVED): ("cd", 7, 60),
}
# How long ago (calendar days) a case entered its current stage: early stages mostly within their 2–5 day
# limits, some past them, so supervision has open, near-due and overdue steps.
AGES: dict[Stage, tuple[int, ...]] = {
    Stage.RECEIVED: (0, 0, 0, 1, 1, 2, 3, 5),
    Stage.FILED: (0, 1, 1, 2, 2, 3, 4, 5, 6, 8),
    Stage.SERVED: (0, 0, 1, 1, 2, 4),
    Stage.INQUIRED: (0, 0, 1, 1, 2, 3, 5),
    Stage.TRIAGED: (0, 1, 1, 2, 4),
    Stage.ESCALATED: tuple(range(1, 16)),
    Stage.ASSIGNED: tuple(range(2, 126)),
    Stage.CLOSED: tuple(range(29)),
    Stage.ARCHIVED: tuple(range(1, 51)),
    Stage.REJECTED: tuple(range(1, 141)),
}
_WORK_START, _WORK_END = 8 * 60 + 30, 17 * 60 + 30  # minutes after midnight


def stage_path(category: FilingCategory, stage: Stage) -> list[Stage]:
    """The stages a case went through to reach ``stage`` (the same path ``register_case`` records)."""
    if stage is Stage.REJECTED:
        return [Stage.RECEIVED, Stage.REJECTED]
    if stage is Stage.ESCALATED:
        return [*STAGE_ORDER[: STAGE_ORDER.index(Stage.INQUIRED) + 1], Stage.ESCALATED]
    path = list(STAGE_ORDER[: STAGE_ORDER.index(stage) + 1])
    if category is FilingCategory.OBJECTION:
        path = [s for s in path if s not in (Stage.SERVED, Stage.INQUIRED, Stage.TRIAGED)]
    return path


class Timeline:
    def __init__(self, rng: random.Random, calendar: WorkCalendar, now: datetime) -> None:
        self.rng, self.calendar, self.now = rng, calendar, now

    def _workday_on_or_before(self, day: date) -> date:
        while not self.calendar.is_workday(day):
            day -= timedelta(days=1)
        return day

    def _back_workdays(self, day: date, count: int) -> date:
        for _ in range(count):
            day = self._workday_on_or_before(day - timedelta(days=1))
        return day

    def _moment(self, day: date) -> datetime:
        minute = self.rng.randrange(_WORK_START, _WORK_END)
        return datetime.combine(day, time(minute // 60, minute % 60))

    def _before(self, later: datetime, gap: tuple[str, int, int]) -> datetime:
        unit, low, high = gap
        days = self.rng.randint(low, high)
        if unit == "cd":
            return self._moment(self._workday_on_or_before(later.date() - timedelta(days=days)))
        if days == 0:  # the same day, a little earlier — or the previous afternoon
            earlier = later - timedelta(minutes=self.rng.randint(20, 150))
            if earlier.time() >= time(8, 0) and earlier.date() == later.date():
                return earlier
            day = self._back_workdays(later.date(), 1)
            return datetime.combine(day, time(16, self.rng.randrange(60)))
        return self._moment(self._back_workdays(later.date(), days))

    def _entry(self, age_days: int) -> datetime:
        day = self._workday_on_or_before(self.now.date() - timedelta(days=age_days))
        at = self._moment(day)
        if at >= self.now:
            at = self.now - timedelta(minutes=self.rng.randint(5, 60))
        return at

    def build(
        self,
        path: Sequence[Stage],
        *,
        ages: Sequence[int],
        gaps: dict[tuple[Stage, Stage], tuple[str, int, int]] | None = None,
        accept: Callable[[dict[Stage, datetime]], bool] = lambda _: True,
    ) -> dict[Stage, datetime]:
        """Walk back from the current stage; draw again until the case was received in the window."""
        gaps = {**_GAPS, **(gaps or {})}
        for _ in range(200):
            times = {path[-1]: self._entry(self.rng.choice(ages))}
            for earlier, later in zip(reversed(path[:-1]), reversed(path[1:]), strict=True):
                times[earlier] = self._before(times[later], gaps[(earlier, later)])
            if accept(times):
                return times
        raise RuntimeError(f"no demo time line fits the window for {path[-1]}")  # a bug in the tables above
