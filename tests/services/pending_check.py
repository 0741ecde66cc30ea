"""The attempts awaiting the service desk as the database keeps them (``pending_attempt``, migration 0028) against
the same set computed from ``service_attempt`` the way 送达跟踪 found them before: attempts awaiting a result,
and failed ones with no later attempt for the same recipient (the case's respondent, else the matter)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, and_, exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from zhihui_tui.db.models import PendingAttempt, ServiceAttempt
from zhihui_tui.domain.mailing import ServiceResult


def computed_pending(engine: Engine) -> set[tuple[int, date]]:
    """(attempt id, sent on) of every attempt awaiting the desk, computed with a later-attempt subquery."""
    later = aliased(ServiceAttempt)
    same_respondent = col(ServiceAttempt.party_id).is_not(None) & (col(later.party_id) == ServiceAttempt.party_id)
    same_matter = and_(
        col(ServiceAttempt.party_id).is_(None),
        col(later.party_id).is_(None),
        col(later.matter_id) == ServiceAttempt.matter_id,
    )
    superseded = exists().where(
        col(later.case_id) == col(ServiceAttempt.case_id),
        col(later.id) > col(ServiceAttempt.id),
        same_respondent | same_matter,
    )
    failed = [r.value for r in ServiceResult if not r.served]
    awaits = col(ServiceAttempt.result).is_(None) | (col(ServiceAttempt.result).in_(failed) & ~superseded)
    with Session(engine) as session:
        rows = session.exec(select(ServiceAttempt.id, ServiceAttempt.sent_on).where(awaits)).all()
    return {(i, sent) for i, sent in rows if i is not None}


def kept_pending(engine: Engine) -> set[tuple[int, date]]:
    """(attempt id, sent on) of every row of ``pending_attempt``."""
    with Session(engine) as session:
        return set(session.exec(select(PendingAttempt.attempt_id, PendingAttempt.sent_on)).all())


def pending(engine: Engine) -> set[int]:
    """The ids of the attempts awaiting the desk, as the database keeps them — and they are the computed set."""
    kept = kept_pending(engine)
    assert kept == computed_pending(engine)
    return {attempt_id for attempt_id, _ in kept}
