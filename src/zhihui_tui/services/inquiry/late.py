"""Late inquiry results reaching the handler (issue 11): a result recorded after the feedback table was submitted
waits on the workbench of the case's handler until he marks it read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AssetFinding, Case, Party
from zhihui_tui.domain.money import format_yuan
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.errors import NotFound, PermissionDenied
from zhihui_tui.services.uow import unit_of_work


@dataclass(frozen=True)
class LateFinding:
    """A late result not yet read by the handler of its case."""

    finding_id: int
    case_id: int
    case_number: str
    entered_at: datetime
    text: str


def unread_late_findings(engine: Engine, actor: Actor, limit: int) -> list[LateFinding]:
    """Late results on ``actor``'s own cases that he has not marked read, oldest first."""
    from zhihui_tui.services.inquiry.findings import AssetType

    with read_session(engine) as session:
        rows = session.exec(
            select(AssetFinding, Case.case_number, Party.name)
            .join(Case, col(Case.id) == AssetFinding.case_id)
            .join(Party, col(Party.id) == AssetFinding.party_id)
            .where(Case.handler_id == actor.id, col(AssetFinding.late).is_(True), col(AssetFinding.seen_at).is_(None))
            .order_by(col(AssetFinding.id))
            .limit(limit)
        ).all()
    found = []
    for finding, number, name in rows:
        assert finding.id is not None
        amount = f" {format_yuan(finding.amount_fen)} 元" if finding.amount_fen is not None else ""
        frozen = "，已冻结" if finding.frozen else ""
        what = f"{name}：{AssetType(finding.asset_type).label} {finding.institution}{amount}{frozen}".strip()
        found.append(LateFinding(finding.id, finding.case_id, number or "", finding.entered_at, what))
    return found


def acknowledge_late_finding(finding_id: int, *, ctx: ServiceContext) -> None:
    """The handler has read a late result of his case (idempotent: read twice stays read once)."""
    with unit_of_work(ctx.engine, actor=ctx.actor, action="确认已阅迟到查控结果", clock=ctx.clock) as session:
        finding = session.get(AssetFinding, finding_id, with_for_update=True)
        if finding is None:
            raise NotFound("该条查控结果已不存在")
        case = session.get(Case, finding.case_id)
        if case is None or case.handler_id != ctx.actor.id:
            raise PermissionDenied("只有本案承办人可以确认已阅")
        if finding.seen_at is None:
            finding.seen_at = ctx.now()
