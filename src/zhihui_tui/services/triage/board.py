"""The board (R-TRI-1): a view's cases, the oldest triage deadline first, keyset-paged from SQL.

Views: 已查控 (待分流, ordered by the TRIAGE step), 局长指定 (the same step, held by the chief while escalated) and
已分流 (待分案, ordered by the DOSSIER_TO_HANDLER step). A page reads its facts, names, flag versions and the
director's reasons for escalating in one query each, never one per row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, Deadline, TriageDecision, TriageFlags
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Team
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.triage import propose_track
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.inquiry import join_names, respondent_names
from zhihui_tui.services.triage.facts import facts_for
from zhihui_tui.services.triage.results import BoardKey, BoardPage, BoardRow, ProposedCase
from zhihui_tui.services.triage.rules import TriageAction, require_action

# The board's views: the stage listed and the step whose deadline orders it.
VIEW_STEPS: dict[Stage, Step] = {
    Stage.INQUIRED: Step.TRIAGE,
    Stage.ESCALATED: Step.TRIAGE,  # held by the chief while escalated
    Stage.TRIAGED: Step.DOSSIER_TO_HANDLER,
}
PageRow = tuple[int, str | None, int, str | None, date | None]  # id, number, target, team, due


def board_page(
    *,
    stage: Stage = Stage.INQUIRED,
    after: BoardKey | None = None,
    limit: int = 60,
    ctx: ServiceContext,
) -> BoardPage:
    """One page of the board: cases in ``stage``, the oldest deadline first, keyset-paged after ``after``."""
    require_action(ctx.actor, TriageAction.VIEW)
    if stage not in VIEW_STEPS:
        raise DomainError(f"分流看板不列出“{stage.label}”的案件")
    step = VIEW_STEPS[stage]
    with read_session(ctx.engine) as session:
        rows = _page_rows(session, stage, step, after, limit + 1)
        total = int(session.exec(select(func.count()).select_from(Case).where(Case.stage == stage.value)).one())
        shown = rows[:limit]
        ids = [r[0] for r in shown]
        facts = facts_for(session, ids)
        names = respondent_names(session, ids)
        versions = _flag_versions(session, ids)
        escalated = _escalation_reasons(session, ids) if stage is Stage.ESCALATED else {}
    board = tuple(
        BoardRow(
            case_id=cid,
            case_number=number or "（未立案）",
            respondents=join_names(names.get(cid, [])),
            target_fen=target,
            due=due,
            stage=stage,
            proposal=propose_track(facts[cid]),
            team=Team(team) if team else None,
            facts=facts[cid],
            flags_version=versions.get(cid),
            escalation_reason=escalated.get(cid),
        )
        for cid, number, target, team, due in shown
    )
    return BoardPage(board, total, len(rows) > limit)


def _page_rows(session: Session, stage: Stage, step: Step, after: BoardKey | None, limit: int) -> list[PageRow]:
    due = func.coalesce(Deadline.due_date, date(9999, 12, 31))
    open_step = and_(
        col(Deadline.case_id) == Case.id, col(Deadline.step) == step.value, col(Deadline.done_at).is_(None)
    )
    columns = (col(Case.id), col(Case.case_number), col(Case.target_amount_fen), col(Case.team))
    paged = core_select(*columns, col(Deadline.due_date)).join(Deadline, open_step, isouter=True)
    paged = paged.where(col(Case.stage) == stage.value)
    if after is not None:
        last_due = date.fromisoformat(after[0])
        paged = paged.where(or_(due > last_due, and_(due == last_due, col(Case.id) > after[1])))
    # Five columns: past sqlmodel's typed select overloads, so a Core select on the session's connection.
    rows = session.connection().execute(paged.order_by(due, col(Case.id)).limit(limit)).all()
    return [(_id(cid), n, t, team, d) for cid, n, t, team, d in rows]


def _id(value: Any) -> int:
    """A stored primary key (never None once read back)."""
    assert value is not None
    return int(value)


def _flag_versions(session: Session, ids: list[int]) -> dict[int, int]:
    query = select(TriageFlags.case_id, TriageFlags.version).where(col(TriageFlags.case_id).in_(ids))
    return {cid: version for cid, version in session.exec(query)}


def _escalation_reasons(session: Session, ids: list[int]) -> dict[int, str]:
    """The director's reason on each case's latest ruling, where that ruling escalated it (one query a page)."""
    latest: dict[int, tuple[str, str | None]] = {}
    query = (
        select(TriageDecision.case_id, TriageDecision.status, TriageDecision.override_reason)
        .where(col(TriageDecision.case_id).in_(ids))
        .order_by(col(TriageDecision.id))
    )
    for cid, status, reason in session.exec(query):
        latest[cid] = (status, reason)
    return {cid: reason for cid, (status, reason) in latest.items() if status == "escalated" and reason}


def all_proposals(*, ctx: ServiceContext) -> list[ProposedCase]:
    """Every case awaiting triage with its proposal (``zhihui triage propose``), in board order."""
    result: list[ProposedCase] = []
    after: BoardKey | None = None
    while True:
        page = board_page(after=after, limit=500, ctx=ctx)
        result += [ProposedCase(r.case_number, r.proposal) for r in page.rows]
        if not page.has_more or not page.rows:
            return result
        after = page.rows[-1].key
