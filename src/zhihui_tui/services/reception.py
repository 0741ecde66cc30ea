"""Reception ledger (接待台账, SPEC §3.2): visits and hotline calls, what a visitor may ask about, handler
appointments (登记备案), and the day's ledger reported to the centre.

Rules enforced here on top of ``domain.reception``:

- R-REC-2: for a purpose that tells the visitor about a case (案件查询, 首次约谈, 预约承办人) the visitor's ID
  number must be a party of the case or a registered agent in it; other purposes (材料递交, 信访, 其他) may link
  any case, since nothing about the case is told. 其他证件 never matches a case.
- R-REC-3: queries at the reception post never select ``Staff.mobile``; a handler is reached by the office
  landline, or the centre's hotline when none is on file.
- R-REC-4: only a booked appointment (登记备案) can be recorded as held or cancelled; the handler must be the
  case's handler or hold the 承办人 post; a handler may book and settle only their own appointments; two bookings
  of one handler are at least 30 minutes apart; a meeting is recorded as held no earlier than its booked day.
- R-REC-5: once a day's ledger is reported, visits of that day are refused (the centre takes over: seed §七(四));
  today's ledger can be reported from 17:00; reporting twice writes the same file and one ``LedgerReport``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Agent, Appointment, Case, CaseParty, LedgerReport, Party, Staff, StaffRole, Visit
from zhihui_tui.domain.calendar import RECEPTION_CLOSE, WorkCalendar
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.reception import (
    APPOINTMENT_SLOT,
    CENTRE_HOTLINE,
    DISCLOSING_PURPOSES,
    F_APPT_HANDLER,
    F_APPT_TIME,
    F_CANCEL_REASON,
    F_CASE,
    F_NAME,
    F_STAFF,
    F_TIME,
    AppointmentChannel,
    AppointmentInput,
    AppointmentKind,
    AppointmentStatus,
    Channel,
    CheckedVisit,
    IdKind,
    VisitInput,
    VisitPurpose,
    check_appointment_input,
    check_id_document,
    check_outcome,
    check_visit_input,
    mask_id_number,
    mask_phone,
)
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import ledger_xlsx
from zhihui_tui.services.context import Actor, require_role
from zhihui_tui.services.errors import NotFound, PermissionDenied, ServiceError
from zhihui_tui.services.uow import AlreadySaved, unit_of_work
from zhihui_tui.settings import DEFAULT_COURT_NAME

RECEPTION_ROLES = (Role.FILING_REVIEW, Role.DIRECTOR)  # 立案审查组 runs the window (SPEC §1)
BOOKING_ROLES = (Role.FILING_REVIEW, Role.DIRECTOR, Role.HANDLER)
LEDGER_READ_ROLES = (Role.FILING_REVIEW, Role.DIRECTOR, Role.GENERAL_AFFAIRS, Role.SYSTEM)
LEDGER_REPORT_ROLES = (Role.FILING_REVIEW, Role.DIRECTOR, Role.SYSTEM)
F_DAY = "日期"
F_OUT = "输出文件"

_PARTY_ROLE_LABELS = {"applicant": "申请执行人", "respondent": "被执行人"}


# -- visits (R-REC-1, R-REC-2, R-REC-5) ----------------------------------------------------------------------


def register_visit(engine: Engine, raw: VisitInput, *, actor: Actor, clock: Clock, calendar: WorkCalendar) -> int:
    """Record a visit or hotline call; returns the visit id. Bad input raises before anything is written."""
    require_role(actor, RECEPTION_ROLES, "登记来访")
    now = clock.now()
    checked = check_visit_input(raw, now=now, cal=calendar)
    with unit_of_work(engine, actor=actor, action="登记来访", clock=clock) as session:
        lock_ledger_day(session, checked.visited_at.date())
        _refuse_reported_day(session, checked.visited_at.date())
        staff_id = _receiving_staff(session, checked.staff_id, actor)
        _check_case_link(session, checked)
        visit = Visit(
            visited_at=checked.visited_at,
            channel=checked.channel.value,
            visitor_name=checked.visitor_name or _registered_name(session, checked),
            visitor_id_kind=checked.id_kind.value,
            visitor_id_number=checked.id_number,
            visitor_phone=checked.phone,
            case_id=checked.case_id,
            purpose=checked.purpose.value,
            staff_id=staff_id,
            outcome=checked.outcome,
            late_entry_reason=checked.late_entry_reason,
            created_at=now,
        )
        session.add(visit)
        session.flush()
        assert visit.id is not None
        return visit.id


# PostgreSQL advisory locks (int4 pair keys): this namespace, then the day's ordinal.
_LEDGER_DAY_LOCK = 0x6C65_6467  # "ledg"


def lock_ledger_day(session: Session, day: date) -> None:
    """Queue a day's visits and that day's report on one lock, so a visit is either in the report or refused
    as too late, never lost between them (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises)."""
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        bind.execute(
            text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), CAST(:day AS integer))"),
            {"space": _LEDGER_DAY_LOCK, "day": day.toordinal()},
        )


def _refuse_reported_day(session: Session, day: date) -> None:
    report = session.get(LedgerReport, day)
    if report is not None:
        when = f"{report.reported_at:%m-%d %H:%M}"
        raise FieldError(F_TIME, f"{day:%Y-%m-%d} 的接待台账已于 {when} 报送，不能再登记该日来访，请报指挥中心处理")


def _receiving_staff(session: Session, staff_id: int | None, actor: Actor) -> int:
    """The clerk at the keyboard, or another active member of a reception post."""
    if staff_id is None or staff_id == actor.id:
        return actor.id
    found = session.exec(
        select(Staff.id)
        .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
        .where(
            Staff.id == staff_id,
            col(Staff.active).is_(True),
            col(StaffRole.role).in_([role.value for role in RECEPTION_ROLES]),
        )
    ).first()
    if found is None:
        raise FieldError(F_STAFF, "须为在岗的立案审查组人员或指挥中心主任")
    return staff_id


def _check_case_link(session: Session, checked: CheckedVisit) -> None:
    if checked.case_id is None:
        _refuse_unpicked_case(session, checked)
        return
    if session.exec(select(Case.id).where(Case.id == checked.case_id)).first() is None:
        raise FieldError(F_CASE, "所选案件不存在")
    if checked.purpose in DISCLOSING_PURPOSES and not _belongs_to_case(
        session, checked.case_id, checked.id_kind, checked.id_number
    ):
        raise FieldError(F_CASE, "来访人不是该案当事人或登记的代理人，不能查询该案（只能查询本人的案件）")


def _refuse_unpicked_case(session: Session, checked: CheckedVisit) -> None:
    """A party asking about their case must name it: a 案件查询 by someone with cases on file, saved with no
    case, would leave the ledger unable to say which case was disclosed (R-REC-1, R-REC-2)."""
    if checked.purpose is not VisitPurpose.CASE_QUERY or not checked.id_number or checked.id_kind is IdKind.OTHER:
        return
    count = len(_memberships(session, checked.id_number))
    if count:
        raise FieldError(F_CASE, f"来访人名下有 {count} 件案件，案件查询须在列表中选定其一（Enter 选定）")


def _belongs_to_case(session: Session, case_id: int, kind: IdKind, id_number: str | None) -> bool:
    """R-REC-2: the ID number is a party of the case or a registered agent in it."""
    if not id_number or kind is IdKind.OTHER:
        return False
    as_party = session.exec(
        select(CaseParty.id)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(CaseParty.case_id == case_id, Party.id_number == id_number)
        .limit(1)
    ).first()
    if as_party is not None:
        return True
    as_agent = session.exec(
        select(Agent.id).where(Agent.case_id == case_id, Agent.id_number == id_number).limit(1)
    ).first()
    return as_agent is not None


def _registered_name(session: Session, checked: CheckedVisit) -> str:
    """The name on file for the ID number: the common case needs no typing of the name."""
    if checked.id_number and checked.id_kind is not IdKind.OTHER:
        name = session.exec(select(Party.name).where(Party.id_number == checked.id_number)).first()
        if name is None:
            name = session.exec(
                select(Agent.name).where(Agent.id_number == checked.id_number).order_by(col(Agent.id).desc())
            ).first()
        if name is not None:
            return name
    raise FieldError(F_NAME, "不能为空（该证件号未在案件中登记，请填写姓名）")


# -- what a visitor may ask about (R-REC-2, R-REC-3) -------------------------------------------------------


@dataclass(frozen=True)
class VisitorCase:
    """A case the visitor may ask about. Holds the handler's office landline only, never the mobile."""

    case_id: int
    case_number: str | None
    stage: Stage
    handler_name: str | None
    handler_office_phone: str | None
    visitor_roles: tuple[str, ...]  # 申请执行人 / 被执行人 / 申请执行人的代理人
    registered_name: str

    @property
    def stage_label(self) -> str:
        return self.stage.label

    @property
    def handler_contact(self) -> str:
        """What the clerk may tell the visitor (seed §七(三)): the landline, or the centre's hotline."""
        if self.handler_office_phone:
            return self.handler_office_phone
        return f"指挥中心 {CENTRE_HOTLINE}"


def visitor_cases(
    engine: Engine, id_number: str, *, actor: Actor, id_kind: IdKind = IdKind.RESIDENT_ID
) -> list[VisitorCase]:
    """The cases whose party or registered agent holds this ID number, newest first."""
    require_role(actor, RECEPTION_ROLES, "查询来访人案件")
    number = check_id_document(id_kind, id_number)
    if number is None or id_kind is IdKind.OTHER:
        return []
    with read_session(engine) as session:
        memberships = _memberships(session, number)
        if not memberships:
            return []
        rows = session.exec(
            # Columns named one by one: Staff.mobile must never leave the database at this post (R-REC-3).
            select(Case.id, Case.case_number, Case.stage, Staff.name, Staff.office_phone)
            .join(Staff, col(Staff.id) == Case.handler_id, isouter=True)
            .where(col(Case.id).in_(list(memberships)))
            .order_by(col(Case.received_at).desc(), col(Case.id).desc())
        ).all()
    return [
        VisitorCase(
            case_id=case_id,
            case_number=case_number,
            stage=Stage(stage),
            handler_name=handler_name,
            handler_office_phone=office_phone,
            visitor_roles=tuple(memberships[case_id][0]),
            registered_name=memberships[case_id][1],
        )
        for case_id, case_number, stage, handler_name, office_phone in rows
    ]


def _memberships(session: Session, id_number: str) -> dict[int, tuple[list[str], str]]:
    """case id → (the visitor's roles in it, the name on file there)."""
    found: dict[int, tuple[list[str], str]] = {}
    parties = session.exec(
        select(CaseParty.case_id, CaseParty.role, Party.name)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(Party.id_number == id_number)
        .order_by(CaseParty.case_id, CaseParty.role)
    ).all()
    for case_id, role, name in parties:
        found.setdefault(case_id, ([], name))[0].append(_PARTY_ROLE_LABELS.get(role, role))
    agents = session.exec(
        select(Agent.case_id, Agent.name, CaseParty.role)
        .join(CaseParty, (col(CaseParty.case_id) == Agent.case_id) & (col(CaseParty.party_id) == Agent.party_id))
        .where(Agent.id_number == id_number)
        .order_by(Agent.case_id)
    ).all()
    for case_id, name, role in agents:
        label = f"{_PARTY_ROLE_LABELS.get(role, role)}的代理人"
        roles = found.setdefault(case_id, ([], name))[0]
        if label not in roles:
            roles.append(label)
    return found


# -- appointments (R-REC-4) ---------------------------------------------------------------------------------


def book_appointment(
    engine: Engine, raw: AppointmentInput, *, actor: Actor, clock: Clock, calendar: WorkCalendar
) -> int:
    """Book a handler–party meeting or a handler call-back (登记备案); returns the appointment id."""
    require_role(actor, BOOKING_ROLES, "登记预约")
    checked = check_appointment_input(raw, now=clock.now(), cal=calendar)
    with unit_of_work(engine, actor=actor, action="登记预约", clock=clock) as session:
        case = session.get(Case, checked.case_id)
        if case is None:
            raise FieldError(F_CASE, "所选案件不存在")
        if case.stage == Stage.REJECTED.value:
            raise FieldError(F_CASE, "不予立案的案件不能预约承办人")
        handler_id = checked.handler_id or case.handler_id
        if handler_id is None:
            raise FieldError(F_APPT_HANDLER, "该案尚未分配承办人，请指定承办人")
        _check_handler(session, handler_id, case_handler_id=case.handler_id)
        if not actor.has(*RECEPTION_ROLES) and handler_id != actor.id:
            raise PermissionDenied(f"{actor.name}（{actor.login}）只能为本人登记约见")
        _lock_handler(session, handler_id)
        _refuse_clash(session, handler_id, checked.scheduled_at)
        if checked.visit_id is not None and session.get(Visit, checked.visit_id) is None:
            raise FieldError(F_CASE, "所关联的来访记录不存在")
        appointment = Appointment(
            case_id=checked.case_id,
            handler_id=handler_id,
            kind=checked.kind.value,
            channel=checked.channel.value,
            scheduled_at=checked.scheduled_at,
            party_name=checked.party_name,
            party_phone=checked.party_phone,
            note=checked.note,
            visit_id=checked.visit_id,
            booked_by_id=actor.id,
            booked_at=clock.now(),
        )
        session.add(appointment)
        session.flush()
        assert appointment.id is not None
        return appointment.id


def _check_handler(session: Session, handler_id: int, *, case_handler_id: int | None) -> None:
    """The case's own handler, or someone holding the 承办人 post; active either way."""
    active = session.exec(select(Staff.active).where(Staff.id == handler_id)).first()
    if not active:
        raise FieldError(F_APPT_HANDLER, "承办人不存在或已停用")
    if handler_id == case_handler_id:
        return
    is_handler = session.exec(
        select(StaffRole.staff_id).where(StaffRole.staff_id == handler_id, StaffRole.role == Role.HANDLER.value)
    ).first()
    if is_handler is None:
        raise FieldError(F_APPT_HANDLER, "须为该案承办人或承办人岗位人员")


def _lock_handler(session: Session, handler_id: int) -> None:
    """Queue bookings for one handler on the handler's row (PostgreSQL), so the clash check below sees a booking
    another terminal just made; SQLite's BEGIN IMMEDIATE already serialises the whole transaction."""
    session.exec(select(Staff.id).where(Staff.id == handler_id).with_for_update()).first()


def _refuse_clash(session: Session, handler_id: int, at: datetime) -> None:
    other = session.exec(
        select(Appointment.scheduled_at).where(
            Appointment.handler_id == handler_id,
            Appointment.status == AppointmentStatus.BOOKED.value,
            col(Appointment.scheduled_at) > at - APPOINTMENT_SLOT,
            col(Appointment.scheduled_at) < at + APPOINTMENT_SLOT,
        )
    ).first()
    if other is not None:
        minutes = int(APPOINTMENT_SLOT.total_seconds() // 60)
        raise FieldError(F_APPT_TIME, f"承办人在 {other:%H:%M} 已有预约，两次预约须间隔 {minutes} 分钟以上")


def record_appointment_held(engine: Engine, appointment_id: int, outcome: str, *, actor: Actor, clock: Clock) -> None:
    """Record a booked meeting or call-back as held. Without a booking there is nothing to record (R-REC-4)."""
    require_role(actor, BOOKING_ROLES, "登记约见结果")
    text = check_outcome(outcome)
    with unit_of_work(engine, actor=actor, action="登记约见已进行", clock=clock) as session:
        appointment = _booked(session, appointment_id, actor, "登记为已进行")
        if clock.now().date() < appointment.scheduled_at.date():
            raise ServiceError(f"预约时间为 {appointment.scheduled_at:%Y-%m-%d %H:%M}，当日之前不能登记为已进行")
        appointment.status = AppointmentStatus.HELD.value
        appointment.held_at = clock.now()
        appointment.outcome = text


def cancel_appointment(engine: Engine, appointment_id: int, reason: str, *, actor: Actor, clock: Clock) -> None:
    """Cancel a booked appointment, with the reason told to the party."""
    require_role(actor, BOOKING_ROLES, "取消预约")
    text = check_outcome(reason, field=F_CANCEL_REASON)
    with unit_of_work(engine, actor=actor, action="取消预约", clock=clock) as session:
        appointment = _booked(session, appointment_id, actor, "取消")
        appointment.status = AppointmentStatus.CANCELLED.value
        appointment.outcome = text


def _booked(session: Session, appointment_id: int, actor: Actor, verb: str) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise NotFound(f"没有编号为 {appointment_id} 的预约：未在指挥中心登记备案的约见不能{verb}")
    if not actor.has(*RECEPTION_ROLES) and appointment.handler_id != actor.id:
        raise PermissionDenied(f"{actor.name}（{actor.login}）只能处理本人的预约")
    status = AppointmentStatus(appointment.status)
    if status is not AppointmentStatus.BOOKED:
        raise ServiceError(f"该预约{status.label}，不能{verb}")
    return appointment


@dataclass(frozen=True)
class AppointmentView:
    """A booked appointment on the handler's home screen; the handler needs the party's phone unmasked."""

    id: int
    case_id: int
    case_number: str | None
    kind: AppointmentKind
    channel: AppointmentChannel
    scheduled_at: datetime
    party_name: str
    party_phone: str | None
    note: str | None
    overdue: bool  # booked for an earlier day and not yet recorded as held


def handler_appointments(engine: Engine, *, actor: Actor, today: date, limit: int = 100) -> list[AppointmentView]:
    """The signed-in handler's booked appointments, earliest first (past ones still waiting for a result)."""
    with read_session(engine) as session:
        rows = session.exec(
            select(Appointment, Case.case_number)
            .join(Case, col(Case.id) == Appointment.case_id)
            .where(Appointment.handler_id == actor.id, Appointment.status == AppointmentStatus.BOOKED.value)
            .order_by(Appointment.scheduled_at, Appointment.id)
            .limit(limit)
        ).all()
    return [
        AppointmentView(
            id=appointment.id,
            case_id=appointment.case_id,
            case_number=case_number,
            kind=AppointmentKind(appointment.kind),
            channel=AppointmentChannel(appointment.channel),
            scheduled_at=appointment.scheduled_at,
            party_name=appointment.party_name,
            party_phone=appointment.party_phone,
            note=appointment.note,
            overdue=appointment.scheduled_at.date() < today,
        )
        for appointment, case_number in rows
    ]


# -- the day's ledger (R-REC-5, R-REC-6) ---------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    """One ledger line as screens and the report show it: ID number and phone masked (R-Q-3)."""

    visit_id: int
    visited_at: datetime
    channel: Channel
    visitor_name: str
    id_number_masked: str
    phone_masked: str
    purpose: VisitPurpose
    case_number: str | None
    staff_name: str
    outcome: str
    late_entry_reason: str | None


@dataclass(frozen=True)
class ReportInfo:
    reported_at: datetime
    reported_by_login: str
    reported_by_name: str
    visit_count: int
    file_sha256: str


@dataclass(frozen=True)
class LedgerView:
    day: date
    rows: tuple[LedgerRow, ...]
    counts: dict[VisitPurpose, int]  # every purpose, in the order of VisitPurpose, zeros included
    report: ReportInfo | None

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def petitions(self) -> int:
        return self.counts[VisitPurpose.PETITION]


def todays_ledger(engine: Engine, day: date, *, actor: Actor) -> LedgerView:
    """The day's ledger with counts by purpose (信访 included) and whether it has been reported."""
    require_role(actor, LEDGER_READ_ROLES, "查看接待台账")
    with read_session(engine) as session:
        return _load_ledger(session, day)


def purpose_counts(engine: Engine, first: date, last: date, *, actor: Actor) -> dict[VisitPurpose, int]:
    """Visits per purpose over ``first``..``last`` inclusive (信访 counted for reporting: R-REC-6)."""
    require_role(actor, LEDGER_READ_ROLES, "统计接待台账")
    start, end = _day_start(first), _day_start(last) + timedelta(days=1)
    with read_session(engine) as session:
        rows = session.exec(
            select(Visit.purpose, func.count())
            .where(col(Visit.visited_at) >= start, col(Visit.visited_at) < end)
            .group_by(Visit.purpose)
        ).all()
    counts = dict.fromkeys(VisitPurpose, 0)
    for purpose, count in rows:
        counts[VisitPurpose(purpose)] = int(count)
    return counts


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def _load_ledger(session: Session, day: date) -> LedgerView:
    start = _day_start(day)
    found = session.exec(
        select(Visit, Staff.name, Case.case_number)
        .join(Staff, col(Staff.id) == Visit.staff_id)
        .join(Case, col(Case.id) == Visit.case_id, isouter=True)
        .where(col(Visit.visited_at) >= start, col(Visit.visited_at) < start + timedelta(days=1))
        .order_by(Visit.visited_at, Visit.id)
    ).all()
    rows = tuple(_ledger_row(visit, staff_name, case_number) for visit, staff_name, case_number in found)
    counts = dict.fromkeys(VisitPurpose, 0)
    for row in rows:
        counts[row.purpose] += 1
    return LedgerView(day=day, rows=rows, counts=counts, report=_report_info(session, day))


def _ledger_row(visit: Visit, staff_name: str, case_number: str | None) -> LedgerRow:
    assert visit.id is not None
    return LedgerRow(
        visit_id=visit.id,
        visited_at=visit.visited_at,
        channel=Channel(visit.channel),
        visitor_name=visit.visitor_name,
        id_number_masked=mask_id_number(visit.visitor_id_number),
        phone_masked=mask_phone(visit.visitor_phone),
        purpose=VisitPurpose(visit.purpose),
        case_number=case_number,
        staff_name=staff_name,
        outcome=visit.outcome,
        late_entry_reason=visit.late_entry_reason,
    )


def _report_info(session: Session, day: date) -> ReportInfo | None:
    found = session.exec(
        select(LedgerReport, Staff.login, Staff.name)
        .join(Staff, col(Staff.id) == LedgerReport.reported_by_id)
        .where(LedgerReport.day == day)
    ).first()
    if found is None:
        return None
    report, login, name = found
    return ReportInfo(report.reported_at, login, name, report.visit_count, report.file_sha256)


@dataclass(frozen=True)
class LedgerReportResult:
    day: date
    path: Path
    visit_count: int
    counts: dict[VisitPurpose, int]
    newly_reported: bool  # False: the day had been reported before; the file was written again, identical
    reported_at: datetime
    reported_by_login: str
    reported_by_name: str
    sha256: str
    matches_report: bool  # the file written equals the one reported (False: the data changed since)


class _AlreadyReported(Exception):
    """Another run reported the day while this one waited for the write lock."""


def report_daily_ledger(
    engine: Engine,
    day: date,
    out_path: Path,
    *,
    actor: Actor,
    clock: Clock,
    court_name: str = DEFAULT_COURT_NAME,
) -> LedgerReportResult:
    """Write the day's ledger as .xlsx and mark the day reported, once (R-REC-5, R-CLI-2).

    The first run records who reported and when; every later run writes byte-identical file content from that
    record and adds no second report. The file appears whole or not at all, and is removed again if the
    database refuses the report.
    """
    require_role(actor, LEDGER_REPORT_ROLES, "报送接待台账")
    _check_report_day(day, clock.now())
    target = Path(out_path)
    if target.suffix.lower() != ".xlsx":
        raise FieldError(F_OUT, f"须为 .xlsx 文件（收到：{target.name}）")
    with read_session(engine) as session:
        reported = session.get(LedgerReport, day) is not None
    if not reported:
        try:
            return _report_first_time(engine, day, target, actor=actor, clock=clock, court_name=court_name)
        except (_AlreadyReported, AlreadySaved):
            pass  # a run at the same time reported first: write the file from its record
    return _write_reported_again(engine, day, target, court_name=court_name)


def _check_report_day(day: date, now: datetime) -> None:
    if day > now.date():
        raise FieldError(F_DAY, f"{day:%Y-%m-%d} 尚未到来，不能报送")
    if day == now.date() and now.time() < RECEPTION_CLOSE:
        raise FieldError(F_DAY, f"今日接待 {RECEPTION_CLOSE:%H:%M} 截止，截止后才能报送今日台账")


def _report_first_time(
    engine: Engine, day: date, target: Path, *, actor: Actor, clock: Clock, court_name: str
) -> LedgerReportResult:
    temp: Path | None = None
    placed = False
    try:
        with unit_of_work(engine, actor=actor, action="报送接待台账", clock=clock) as session:
            lock_ledger_day(session, day)
            if session.get(LedgerReport, day) is not None:
                raise _AlreadyReported
            ledger = _load_ledger(session, day)
            now = clock.now()
            content = ledger_xlsx.render(ledger, court_name=court_name, reporter_name=actor.name, reported_at=now)
            digest = hashlib.sha256(content).hexdigest()
            temp = _write_temp(target, content)
            session.add(
                LedgerReport(
                    day=day, reported_at=now, reported_by_id=actor.id, visit_count=ledger.total, file_sha256=digest
                )
            )
            session.flush()
            _place(temp, target)
            placed = True
    except BaseException:
        _discard(target if placed else temp)
        raise
    report = ReportInfo(now, actor.login, actor.name, ledger.total, digest)
    return _result(ledger, target, report, digest, newly_reported=True)


def _write_reported_again(engine: Engine, day: date, target: Path, *, court_name: str) -> LedgerReportResult:
    with read_session(engine) as session:
        ledger = _load_ledger(session, day)
    report = ledger.report
    if report is None:
        raise ServiceError("报送未能完成，请重试")
    content = ledger_xlsx.render(
        ledger, court_name=court_name, reporter_name=report.reported_by_name, reported_at=report.reported_at
    )
    temp = _write_temp(target, content)
    try:
        _place(temp, target)
    except BaseException:
        _discard(temp)
        raise
    return _result(ledger, target, report, hashlib.sha256(content).hexdigest(), newly_reported=False)


def _result(
    ledger: LedgerView, target: Path, report: ReportInfo, digest: str, *, newly_reported: bool
) -> LedgerReportResult:
    return LedgerReportResult(
        day=ledger.day,
        path=target,
        visit_count=ledger.total,
        counts=ledger.counts,
        newly_reported=newly_reported,
        reported_at=report.reported_at,
        reported_by_login=report.reported_by_login,
        reported_by_name=report.reported_by_name,
        sha256=digest,
        matches_report=digest == report.file_sha256,
    )


# -- writing files whole ------------------------------------------------------------------------------------

_IO_REASONS = {
    errno.ENOENT: "目录不存在",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.EISDIR: "该路径是一个目录",
    errno.ENOTDIR: "路径中有一段不是目录",
}


def _io_error(target: Path, error: OSError) -> ServiceError:
    reason = _IO_REASONS.get(error.errno or 0, error.strerror or str(error))
    return ServiceError(f"无法写入 {target}：{reason}")


def _write_temp(target: Path, content: bytes) -> Path:
    """A complete, synced copy next to ``target`` (same file system, so the rename is atomic)."""
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _io_error(target, error) from None
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        temp.chmod(0o644)  # mkstemp makes it owner-only; a report is opened by other clerks
    except OSError as error:
        _discard(temp)
        raise _io_error(target, error) from None
    return temp


def _place(temp: Path, target: Path) -> None:
    try:
        os.replace(temp, target)
    except OSError as error:
        raise _io_error(target, error) from None


def _discard(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)
