"""What waits for a person's decision, beyond his own deadline steps (issue 11): the director's rulings on
不予立案 proposals and the delegated matters his post does, the bureau chief's approval of an urgent 拘传 — each
with the deadline it runs against, for the home list (我的待办)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, Deadline, FilingRejection, Staff
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.delegation import MatterRow, matter_queue

REJECTION = "不予立案待裁定"
URGENT = "临时拘传待审批"
MATTER = "委托事项待办理"
_REASON_CHARS = 16


@dataclass(frozen=True)
class Awaiting:
    """One thing waiting for the person: what, on which case, since when, due when (None: no deadline)."""

    kind: str
    key: str  # stable row key: kind and record id
    case_id: int
    case_number: str
    since: datetime
    due: date | None
    text: str


def awaiting_decisions(*, ctx: ServiceContext, limit: int = 200) -> list[Awaiting]:
    """Everything waiting for ``ctx.actor``'s decision by his posts, earliest deadline first."""
    actor = ctx.actor
    found: list[Awaiting] = []
    if actor.has(Role.DIRECTOR):
        with read_session(ctx.engine) as session:
            found += _pending_rejections(session, limit)
        found += [_matter_line(MATTER, row) for row in matter_queue(post=Role.DIRECTOR, limit=limit, ctx=ctx)]
    if actor.has(Role.BUREAU_CHIEF):  # urgent 拘传 wait in the chief's queue until he approves them
        found += [_matter_line(URGENT, row) for row in matter_queue(post=Role.BUREAU_CHIEF, limit=limit, ctx=ctx)]
    return sorted(found, key=lambda a: (a.due or date.max, a.since, a.key))[:limit]


def _pending_rejections(session: Session, limit: int) -> list[Awaiting]:
    """不予立案 proposals awaiting the ruling, against the case's 2-day filing step (R-FIL-2)."""
    rows = session.exec(
        select(FilingRejection, Case.case_number, Case.received_at, Staff.name)
        .join(Case, col(Case.id) == FilingRejection.case_id)
        .join(Staff, col(Staff.id) == FilingRejection.proposed_by_id)
        .where(FilingRejection.status == "pending")
        .order_by(col(FilingRejection.proposed_at))
        .limit(limit)
    ).all()
    due = _filing_due(session, [r.case_id for r, *_ in rows])
    return [
        Awaiting(
            REJECTION,
            f"rejection:{rejection.id}",
            rejection.case_id,
            number or f"收案 {received:%m-%d}",
            rejection.proposed_at,
            due.get(rejection.case_id),
            f"{proposer}提请：{_short(rejection.reasons)}",
        )
        for rejection, number, received, proposer in rows
    ]


def _filing_due(session: Session, case_ids: list[int]) -> dict[int, date]:
    if not case_ids:
        return {}
    rows = session.exec(
        select(col(Deadline.case_id), col(Deadline.due_date)).where(
            col(Deadline.case_id).in_(case_ids), Deadline.step == Step.FILING.value, col(Deadline.done_at).is_(None)
        )
    ).all()
    return dict(rows)


def _matter_line(kind: str, row: MatterRow) -> Awaiting:
    """A delegated matter of the person's post queue, against the handler's date."""
    text = f"{row.kind.label}：{_short(row.requirements)}"
    return Awaiting(kind, f"matter:{row.id}", row.case_id, row.case_number, row.requested_at, row.deadline, text)


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _REASON_CHARS else line[: _REASON_CHARS - 1] + "…"
