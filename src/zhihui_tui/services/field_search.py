"""查人找物登记 (SPEC §3.8): the field-search queue, registration with investigators, the duty roster, outcomes.

- R-CLU-1: a registration records time, place, case, category (人/物), quantity, names sought and the
  investigators by name; the outcome carries the result and its transcripts, video, photos and site survey form
  (stored by :mod:`zhihui_tui.services.attachments`). The result flows back to the requesting handler.
- R-CLU-2: at least 2 investigators stay at the bureau every day. Registration counts who is already out that
  day; an assignment that would leave fewer is refused with the names. The check and the insert share one write
  transaction (SQLite ``BEGIN IMMEDIATE``; PostgreSQL locks the investigators' rows), so two clerks cannot both
  take the last spare investigator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    Attachment,
    Case,
    DelegatedMatter,
    DutyOff,
    FieldSearch,
    FieldSearchInvestigator,
    Staff,
    StaffRole,
)
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import (
    F_FILE,
    F_INVESTIGATORS,
    MatterKind,
    MatterStatus,
    RosterCheck,
    SearchCategory,
    SearchRegistration,
    check_registration,
    check_result,
    check_roster,
    roster_after,
)
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.attachments import StoredFile, record_attachment
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.delegation import PAGE_SIZE, WHAT, finish_matter
from zhihui_tui.services.errors import NotFound, ServiceError
from zhihui_tui.services.field_rules import FieldAction, require_action
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

OWNER_KIND = "field_search"


@dataclass(frozen=True)
class SearchRow:
    """One line of the 查人找物 queue: the request and, once registered, its record."""

    matter_id: int
    case_id: int
    case_number: str
    kind: MatterKind
    requirements: str
    requested_by: str
    effective_day: date
    deadline: date
    status: MatterStatus
    urgent: bool
    search_id: int | None
    planned_at: datetime | None
    place: str | None
    category: SearchCategory | None
    quantity: int | None
    target_names: str | None
    investigators: tuple[str, ...]
    version: int = 1  # the matter's version as read
    search_version: int | None = None  # the field-search record's version as read, once registered


def investigators(*, ctx: ServiceContext) -> dict[int, str]:
    """Every active member of 线索查控组, id → name, in id order."""
    with read_session(ctx.engine) as session:
        return team_of(session)


def team_of(session: Session, *, lock: bool = False) -> dict[int, str]:
    """Every active 线索查控 member (id → name, id order); ``lock`` row-locks them (a registration, a day off)."""
    query = (
        select(Staff.id, Staff.name)
        .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
        .where(StaffRole.role == Role.FIELD_SEARCH.value, col(Staff.active).is_(True))
        .order_by(col(Staff.id))
    )
    if lock:
        query = query.with_for_update(of=Staff)  # PostgreSQL; SQLite already holds the write lock
    return {staff_id: name for staff_id, name in session.exec(query).all() if staff_id is not None}


def away_on(session: Session, day: date) -> set[int]:
    """Who is not at the bureau on ``day``: out on a field search, or off by the week's duty roster."""
    out = session.exec(select(FieldSearchInvestigator.staff_id).where(FieldSearchInvestigator.duty_day == day))
    off = session.exec(select(DutyOff.staff_id).where(DutyOff.day == day))
    return set(out.all()) | set(off.all())


def roster(day: date, assigning: Sequence[int] = (), *, ctx: ServiceContext) -> RosterCheck:
    """Who is out and who stays at the bureau on ``day`` (optionally after sending ``assigning``)."""
    with read_session(ctx.engine) as session:
        return roster_after(day, team_of(session), away_on(session, day), assigning)


# -- queue -----------------------------------------------------------------------------------------------------


def search_queue(
    *, after_id: int | None = None, limit: int = PAGE_SIZE, finished: bool = False, ctx: ServiceContext
) -> list[SearchRow]:
    """Open site investigations and 拘传 (approved), oldest first, one keyset page; ``finished``: the closed ones,
    newest first (F7 keeps its history findable, issue 11)."""
    require_action(ctx.actor, FieldAction.VIEW_SEARCHES)
    closed = col(DelegatedMatter.closed_at)
    query = (
        select(DelegatedMatter, Case.case_number, Staff.name, FieldSearch)
        .join(Case, col(Case.id) == DelegatedMatter.case_id)
        .join(Staff, col(Staff.id) == DelegatedMatter.requested_by_id)
        .join(FieldSearch, col(FieldSearch.matter_id) == DelegatedMatter.id, isouter=True)
        .where(DelegatedMatter.post == Role.FIELD_SEARCH.value, closed.is_not(None) if finished else closed.is_(None))
        .order_by(col(DelegatedMatter.id).desc() if finished else col(DelegatedMatter.id))
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(col(DelegatedMatter.id) < after_id if finished else col(DelegatedMatter.id) > after_id)
    with read_session(ctx.engine) as session:
        rows = session.exec(query).all()
        names = _names_by_search(session, [s.id for _m, _n, _r, s in rows if s is not None and s.id is not None])
    return [_search_row(m, number, requester, s, names) for m, number, requester, s in rows]


def _names_by_search(session: Session, search_ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not search_ids:
        return {}
    rows = session.exec(
        select(FieldSearchInvestigator.field_search_id, Staff.name)
        .join(Staff, col(Staff.id) == FieldSearchInvestigator.staff_id)
        .where(col(FieldSearchInvestigator.field_search_id).in_(search_ids))
        .order_by(col(Staff.id))
    ).all()
    names: dict[int, list[str]] = {}
    for search_id, name in rows:
        names.setdefault(search_id, []).append(name)
    return {key: tuple(value) for key, value in names.items()}


def _search_row(
    matter: DelegatedMatter,
    case_number: str | None,
    requester: str,
    search: FieldSearch | None,
    names: dict[int, tuple[str, ...]],
) -> SearchRow:
    assert matter.id is not None
    return SearchRow(
        matter_id=matter.id,
        case_id=matter.case_id,
        case_number=case_number or "（未立案）",
        kind=MatterKind(matter.kind),
        requirements=matter.requirements,
        requested_by=requester,
        effective_day=matter.effective_day,
        deadline=matter.handler_deadline,
        status=MatterStatus(matter.status),
        urgent=matter.urgent,
        search_id=search.id if search else None,
        planned_at=search.planned_at if search else None,
        place=search.place if search else None,
        category=SearchCategory(search.category) if search else None,
        quantity=search.quantity if search else None,
        target_names=search.target_names if search else None,
        investigators=names.get(search.id, ()) if search and search.id else (),
        version=matter.version,
        search_version=search.version if search else None,
    )


def get_search_row(matter_id: int, *, ctx: ServiceContext) -> SearchRow:
    """One line of the queue by its matter id, registered or not."""
    with read_session(ctx.engine) as session:
        row = session.exec(
            select(DelegatedMatter, Case.case_number, Staff.name, FieldSearch)
            .join(Case, col(Case.id) == DelegatedMatter.case_id)
            .join(Staff, col(Staff.id) == DelegatedMatter.requested_by_id)
            .join(FieldSearch, col(FieldSearch.matter_id) == DelegatedMatter.id, isouter=True)
            .where(DelegatedMatter.id == matter_id)
        ).first()
        if row is None:
            raise NotFound(f"委托事项 {matter_id} 不存在")
        matter, number, requester, search = row
        names = _names_by_search(session, [search.id] if search is not None and search.id else [])
    return _search_row(matter, number, requester, search, names)


# -- registration (R-CLU-1, R-CLU-2) -----------------------------------------------------------------------------


def register_search(raw: SearchRegistration, *, expected_version: int | None = None, ctx: ServiceContext) -> int:
    """Record the field search of a queued request and send the investigators; returns the record id."""
    actor = ctx.actor
    require_action(actor, FieldAction.REGISTER_SEARCH)
    now = ctx.now()
    checked = check_registration(raw, now=now)
    with unit_of_work(ctx.engine, actor=actor, action="登记查人找物", clock=ctx.clock) as session:
        matter = _field_matter(session, checked.matter_id, expected_version)
        if matter.status != MatterStatus.OPEN.value:
            raise ServiceError(f"该事项当前为“{MatterStatus(matter.status).label}”，不能登记")
        team = team_of(session, lock=True)
        strangers = [i for i in checked.investigator_ids if i not in team]
        if strangers:
            raise FieldError(F_INVESTIGATORS, "只能指派线索查控组在岗人员")
        check_roster(roster_after(checked.duty_day, team, away_on(session, checked.duty_day), checked.investigator_ids))
        search = FieldSearch(
            matter_id=matter.id or 0,
            case_id=matter.case_id,
            planned_at=checked.planned_at,
            duty_day=checked.duty_day,
            place=checked.place,
            category=checked.category.value,
            quantity=checked.quantity,
            target_names=checked.target_names,
            registered_by_id=actor.id,
            registered_at=now,
        )
        session.add(search)
        session.flush()
        assert search.id is not None
        session.add_all(
            FieldSearchInvestigator(field_search_id=search.id, staff_id=staff_id, duty_day=checked.duty_day)
            for staff_id in checked.investigator_ids
        )
        matter.status = MatterStatus.IN_PROGRESS.value
        return search.id


def _field_matter(session: Session, matter_id: int, expected_version: int | None) -> DelegatedMatter:
    missing = f"查人找物事项 {matter_id} 不存在"
    matter = load_for_update(session, DelegatedMatter, matter_id, expected_version, what=WHAT, missing=missing)
    if not MatterKind(matter.kind).is_field_search:
        raise NotFound(f"查人找物事项 {matter_id} 不存在")
    if matter.post != Role.FIELD_SEARCH.value:
        raise ServiceError("该临时拘传尚待局长审批")
    return matter


# -- attachments and outcome ---------------------------------------------------------------------------------


def attach_files(search_id: int, files: Sequence[StoredFile], *, ctx: ServiceContext) -> list[int]:
    """Record stored files (笔录、视频、图片、现场情况调查表) on a field search; returns the attachment ids."""
    actor = ctx.actor
    require_action(actor, FieldAction.ATTACH_SEARCH_FILES)
    if not files:
        raise FieldError(F_FILE, "请选择要上传的文件")
    with unit_of_work(ctx.engine, actor=actor, action="上传查人找物材料", clock=ctx.clock) as session:
        if session.get(FieldSearch, search_id) is None:
            raise NotFound(f"查人找物记录 {search_id} 不存在")
        rows = [
            record_attachment(session, f, owner_kind=OWNER_KIND, owner_id=search_id, actor_id=actor.id, at=ctx.now())
            for f in files
        ]
        session.flush()
        return [row.id or 0 for row in rows]


def record_outcome(
    search_id: int,
    result: str,
    files: Sequence[StoredFile] = (),
    *,
    expected_version: int | None = None,
    ctx: ServiceContext,
) -> None:
    """Enter the outcome with its files; the request is done and the result goes back to the handler.

    全程留痕: at least one file (transcript, video, photo or survey form) must be on record by then."""
    actor = ctx.actor
    require_action(actor, FieldAction.RECORD_SEARCH_OUTCOME)
    text = check_result(result)
    with unit_of_work(ctx.engine, actor=actor, action="登记查人找物结果", clock=ctx.clock) as session:
        search = load_for_update(
            session,
            FieldSearch,
            search_id,
            expected_version,
            what="该查人找物记录",
            missing=f"查人找物记录 {search_id} 不存在",
        )
        if search.outcome_at is not None:
            raise ServiceError(f"该记录已于 {search.outcome_at:%Y-%m-%d %H:%M} 登记结果")
        now = ctx.now()
        for stored in files:
            record_attachment(session, stored, owner_kind=OWNER_KIND, owner_id=search_id, actor_id=actor.id, at=now)
        session.flush()
        if not _has_attachments(session, search_id):
            raise FieldError(F_FILE, "请至少上传一份笔录、视频、图片或现场情况调查表（全程留痕）")
        search.result, search.outcome_by_id, search.outcome_at = text, actor.id, now
        matter = session.get(DelegatedMatter, search.matter_id)
        assert matter is not None
        finish_matter(session, matter, text, actor=actor, at=now)


def _has_attachments(session: Session, search_id: int) -> bool:
    return (
        session.exec(
            select(Attachment.id).where(Attachment.owner_kind == OWNER_KIND, Attachment.owner_id == search_id).limit(1)
        ).first()
        is not None
    )
