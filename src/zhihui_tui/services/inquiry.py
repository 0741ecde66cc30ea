"""网络查控 (R-NET-1, R-NET-2): the post's queue, the result feedback table (查控结果反馈信息表) and its submission.

Lifecycle decisions:

* A case reaches the post when it is 已送达 (its dossier arrives with it): the ``NETWORK_INQUIRY`` deadline opened
  on service is the 2-day limit to *start* the inquiry. ``NetworkInquiry`` is created on first touch, its
  ``dossier_received_at`` taken from that deadline's trigger (else from now).
* Starting the inquiry (explicitly, or implicitly by entering the first row) closes the ``NETWORK_INQUIRY`` step.
* Submitting the table moves the case 已送达 → 已查控 and opens the director's 2-day ``TRIAGE`` step (R-TRI-1).
  Rows may be added, edited and removed only before submission. An empty table is a valid submission
  (nothing found is a result too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    AssetFinding,
    AuditRecord,
    Case,
    CaseParty,
    Deadline,
    NetworkInquiry,
    Party,
    StageChange,
    TriageFlags,
)
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import Stage, check_transition
from zhihui_tui.domain.money import parse_yuan
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import DeadlineState, Step, deadline_state
from zhihui_tui.domain.triage import FLAG_LABELS, check_flags
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.context import Actor, require_role
from zhihui_tui.services.deadlines import close_deadline, open_deadline
from zhihui_tui.services.errors import ConcurrentEdit, NotFound
from zhihui_tui.services.uow import unit_of_work

INQUIRY_ROLES = (Role.NETWORK_INQUIRY,)
READ_ROLES = (Role.NETWORK_INQUIRY, Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF)
FLAG_ROLES = (Role.NETWORK_INQUIRY, Role.DIRECTOR)
MAX_FINDING_YUAN = Decimal("10000000000")  # 100 亿元: no county-court respondent holds more in one account
MAX_QUANTITY = 9_999
MAX_INSTITUTION = 100
MAX_NOTE = 500


class AssetType(StrEnum):
    DEPOSIT = "deposit"
    ONLINE_FUNDS = "online_funds"
    VEHICLE = "vehicle"
    REAL_ESTATE = "real_estate"
    SECURITIES = "securities"
    SHARES = "shares"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ASSET_LABELS[self]

    @property
    def is_money(self) -> bool:
        return self in MONEY_TYPES

    @classmethod
    def from_label(cls, text: str, *, field: str = "财产类型") -> AssetType:
        value = text.strip()
        for kind, label in ASSET_LABELS.items():
            if value in (label, kind.value):
                return kind
        if value in ("网络支付", "支付宝", "微信", "网络资金账户"):
            return cls.ONLINE_FUNDS
        raise FieldError(field, f"未知的财产类型“{text}”；可选：{'、'.join(ASSET_LABELS.values())}")


ASSET_LABELS: dict[AssetType, str] = {
    AssetType.DEPOSIT: "存款",
    AssetType.ONLINE_FUNDS: "网络资金",
    AssetType.VEHICLE: "车辆",
    AssetType.REAL_ESTATE: "不动产",
    AssetType.SECURITIES: "证券",
    AssetType.SHARES: "股权",
    AssetType.OTHER: "其他",
}
MONEY_TYPES = frozenset({AssetType.DEPOSIT, AssetType.ONLINE_FUNDS})


# ------------------------------------------------------------------------------------------------
# Validating one row
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingInput:
    """One row of the feedback table as typed (or read from a file): text, validated by :func:`validate_finding`."""

    party_id: int
    asset_type: AssetType | str
    institution: str = ""
    amount: str | int | float | Decimal = ""  # float: a spreadsheet number cell (see parse_yuan)
    quantity: str | int = ""
    frozen: bool = False
    note: str = ""


@dataclass(frozen=True)
class ValidFinding:
    party_id: int
    asset_type: AssetType
    institution: str
    amount_fen: int | None
    quantity: int | None
    frozen: bool
    note: str | None


def parse_quantity(value: str | int, *, field: str = "数量") -> int | None:
    """A count of items (vehicles, flats, …): a whole number from 1 to 9,999, or empty."""
    if isinstance(value, bool):
        raise FieldError(field, "应为整数")
    text = str(value).strip()
    if not text:
        return None
    if text.startswith(("-", "−")):
        raise FieldError(field, "不能为负数")
    if not text.isascii() or not text.isdigit():
        raise FieldError(field, f"应为整数（收到“{text[:20]}”）")
    if len(text) > 6 or int(text) > MAX_QUANTITY:
        raise FieldError(field, f"不能超过 {MAX_QUANTITY}")
    number = int(text)
    if number == 0:
        raise FieldError(field, "必须大于 0（未发现财产时不必填写该行）")
    return number


def validate_finding(row: FindingInput) -> ValidFinding:
    """Check a row before any write; the first bad field raises FieldError with its Chinese label."""
    kind = row.asset_type if isinstance(row.asset_type, AssetType) else AssetType.from_label(row.asset_type)
    institution = clean_text(row.institution or "", field="机构", max_length=MAX_INSTITUTION, required=kind.is_money)
    amount_text = row.amount if not isinstance(row.amount, str) else row.amount.strip()
    if amount_text == "":
        if kind.is_money:
            raise FieldError("金额", f"{kind.label}必须填写金额")
        amount = None
    else:
        amount = parse_yuan(amount_text, field="金额", max_yuan=MAX_FINDING_YUAN)
    quantity = parse_quantity(row.quantity)
    note = clean_text(row.note or "", field="备注", max_length=MAX_NOTE, required=False, multiline=True)
    return ValidFinding(row.party_id, kind, institution, amount, quantity, bool(row.frozen), note or None)


# ------------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
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
    party_id: int
    name: str
    whereabouts_unknown: bool


@dataclass(frozen=True)
class FindingRow:
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
        return self.stage is Stage.SERVED


def respondent_names(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    if not case_ids:
        return names
    query = (
        select(CaseParty.case_id, Party.name)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(col(CaseParty.case_id).in_(case_ids), CaseParty.role == "respondent")
        .order_by(CaseParty.case_id, CaseParty.position)
    )
    for case_id, name in session.exec(query):
        names.setdefault(case_id, []).append(name)
    return names


def join_names(names: list[str], limit: int = 2) -> str:
    shown = "、".join(names[:limit])
    return f"{shown}等 {len(names)} 人" if len(names) > limit else shown


def inquiry_queue(engine: Engine, *, actor: Actor, today: date, limit: int = 200) -> list[QueueRow]:
    """已送达 cases waiting for the post, oldest deadline first (R-NET-1)."""
    require_role(actor, READ_ROLES, "查看网络查控队列")
    with read_session(engine) as session:
        open_step = (
            select(Deadline.case_id, Deadline.triggered_at, Deadline.due_date)
            .where(Deadline.step == Step.NETWORK_INQUIRY.value, col(Deadline.done_at).is_(None))
            .subquery()
        )
        finding_count = select(AssetFinding.case_id, func.count().label("n")).group_by(AssetFinding.case_id).subquery()
        query = (
            select(
                Case.id,
                Case.case_number,
                Case.target_amount_fen,
                open_step.c.triggered_at,
                open_step.c.due_date,
                NetworkInquiry.started_at,
                NetworkInquiry.dossier_received_at,
                finding_count.c.n,
            )
            .join(open_step, open_step.c.case_id == Case.id, isouter=True)
            .join(NetworkInquiry, col(NetworkInquiry.case_id) == Case.id, isouter=True)
            .join(finding_count, finding_count.c.case_id == Case.id, isouter=True)
            .where(Case.stage == Stage.SERVED.value)
            .order_by(open_step.c.due_date.is_(None), open_step.c.due_date, Case.id)
            .limit(limit)
        )
        rows = session.exec(query).all()
        names = respondent_names(session, [r[0] for r in rows])
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
            findings=int(count or 0),
        )
        for case_id, number, target, triggered, due, started, received, count in rows
    ]


def today_pending(engine: Engine, *, actor: Actor, today: date, limit: int = 200) -> list[QueueRow]:
    """每日清零 (R-NET-2): what the post must clear today — inquiries due today or overdue, and tables started
    but not yet submitted. Empty once the day's work is done."""
    rows = inquiry_queue(engine, actor=actor, today=today, limit=limit)
    return [r for r in rows if r.started or (r.due is not None and r.due <= today)]


def feedback_table(engine: Engine, case_id: int, *, actor: Actor) -> FeedbackTable:
    require_role(actor, READ_ROLES, "查看查控结果反馈信息表")
    with read_session(engine) as session:
        case = _get_case(session, case_id)
        respondents = _respondents(session, case_id)
        by_party = {r.party_id: r.name for r in respondents}
        findings = session.exec(
            select(AssetFinding).where(AssetFinding.case_id == case_id).order_by(AssetFinding.id)
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
        .order_by(CaseParty.position)
    )
    return [RespondentRow(pid, name, bool(unknown)) for pid, name, unknown in session.exec(query)]


def _get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("没有该案件")
    return case


# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------


def _editable_case(session: Session, case_id: int) -> Case:
    case = _get_case(session, case_id)
    if case.stage != Stage.SERVED.value:
        raise DomainError(f"该案状态为“{Stage(case.stage).label}”，查控结果反馈信息表已提交，不能再修改")
    return case


def _check_respondent(session: Session, case_id: int, party_id: int) -> None:
    found = session.exec(
        select(CaseParty.id).where(
            CaseParty.case_id == case_id, CaseParty.party_id == party_id, CaseParty.role == "respondent"
        )
    ).first()
    if found is None:
        raise FieldError("被执行人", "不是本案的被执行人")


def ensure_inquiry(session: Session, case_id: int, *, actor: Actor, now: datetime) -> NetworkInquiry:
    """The case's inquiry record, created (and started) on first touch; starting closes the 2-day step."""
    inquiry = session.exec(select(NetworkInquiry).where(NetworkInquiry.case_id == case_id)).first()
    if inquiry is None:
        triggered = session.exec(
            select(Deadline.triggered_at)
            .where(Deadline.case_id == case_id, Deadline.step == Step.NETWORK_INQUIRY.value)
            .order_by(col(Deadline.id).desc())
        ).first()
        inquiry = NetworkInquiry(case_id=case_id, dossier_received_at=triggered or now)
        session.add(inquiry)
    if inquiry.started_at is None:
        inquiry.started_at, inquiry.started_by_id = now, actor.id
        close_deadline(session, case_id=case_id, step=Step.NETWORK_INQUIRY, actor=actor, at=now)
    return inquiry


def start_inquiry(engine: Engine, case_id: int, *, actor: Actor, clock: Clock) -> None:
    """提起网络查控: record the start (R-NET-1's 2-day limit is met here)."""
    require_role(actor, INQUIRY_ROLES, "提起网络查控")
    with unit_of_work(engine, actor=actor, action="提起网络查控", clock=clock) as session:
        _editable_case(session, case_id)
        ensure_inquiry(session, case_id, actor=actor, now=clock.now())


def add_finding(engine: Engine, case_id: int, row: FindingInput, *, actor: Actor, clock: Clock) -> int:
    require_role(actor, INQUIRY_ROLES, "录入查控结果")
    valid = validate_finding(row)
    with unit_of_work(engine, actor=actor, action="录入查控结果", clock=clock) as session:
        _editable_case(session, case_id)
        _check_respondent(session, case_id, valid.party_id)
        ensure_inquiry(session, case_id, actor=actor, now=clock.now())
        finding = new_finding(case_id, valid, actor=actor, now=clock.now())
        session.add(finding)
        session.flush()
        assert finding.id is not None
        return finding.id


def new_finding(
    case_id: int, valid: ValidFinding, *, actor: Actor, now: datetime, source: str = "manual"
) -> AssetFinding:
    return AssetFinding(
        case_id=case_id,
        party_id=valid.party_id,
        asset_type=valid.asset_type.value,
        institution=valid.institution,
        amount_fen=valid.amount_fen,
        quantity=valid.quantity,
        frozen=valid.frozen,
        note=valid.note,
        source=source,
        entered_by_id=actor.id,
        entered_at=now,
    )


def update_finding(
    engine: Engine, finding_id: int, row: FindingInput, *, expected_version: int, actor: Actor, clock: Clock
) -> None:
    require_role(actor, INQUIRY_ROLES, "修改查控结果")
    valid = validate_finding(row)
    with unit_of_work(engine, actor=actor, action="修改查控结果", clock=clock) as session:
        finding = _finding(session, finding_id, expected_version)
        _editable_case(session, finding.case_id)
        _check_respondent(session, finding.case_id, valid.party_id)
        finding.party_id = valid.party_id
        finding.asset_type = valid.asset_type.value
        finding.institution = valid.institution
        finding.amount_fen = valid.amount_fen
        finding.quantity = valid.quantity
        finding.frozen = valid.frozen
        finding.note = valid.note


def remove_finding(engine: Engine, finding_id: int, *, expected_version: int, actor: Actor, clock: Clock) -> None:
    require_role(actor, INQUIRY_ROLES, "删除查控结果")
    with unit_of_work(engine, actor=actor, action="删除查控结果", clock=clock) as session:
        finding = _finding(session, finding_id, expected_version)
        _editable_case(session, finding.case_id)
        session.delete(finding)


def _finding(session: Session, finding_id: int, expected_version: int) -> AssetFinding:
    finding = session.get(AssetFinding, finding_id)
    if finding is None:
        raise NotFound("该条查控结果已被删除，请刷新")
    if finding.version != expected_version:
        raise ConcurrentEdit("该条查控结果已被他人修改，请刷新后重新填写")
    return finding


def submit_feedback(engine: Engine, case_id: int, *, actor: Actor, clock: Clock, calendar: WorkCalendar) -> None:
    """提交查控结果反馈信息表: 已送达 → 已查控, and the director's 2-day triage step opens (R-NET-1, R-TRI-1)."""
    require_role(actor, INQUIRY_ROLES, "提交查控结果反馈信息表")
    now = clock.now()
    with unit_of_work(engine, actor=actor, action="提交查控结果反馈信息表", clock=clock) as session:
        case = _get_case(session, case_id)
        check_transition(Stage(case.stage), Stage.INQUIRED)
        inquiry = ensure_inquiry(session, case_id, actor=actor, now=now)
        inquiry.submitted_at, inquiry.submitted_by_id = now, actor.id
        move_stage(session, case, Stage.INQUIRED, actor=actor, now=now)
        open_deadline(session, case_id=case_id, step=Step.TRIAGE, triggered_at=now, calendar=calendar)


def move_stage(
    session: Session, case: Case, target: Stage, *, actor: Actor, now: datetime, note: str | None = None
) -> None:
    """Change a case's stage and append its history row (R-CASE-4 checked by the caller)."""
    assert case.id is not None
    session.add(
        StageChange(case_id=case.id, from_stage=case.stage, to_stage=target.value, at=now, actor_id=actor.id, note=note)
    )
    case.stage = target.value


# ------------------------------------------------------------------------------------------------
# Triage flags (facts the proposal reads; names and labels in domain.triage)
# ------------------------------------------------------------------------------------------------


def set_triage_flags(
    engine: Engine,
    case_id: int,
    flags: Iterable[str],
    *,
    expected_version: int | None,
    actor: Actor,
    clock: Clock,
) -> None:
    """Record the facts of R-TRI-2 that no table holds (exactly ``flags`` set, the others cleared).

    ``expected_version`` is the flag row's version the clerk saw (None: no row yet): the director's 重大 flag
    saved in between is never overwritten; the clerk is told who saved it and when."""
    require_role(actor, FLAG_ROLES, "标注分流事实")
    wanted = check_flags(flags)
    with unit_of_work(engine, actor=actor, action="标注分流事实", clock=clock) as session:
        case = _get_case(session, case_id)
        if case.stage not in (Stage.SERVED.value, Stage.INQUIRED.value):
            raise DomainError(f"该案状态为“{Stage(case.stage).label}”，已分流，不能再修改分流事实")
        check_flags_version(session, case_id, expected_version)
        write_flags(session, case_id, wanted)


def check_flags_version(session: Session, case_id: int, expected_version: int | None) -> None:
    """Refuse a save over flags someone else saved after the caller read them, naming who and when."""
    current = session.get(TriageFlags, case_id)
    if (current.version if current else None) == expected_version:
        return
    last = session.exec(
        select(AuditRecord)
        .where(AuditRecord.entity == TriageFlags.__tablename__, AuditRecord.entity_id == str(case_id))
        .order_by(col(AuditRecord.id).desc())
        .limit(1)
    ).first()
    if last is None:
        raise ConcurrentEdit("分流事实已被他人修改，请刷新后重新标注")
    raise ConcurrentEdit(
        f"分流事实已被 {last.actor_login} 于 {last.recorded_at:%H:%M:%S}（{last.action}）修改，请刷新后重新标注"
    )


def write_flags(session: Session, case_id: int, wanted: frozenset[str]) -> TriageFlags:
    """Set exactly ``wanted`` on the case's flag row (created on first use); the caller checks who and when."""
    row = session.get(TriageFlags, case_id) or TriageFlags(case_id=case_id)
    for name in FLAG_LABELS:
        setattr(row, name, name in wanted)
    session.add(row)
    return row
