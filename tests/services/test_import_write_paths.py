"""The case import builds its rows before the lock and keeps them only if nothing they depend on moved (issue 12).

Each test makes a write land between the build (no lock held) and the write transaction — the moment a clerk
on another terminal could save — and checks the import took the right path and wrote the right rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from tests.conftest import context_for
from tests.services.test_importing import GOOD_ROWS, LI, ZHAO, add_account, row, write_csv
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CaseParty, Deadline, Party, SearchTerm
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.reception import VisitInput, VisitPurpose
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.audit import verify
from zhihui_tui.services.importing import case_write as case_import_write
from zhihui_tui.services.importing.cases import ImportResult, import_cases
from zhihui_tui.services.reception import register_visit

COURT = "内2221"


@pytest.fixture
def court(engine: Engine, clock: FixedClock) -> Engine:
    add_account(engine, clock, "kuai01", Role.HANDLER, "王建国", team=Team.FAST.value, title=Title.JUDGE.value)
    add_account(engine, clock, "jing01", Role.HANDLER, "孙立军", team=Team.INTENSIVE.value, title=Title.JUDGE.value)
    add_account(engine, clock, "lian1", Role.FILING_REVIEW, "陈淑芬")
    return engine


def _import(engine: Engine, path: Path, clock: FixedClock) -> ImportResult:
    return import_cases(path, ctx=context_for(engine, system_actor(engine), clock))


@pytest.fixture
def between(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[Callable[[], None]], list[bool]]]:
    """(actions, paths): each action runs once, right after the next build outside the lock; each write reports
    whether its rows went in as built (True) or were checked and built again under the lock (False)."""
    actions: list[Callable[[], None]] = []
    paths: list[bool] = []
    original_build, original_locked = case_import_write.build, case_import_write._locked_write

    def build(*args: Any, **kwargs: Any) -> Any:
        built = original_build(*args, **kwargs)
        if actions:
            actions.pop(0)()
        return built

    def locked(*args: Any, **kwargs: Any) -> bool:
        planned = original_locked(*args, **kwargs)
        paths.append(planned)
        return planned

    monkeypatch.setattr(case_import_write, "build", build)
    monkeypatch.setattr(case_import_write, "_locked_write", locked)
    yield actions, paths


def _numbers(engine: Engine) -> list[int]:
    with read_session(engine) as session:
        return sorted(s for s in session.exec(select(Case.sequence).where(col(Case.year) == 2026)) if s is not None)


def _chain_ok(engine: Engine) -> bool:
    with read_session(engine) as session:
        return verify(session).ok


def test_a_quiet_import_writes_what_it_built(court: Engine, clock: FixedClock, tmp_path: Path, between: Any) -> None:
    _actions, paths = between
    assert _import(court, write_csv(tmp_path / "cases.csv", GOOD_ROWS), clock).imported == len(GOOD_ROWS)
    assert paths == [True] and _chain_ok(court)


def test_a_visit_saved_meanwhile_does_not_stale_the_build(
    court: Engine, clock: FixedClock, tmp_path: Path, between: Any
) -> None:
    """The front desk keeps working during an import: its saves touch nothing the build read."""
    actions, paths = between
    clerk = add_account(court, clock, "jiedai1", Role.FILING_REVIEW, "接待员")
    visit = VisitInput(
        visitor_name="访客甲",
        id_number="152202198001010011",
        purpose=VisitPurpose.PETITION,
        outcome="已登记",
        visited_at=datetime(2026, 11, 27, 9, 0),
    )
    actions.append(lambda: register_visit(visit, ctx=context_for(court, clerk, clock)) and None)
    assert _import(court, write_csv(tmp_path / "cases.csv", GOOD_ROWS), clock).imported == len(GOOD_ROWS)
    assert paths == [True] and _chain_ok(court)


def test_a_case_filed_meanwhile_makes_the_import_build_again(
    court: Engine, clock: FixedClock, tmp_path: Path, between: Any
) -> None:
    """Another case filed between the build and the lock takes the number (and, on SQLite, the ids) the build
    chose: the import draws again and every row still points at its own case and parties."""
    actions, paths = between
    other = write_csv(
        tmp_path / "other.csv", [row(立案日期="2026-11-21", 状态="已立案", 被执行人="赵六", 被执行人证件号=ZHAO)]
    )
    actions.append(lambda: _import(court, other, clock) and None)
    rows = [row(立案日期="2026-11-21", 状态="已立案", 执行标的=f"{1000 + i}.00") for i in range(5)]
    assert _import(court, write_csv(tmp_path / "cases.csv", rows), clock).imported == 5
    assert paths == [True, False]  # the interloper's own import, then ours built again under the lock
    assert _numbers(court) == [1, 2, 3, 4, 5, 6]
    with read_session(court) as session:
        li = session.exec(select(Party).where(Party.id_number == LI)).one()
        zhao = session.exec(select(Party).where(Party.id_number == ZHAO)).one()
        respondents = session.exec(select(CaseParty.case_id, CaseParty.party_id).where(CaseParty.role == "respondent"))
        by_party: dict[int, int] = {}
        for _case_id, party_id in respondents:
            by_party[party_id] = by_party.get(party_id, 0) + 1
        assert by_party == {li.id: 5, zhao.id: 1}
        cases = session.exec(select(Case.id)).all()
        keyed = set(session.exec(select(SearchTerm.case_id)).all())
        assert keyed == set(cases)  # every case found by search, no key pointing at nothing
        assert len(session.exec(select(Deadline)).all()) == 6
    assert _chain_ok(court)


def test_a_party_registered_meanwhile_is_linked_not_duplicated(
    court: Engine, clock: FixedClock, tmp_path: Path, between: Any
) -> None:
    actions, paths = between
    first = write_csv(tmp_path / "first.csv", [row(被执行人="赵六", 被执行人证件号=ZHAO, 执行标的="1.00")])
    actions.append(lambda: _import(court, first, clock) and None)
    rows = [row(被执行人="赵六", 被执行人证件号=ZHAO, 执行标的="2.00"), row(执行标的="3.00")]
    assert _import(court, write_csv(tmp_path / "cases.csv", rows), clock).imported == 2
    assert paths == [True, False]
    with read_session(court) as session:
        assert len(session.exec(select(Party).where(Party.id_number == ZHAO)).all()) == 1
    assert _chain_ok(court)


def test_a_duplicate_saved_meanwhile_refuses_the_whole_file(
    court: Engine, clock: FixedClock, tmp_path: Path, between: Any
) -> None:
    """The same file finished by another run between our checks and our lock: checked again, refused whole."""
    actions, paths = between
    path = write_csv(tmp_path / "cases.csv", GOOD_ROWS)
    actions.append(lambda: _import(court, path, clock) and None)
    again = _import(court, path, clock)
    assert again.imported == 0 and again.errors
    assert paths == [True]  # only the other run wrote; ours stopped at the check under the lock
    assert len(_numbers(court)) == sum(1 for r in GOOD_ROWS if r["立案日期"] and r["状态"] != "不予立案")
    assert _chain_ok(court)


class _TickingClock(FixedClock):
    """A clock that moves a second each time it is read, as the wall clock does during a long import."""

    def now(self) -> datetime:
        self.advance(seconds=1)
        return self.at


def test_a_clock_that_moves_during_the_import_leaves_a_chain_that_verifies(
    court: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    """The entries are dumped before the write and hashed at it: both use the run's one as_of, so the stored
    as_of is the one that was hashed however long the import took (a moved clock once broke every entry)."""
    ticking = _TickingClock(clock.now())
    assert _import(court, write_csv(tmp_path / "cases.csv", GOOD_ROWS), ticking).imported == len(GOOD_ROWS)
    assert _chain_ok(court)
