"""约见/回电 登记备案 (R-REC-4): the dialog that books a handler meeting or call-back for the picked case."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from zhihui_tui.domain.reception import (
    F_APPT_CHANNEL,
    F_APPT_KIND,
    F_APPT_PARTY,
    F_APPT_PHONE,
    F_APPT_TIME,
    AppointmentChannel,
    AppointmentKind,
)
from zhihui_tui.tui.screens.reception.common import APPT_FIELD_KEYS, contact_text, labelled
from zhihui_tui.tui.screens.reception.jobs import BookingForm, book
from zhihui_tui.tui.screens.reception.messages import Booked
from zhihui_tui.tui.service_calls import FailureKind, ServiceCaller

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from zhihui_tui.services.reception import VisitorCase
    from zhihui_tui.tui.service_calls import Failure

SENDING = "正在提交…"


class BookingScreen(ServiceCaller, ModalScreen[int | None]):
    """约见/回电 登记备案 for the picked case: kind, channel, time; the party and phone come from the visit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "提交", id="booking.send"),
        Binding("escape", "cancel", "取消", id="booking.cancel"),
    ]
    AUTO_FOCUS = "#bk-kind"
    DEFAULT_CSS = """
    BookingScreen { align: center middle; }
    #bk-box { width: 100%; max-width: 72; height: auto; max-height: 100%;
              border: round $primary; background: $surface; padding: 0 1; }
    #bk-title { text-style: bold; }
    BookingScreen .rc-row { height: auto; }
    BookingScreen .rc-label { width: 12; height: 1; color: $text-muted; }
    BookingScreen .rc-row > Input, BookingScreen .rc-row > Select { width: 1fr; }
    BookingScreen .rc-error { color: $text-error; height: auto; margin-left: 12; display: none; }
    #bk-message { color: $text-error; height: auto; }
    #bk-keys { color: $text-muted; height: 1; }
    """

    def __init__(self, case: VisitorCase, *, party_name: str, party_phone: str, visit_id: int | None) -> None:
        super().__init__()
        self.case = case
        self.party_name = party_name
        self.party_phone = party_phone
        self.visit_id = visit_id
        self.busy = False  # a booking is on its way: a second Ctrl+S waits for its answer

    def compose(self) -> ComposeResult:
        kinds = [(k.label, k) for k in AppointmentKind]
        channels = [(c.label, c) for c in AppointmentChannel]
        with VerticalScroll(id="bk-box", can_focus=False):
            title = f"预约承办人 · {self.case.case_number or '（未立案）'} · {contact_text(self.case)}"
            yield Static(title, id="bk-title", markup=False)
            kind = Select(kinds, allow_blank=False, value=AppointmentKind.MEETING, id="bk-kind", compact=True)
            yield from labelled(F_APPT_KIND, kind, "kind")
            channel = Select(
                channels, allow_blank=False, value=AppointmentChannel.IN_PERSON, id="bk-channel", compact=True
            )
            yield from labelled(F_APPT_CHANNEL, channel, "channel")
            when = Input(id="bk-time", compact=True, max_length=40, placeholder="YYYY-MM-DD HH:MM")
            yield from labelled(F_APPT_TIME, when, "time")
            party = Input(self.party_name, id="bk-party", compact=True, max_length=200)
            yield from labelled(F_APPT_PARTY, party, "party")
            phone = Input(self.party_phone, id="bk-phone", compact=True, max_length=60)
            yield from labelled(F_APPT_PHONE, phone, "phone")
            yield Static("", id="bk-message", markup=False)
            yield Static("Enter 下一项  Ctrl+S 提交  Esc 取消", id="bk-keys")

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "bk-phone":
            self.action_send()
        else:
            self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_send(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.show_error(None, SENDING)
        form, case_id, visit_id = self.read_form(), self.case.case_id, self.visit_id
        self.run_service(
            lambda ctx: book(ctx, case_id, visit_id, form), action="登记预约", done=Booked, group="booking"
        )

    def read_form(self) -> BookingForm:
        """The dialog's fields as typed (the selects always hold a member: no blank)."""
        kind = self.query_one("#bk-kind", Select).value
        channel = self.query_one("#bk-channel", Select).value
        assert isinstance(kind, AppointmentKind) and isinstance(channel, AppointmentChannel)
        return BookingForm(
            kind=kind,
            channel=channel,
            time=self.query_one("#bk-time", Input).value,
            party=self.query_one("#bk-party", Input).value,
            phone=self.query_one("#bk-phone", Input).value,
        )

    @on(Booked)
    def booked(self, message: Booked) -> None:
        self.dismiss(message.appointment_id)

    def display_failure(self, action: str, failure: Failure) -> None:
        """In the dialog, at the field it names; the form stays as typed."""
        self.busy = False
        self.show_error(failure.field, failure.text)
        if failure.kind is not FailureKind.REFUSED:
            super().display_failure(action, failure)

    def show_error(self, field: str | None, text: str) -> None:
        """``text`` under ``field`` if the dialog has it, else in the dialog's message line."""
        for line in self.query(".rc-error").results(Static):
            line.update("")
            line.display = False
        key = APPT_FIELD_KEYS.get(field or "")
        message = self.query_one("#bk-message", Static)
        if key is not None:
            line = self.query_one(f"#err-{key}", Static)
            line.update(text.removeprefix(f"{field}："))
            line.display = True
            message.update("")
        else:
            message.update(text)
