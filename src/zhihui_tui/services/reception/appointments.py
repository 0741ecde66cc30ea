"""Handler appointments booked through the centre (登记备案, R-REC-4): book, record as held, cancel, and the
handler's list of what is booked.

Only a booked appointment can be recorded as held or cancelled; the handler must be the case's handler or hold
the 承办人 post; a handler may book and settle only their own appointments; two bookings of one handler are at
least 30 minutes apart; a meeting is recorded as held no earlier than its booked day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Appointment, Case, Staff, StaffRole, Visit
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.reception import (
    APPOINTMENT_SLOT,
    F_APPT_HANDLER,
    F_APPT_TIME,
    F_CANCEL_REASON,
    F_CASE,
    AppointmentChannel,
    AppointmentInput,
    AppointmentKind,
    AppointmentStatus,
    check_appointment_input,
    check_outcome,
)
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.errors import PermissionDenied, ServiceError
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.reception.rules import ReceptionAction, at_reception, require_action
from zhihui_tui.services.uow import unit_of_work


def book_appointment(raw: AppointmentInput, *, ctx: ServiceContext) -> int:
    """Book a handler–party meeting or a handler call-back (登记备案); returns the appointment id."""
    actor = ctx.actor
    require_action(actor, ReceptionAction.BOOK)
    checked = check_appointment_input(raw, now=ctx.now(), cal=ctx.calendar)
    with unit_of_work(ctx.engine, actor=actor, action="登记预约", clock=ctx.clock) as session:
        case = session.get(Case, checked.case_id)
        if case is None:
            raise FieldError(F_CASE, "所选案件不存在")
        if case.stage == Stage.REJECTED.value:
            raise FieldError(F_CASE, "不予立案的案件不能预约承办人")
        handler_id = checked.handler_id or case.handler_id
        if handler_id is None:
            raise FieldError(F_APPT_HANDLER, "该案尚未分配承办人，请指定承办人")
        _check_handler(session, handler_id, case_handler_id=case.handler_id)
        if not at_reception(actor) and handler_id != actor.id:
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
            booked_at=ctx.now(),
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


def record_appointment_held(appointment_id: int, outcome: str, *, expected_version: int, ctx: ServiceContext) -> None:
    """Record a booked meeting or call-back as held. Without a booking there is nothing to record (R-REC-4)."""
    actor = ctx.actor
    require_action(actor, ReceptionAction.SETTLE)
    text = check_outcome(outcome)
    with unit_of_work(ctx.engine, actor=actor, action="登记约见已进行", clock=ctx.clock) as session:
        appointment = _booked(session, appointment_id, expected_version, actor, "登记为已进行")
        if ctx.today() < appointment.scheduled_at.date():
            raise ServiceError(f"预约时间为 {appointment.scheduled_at:%Y-%m-%d %H:%M}，当日之前不能登记为已进行")
        appointment.status = AppointmentStatus.HELD.value
        appointment.held_at = ctx.now()
        appointment.outcome = text


def cancel_appointment(appointment_id: int, reason: str, *, expected_version: int, ctx: ServiceContext) -> None:
    """Cancel a booked appointment, with the reason told to the party."""
    actor = ctx.actor
    require_action(actor, ReceptionAction.SETTLE, doing="取消预约")
    text = check_outcome(reason, field=F_CANCEL_REASON)
    with unit_of_work(ctx.engine, actor=actor, action="取消预约", clock=ctx.clock) as session:
        appointment = _booked(session, appointment_id, expected_version, actor, "取消")
        appointment.status = AppointmentStatus.CANCELLED.value
        appointment.outcome = text


def _booked(session: Session, appointment_id: int, expected_version: int, actor: Actor, verb: str) -> Appointment:
    """The appointment locked at the version the clerk read, still booked, and the actor's to settle."""
    appointment = load_for_update(
        session,
        Appointment,
        appointment_id,
        expected_version,
        what="该预约",
        missing=f"没有编号为 {appointment_id} 的预约：未在指挥中心登记备案的约见不能{verb}",
    )
    if not at_reception(actor) and appointment.handler_id != actor.id:
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
    version: int  # as read: settling it names this version (``expected_version``)


def handler_appointments(*, ctx: ServiceContext, limit: int = 100) -> list[AppointmentView]:
    """The signed-in handler's booked appointments, earliest first (past ones still waiting for a result)."""
    today = ctx.today()
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(Appointment, Case.case_number)
            .join(Case, col(Case.id) == Appointment.case_id)
            .where(Appointment.handler_id == ctx.actor.id, Appointment.status == AppointmentStatus.BOOKED.value)
            .order_by(col(Appointment.scheduled_at), col(Appointment.id))
            .limit(limit)
        ).all()
    views: list[AppointmentView] = []
    for appointment, case_number in rows:
        assert appointment.id is not None
        views.append(
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
                version=appointment.version,
            )
        )
    return views
