"""What the 网络查控 post reads: its queue (R-NET-1), today's pending work (每日清零, R-NET-2) and one case's
查控结果反馈信息表 with the triage facts marked so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AssetFinding, Case, CaseParty, Deadline, NetworkInquiry, Party, TriageFlags
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.steps import DeadlineState, Step, deadline_state
from zhihui_tui.domain.triage import FLAG_LABELS
from zhihui_tui.services.context import ServiceContext, require_role
from zhihui_tui.services.errors import NotFound
from zhihui_tui.services.inquiry.findings import AssetType
from zhihui_tui.services.inquiry.rules import READ_ROLES


@dataclass(frozen=True)
class QueueRow:
    """One 已送达 case in the post's queue, with its 2-day deadline and how far the inquiry got."""

    case_id: int
    case_number: str
    respondents: str
    target_fen: int
    dossier_received_at: datetime | None
    due: date | None
    state: DeadlineState | None
    started: bool
    findings: int


@dataclass(frozen=True)
class RespondentRow:
    """A respondent of the case, as the table's rows name them."""

    party_id: int
    name: str
    whereabouts_unknown: bool


@dataclass(frozen=True)
class FindingRow:
    """One stored row of the feedback table, with the version read (for the versioned save)."""

    id: int
    version: int
    party_id: int
    respondent: str
    asset_type: AssetType
    institution: str
    amount_fen: int | None
    quantity: int | None
    frozen: bool
    note: str | None


@dataclass(frozen=True)
class FeedbackTable:
    """One case's feedback table: its respondents, rows, start and submission, and the triage facts."""

    case_id: int
    case_number: str
    stage: Stage
    target_fen: int
    respondents: tuple[RespondentRow, ...]
    findings: tuple[FindingRow, ...]
    started_at: datetime | None
    submitted_at: datetime | None
    flags: frozenset[str] = frozenset()
    flags_version: int | None = None  # the TriageFlags row's version as read (None: no row yet)

    @property
    def editable(self) -> bool:
        """Rows may change only before submission (the case still 已送达)."""
        return self.stage is Stage.SERVED


def respondent_names(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    """The respondents' names of each case, in their order on the case."""
    names: dict[int, list[str]] = {}
    if not case_ids:
        return names
    query = (
        select(CaseParty.case_id, Party.name)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(col(CaseParty.case_id).in_(case_ids), CaseParty.role == "respondent")
        .order_by(col(CaseParty.case_id), col(CaseParty.position))
    )
    for case_id, name in session.exec(query):
        names.setdefault(case_id, []).append(name)
    return names


def finding_counts(session: Session, case_ids: list[int]) -> dict[int, int]:
    """How many rows each case's feedback table holds, for the page's cases only: grouped over the whole
    table (a join to an aggregate) SQLite read every finding of the court first — 0.7 s on 1,000,000 cases."""
    if not case_ids:
        return {}
    query = (
        sa_select(col(AssetFinding.case_id), func.count())
        .where(col(AssetFinding.case_id).in_(case_ids))
        .group_by(col(AssetFinding.case_id))
    )
    return {case_id: int(n) for case_id, n in session.connection().execute(query)}


def join_names(names: list[str], limit: int = 2) -> str:
    """Names for a narrow cell: the first ``limit``, then how many in all."""
    shown = "、".join(names[:limit])
    return f"{shown}等 {len(names)} 人" if len(names) > limit else shown


def inquiry_queue(*, ctx: ServiceContext, limit: int = 200) -> list[QueueRow]:
    """已送达 cases waiting for the post, oldest deadline first (R-NET-1)."""
    require_role(ctx.actor, READ_ROLES, "查看网络查控队列")
    today = ctx.today()
    with read_session(ctx.engine) as session:
        open_step = (
            sa_select(col(Deadline.case_id), col(Deadline.triggered_at), col(Deadline.due_date))
            .where(col(Deadline.step) == Step.NETWORK_INQUIRY.value, col(Deadline.done_at).is_(None))
            .subquery()
        )
        query = (
            sa_select(
                col(Case.id),
                col(Case.case_number),
                col(Case.target_amount_fen),
                open_step.c.triggered_at,
                open_step.c.due_date,
                col(NetworkInquiry.started_at),
                col(NetworkInquiry.dossier_received_at),
            )
            .join(open_step, open_step.c.case_id == col(Case.id), isouter=True)
            .join(NetworkInquiry, col(NetworkInquiry.case_id) == col(Case.id), isouter=True)
            .where(col(Case.stage) == Stage.SERVED.value)
            .order_by(open_step.c.due_date.is_(None), open_step.c.due_date, col(Case.id))
            .limit(limit)
        )
        rows = session.connection().execute(query).all()
        names = respondent_names(session, [r[0] for r in rows])
        counts = finding_counts(session, [r[0] for r in rows])
    return [
        QueueRow(
            case_id=case_id,
            case_number=number or "（未立案）",
            respondents=join_names(names.get(case_id, [])),
            target_fen=target,
            dossier_received_at=received or triggered,
            due=due,
            state=deadline_state(due, today) if due else None,
            started=started is not None,
            findings=counts.get(case_id, 0),
        )
        for case_id, number, target, triggered, due, started, received in rows
    ]


def today_pending(*, ctx: ServiceContext, limit: int = 200) -> list[QueueRow]:
    """每日清零 (R-NET-2): what the post must clear today — inquiries due today or overdue, and tables started
    but not yet submitted. Empty once the day's work is done."""
    today = ctx.today()
    rows = inquiry_queue(ctx=ctx, limit=limit)
    return [r for r in rows if r.started or (r.due is not None and r.due <= today)]


def feedback_table(case_id: int, *, ctx: ServiceContext) -> FeedbackTable:
    """One case's 查控结果反馈信息表 as stored now, with the versions a later save checks against."""
    require_role(ctx.actor, READ_ROLES, "查看查控结果反馈信息表")
    with read_session(ctx.engine) as session:
        case = get_case(session, case_id)
        respondents = _respondents(session, case_id)
        by_party = {r.party_id: r.name for r in respondents}
        findings = session.exec(
            select(AssetFinding).where(AssetFinding.case_id == case_id).order_by(col(AssetFinding.id))
        ).all()
        inquiry = session.exec(select(NetworkInquiry).where(NetworkInquiry.case_id == case_id)).first()
        flag_row = session.get(TriageFlags, case_id)
    flags = frozenset(name for name in FLAG_LABELS if flag_row is not None and getattr(flag_row, name))
    return FeedbackTable(
        case_id=case_id,
        case_number=case.case_number or "（未立案）",
        stage=Stage(case.stage),
        target_fen=case.target_amount_fen,
        respondents=tuple(respondents),
        findings=tuple(_finding_row(f, by_party) for f in findings),
        started_at=inquiry.started_at if inquiry else None,
        submitted_at=inquiry.submitted_at if inquiry else None,
        flags=flags,
        flags_version=flag_row.version if flag_row is not None else None,
    )


def _finding_row(finding: AssetFinding, names: dict[int, str]) -> FindingRow:
    assert finding.id is not None
    return FindingRow(
        id=finding.id,
        version=finding.version,
        party_id=finding.party_id,
        respondent=names.get(finding.party_id, "？"),
        asset_type=AssetType(finding.asset_type),
        institution=finding.institution,
        amount_fen=finding.amount_fen,
        quantity=finding.quantity,
        frozen=finding.frozen,
        note=finding.note,
    )


def _respondents(session: Session, case_id: int) -> list[RespondentRow]:
    query = (
        select(CaseParty.party_id, Party.name, CaseParty.whereabouts_unknown)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(CaseParty.case_id == case_id, CaseParty.role == "respondent")
        .order_by(col(CaseParty.position))
    )
    return [RespondentRow(pid, name, bool(unknown)) for pid, name, unknown in session.exec(query)]


def get_case(session: Session, case_id: int, *, for_update: bool = False) -> Case:
    """The case, or NotFound; ``for_update`` row-locks it for the transaction (serialises first writes of a
    per-case row that does not exist yet, which no lock on that row can)."""
    case = session.get(Case, case_id, with_for_update=for_update)
    if case is None:
        raise NotFound("没有该案件")
    return case
