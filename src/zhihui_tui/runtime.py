"""What a run of the program works with: database URL, clock, court settings. Built once at the edge.

Nothing heavy is imported here: the terminal app builds a Runtime before its first frame and only touches
``engine``/``calendar`` (SQLAlchemy, the holiday tables) from a worker afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from zhihui_tui import settings
from zhihui_tui.domain.clock import AsOfClock, Clock, SystemClock

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from zhihui_tui.domain.calendar import WorkCalendar
    from zhihui_tui.services.context import Actor, ServiceContext


@dataclass
class Runtime:
    database_url: str
    clock: Clock
    court: settings.CourtSettings = field(default_factory=settings.CourtSettings.from_env)
    data_dir: Path = field(default_factory=settings.data_dir)

    @classmethod
    def from_options(cls, db: str | None = None, as_of: str | None = None) -> Runtime:
        from zhihui_tui.domain.clock import parse_as_of

        clock: Clock = AsOfClock(parse_as_of(as_of)) if as_of else SystemClock()
        return cls(database_url=db or settings.default_database_url(), clock=clock)

    @cached_property
    def engine(self) -> Engine:
        from zhihui_tui.db.engine import make_engine

        return make_engine(self.database_url)

    @cached_property
    def calendar(self) -> WorkCalendar:
        from zhihui_tui.services.calendar_data import load_calendar

        return load_calendar(self.data_dir)

    def context(self, actor: Actor) -> ServiceContext:
        """The context every service call of this run takes (loads the engine and the calendar if not yet)."""
        from zhihui_tui.services.context import ServiceContext

        return ServiceContext(
            engine=self.engine,
            clock=self.clock,
            calendar=self.calendar,
            actor=actor,
            court=self.court,
            data_dir=self.data_dir,
        )

    def check_schema(self) -> None:
        from zhihui_tui.db.migrate import check_schema

        check_schema(self.engine)

    def dispose(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
