"""The reception screens' service work, as run in ``run_service``'s worker with the session's context."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from zhihui_tui.domain.calendar import ReceptionState
from zhihui_tui.domain.reception import (
    F_APPT_TIME,
    F_TIME,
    AppointmentChannel,
    AppointmentInput,
    AppointmentKind,
    VisitInput,
    late_entry_required,
    parse_when,
    reception_notice,
)
from zhihui_tui.services.reception import book_appointment, register_visit, todays_ledger
from zhihui_tui.tui.screens.reception.common import Notice

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.reception import LedgerView


def reception_now(ctx: ServiceContext) -> Notice:
    """The banner as of the clock's now (in the worker: the calendar loads holiday data)."""
    now = ctx.now()
    state, text = reception_notice(now, ctx.calendar)
    return Notice(state is not ReceptionState.OPEN, text, late_entry_required(now, now, ctx.calendar))


def read_ledger(ctx: ServiceContext) -> tuple[LedgerView, Notice]:
    """Today's ledger with the banner as of reading it."""
    notice = reception_now(ctx)
    return todays_ledger(ctx.today(), ctx=ctx), notice


def save_visit(ctx: ServiceContext, raw: VisitInput, when: str) -> int:
    """Register the visit as typed; ``when`` is the time text (empty: now), parsed against the clock."""
    if when.strip():
        raw = replace(raw, visited_at=parse_when(when, field=F_TIME, now=ctx.now()))
    return register_visit(raw, ctx=ctx)


@dataclass(frozen=True)
class BookingForm:
    """The booking dialog as typed."""

    kind: AppointmentKind | str
    channel: AppointmentChannel | str
    time: str
    party: str
    phone: str


def book(ctx: ServiceContext, case_id: int, visit_id: int | None, form: BookingForm) -> int:
    """Book the appointment for the picked case; returns its id."""
    raw = AppointmentInput(
        case_id=case_id,
        kind=form.kind,
        channel=form.channel,
        scheduled_at=parse_when(form.time, field=F_APPT_TIME, now=ctx.now()),
        party_name=form.party,
        party_phone=form.phone,
        visit_id=visit_id,
    )
    return book_appointment(raw, ctx=ctx)
