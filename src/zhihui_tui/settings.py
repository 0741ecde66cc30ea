"""Where the court's files live. Read from the environment once, at the edge (CLI/TUI start)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_COURT_NAME = "科尔沁右翼前旗人民法院"
DEFAULT_COURT_CODE = "内2221"  # the code in its case numbers, （2026）内2221执123号 (R-CASE-2)


def data_dir() -> Path:
    """``$ZHIHUI_DATA_DIR`` or ``./data`` (the court-editable calendar files and the SQLite file live here)."""
    return Path(os.environ.get("ZHIHUI_DATA_DIR", "data")).resolve()


def default_database_url() -> str:
    """``$ZHIHUI_DATABASE_URL``, else the embedded SQLite file under the data folder."""
    url = os.environ.get("ZHIHUI_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'zhihui.db'}"


@dataclass(frozen=True)
class CourtSettings:
    """Court identity shown in the header and used in case numbers (R-CASE-2: court code configurable)."""

    court_name: str = DEFAULT_COURT_NAME
    court_code: str = DEFAULT_COURT_CODE
    idle_lock_minutes: int = 10
    disburse_days: int = 30  # R-FND-2: case funds are disbursed within this many days of arrival (some courts: 5)

    @classmethod
    def from_env(cls) -> CourtSettings:
        return cls(
            court_name=os.environ.get("ZHIHUI_COURT_NAME", DEFAULT_COURT_NAME),
            court_code=os.environ.get("ZHIHUI_COURT_CODE", DEFAULT_COURT_CODE),
            idle_lock_minutes=_positive_int("ZHIHUI_IDLE_LOCK_MINUTES", "10"),
            disburse_days=_positive_int("ZHIHUI_DISBURSE_DAYS", "30"),
        )


def _positive_int(name: str, default: str) -> int:
    from zhihui_tui.domain.errors import FieldError

    text = os.environ.get(name, default)
    if not text.strip().isdigit() or int(text) < 1:
        raise FieldError(name, f"应为正整数，实际为“{text}”")
    return int(text)
