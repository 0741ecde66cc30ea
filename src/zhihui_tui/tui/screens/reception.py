"""接待台账 (F2, R-REC-1..6): register a visit or hotline call in one keyboard flow, today's ledger with counts
by purpose, the 16:45/17:00 banner and late-entry reason, and booking a handler–party meeting or call-back.

The common case — a party asking about their case — is: type the ID number (the visitor's cases fill in as soon as
it is valid), Enter, pick the case with Enter, type the outcome, Enter saves. Every database call runs in a thread
worker and reports back with a message; on an error the form stays as typed and the message shows at its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.reception import (
    F_APPT_CHANNEL,
    F_APPT_KIND,
    F_APPT_PARTY,
    F_APPT_PHONE,
    F_APPT_TIME,
    F_CASE,
    F_CHANNEL,
    F_ID_KIND,
    F_ID_NUMBER,
    F_LATE_REASON,
    F_NAME,
    F_OUTCOME,
    F_PHONE,
    F_PURPOSE,
    F_STAFF,
    F_TIME,
    AppointmentChannel,
    AppointmentKind,
    Channel,
    IdKind,
    VisitInput,
    VisitPurpose,
    check_id_document,
)
from zhihui_tui.tui.screens.base import SignedInScreen
from zhihui_tui.tui.shell import shell_of
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.reception import LedgerRow, LedgerView, VisitorCase

CASE_HINT = "输入有效证件号后，列出其作为当事人或代理人的案件"
NO_CASES = "该证件号未在任何案件中登记（可不选案件，或核对证件号）"
SAVED = "已登记"
LEDGER_COLUMNS = ("时间", "渠道", "来访人", "证件号", "事由", "案号", "接待人", "处理结果")
# FieldError.field → the key of the error line under that field (``#err-<key>``).
FIELD_KEYS = {
    F_ID_NUMBER: "id",
    F_ID_KIND: "id",
    F_CASE: "case",
    F_OUTCOME: "outcome",
    F_PURPOSE: "purpose",
    F_CHANNEL: "channel",
    F_NAME: "name",
    F_PHONE: "phone",
    F_TIME: "time",
    F_LATE_REASON: "late",
    F_STAFF: "staff",
}
APPT_FIELD_KEYS = {
    F_APPT_KIND: "kind",
    F_APPT_CHANNEL: "channel",
    F_APPT_TIME: "time",
    F_APPT_PARTY: "party",
    F_APPT_PHONE: "phone",
}


def short(text: str | None, width: int) -> str:
    value = (text or "").replace("\n", " ")
    return value if len(value) <= width else value[: width - 1] + "…"


def error_text(error: Exception) -> str:
    return getattr(error, "message", None) or str(error)


def case_label(case: VisitorCase) -> str:
    number = case.case_number or "（未立案）"
    handler = case.handler_name or "未分配"
    return f"{number}  {'、'.join(case.visitor_roles)}  {case.stage_label}  承办人 {handler}"


def contact_text(case: VisitorCase) -> str:
    """R-REC-3: the handler is reached by the office landline (or the centre's hotline), never a mobile."""
    handler = case.handler_name or "未分配"
    return f"承办人 {handler} · 办公电话 {case.handler_contact}"


def ledger_cells(row: LedgerRow) -> tuple[str, ...]:
    return (
        f"{row.visited_at:%H:%M}",
        row.channel.label,
        short(row.visitor_name, 8),
        row.id_number_masked,
        row.purpose.label,
        row.case_number or "—",
        row.staff_name,
        short(row.outcome, 20),
    )


def counts_text(ledger: LedgerView) -> str:
    parts = " · ".join(f"{purpose.label} {count}" for purpose, count in ledger.counts.items())
    text = f"今日 {ledger.total} 人次：{parts}"
    if ledger.report is not None:
        text += f"（已于 {ledger.report.reported_at:%H:%M} 报送）"
    return text


def id_feedback(kind: IdKind, text: str, today: datetime) -> tuple[str | None, str]:
    """(the normalised number or None, a message for under the field) — checked as the clerk types.

    A resident ID or credit code still being typed (shorter than 18, no bad character) gets a count, not an error.
    """
    raw = text.strip()
    if not raw:
        return None, ""
    try:
        number = check_id_document(kind, raw, today=today.date())
    except FieldError as error:
        typing = kind is not IdKind.OTHER and len(raw) < 18 and error.reason != "含非法字符"
        return None, (f"已输入 {len(raw)} 位" if typing else error.reason)
    return number, ""


@dataclass(frozen=True)
class Notice:
    """The reception banner and why a late-entry reason is needed now (None: not needed)."""

    warning: bool
    text: str
    late_why: str | None


def reception_now(runtime: Any) -> Notice:
    """Runs in a worker: the calendar loads holiday data."""
    from zhihui_tui.domain.calendar import ReceptionState
    from zhihui_tui.domain.reception import late_entry_required, reception_notice

    now = runtime.clock.now()
    state, text = reception_notice(now, runtime.calendar)
    return Notice(state is not ReceptionState.OPEN, text, late_entry_required(now, now, runtime.calendar))


# -- messages ------------------------------------------------------------------------------------------------


class CasesFound(Message):
    def __init__(self, id_number: str, cases: list[VisitorCase]) -> None:
        super().__init__()
        self.id_number = id_number
        self.cases = cases


class LedgerLoaded(Message):
    def __init__(self, ledger: LedgerView, notice: Notice) -> None:
        super().__init__()
        self.ledger = ledger
        self.notice = notice


class NoticeChanged(Message):
    def __init__(self, notice: Notice) -> None:
        super().__init__()
        self.notice = notice


class Saved(Message):
    def __init__(self, visit_id: int, case_id: int | None) -> None:
        super().__init__()
        self.visit_id = visit_id
        self.case_id = case_id


class Refused(Message):
    """A service or field error: ``field`` is the Chinese label (empty: not tied to one field)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__()
        self.field = field
        self.reason = reason


def refused(error: Exception) -> Refused:
    if isinstance(error, FieldError):
        return Refused(error.field, error.reason)
    return Refused("", error_text(error))


def labelled(label: str, widget: Widget, key: str) -> ComposeResult:
    """A form row with its error line under it (``#err-<key>``, hidden while empty)."""
    yield Horizontal(Static(label, classes="rc-label", markup=False), widget, classes="rc-row")
    yield Static("", id=f"err-{key}", classes="rc-error", markup=False)


# -- booking a handler meeting or call-back (R-REC-4) --------------------------------------------------------


class BookingScreen(ModalScreen[int | None]):
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

    class Booked(Message):
        def __init__(self, appointment_id: int) -> None:
            super().__init__()
            self.appointment_id = appointment_id

    def __init__(self, case: VisitorCase, *, party_name: str, party_phone: str, visit_id: int | None) -> None:
        super().__init__()
        self.case = case
        self.party_name = party_name
        self.party_phone = party_phone
        self.visit_id = visit_id
        self._busy = False

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
        if self._busy:
            return
        self._busy = True
        self.show_errors(Refused("", "正在提交…"))
        self.book(self.read_form())

    def read_form(self) -> dict[str, Any]:
        return {
            "kind": self.query_one("#bk-kind", Select).value,
            "channel": self.query_one("#bk-channel", Select).value,
            "time": self.query_one("#bk-time", Input).value,
            "party": self.query_one("#bk-party", Input).value,
            "phone": self.query_one("#bk-phone", Input).value,
        }

    @work(thread=True, exit_on_error=False, group="booking")
    def book(self, form: dict[str, Any]) -> None:
        from zhihui_tui.domain.reception import AppointmentInput, parse_when
        from zhihui_tui.services.reception import book_appointment

        shell = shell_of(self)
        runtime, actor = shell.runtime, shell.actor
        assert actor is not None
        try:
            at = parse_when(form["time"], field=F_APPT_TIME, now=runtime.clock.now())
            raw = AppointmentInput(
                case_id=self.case.case_id,
                kind=form["kind"],
                channel=form["channel"],
                scheduled_at=at,
                party_name=form["party"],
                party_phone=form["phone"],
                visit_id=self.visit_id,
            )
            found = book_appointment(raw, ctx=shell.service_context())
            message: Message = self.Booked(found)
        except Exception as error:  # shown in the dialog; the form stays as typed
            message = refused(error)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(Booked)
    def booked(self, message: Booked) -> None:
        self.dismiss(message.appointment_id)

    @on(Refused)
    def show_errors(self, message: Refused) -> None:
        self._busy = message.reason == "正在提交…"
        for line in self.query(".rc-error").results(Static):
            line.update("")
            line.display = False
        key = APPT_FIELD_KEYS.get(message.field)
        if key is not None:
            line = self.query_one(f"#err-{key}", Static)
            line.update(message.reason)
            line.display = True
            self.query_one("#bk-message", Static).update("")
        else:
            text = f"{message.field}：{message.reason}" if message.field else message.reason
            self.query_one("#bk-message", Static).update(text)


# -- the reception screen ------------------------------------------------------------------------------------


class ReceptionScreen(SignedInScreen):
    SCREEN_NAME = "接待台账"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="reception.save"),
        Binding("ctrl+o", "book", "预约", id="reception.book"),
        Binding("escape", "back", "返回", id="reception.back"),
        Binding("ctrl+n", "new_visit", "清空", id="reception.new"),
        Binding("ctrl+r", "reload", "刷新", id="reception.reload"),
    ]
    AUTO_FOCUS = "#rc-id"
    DEFAULT_CSS = """
    #rc-banner { height: 1; padding: 0 1; color: $text-muted; }
    #rc-banner.-warning { background: $warning-muted; color: $text-warning; text-style: bold; }
    #rc-body { height: 1fr; padding: 0 1; }
    ReceptionScreen .rc-row { height: auto; }
    ReceptionScreen .rc-label { width: 10; height: 1; color: $text-muted; }
    ReceptionScreen .rc-row > Input, ReceptionScreen .rc-row > Select { width: 1fr; }
    ReceptionScreen .rc-error { color: $text-error; height: auto; margin-left: 10; display: none; }
    #rc-id-note { color: $text-muted; height: 1; margin-left: 10; }
    #rc-case-box { height: auto; }
    #rc-cases { height: auto; max-height: 5; margin-left: 10; }
    #rc-case-hint { color: $text-muted; height: auto; margin-left: 10; }
    #rc-contact { height: 1; margin-left: 10; color: $text-accent; }
    #rc-message { height: auto; min-height: 1; }
    #rc-message.-error { color: $text-error; }
    #rc-ledger-title { text-style: bold; margin-top: 1; }
    #rc-counts { height: auto; color: $text-muted; }
    #rc-ledger { height: auto; max-height: 12; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.cases: list[VisitorCase] = []
        self.picked: VisitorCase | None = None
        self.looked_up = ""  # the normalised ID number whose cases are listed
        self.last_visit: tuple[int, int | None] | None = None  # (visit id, case id) of the last save
        self.late_why: str | None = None
        self._saving = False

    def compose(self) -> ComposeResult:
        yield self.make_header()
        yield Static("", id="rc-banner", markup=False)
        with VerticalScroll(id="rc-body", can_focus=False):
            yield from self.form()
            yield Static("", id="rc-message", markup=False)
            yield Static("今日接待台账", id="rc-ledger-title")
            yield Static("正在读取…", id="rc-counts", markup=False)
            table: DataTable[str] = DataTable(id="rc-ledger", cursor_type="row", zebra_stripes=True)
            table.add_columns(*LEDGER_COLUMNS)
            yield table
        yield self.make_footer()

    def form(self) -> ComposeResult:
        yield from labelled(F_ID_NUMBER, Input(id="rc-id", compact=True, max_length=60), "id")
        yield Static("", id="rc-id-note", markup=False)
        with Vertical(id="rc-case-box"):
            yield Static(f"{F_CASE}：{CASE_HINT}", id="rc-case-hint", markup=False)
            yield OptionList(id="rc-cases", compact=True, markup=False)
            yield Static("", id="err-case", classes="rc-error", markup=False)
            yield Static("", id="rc-contact", markup=False)
        yield from labelled(F_OUTCOME, Input(id="rc-outcome", compact=True, max_length=2000), "outcome")
        purposes = [(p.label, p) for p in VisitPurpose]
        purpose = Select(purposes, allow_blank=False, value=VisitPurpose.CASE_QUERY, id="rc-purpose", compact=True)
        yield from labelled(F_PURPOSE, purpose, "purpose")
        channels = [(c.label, c) for c in Channel]
        channel = Select(channels, allow_blank=False, value=Channel.WINDOW, id="rc-channel", compact=True)
        yield from labelled(F_CHANNEL, channel, "channel")
        kinds = [(k.label, k) for k in IdKind]
        yield from labelled(
            F_ID_KIND, Select(kinds, allow_blank=False, value=IdKind.RESIDENT_ID, id="rc-id-kind", compact=True), "kind"
        )
        name = Input(id="rc-name", compact=True, max_length=1000, placeholder="留空取案件中登记的姓名")
        yield from labelled(F_NAME, name, "name")
        yield from labelled(F_PHONE, Input(id="rc-phone", compact=True, max_length=1000), "phone")
        when = Input(
            id="rc-time", compact=True, max_length=100, placeholder="留空为当前时间；HH:MM 或 YYYY-MM-DD HH:MM"
        )
        yield from labelled(F_TIME, when, "time")
        late = Input(id="rc-late", compact=True, max_length=1000, placeholder="17:00 后或补录往日来访时必填")
        yield from labelled(F_LATE_REASON, late, "late")
        actor = self.shell.actor
        staff = f"{actor.name}（{actor.login}）" if actor else ""
        yield from labelled(F_STAFF, Static(staff, id="rc-staff", markup=False), "staff")

    def on_mount(self) -> None:
        self.query_one("#rc-cases", OptionList).display = False

    def on_screen_resume(self) -> None:
        self.action_reload()

    # -- the ID number, checked as typed, and the visitor's cases -----------------------------------------------

    def id_kind(self) -> IdKind:
        value = self.query_one("#rc-id-kind", Select).value
        return value if isinstance(value, IdKind) else IdKind.RESIDENT_ID

    @on(Input.Changed, "#rc-id")
    @on(Select.Changed, "#rc-id-kind")
    def id_changed(self) -> None:
        text = self.query_one("#rc-id", Input).value
        number, note = id_feedback(self.id_kind(), text, self.shell.runtime.clock.now())
        error = bool(note) and not note.startswith("已输入")
        self.set_error("id", note if error else "")
        self.query_one("#rc-id-note", Static).update("" if error else note)
        if number is None or self.id_kind() is IdKind.OTHER:
            self.show_cases("", [])
        elif number != self.looked_up:
            self.query_one("#rc-case-hint", Static).update(f"{F_CASE}：正在查询…")
            self.find_cases(number, self.id_kind())

    @work(thread=True, exit_on_error=False, exclusive=True, group="visitor-cases")
    def find_cases(self, number: str, kind: IdKind) -> None:
        from zhihui_tui.services.reception import visitor_cases

        try:
            message: Message = CasesFound(number, visitor_cases(number, id_kind=kind, ctx=self.shell.service_context()))
        except Exception as error:
            message = Refused(F_CASE, f"案件查询失败：{error_text(error)}")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(CasesFound)
    def cases_found(self, message: CasesFound) -> None:
        current, _ = id_feedback(self.id_kind(), self.query_one("#rc-id", Input).value, self.shell.runtime.clock.now())
        if current == message.id_number:  # a reply for a number no longer typed is dropped
            self.show_cases(message.id_number, message.cases)

    def show_cases(self, number: str, cases: list[VisitorCase]) -> None:
        if number == self.looked_up and cases == self.cases:
            return
        self.looked_up, self.cases = number, cases
        self.picked = None
        options = self.query_one("#rc-cases", OptionList)
        options.clear_options()
        options.add_options([Option(case_label(case), id=str(case.case_id)) for case in cases])
        options.display = bool(cases)
        if cases:
            options.highlighted = 0
        hint = CASE_HINT if not number else (f"{len(cases)} 件，Enter 选定" if cases else NO_CASES)
        self.query_one("#rc-case-hint", Static).update(f"{F_CASE}：{hint}")
        self.show_contact()

    @on(OptionList.OptionSelected, "#rc-cases")
    def case_picked(self, event: OptionList.OptionSelected) -> None:
        self.picked = self.cases[event.option_index]
        number = self.picked.case_number or "（未立案）"
        self.query_one("#rc-case-hint", Static).update(f"{F_CASE}：已选 {number}（Enter 改选）")
        self.set_error("case", "")
        self.show_contact()
        self.query_one("#rc-outcome", Input).focus()

    @on(OptionList.OptionHighlighted, "#rc-cases")
    def show_contact(self) -> None:
        options = self.query_one("#rc-cases", OptionList)
        case = self.picked
        if case is None and self.cases and options.highlighted is not None:
            case = self.cases[options.highlighted]
        self.query_one("#rc-contact", Static).update(contact_text(case) if case else "")

    # -- moving through the form ------------------------------------------------------------------------------

    @on(Input.Submitted)
    def enter_pressed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "rc-outcome":
            self.action_save()
        elif event.input.id == "rc-id" and self.cases:
            self.query_one("#rc-cases", OptionList).focus()
        elif event.input.id == "rc-id":
            self.query_one("#rc-outcome", Input).focus()
        else:
            self.focus_next()

    def action_back(self) -> None:
        self.app.action_go_home()  # type: ignore[attr-defined]

    def action_new_visit(self) -> None:
        for field in self.query(".rc-row > Input").results(Input):
            field.value = ""
        self.query_one("#rc-purpose", Select).value = VisitPurpose.CASE_QUERY
        self.query_one("#rc-channel", Select).value = Channel.WINDOW
        self.query_one("#rc-id-kind", Select).value = IdKind.RESIDENT_ID
        self.show_cases("", [])
        self.clear_errors()
        self.query_one("#rc-message", Static).update("")
        self.query_one("#rc-id", Input).focus()

    # -- saving ------------------------------------------------------------------------------------------------

    def read_form(self) -> tuple[VisitInput, str]:
        """The visit as typed, and the time text (parsed in the worker: it needs the clock's now)."""

        def text(selector: str) -> str:
            return self.query_one(selector, Input).value

        raw = VisitInput(
            id_number=text("#rc-id"),
            outcome=text("#rc-outcome"),
            purpose=self.query_one("#rc-purpose", Select).value,  # type: ignore[arg-type]
            case_id=self.picked.case_id if self.picked else None,
            visitor_name=text("#rc-name"),
            id_kind=self.id_kind(),
            phone=text("#rc-phone"),
            channel=self.query_one("#rc-channel", Select).value,  # type: ignore[arg-type]
            late_entry_reason=text("#rc-late"),
        )
        return raw, text("#rc-time")

    def action_save(self) -> None:
        if self._saving:
            return
        self._saving = True
        self.clear_errors()
        self.say("正在保存…")
        raw, when = self.read_form()
        self.save_visit(raw, when)

    @work(thread=True, exit_on_error=False, group="save-visit")
    def save_visit(self, raw: VisitInput, when: str) -> None:
        from dataclasses import replace

        from zhihui_tui.domain.reception import parse_when
        from zhihui_tui.services.reception import register_visit

        runtime, actor = self.shell.runtime, self.shell.actor
        assert actor is not None
        try:
            self.post_message(NoticeChanged(reception_now(runtime)))
            if when.strip():
                raw = replace(raw, visited_at=parse_when(when, field=F_TIME, now=runtime.clock.now()))
            visit_id = register_visit(raw, ctx=self.shell.service_context())
            message: Message = Saved(visit_id, raw.case_id)
        except Exception as error:  # shown at its field; the form stays as typed
            message = refused(error)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(Saved)
    def saved(self, message: Saved) -> None:
        self._saving = False
        self.last_visit = (message.visit_id, message.case_id)
        picked = self.picked
        self.action_new_visit()
        self.picked = picked  # booking a meeting for the case just saved stays one key away (Ctrl+O)
        self.say(f"{SAVED}（第 {message.visit_id} 号）" + ("；Ctrl+O 为该案预约承办人" if picked else ""))
        self.action_reload()

    @on(Refused)
    def show_refusal(self, message: Refused) -> None:
        self._saving = False
        key = FIELD_KEYS.get(message.field)
        if key is None:
            text = f"{message.field}：{message.reason}" if message.field else message.reason
            self.say(text, error=True)
            return
        self.set_error(key, message.reason)
        self.say(f"未保存：{message.field}有误", error=True)
        self.focus_field(key)

    def focus_field(self, key: str) -> None:
        targets = {"id": "#rc-id", "case": "#rc-cases", "outcome": "#rc-outcome", "purpose": "#rc-purpose"}
        targets |= {"channel": "#rc-channel", "name": "#rc-name", "phone": "#rc-phone", "time": "#rc-time"}
        targets |= {"late": "#rc-late"}
        selector = targets.get(key)
        if selector is None:
            return
        widget = self.query_one(selector)
        if widget.display:
            widget.focus()
        self.query_one(f"#err-{key}").scroll_visible()

    def set_error(self, key: str, text: str) -> None:
        line = self.query_one(f"#err-{key}", Static)
        line.update(text)
        line.display = bool(text)

    def clear_errors(self) -> None:
        for line in self.query(".rc-error").results(Static):
            line.update("")
            line.display = False

    def say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#rc-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    # -- booking ------------------------------------------------------------------------------------------------

    def action_book(self) -> None:
        case = self.picked
        if case is None:
            self.notify("请先选定关联案件（输入证件号，在案件列表中按 Enter）", severity="warning")
            return
        visit_id = None
        if self.last_visit is not None and self.last_visit[1] == case.case_id:
            visit_id = self.last_visit[0]
        name = self.query_one("#rc-name", Input).value.strip() or case.registered_name
        phone = self.query_one("#rc-phone", Input).value.strip()
        screen = BookingScreen(case, party_name=name, party_phone=phone, visit_id=visit_id)
        self.app.push_screen(screen, callback=self.booked)

    def booked(self, appointment_id: int | None) -> None:
        if appointment_id is not None:
            self.notify(f"已登记预约（第 {appointment_id} 号），承办人将在其工作台看到")

    # -- today's ledger and the banner ---------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load_ledger()

    @work(thread=True, exit_on_error=False, exclusive=True, group="ledger")
    def load_ledger(self) -> None:
        from zhihui_tui.services.reception import todays_ledger

        runtime, actor = self.shell.runtime, self.shell.actor
        assert actor is not None
        try:
            notice = reception_now(runtime)
            ledger = todays_ledger(runtime.clock.now().date(), ctx=self.shell.service_context())
            message: Message = LedgerLoaded(ledger, notice)
        except Exception as error:
            message = Refused("", f"台账读取失败：{error_text(error)}（按 Ctrl+R 重试）")
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @on(LedgerLoaded)
    def show_ledger(self, message: LedgerLoaded) -> None:
        self.show_notice(message.notice)
        self.query_one("#rc-counts", Static).update(counts_text(message.ledger))
        table = self.query_one("#rc-ledger", DataTable)
        table.replace_rows((str(row.visit_id), ledger_cells(row)) for row in message.ledger.rows)

    @on(NoticeChanged)
    def notice_changed(self, message: NoticeChanged) -> None:
        self.show_notice(message.notice)

    def show_notice(self, notice: Notice) -> None:
        """The banner (a warning from 16:45) and the late-entry reason marked required after 17:00."""
        banner = self.query_one("#rc-banner", Static)
        banner.update(notice.text)
        banner.set_class(notice.warning, "-warning")
        self.late_why = notice.late_why
        late_row = self.query_one("#rc-late").parent
        assert late_row is not None
        late_row.query_one(".rc-label", Static).update(f"{F_LATE_REASON}*" if notice.late_why else F_LATE_REASON)
