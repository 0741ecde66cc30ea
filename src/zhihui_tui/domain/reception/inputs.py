"""A visit and a booking as typed at the reception post (raw), and as checked (normalised)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from zhihui_tui.domain.reception.terms import AppointmentChannel, AppointmentKind, Channel, IdKind, VisitPurpose


@dataclass(frozen=True)
class VisitInput:
    """One visit or hotline call as typed at the reception post (R-REC-1)."""

    id_number: str = ""
    outcome: str = ""
    purpose: VisitPurpose | str = VisitPurpose.CASE_QUERY
    case_id: int | None = None
    visitor_name: str = ""
    id_kind: IdKind | str = IdKind.RESIDENT_ID
    phone: str = ""
    channel: Channel | str = Channel.WINDOW
    visited_at: datetime | None = None  # None: now
    staff_id: int | None = None  # None: the clerk at the keyboard
    late_entry_reason: str = ""


@dataclass(frozen=True)
class CheckedVisit:
    """A visit normalised and checked field by field, ready for the service's database checks."""

    visited_at: datetime
    channel: Channel
    visitor_name: str | None  # None: take the name registered for the ID number
    id_kind: IdKind
    id_number: str | None
    phone: str | None
    purpose: VisitPurpose
    case_id: int | None
    staff_id: int | None
    outcome: str
    late_entry_reason: str | None


@dataclass(frozen=True)
class AppointmentInput:
    """A handler–party meeting or a handler call-back booked through the centre (R-REC-4)."""

    case_id: int
    kind: AppointmentKind | str
    channel: AppointmentChannel | str
    scheduled_at: datetime
    party_name: str
    handler_id: int | None = None  # None: the case's handler
    party_phone: str = ""
    note: str = ""
    visit_id: int | None = None


@dataclass(frozen=True)
class CheckedAppointment:
    """A booking normalised and checked field by field, ready for the service's database checks."""

    case_id: int
    kind: AppointmentKind
    channel: AppointmentChannel
    scheduled_at: datetime
    party_name: str
    handler_id: int | None
    party_phone: str | None
    note: str | None
    visit_id: int | None
