"""The clock is injected everywhere so tests, replays and ``--as-of`` runs are exact (R-TIME-2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Where "now" comes from: injected everywhere, so tests and ``--as-of`` runs are exact (R-TIME-2)."""

    def now(self) -> datetime:
        """The current moment, naive court-local time."""
        ...


def today(clock: Clock) -> date:
    """The current court day on ``clock``."""
    return clock.now().date()


class SystemClock:
    """Wall-clock local time, to the second (court time is naive local time)."""

    def now(self) -> datetime:
        """The machine's local time to the second."""
        return datetime.now().replace(microsecond=0)


@dataclass
class FixedClock:
    """A clock that stands still unless a test moves it."""

    at: datetime

    def now(self) -> datetime:
        """The pinned moment."""
        return self.at

    def advance(self, **delta: float) -> None:
        """Move the pinned moment on by ``timedelta(**delta)`` (tests step through days this way)."""
        self.at = self.at + timedelta(**delta)


@dataclass
class AsOfClock:
    """Runs from a given moment forward at wall speed: an ``--as-of`` session of the terminal app."""

    start: datetime
    _origin: datetime = field(default_factory=lambda: datetime.now())

    def now(self) -> datetime:
        """The as-of start plus the time that has passed since the run began."""
        return (self.start + (datetime.now() - self._origin)).replace(microsecond=0)


def parse_as_of(value: str) -> datetime:
    """Parse ``YYYY-MM-DDTHH:MM`` (or a bare date, meaning 09:00 that day)."""
    from zhihui_tui.domain.errors import FieldError

    text = value.strip()
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            pass
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time()).replace(hour=9)
    except ValueError:
        raise FieldError("--as-of", f"无法识别的时间“{value}”，应为 YYYY-MM-DDTHH:MM") from None
