"""Filing review (SPEC §3.1): receive materials, correct the draft, file, or propose 不予立案 for the director.

Lifecycle: 材料接收 (receive_materials; the 2-day FILING step runs from the receipt time) → 已立案 (file_case: case
number, first assignment, SERVICE_PACK counted from receipt or, for objections, OBJECTION_TRANSFER from filing),
or → 不予立案 (propose_rejection by filing review, rule_on_rejection by the director).

Until filing, the case row's ``version`` is the version of the whole draft: every save that touches the
checklist, the parties or the basis bumps it, so a clerk saving over someone else's newer edit gets
``ConcurrentEdit`` instead of silently undoing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from sqlalchemy import Engine, and_, func, or_, tuple_
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    Agent,
    AuditRecord,
    Case,
    CaseMaterial,
    CaseParty,
    Deadline,
    EnforcementBasis,
    FilingRejection,
    Party,
    Staff,
    StaffRole,
    StageChange,
)
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.case_number import CaseNumber, parse_case_number
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.filing import (
    AGENT_KINDS,
    ORGANISATION,
    AgentForm,
    ChecklistItem,
    DraftInvalid,
    DuplicateCandidate,
    DuplicateHint,
    DuplicateProbe,
    FilingDraft,
    PartyForm,
    ValidFiling,
    ValidParty,
    acts_for_applicant,
    check_provided_codes,
    checklist_units,
    describe_missing,
    duplicate_hints,
    duplicate_probe,
    missing_items,
    party_labels,
    unit_by_code,
    validate_draft,
)
from zhihui_tui.domain.lifecycle import OPEN_STAGES, FilingCategory, Stage, check_transition
from zhihui_tui.domain.money import fen_to_yuan_str
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import DeadlineState, Step, deadline_state
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.case_numbers import allocate_case_number
from zhihui_tui.services.cases import (
    NewAgent,
    NewBasis,
    NewCase,
    NewParty,
    PartyKind,
    PartyRole,
    register_case,
    replace_parties,
)
from zhihui_tui.services.context import Actor, require_role
from zhihui_tui.services.deadlines import close_deadline, open_deadline
from zhihui_tui.services.errors import ConcurrentEdit, NotFound, ServiceError
from zhihui_tui.services.uow import unit_of_work

FILING_ROLES = (Role.FILING_REVIEW,)  # receive, correct, file, propose 不予立案
RULING_ROLES = (Role.DIRECTOR,)  # rule 不予立案 (seed §四.1: 由指挥中心主任裁定)
READ_ROLES = (Role.FILING_REVIEW, Role.DIRECTOR)
# Seed §六(三) resumption item (3): the original ends with a 终本 or a 终结 ruling. None: closed without a recorded
# closure (older imports) — accepted, the paper ruling is checked at the window.
RESUMABLE_CLOSURES = frozenset({"procedure_terminated", "terminated", None})
REASONS_MAX = 1000
NOTE_MAX = 200

Decision = Literal["reject", "return"]


class MaterialsMissing(ServiceError):
    """Filing refused: required checklist items are not ticked (R-FIL-1)."""

    def __init__(self, items: list[ChecklistItem]) -> None:
        super().__init__(f"缺少必备材料，不能立案：{describe_missing(items)}")
        self.items = items


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FiledCase:
    case_id: int
    case_number: str
    filed_at: datetime
    first_assignee_id: int | None
    first_assignee_name: str | None
    next_step: Step
    next_due: date
    version: int


@dataclass(frozen=True)
class MaterialRow:
    item: ChecklistItem
    required: bool
    provided: bool
    note: str | None
    checked_by: str | None
    checked_at: datetime | None


@dataclass(frozen=True)
class RejectionRow:
    rejection_id: int
    version: int
    status: str  # pending / rejected / returned
    proposed_by: str
    proposed_at: datetime
    reasons: str
    ruled_by: str | None
    ruled_at: datetime | None
    ruling_note: str | None

    @property
    def status_label(self) -> str:
        return {"pending": "待主任裁定", "rejected": "已裁定不予立案", "returned": "主任退回"}[self.status]


@dataclass(frozen=True)
class CaseDraft:
    """Everything the filing screen shows and edits for one case."""

    case_id: int
    version: int
    stage: Stage
    case_number: str | None
    received_at: datetime
    filed_at: datetime | None
    filing_due: date | None
    draft: FilingDraft
    materials: tuple[MaterialRow, ...]
    missing: tuple[ChecklistItem, ...]
    rejections: tuple[RejectionRow, ...]
    first_assignee_id: int | None

    @property
    def pending_rejection(self) -> RejectionRow | None:
        return next((r for r in self.rejections if r.status == "pending"), None)


@dataclass(frozen=True)
class FilingQueueRow:
    case_id: int
    version: int
    category: FilingCategory
    received_at: datetime
    due: date | None
    state: DeadlineState | None
    overdue_days: int  # working days past the due date (0 when not overdue)
    owner_name: str | None
    applicants: str
    respondents: str
    missing: tuple[ChecklistItem, ...]
    pending_rejection: bool
    returned_note: str | None


@dataclass(frozen=True)
class PendingRejection:
    rejection_id: int
    version: int
    case_id: int
    category: FilingCategory
    received_at: datetime
    filing_due: date | None
    applicants: str
    respondents: str
    proposed_by: str
    proposed_at: datetime
    reasons: str


@dataclass(frozen=True)
class StaffLoad:
    staff_id: int
    login: str
    name: str
    open_steps: int


# --------------------------------------------------------------------------------------------------
# Receiving and correcting
# --------------------------------------------------------------------------------------------------


def receive_materials(
    engine: Engine,
    draft: FilingDraft,
    provided_items: Iterable[str],
    *,
    actor: Actor,
    clock: Clock,
    calendar: WorkCalendar,
    court_code: str,
) -> int:
    """Take in a filing at 材料接收 with its checklist; the receipt time starts the 2-day filing step."""
    require_role(actor, FILING_ROLES, "接收立案材料")
    now = clock.now()
    valid = validate_draft(draft, today=now.date())
    provided = check_provided_codes(draft.category, provided_items)
    with unit_of_work(engine, actor=actor, action="接收立案材料", clock=clock) as session:
        original_id = _resolve_original(session, valid.original_case_number)
        _check_known_parties(session, valid, case_id=None)
        case = register_case(
            session, to_new_case(valid, now, original_id), actor=actor, calendar=calendar, court_code=court_code
        )
        assert case.id is not None
        _add_checklist(session, case.id, draft.category, provided, actor=actor, at=now)
        return case.id


def update_materials(
    engine: Engine,
    case_id: int,
    provided_items: Iterable[str],
    *,
    actor: Actor,
    clock: Clock,
    expected_version: int,
    notes: Mapping[str, str] | None = None,
) -> int:
    """Tick or untick checklist items (and note on them); returns the case's new version."""
    require_role(actor, FILING_ROLES, "修改立案材料清单")
    with unit_of_work(engine, actor=actor, action="修改立案材料清单", clock=clock) as session:
        case = _case_for_update(session, case_id, expected_version)
        _require_received(case, "修改材料清单")
        _tick_checklist(session, case, provided_items, notes or {}, actor=actor, at=clock.now())
        case.version += 1  # the checklist is part of the draft: bump its version
        return case.version


def save_draft(
    engine: Engine,
    case_id: int,
    draft: FilingDraft,
    provided_items: Iterable[str],
    *,
    actor: Actor,
    clock: Clock,
    expected_version: int,
) -> int:
    """The filing form saved as a whole (``update_draft`` and ``update_materials`` in one transaction, one
    version bump): the corrected parties, basis and flags, and the checklist ticked as on screen (of the
    draft's category, which may just have changed). Returns the case's new version."""
    require_role(actor, FILING_ROLES, "修改立案信息")
    valid = validate_draft(draft, today=clock.now().date())
    with unit_of_work(engine, actor=actor, action="修改立案信息", clock=clock) as session:
        case = _case_for_update(session, case_id, expected_version)
        _require_received(case, "修改立案信息")
        _correct_draft(session, case, valid, actor=actor, at=clock.now())
        _tick_checklist(session, case, provided_items, {}, actor=actor, at=clock.now())
        session.flush()  # the corrected case row may be written already, by the checklist's autoflush
        if case.version == expected_version:  # one save, one version: bumped here only if not written yet
            case.version += 1
        return case.version


def update_draft(
    engine: Engine,
    case_id: int,
    draft: FilingDraft,
    *,
    actor: Actor,
    clock: Clock,
    expected_version: int,
) -> int:
    """Correct the parties, agents, basis, amount and flags before filing; returns the new version.

    A changed category rebuilds the checklist (nothing ticked: the lists differ). The receipt time, and so
    the filing deadline, stays as it was.
    """
    require_role(actor, FILING_ROLES, "修改立案信息")
    valid = validate_draft(draft, today=clock.now().date())
    with unit_of_work(engine, actor=actor, action="修改立案信息", clock=clock) as session:
        case = _case_for_update(session, case_id, expected_version)
        _require_received(case, "修改立案信息")
        _correct_draft(session, case, valid, actor=actor, at=clock.now())
        case.version += 1
        return case.version


def _correct_draft(session: Session, case: Case, valid: ValidFiling, *, actor: Actor, at: datetime) -> None:
    assert case.id is not None
    original_id = _resolve_original(session, valid.original_case_number)
    _check_known_parties(session, valid, case_id=case.id)
    new = to_new_case(valid, case.received_at, original_id)
    previous = set(session.exec(select(CaseParty.party_id).where(CaseParty.case_id == case.id)).all())
    replace_parties(session, case.id, new)
    _drop_orphans(session, previous)
    if new.category.value != case.filing_category:
        for row in _materials(session, case.id):
            session.delete(row)
        session.flush()
        _add_checklist(session, case.id, new.category, frozenset(), actor=actor, at=at)
    _copy_case_fields(case, new)


def _tick_checklist(
    session: Session,
    case: Case,
    provided_items: Iterable[str],
    notes: Mapping[str, str],
    *,
    actor: Actor,
    at: datetime,
) -> None:
    """Tick the case's checklist as given, item by item. An item without a row yet (a case registered or
    imported before its checklist was kept) gets one: ticking must never be lost for want of a row."""
    assert case.id is not None
    category = FilingCategory(case.filing_category)
    provided = check_provided_codes(category, provided_items)
    cleaned = _clean_notes(notes, unit_by_code(category))
    stored = {row.item: row for row in _materials(session, case.id)}
    for unit in checklist_units(category):
        ticked = unit.code in provided
        row = stored.get(unit.code)
        if row is None:
            note = cleaned.get(unit.code)
            marked = ticked or note is not None
            session.add(
                CaseMaterial(
                    case_id=case.id,
                    item=unit.code,
                    provided=ticked,
                    note=note,
                    checked_by_id=actor.id if marked else None,
                    checked_at=at if marked else None,
                )
            )
        else:
            _apply_tick(row, ticked, cleaned.get(unit.code, row.note), actor=actor, at=at)


def to_new_case(valid: ValidFiling, received_at: datetime, original_case_id: int | None) -> NewCase:
    """The validated form as ``register_case`` takes it, at stage 材料接收."""
    return NewCase(
        category=valid.category,
        received_at=received_at,
        applicants=tuple(_new_party(p) for p in valid.applicants),
        respondents=tuple(_new_party(p) for p in valid.respondents),
        target_amount_fen=valid.target_amount_fen,
        basis=(
            NewBasis(valid.basis.issuing_court, valid.basis.document_number, valid.basis.effective_date)
            if valid.basis
            else None
        ),
        agents=tuple(
            NewAgent(a.represents, a.name, a.id_number, a.kind, a.phone, PartyRole(a.side)) for a in valid.agents
        ),
        consumption_restriction_requested=valid.consumption_restriction_requested,
        dishonest_list_requested=valid.dishonest_list_requested,
        original_case_id=original_case_id,
    )


def _new_party(party: ValidParty) -> NewParty:
    return NewParty(
        PartyKind(party.kind), party.name, party.id_number, party.phone, party.address, party.whereabouts_unknown
    )


def _copy_case_fields(case: Case, new: NewCase) -> None:
    case.filing_category = new.category.value
    case.case_type = new.category.case_type.value
    case.target_amount_fen = new.target_amount_fen
    case.consumption_restriction_requested = new.consumption_restriction_requested
    case.dishonest_list_requested = new.dishonest_list_requested
    case.original_case_id = new.original_case_id


def _add_checklist(
    session: Session, case_id: int, category: FilingCategory, provided: frozenset[str], *, actor: Actor, at: datetime
) -> None:
    for unit in checklist_units(category):
        ticked = unit.code in provided
        session.add(
            CaseMaterial(
                case_id=case_id,
                item=unit.code,
                provided=ticked,
                checked_by_id=actor.id if ticked else None,
                checked_at=at if ticked else None,
            )
        )


def _apply_tick(row: CaseMaterial, provided: bool, note: str | None, *, actor: Actor, at: datetime) -> None:
    if row.provided != provided or row.note != note:
        row.provided, row.note = provided, note
        row.checked_by_id, row.checked_at = actor.id, at


def _clean_notes(notes: Mapping[str, str], units: Mapping[str, ChecklistItem]) -> dict[str, str | None]:
    cleaned: dict[str, str | None] = {}
    errors: list[FieldError] = []
    for code, text in notes.items():
        unit = units.get(code)
        if unit is None:
            errors.append(FieldError("材料清单", f"没有材料项“{code}”"))
            continue
        try:
            cleaned[code] = (
                clean_text(text, field=f"{unit.short_label} 备注", max_length=NOTE_MAX, required=False) or None
            )
        except FieldError as error:
            errors.append(error)
    if errors:
        raise DraftInvalid(errors)
    return cleaned


def _resolve_original(session: Session, number: CaseNumber | None) -> int | None:
    """A resumption's original must be in this court's records and closed by 终本 or 终结 (seed §六(三))."""
    if number is None:
        return None
    original = session.exec(select(Case).where(Case.case_number == str(number))).first()
    if original is None:
        raise DraftInvalid([FieldError("原案号", f"本院没有案号为{number}的案件")])
    _check_resumable(original)
    assert original.id is not None
    return original.id


def _check_resumable(original: Case) -> None:
    stage = Stage(original.stage)
    if stage not in (Stage.CLOSED, Stage.ARCHIVED):
        raise DraftInvalid(
            [FieldError("原案号", f"原案 {original.case_number} 尚未结案（{stage.label}），不能恢复执行")]
        )
    if original.closure not in RESUMABLE_CLOSURES:
        raise DraftInvalid(
            [FieldError("原案号", f"原案 {original.case_number} 不是以终本或终结方式结案，不能恢复执行")]
        )


def _check_known_parties(session: Session, valid: ValidFiling, *, case_id: int | None) -> None:
    """An ID number already on file must come with the same name. A party only this draft brought in may be
    corrected (the clerk fixing a typo); anyone known from another case may not."""
    errors: list[FieldError] = []
    applicant_label, respondent_label = party_labels(valid.category)
    for role, parties in ((applicant_label, valid.applicants), (respondent_label, valid.respondents)):
        for n, party in enumerate(parties, start=1):
            known = session.exec(select(Party).where(Party.id_number == party.id_number)).first()
            if known is None or known.name == party.name:
                continue
            if case_id is not None and _only_in_case(session, known, case_id):
                known.name, known.kind = party.name, party.kind
                continue
            errors.append(
                FieldError(f"{role}{n} 证件号", f"{party.id_number} 已登记为“{known.name}”，与“{party.name}”不符")
            )
    if errors:
        raise DraftInvalid(errors)


def _drop_orphans(session: Session, party_ids: set[int]) -> None:
    """Parties a corrected draft no longer names and no other case knows (a mistyped ID number) go away."""
    session.flush()
    for party_id in party_ids:
        linked = session.exec(select(CaseParty.id).where(CaseParty.party_id == party_id)).first()
        acted_for = session.exec(select(Agent.id).where(Agent.party_id == party_id)).first()
        if linked is None and acted_for is None:
            party = session.get(Party, party_id)
            if party is not None:
                session.delete(party)


def _only_in_case(session: Session, party: Party, case_id: int) -> bool:
    cases = session.exec(select(CaseParty.case_id).where(CaseParty.party_id == party.id).distinct()).all()
    return set(cases) <= {case_id}


# --------------------------------------------------------------------------------------------------
# Filing
# --------------------------------------------------------------------------------------------------


def file_case(
    engine: Engine,
    case_id: int,
    *,
    actor: Actor,
    clock: Clock,
    calendar: WorkCalendar,
    court_code: str,
    first_assignee_id: int | None = None,
    expected_version: int,
) -> FiledCase:
    """立案: number, stage 已立案, first assignment, FILING closed, the next step opened (R-FIL-2, R-FIL-3)."""
    require_role(actor, FILING_ROLES, "立案")
    with unit_of_work(engine, actor=actor, action="立案", clock=clock) as session:
        case = _case_for_update(session, case_id, expected_version)
        category = FilingCategory(case.filing_category)
        _refuse_unfileable(session, case, category)
        if case.original_case_id is not None:
            original = session.get(Case, case.original_case_id)
            assert original is not None
            _check_resumable(original)
        assignee = _first_assignee(session, category, first_assignee_id)
        now = clock.now()
        number = allocate_case_number(session, court_code=court_code, year=now.year, case_type=category.case_type)
        _mark_filed(case, number, now, assignee)
        note = f"初次分案：{assignee.name}" if assignee else None
        session.add(
            StageChange(
                case_id=case_id,
                from_stage=Stage.RECEIVED.value,
                to_stage=Stage.FILED.value,
                at=now,
                actor_id=actor.id,
                note=note,
            )
        )
        close_deadline(session, case_id=case_id, step=Step.FILING, actor=actor, at=now)
        deadline = _open_next_step(session, case, category, actor=actor, calendar=calendar, now=now)
        session.flush()
        return FiledCase(
            case_id=case_id,
            case_number=str(number),
            filed_at=now,
            first_assignee_id=assignee.id if assignee else None,
            first_assignee_name=assignee.name if assignee else None,
            next_step=Step(deadline.step),
            next_due=deadline.due_date,
            version=case.version,
        )


def check_fileable(engine: Engine, case_id: int, *, actor: Actor) -> None:
    """Refuse now, as ``file_case`` would, a case that cannot be filed as saved (wrong stage, 不予立案 pending,
    materials missing): the screen asks before the duplicate check and the choice of first assignee."""
    require_role(actor, FILING_ROLES, "立案")
    with read_session(engine) as session:
        case = _get_case(session, case_id)
        _refuse_unfileable(session, case, FilingCategory(case.filing_category))


def _refuse_unfileable(session: Session, case: Case, category: FilingCategory) -> None:
    assert case.id is not None
    check_transition(Stage(case.stage), Stage.FILED, category=category)
    _refuse_while_pending(session, case.id)
    _refuse_missing(session, case.id, category)


def _mark_filed(case: Case, number: CaseNumber, now: datetime, assignee: Staff | None) -> None:
    case.case_number = str(number)
    case.court_code, case.year, case.sequence = number.court_code, number.year, number.sequence
    case.case_type = number.case_type.value
    case.stage = Stage.FILED.value
    case.filed_at = now
    case.first_assignee_id = assignee.id if assignee else None


def _open_next_step(
    session: Session, case: Case, category: FilingCategory, *, actor: Actor, calendar: WorkCalendar, now: datetime
) -> Deadline:
    """Objections go to their handler within 2 days of filing (the filing clerk sees to it); every other case
    goes to batch service, whose 5 days count from the receipt of the materials (R-SRV-1)."""
    assert case.id is not None
    if category is FilingCategory.OBJECTION:
        return open_deadline(
            session,
            case_id=case.id,
            step=Step.OBJECTION_TRANSFER,
            triggered_at=now,
            calendar=calendar,
            owner_id=actor.id,
        )
    return open_deadline(
        session,
        case_id=case.id,
        step=Step.SERVICE_PACK,
        triggered_at=case.received_at,
        calendar=calendar,
        owner_id=case.first_assignee_id,
    )


def _refuse_missing(session: Session, case_id: int, category: FilingCategory) -> None:
    provided = {row.item for row in _materials(session, case_id) if row.provided}
    has_agent = case_id in _cases_with_applicant_agents(session, [case_id])
    missing = missing_items(category, provided, has_agent=has_agent)
    if missing:
        raise MaterialsMissing(missing)


def _cases_with_applicant_agents(session: Session, case_ids: list[int]) -> set[int]:
    """Cases where an agent acts for an applicant: their application checklist then needs the 授权委托书."""
    acted_for = (col(CaseParty.case_id) == Agent.case_id) & (col(CaseParty.party_id) == Agent.party_id)
    query = select(Agent.case_id).join(CaseParty, acted_for)
    query = query.where(col(Agent.case_id).in_(case_ids), CaseParty.role == PartyRole.APPLICANT.value)
    return set(session.exec(query).all())


def _refuse_while_pending(session: Session, case_id: int) -> None:
    if _pending_rejection(session, case_id) is not None:
        raise ServiceError("该案已提请不予立案，待指挥中心主任裁定，暂不能立案")


def _first_assignee(session: Session, category: FilingCategory, chosen: int | None) -> Staff | None:
    """初次分案 (R-FIL-3): to the batch-service clerk chosen, or the post's only member. An objection case
    skips batch service; if its handler is already known it may be named here."""
    if category is FilingCategory.OBJECTION:
        return None if chosen is None else _staff_with_role(session, chosen, Role.HANDLER)
    if chosen is not None:
        return _staff_with_role(session, chosen, Role.SERVICE)
    members = _active_members(session, Role.SERVICE)
    if len(members) == 1:
        return members[0]
    if not members:
        raise FieldError("初次分案", "集约送达组没有在岗人员，无法完成初次分案")
    raise FieldError("初次分案", f"集约送达组有 {len(members)} 人，请选择由谁接收本案")


def _staff_with_role(session: Session, staff_id: int, role: Role) -> Staff:
    staff = session.get(Staff, staff_id)
    has_role = session.exec(
        select(StaffRole).where(StaffRole.staff_id == staff_id, StaffRole.role == role.value)
    ).first()
    if staff is None or not staff.active or has_role is None:
        raise FieldError("初次分案", f"所选人员不是在岗的{role.label}人员")
    return staff


def _active_members(session: Session, role: Role) -> list[Staff]:
    return list(
        session.exec(
            select(Staff)
            .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
            .where(StaffRole.role == role.value, col(Staff.active).is_(True))
            .order_by(Staff.id)
        ).all()
    )


def first_assignment_options(engine: Engine) -> list[StaffLoad]:
    """Batch-service clerks who can take a newly filed case, lightest open service workload first."""
    open_count = (
        select(Deadline.owner_id, func.count().label("n"))
        .where(Deadline.step == Step.SERVICE_PACK.value, col(Deadline.done_at).is_(None))
        .group_by(Deadline.owner_id)
        .subquery()
    )
    with read_session(engine) as session:
        rows = session.exec(
            select(Staff.id, Staff.login, Staff.name, func.coalesce(open_count.c.n, 0))
            .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
            .join(open_count, open_count.c.owner_id == Staff.id, isouter=True)
            .where(StaffRole.role == Role.SERVICE.value, col(Staff.active).is_(True))
        ).all()
    loads = [StaffLoad(staff_id, login, name, int(n)) for staff_id, login, name, n in rows]
    return sorted(loads, key=lambda s: (s.open_steps, s.login))


# --------------------------------------------------------------------------------------------------
# 不予立案: the reviewer proposes, the director rules (R-FIL-2)
# --------------------------------------------------------------------------------------------------


def propose_rejection(
    engine: Engine, case_id: int, reasons: str, *, actor: Actor, clock: Clock, expected_version: int | None = None
) -> int:
    """Send the file with reasons to the director; returns the proposal's id."""
    require_role(actor, FILING_ROLES, "提请不予立案")
    text = clean_text(reasons, field="不予立案理由", max_length=REASONS_MAX, multiline=True)
    with unit_of_work(engine, actor=actor, action="提请不予立案", clock=clock) as session:
        case = _get_case(session, case_id)
        if expected_version is not None:
            _check_version(session, case, expected_version)
        check_transition(Stage(case.stage), Stage.REJECTED)
        if _pending_rejection(session, case_id) is not None:
            raise ServiceError("该案已提请不予立案，正待主任裁定")
        proposal = FilingRejection(case_id=case_id, proposed_by_id=actor.id, proposed_at=clock.now(), reasons=text)
        session.add(proposal)
        session.flush()
        assert proposal.id is not None
        return proposal.id


def rule_on_rejection(
    engine: Engine,
    rejection_id: int,
    decision: Decision,
    note: str,
    *,
    actor: Actor,
    clock: Clock,
    expected_version: int | None = None,
) -> None:
    """The director's ruling: ``reject`` → 不予立案 (stage, history, FILING closed); ``return`` → back to the
    reviewer with the director's note (required), the case stays at 材料接收."""
    require_role(actor, RULING_ROLES, "裁定不予立案")
    if decision not in ("reject", "return"):
        raise FieldError("裁定", "应为“不予立案”或“退回”")
    text = clean_text(note, field="主任意见", max_length=REASONS_MAX, multiline=True, required=decision == "return")
    action = "裁定不予立案" if decision == "reject" else "退回立案审查"
    with unit_of_work(engine, actor=actor, action=action, clock=clock) as session:
        proposal = session.get(FilingRejection, rejection_id)
        if proposal is None:
            raise NotFound(f"没有编号为 {rejection_id} 的不予立案提请")
        if expected_version is not None and proposal.version != expected_version:
            raise ConcurrentEdit("该提请已被他人处理，请刷新后重试")
        if proposal.status != "pending":
            raise ServiceError("该提请已裁定，不能再次裁定")
        now = clock.now()
        proposal.status = "rejected" if decision == "reject" else "returned"
        proposal.ruled_by_id, proposal.ruled_at, proposal.ruling_note = actor.id, now, text or None
        if decision == "reject":
            _reject_case(session, proposal, text, actor=actor, now=now)


def _reject_case(session: Session, proposal: FilingRejection, note: str, *, actor: Actor, now: datetime) -> None:
    case = _get_case(session, proposal.case_id)
    check_transition(Stage(case.stage), Stage.REJECTED)
    case.stage = Stage.REJECTED.value
    ruling = f"不予立案。理由：{proposal.reasons}" + (f"；主任意见：{note}" if note else "")
    session.add(
        StageChange(
            case_id=proposal.case_id,
            from_stage=Stage.RECEIVED.value,
            to_stage=Stage.REJECTED.value,
            at=now,
            actor_id=actor.id,
            note=ruling,
        )
    )
    close_deadline(session, case_id=proposal.case_id, step=Step.FILING, actor=actor, at=now)


def pending_rejections(engine: Engine, *, actor: Actor) -> list[PendingRejection]:
    """Proposals waiting for the director's ruling, oldest first."""
    require_role(actor, RULING_ROLES, "查看待裁定的不予立案提请")
    with read_session(engine) as session:
        rows = session.exec(
            select(FilingRejection, Case, Staff.name)
            .join(Case, col(Case.id) == FilingRejection.case_id)
            .join(Staff, col(Staff.id) == FilingRejection.proposed_by_id)
            .where(FilingRejection.status == "pending")
            .order_by(FilingRejection.proposed_at, FilingRejection.id)
        ).all()
        case_ids = [case.id for _, case, _ in rows]
        names = _party_names(session, case_ids)
        dues = _filing_dues(session, case_ids)
    return [
        PendingRejection(
            rejection_id=proposal.id,
            version=proposal.version,
            case_id=case.id,
            category=FilingCategory(case.filing_category),
            received_at=case.received_at,
            filing_due=dues.get(case.id, (None, None))[0],
            applicants=names.get((case.id, PartyRole.APPLICANT.value), ""),
            respondents=names.get((case.id, PartyRole.RESPONDENT.value), ""),
            proposed_by=proposer,
            proposed_at=proposal.proposed_at,
            reasons=proposal.reasons,
        )
        for proposal, case, proposer in rows
    ]


def _pending_rejection(session: Session, case_id: int) -> FilingRejection | None:
    return session.exec(
        select(FilingRejection).where(FilingRejection.case_id == case_id, FilingRejection.status == "pending")
    ).first()


# --------------------------------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------------------------------


def likely_duplicates(engine: Engine, subject: FilingDraft | int, *, actor: Actor) -> list[DuplicateHint]:
    """Warn before filing: the same basis document, or the same applicant and respondent in an open case."""
    require_role(actor, READ_ROLES, "查看疑似重复案件")
    with read_session(engine) as session:
        probe = _probe_for_case(session, subject) if isinstance(subject, int) else _probe_for_draft(session, subject)
        candidates = _duplicate_candidates(session, probe)
    return duplicate_hints(probe, candidates)


def _probe_for_draft(session: Session, draft: FilingDraft) -> DuplicateProbe:
    probe = duplicate_probe(draft)
    if draft.category is not FilingCategory.RESUMPTION or not draft.original_case_number.strip():
        return probe
    try:
        number = str(parse_case_number(draft.original_case_number))
    except DomainError:
        return probe
    original_id = session.exec(select(Case.id).where(Case.case_number == number)).first()
    return replace(probe, original_case_id=original_id)


def _probe_for_case(session: Session, case_id: int) -> DuplicateProbe:
    case = _get_case(session, case_id)
    basis = session.exec(select(EnforcementBasis.document_number).where(EnforcementBasis.case_id == case_id)).first()
    ids = _party_ids(session, [case_id]).get(case_id, {})
    return DuplicateProbe(
        basis_number=basis,
        applicant_ids=frozenset(ids.get(PartyRole.APPLICANT.value, {})),
        respondent_ids=frozenset(ids.get(PartyRole.RESPONDENT.value, {})),
        case_id=case_id,
        original_case_id=case.original_case_id,
    )


def _duplicate_candidates(session: Session, probe: DuplicateProbe) -> list[DuplicateCandidate]:
    ids: set[int] = set()
    if probe.basis_number:
        ids.update(
            session.exec(
                select(EnforcementBasis.case_id).where(EnforcementBasis.document_number == probe.basis_number)
            ).all()
        )
    if probe.applicant_ids and probe.respondent_ids:
        ids.update(
            _cases_with(session, PartyRole.APPLICANT, probe.applicant_ids)
            & _cases_with(session, PartyRole.RESPONDENT, probe.respondent_ids)
        )
    if probe.case_id is not None:
        ids.discard(probe.case_id)
    if not ids:
        return []
    cases = session.exec(select(Case).where(col(Case.id).in_(ids))).all()
    bases = dict(
        session.exec(
            select(EnforcementBasis.case_id, EnforcementBasis.document_number).where(
                col(EnforcementBasis.case_id).in_(ids)
            )
        ).all()
    )
    parties = _party_ids(session, list(ids))
    return [
        DuplicateCandidate(
            case_id=case.id,
            case_number=case.case_number,
            stage=Stage(case.stage),
            received_at=case.received_at,
            basis_number=bases.get(case.id),
            applicants=parties.get(case.id, {}).get(PartyRole.APPLICANT.value, {}),
            respondents=parties.get(case.id, {}).get(PartyRole.RESPONDENT.value, {}),
            original_case_id=case.original_case_id,
        )
        for case in cases
        if case.id is not None
    ]


def _cases_with(session: Session, role: PartyRole, id_numbers: frozenset[str]) -> set[int]:
    open_stages = [stage.value for stage in OPEN_STAGES]
    rows = session.exec(
        select(CaseParty.case_id)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .join(Case, col(Case.id) == CaseParty.case_id)
        .where(
            CaseParty.role == role.value,
            col(Party.id_number).in_(id_numbers),
            col(Case.stage).in_(open_stages),
        )
    ).all()
    return set(rows)


def _party_ids(session: Session, case_ids: list[int]) -> dict[int, dict[str, dict[str, str]]]:
    """case id → role → ID number → name."""
    rows = session.exec(
        select(CaseParty.case_id, CaseParty.role, Party.id_number, Party.name)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(col(CaseParty.case_id).in_(case_ids), col(Party.id_number).is_not(None))
    ).all()
    result: dict[int, dict[str, dict[str, str]]] = {}
    for case_id, role, id_number, name in rows:
        result.setdefault(case_id, {}).setdefault(role, {})[id_number] = name
    return result


# --------------------------------------------------------------------------------------------------
# Read models for the filing screen
# --------------------------------------------------------------------------------------------------


# A page of the queue: the table shows 7 rows, so a page is a few screens' worth and the next is read on demand.
QUEUE_PAGE = 40
QueueKey = tuple[datetime, int]  # (received_at, case id): where a page ends and the next begins


@dataclass(frozen=True)
class FilingQueuePage:
    rows: list[FilingQueueRow]
    total: int  # every case at 材料接收, for the status line
    next_after: QueueKey | None  # the key the next page starts after; None on the last page


def filing_queue(
    engine: Engine,
    *,
    actor: Actor,
    today: date,
    calendar: WorkCalendar,
    after: QueueKey | None = None,
    limit: int = QUEUE_PAGE,
) -> FilingQueuePage:
    """Cases at 材料接收, earliest receipt first: the 2-day filing step's due date follows the receipt time
    (R-FIL-2, rolled forward over holidays), so this is also the order of due dates, overdue first. Read by
    key, a page at a time: a backlog of thousands costs what one page costs."""
    require_role(actor, READ_ROLES, "查看立案审查队列")
    received = Case.stage == Stage.RECEIVED.value
    query = select(Case).where(received).order_by(col(Case.received_at), col(Case.id))
    if after is not None:
        query = query.where(tuple_(col(Case.received_at), col(Case.id)) > tuple_(*after))
    with read_session(engine) as session:
        cases = [case for case in session.exec(query.limit(limit + 1)) if case.id is not None]
        total = session.exec(select(func.count()).select_from(Case).where(received)).one()
        shown = cases[:limit]
        ids = [case.id for case in shown if case.id is not None]
        names = _party_names(session, ids)
        dues = _filing_dues(session, ids)
        ticks = _ticks(session, ids)
        agents = _cases_with_applicant_agents(session, ids)
        rulings = _latest_rulings(session, ids)
    rows = [_queue_row(case, names, dues, ticks, agents, rulings, today, calendar) for case in shown]
    last = shown[-1] if shown and len(cases) > limit else None
    return FilingQueuePage(rows, total, (last.received_at, last.id) if last and last.id else None)


def _queue_row(
    case: Case,
    names: dict[tuple[int, str], str],
    dues: dict[int, tuple[date, str | None]],
    ticks: dict[int, set[str]],
    agents: set[int],
    rulings: dict[int, FilingRejection],
    today: date,
    calendar: WorkCalendar,
) -> FilingQueueRow:
    assert case.id is not None
    category = FilingCategory(case.filing_category)
    due, owner = dues.get(case.id, (None, None))
    latest = rulings.get(case.id)
    state = deadline_state(due, today) if due else None
    return FilingQueueRow(
        case_id=case.id,
        version=case.version,
        category=category,
        received_at=case.received_at,
        due=due,
        state=state,
        overdue_days=calendar.working_days_between(due, today) if due and state is DeadlineState.OVERDUE else 0,
        owner_name=owner,
        applicants=names.get((case.id, PartyRole.APPLICANT.value), ""),
        respondents=names.get((case.id, PartyRole.RESPONDENT.value), ""),
        missing=tuple(missing_items(category, ticks.get(case.id, set()), has_agent=case.id in agents)),
        pending_rejection=latest is not None and latest.status == "pending",
        returned_note=latest.ruling_note if latest is not None and latest.status == "returned" else None,
    )


def case_draft(engine: Engine, case_id: int, *, actor: Actor) -> CaseDraft:
    """One case as the filing screen shows and edits it (also after filing, read-only)."""
    require_role(actor, READ_ROLES, "查看立案信息")
    with read_session(engine) as session:
        case = _get_case(session, case_id)
        category = FilingCategory(case.filing_category)
        draft = _draft_of(session, case, category)
        materials = _material_rows(session, case_id, category, has_agent=acts_for_applicant(draft.agents))
        rejections = _rejection_rows(session, case_id)
        due = _filing_dues(session, [case_id], include_done=True).get(case_id, (None, None))[0]
    provided = {row.item.code for row in materials if row.provided}
    return CaseDraft(
        case_id=case_id,
        version=case.version,
        stage=Stage(case.stage),
        case_number=case.case_number,
        received_at=case.received_at,
        filed_at=case.filed_at,
        filing_due=due,
        draft=draft,
        materials=tuple(materials),
        missing=tuple(missing_items(category, provided, has_agent=acts_for_applicant(draft.agents))),
        rejections=tuple(rejections),
        first_assignee_id=case.first_assignee_id,
    )


def resumption_draft(engine: Engine, original_case_number: str, *, actor: Actor) -> FilingDraft:
    """A resumption form prefilled from its original (parties, agents, basis, amount), for the clerk to check."""
    require_role(actor, READ_ROLES, "查看立案信息")
    number = parse_case_number(original_case_number, field="原案号")
    with read_session(engine) as session:
        original = session.exec(select(Case).where(Case.case_number == str(number))).first()
        if original is None:
            raise DraftInvalid([FieldError("原案号", f"本院没有案号为{number}的案件")])
        _check_resumable(original)
        draft = _draft_of(session, original, FilingCategory(original.filing_category))
    return replace(draft, category=FilingCategory.RESUMPTION, original_case_number=str(number))


def _draft_of(session: Session, case: Case, category: FilingCategory) -> FilingDraft:
    """The stored case as form strings, so the clerk edits exactly what validation will see again."""
    assert case.id is not None
    rows = session.exec(
        select(CaseParty, Party)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(CaseParty.case_id == case.id)
        .order_by(CaseParty.role, CaseParty.position)
    ).all()
    sides: dict[str, list[PartyForm]] = {PartyRole.APPLICANT.value: [], PartyRole.RESPONDENT.value: []}
    positions: dict[int | None, tuple[str, int]] = {}  # party id → (side, 1-based row) for the agents
    for link, party in rows:
        sides[link.role].append(_party_form(link, party))
        positions[party.id] = (link.role, len(sides[link.role]))
    agents = session.exec(select(Agent).where(Agent.case_id == case.id).order_by(Agent.id)).all()
    basis = session.exec(select(EnforcementBasis).where(EnforcementBasis.case_id == case.id)).first()
    original = session.get(Case, case.original_case_id) if case.original_case_id else None
    objection_without_amount = category is FilingCategory.OBJECTION and case.target_amount_fen == 0
    return FilingDraft(
        category=category,
        applicants=tuple(sides[PartyRole.APPLICANT.value]),
        respondents=tuple(sides[PartyRole.RESPONDENT.value]),
        agents=tuple(_agent_form(agent, positions) for agent in agents),
        basis_court=basis.issuing_court if basis else "",
        basis_number=basis.document_number if basis else "",
        basis_effective_date=basis.effective_date.isoformat() if basis and basis.effective_date else "",
        target_amount="" if objection_without_amount else fen_to_yuan_str(case.target_amount_fen),
        consumption_restriction_requested=case.consumption_restriction_requested,
        dishonest_list_requested=case.dishonest_list_requested,
        original_case_number=(original.case_number or "") if original else "",
    )


def _party_form(link: CaseParty, party: Party) -> PartyForm:
    return PartyForm(
        name=party.name,
        id_number=party.id_number or "",
        kind="单位" if party.kind == ORGANISATION else "自然人",
        phone=party.phone or "",
        address=link.service_address or "",
        whereabouts_unknown=link.whereabouts_unknown,
    )


def _agent_form(agent: Agent, positions: dict[int | None, tuple[str, int]]) -> AgentForm:
    side, represents = positions.get(agent.party_id, (PartyRole.APPLICANT.value, 1))
    return AgentForm(
        name=agent.name,
        id_number=agent.id_number,
        kind=AGENT_KINDS.get(agent.kind, agent.kind),
        phone=agent.phone or "",
        represents=represents,
        side=side,
    )


def _material_rows(session: Session, case_id: int, category: FilingCategory, *, has_agent: bool) -> list[MaterialRow]:
    stored = {row.item: row for row in _materials(session, case_id)}
    checkers = _staff_names(session, {row.checked_by_id for row in stored.values() if row.checked_by_id})
    rows = []
    for unit in checklist_units(category):
        row = stored.get(unit.code)
        rows.append(
            MaterialRow(
                item=unit,
                required=unit.required(has_agent=has_agent),
                provided=bool(row and row.provided),
                note=row.note if row else None,
                checked_by=checkers.get(row.checked_by_id) if row and row.checked_by_id else None,
                checked_at=row.checked_at if row else None,
            )
        )
    return rows


def _rejection_rows(session: Session, case_id: int) -> list[RejectionRow]:
    proposals = session.exec(
        select(FilingRejection).where(FilingRejection.case_id == case_id).order_by(FilingRejection.id)
    ).all()
    people = {p.proposed_by_id for p in proposals} | {p.ruled_by_id for p in proposals if p.ruled_by_id}
    names = _staff_names(session, people)
    return [
        RejectionRow(
            rejection_id=p.id,  # type: ignore[arg-type]
            version=p.version,
            status=p.status,
            proposed_by=names.get(p.proposed_by_id, ""),
            proposed_at=p.proposed_at,
            reasons=p.reasons,
            ruled_by=names.get(p.ruled_by_id) if p.ruled_by_id else None,
            ruled_at=p.ruled_at,
            ruling_note=p.ruling_note,
        )
        for p in proposals
    ]


# --------------------------------------------------------------------------------------------------
# Small shared helpers
# --------------------------------------------------------------------------------------------------


def _get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"没有编号为 {case_id} 的案件")
    return case


def _case_for_update(session: Session, case_id: int, expected_version: int) -> Case:
    case = _get_case(session, case_id)
    _check_version(session, case, expected_version)
    return case


def _check_version(session: Session, case: Case, expected_version: int) -> None:
    """The screen's copy is stale: name who saved last, like the unit of work does for a lost race."""
    if case.version == expected_version:
        return
    assert case.id is not None
    last = _last_change(session, case.id)
    if last is None:
        raise ConcurrentEdit("该案件已被他人修改，请刷新后重新填写")
    raise ConcurrentEdit(
        f"该案件已被 {last.actor_login} 于 {last.recorded_at:%H:%M:%S}（{last.action}）修改，请刷新后重新填写"
    )


def _last_change(session: Session, case_id: int) -> AuditRecord | None:
    """The newest audit record of the case row or of a row of its draft. (A bare version bump is not audited,
    so the draft's own rows are where a checklist or party edit shows.)"""
    keys: dict[str, list[str]] = {"enforcement_case": [str(case_id)]}
    for model in (CaseMaterial, CaseParty, Agent, EnforcementBasis, FilingRejection):
        ids = session.exec(select(model.id).where(model.case_id == case_id)).all()  # type: ignore[attr-defined]
        keys[model.__tablename__] = [str(i) for i in ids]  # type: ignore[attr-defined]
    wanted = or_(
        *(
            and_(col(AuditRecord.entity) == entity, col(AuditRecord.entity_id).in_(ids))
            for entity, ids in keys.items()
            if ids
        )
    )
    return session.exec(select(AuditRecord).where(wanted).order_by(col(AuditRecord.id).desc()).limit(1)).first()


def _require_received(case: Case, what: str) -> None:
    stage = Stage(case.stage)
    if stage is not Stage.RECEIVED:
        raise ServiceError(f"案件状态为“{stage.label}”，只有“{Stage.RECEIVED.label}”的案件可以{what}")


def _materials(session: Session, case_id: int) -> list[CaseMaterial]:
    return list(session.exec(select(CaseMaterial).where(CaseMaterial.case_id == case_id)).all())


def _ticks(session: Session, case_ids: list[int]) -> dict[int, set[str]]:
    rows = session.exec(
        select(CaseMaterial.case_id, CaseMaterial.item).where(
            col(CaseMaterial.case_id).in_(case_ids), col(CaseMaterial.provided).is_(True)
        )
    ).all()
    result: dict[int, set[str]] = {}
    for case_id, item in rows:
        result.setdefault(case_id, set()).add(item)
    return result


def _party_names(session: Session, case_ids: list[int]) -> dict[tuple[int, str], str]:
    """(case id, role) → names joined with 、 in filing order."""
    rows = session.exec(
        select(CaseParty.case_id, CaseParty.role, Party.name)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(col(CaseParty.case_id).in_(case_ids))
        .order_by(CaseParty.case_id, CaseParty.role, CaseParty.position)
    ).all()
    names: dict[tuple[int, str], list[str]] = {}
    for case_id, role, name in rows:
        names.setdefault((case_id, role), []).append(name)
    return {key: "、".join(value) for key, value in names.items()}


def _filing_dues(
    session: Session, case_ids: list[int], *, include_done: bool = False
) -> dict[int, tuple[date, str | None]]:
    """case id → (due date of the FILING step, owner's name)."""
    query = (
        select(Deadline.case_id, Deadline.due_date, Staff.name)
        .join(Staff, col(Staff.id) == Deadline.owner_id, isouter=True)
        .where(col(Deadline.case_id).in_(case_ids), Deadline.step == Step.FILING.value)
        .order_by(Deadline.id)
    )
    if not include_done:
        query = query.where(col(Deadline.done_at).is_(None))
    return {case_id: (due, name) for case_id, due, name in session.exec(query).all()}


def _latest_rulings(session: Session, case_ids: list[int]) -> dict[int, FilingRejection]:
    rows = session.exec(
        select(FilingRejection).where(col(FilingRejection.case_id).in_(case_ids)).order_by(FilingRejection.id)
    ).all()
    return {row.case_id: row for row in rows}


def _staff_names(session: Session, ids: set[int] | set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(wanted))).all())  # type: ignore[arg-type]
