"""Keeping the index current: session events re-key the cases a transaction changed, before it commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session as OrmSession

from zhihui_tui.db.models import Agent, Case, CaseParty, Party
from zhihui_tui.services.search.indexing import index_cases
from zhihui_tui.services.search.tables import CASE_PARTY, PENDING

_CASE_FIELDS = ("case_number", "year", "case_type", "sequence", "filed_at", "received_at")
_PARTY_FIELDS = ("name", "id_number", "kind")
_LINK_FIELDS = ("case_id", "party_id", "id_number")


def _changed(obj: Any, names: Iterable[str]) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names if name in state.attrs)


def _old_case_ids(obj: Any) -> set[int]:
    """The case a moved CaseParty or Agent row belonged to before this flush."""
    history = sa_inspect(obj).attrs["case_id"].history
    return {value for value in history.deleted if value is not None}


def _cases_touched(session: OrmSession) -> tuple[set[int], set[int]]:
    """(case ids, party ids) whose search keys this flush may have changed."""
    cases: set[int] = set()
    parties: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Case) and obj.id is not None:
            cases.add(obj.id)
        elif isinstance(obj, CaseParty | Agent):
            cases.add(obj.case_id)
    for obj in session.dirty:
        if isinstance(obj, Case) and _changed(obj, _CASE_FIELDS) and obj.id is not None:
            cases.add(obj.id)
        elif isinstance(obj, Party) and _changed(obj, _PARTY_FIELDS) and obj.id is not None:
            parties.add(obj.id)
        elif isinstance(obj, CaseParty | Agent) and _changed(obj, _LINK_FIELDS):
            cases.add(obj.case_id)
            cases.update(_old_case_ids(obj))
    for obj in session.deleted:
        if isinstance(obj, CaseParty | Agent):
            cases.add(obj.case_id)
    return cases, parties


@event.listens_for(OrmSession, "after_flush")
def _note_search_changes(session: OrmSession, _context: Any) -> None:
    cases, parties = _cases_touched(session)
    if parties:
        rows = session.connection().execute(
            select(CASE_PARTY.c.case_id).where(CASE_PARTY.c.party_id.in_(sorted(parties)))
        )
        cases.update(row[0] for row in rows)
    if cases:
        session.info.setdefault(PENDING, set()).update(cases)


@event.listens_for(OrmSession, "before_commit")
def _reindex_before_commit(session: OrmSession) -> None:
    # Two writers never re-index the same case at once: on SQLite BEGIN IMMEDIATE serialises writers, and on
    # PostgreSQL every flush already holds the audit chain's advisory lock until commit.
    if session.new or session.dirty or session.deleted:
        session.flush()  # before_commit runs before the final flush; changes in it must be seen
    pending: set[int] | None = session.info.pop(PENDING, None)
    if pending:
        index_cases(session.connection(), pending)


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session: OrmSession) -> None:
    session.info.pop(PENDING, None)
