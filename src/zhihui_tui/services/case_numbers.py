"""Case number allocation (R-CASE-2): per court, year and type, no gap and no duplicate.

The counter row is bumped inside the filing transaction, so a filing that rolls back gives its number back,
and concurrent filings queue on the row (SQLite: BEGIN IMMEDIATE; PostgreSQL: the UPDATE's row lock).

Lock order (docs/locking.md): a transaction takes the case-number counters it needs before its first audit
append (the audit head's advisory lock, taken on the first audited flush), and several counters in sorted
(court, year, type) order. Filing and ``register_case`` draw the number before anything is flushed; the
import reserves and allocates every counter it needs before it writes a row.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from zhihui_tui.db.models import CaseSequence
from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.lifecycle import CaseType

_table = CaseSequence.__table__  # type: ignore[attr-defined]


def _ensure_counter(session: Session, court_code: str, year: int, case_type: CaseType) -> None:
    dialect = postgresql if session.connection().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(_table).values(court_code=court_code, year=year, case_type=case_type.value, last=0)
    session.connection().execute(statement.on_conflict_do_nothing())


def allocate_case_number(session: Session, *, court_code: str, year: int, case_type: CaseType) -> CaseNumber:
    """The next number of this court, year and type, taken under the counter's row lock in the caller's transaction."""
    _ensure_counter(session, court_code, year, case_type)
    key = (_table.c.court_code == court_code) & (_table.c.year == year) & (_table.c.case_type == case_type.value)
    sequence = (
        session.connection()
        .execute(update(_table).where(key).values(last=_table.c.last + 1).returning(_table.c.last))
        .scalar_one()
    )
    return CaseNumber(year=year, court_code=court_code, case_type=case_type, sequence=sequence)


def reserve_case_number(session: Session, number: CaseNumber) -> None:
    """An imported case keeps its number; the counter moves past it so new filings never collide."""
    _ensure_counter(session, number.court_code, number.year, number.case_type)
    key = (
        (_table.c.court_code == number.court_code)
        & (_table.c.year == number.year)
        & (_table.c.case_type == number.case_type.value)
        & (_table.c.last < number.sequence)
    )
    session.connection().execute(update(_table).where(key).values(last=number.sequence))


def allocate_case_numbers(
    session: Session, *, court_code: str, year: int, case_type: CaseType, count: int
) -> list[CaseNumber]:
    """``count`` consecutive numbers with one counter UPDATE (a bulk import): the same numbers as ``count``
    calls of :func:`allocate_case_number` in a row."""
    if count <= 0:
        return []
    _ensure_counter(session, court_code, year, case_type)
    key = (_table.c.court_code == court_code) & (_table.c.year == year) & (_table.c.case_type == case_type.value)
    last = (
        session.connection()
        .execute(update(_table).where(key).values(last=_table.c.last + count).returning(_table.c.last))
        .scalar_one()
    )
    return [
        CaseNumber(year=year, court_code=court_code, case_type=case_type, sequence=sequence)
        for sequence in range(last - count + 1, last + 1)
    ]
