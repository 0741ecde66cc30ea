"""接待台账 (F2, R-REC-1..6): register a visit or hotline call in one keyboard flow, today's ledger with counts
by purpose, the 16:45/17:00 banner and late-entry reason, and booking a handler–party meeting or call-back.

The common case — a party asking about their case — is: type the ID number (the visitor's cases fill in as soon as
it is valid), Enter, pick the case with Enter, type the outcome, Enter saves. Every service call goes through
``run_service`` and answers with a message of its own; on an error the form stays as typed and the message shows
at its field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from zhihui_tui.domain.reception import F_CASE, F_LATE_REASON, IdKind
from zhihui_tui.services.reception import ReceptionAction, allowed_actions, visitor_cases
from zhihui_tui.tui.drafts import RESTORED, fill_fields
from zhihui_tui.tui.screens.base import SignedInScreen, show_text
from zhihui_tui.tui.screens.reception.booking import BookingScreen
from zhihui_tui.tui.screens.reception.common import (
    CASE_HINT,
    FIELD_KEYS,
    LEDGER_COLUMNS,
    NO_CASES,
    SAVED,
    Notice,
    case_label,
    contact_text,
    counts_text,
    id_feedback,
    ledger_cells,
)
from zhihui_tui.tui.screens.reception.form import (
    FOCUS_TARGETS,
    clear_visit,
    id_kind_of,
    read_visit,
    visit_draft,
    visit_fields,
)
from zhihui_tui.tui.screens.reception.jobs import read_ledger, reception_now, save_visit
from zhihui_tui.tui.screens.reception.messages import CasesFound, LedgerLoaded, NoticeChanged, Saved
from zhihui_tui.tui.service_calls import FailureKind
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from zhihui_tui.domain.drafts import FormDraft
    from zhihui_tui.services.reception import VisitorCase
    from zhihui_tui.tui.service_calls import Failure

LOOK_UP = "查询来访人案件"
READ_LEDGER = "读取接待台账"
SAVE_VISIT = "登记来访"
READ_NOTICE = "读取接待时间"


FIELD_OF_INPUT = {selector: key for key, selector in FOCUS_TARGETS.items()}  # an edited field → its error line


class ReceptionScreen(SignedInScreen):
    """F2: the visit form over today's ledger, with the reception banner on top."""

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
        self.saving = False  # a save is on its way: a second Enter waits for its answer
        self.unsaved_keys: set[str] = set()  # the fields a 「未保存」 message names, until each is typed in again

    def compose(self) -> ComposeResult:
        yield self.make_header()
        yield Static("", id="rc-banner", markup=False)
        with VerticalScroll(id="rc-body", can_focus=False):
            actor = self.shell.actor
            yield from visit_fields(f"{actor.name}（{actor.login}）" if actor else "")
            yield Static("", id="rc-message", markup=False)
            yield Static("今日接待台账", id="rc-ledger-title")
            yield Static("正在读取…", id="rc-counts", markup=False)
            table: DataTable[str] = DataTable(id="rc-ledger", cursor_type="row", zebra_stripes=True)
            table.add_columns(*LEDGER_COLUMNS)
            yield table
        yield self.make_footer()

    def on_mount(self) -> None:
        self.query_one("#rc-cases", OptionList).display = False

    async def prepare_hidden(self) -> None:
        """Built ahead after sign-in: today's ledger is read and drawn off screen too (``read_ahead``)."""
        await self.read_ahead(lambda ctx: LedgerLoaded(*read_ledger(ctx)), self.show_ledger)
        await super().prepare_hidden()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def save_draft(self) -> FormDraft | None:
        """The visit being typed, for the hang-up (None: nothing typed)."""
        return visit_draft(self)

    async def restore_draft(self, draft: FormDraft, *, record_changed: bool) -> None:
        """恢复: the visit as typed; the ID number's cases are looked up again, the case is picked again."""
        fill_fields(self.query_one("#rc-body"), draft.values)
        self.say(f"{RESTORED}（关联案件请重新选择）")

    # -- the ID number, checked as typed, and the visitor's cases -----------------------------------------------

    @on(Input.Changed, "#rc-id")
    @on(Select.Changed, "#rc-id-kind")
    def id_changed(self) -> None:
        """Check the number as typed; once valid, look up the visitor's cases (the newest lookup wins)."""
        kind = id_kind_of(self)
        number, note = id_feedback(kind, self.query_one("#rc-id", Input).value, self.shell.runtime.clock.now())
        error = bool(note) and not note.startswith("已输入")
        self.set_error("id", note if error else "")
        self.query_one("#rc-id-note", Static).update("" if error else note)
        if number is None or kind is IdKind.OTHER:
            self.show_cases("", [])
        elif number != self.looked_up:
            self.query_one("#rc-case-hint", Static).update(f"{F_CASE}：正在查询…")
            self.run_service(
                lambda ctx: visitor_cases(number, id_kind=kind, ctx=ctx),
                action=LOOK_UP,
                done=lambda cases: CasesFound(number, cases),
                group="visitor-cases",
                exclusive=True,
            )

    @on(CasesFound)
    def cases_found(self, message: CasesFound) -> None:
        now = self.shell.runtime.clock.now()
        current, _ = id_feedback(id_kind_of(self), self.query_one("#rc-id", Input).value, now)
        if current == message.id_number:  # a reply for a number no longer typed is dropped
            self.show_cases(message.id_number, message.cases)

    def show_cases(self, number: str, cases: list[VisitorCase]) -> None:
        """List the visitor's cases (none picked yet), with the hint over the list."""
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
        """The handler's landline for the picked (or highlighted) case."""
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
        clear_visit(self)
        self.show_cases("", [])
        self.clear_errors()
        self.say("")
        self.query_one("#rc-id", Input).focus()

    # -- saving ------------------------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.clear_errors()
        self.say("正在保存…")
        raw, when = read_visit(self, self.picked.case_id if self.picked else None)
        self.run_service(reception_now, action=READ_NOTICE, done=NoticeChanged, group="notice", exclusive=True)
        self.run_service(
            lambda ctx: save_visit(ctx, raw, when),
            action=SAVE_VISIT,
            done=lambda visit_id: Saved(visit_id, raw.case_id),
            group="save-visit",
        )

    @on(Saved)
    def saved(self, message: Saved) -> None:
        self.saving = False
        self.last_visit = (message.visit_id, message.case_id)
        picked = self.picked
        self.action_new_visit()
        self.picked = picked  # booking a meeting for the case just saved stays one key away (Ctrl+O)
        self.say(f"{SAVED}（第 {message.visit_id} 号）" + ("；Ctrl+O 为该案预约承办人" if picked else ""))
        self.action_reload()

    def display_failure(self, action: str, failure: Failure) -> None:
        """At the field it names (the form stays as typed), else in the message line."""
        if action == LOOK_UP:
            self.set_error("case", f"案件查询失败：{failure.text}")
            return
        if action == READ_LEDGER:
            self.say(f"台账读取失败：{failure.text}（按 Ctrl+R 重试）", error=True)
            return
        if action == READ_NOTICE:
            self.say(failure.text, error=True)
            return
        self.saving = False
        marked = [(FIELD_KEYS[label], label, reason) for label, reason in failure.fields if label in FIELD_KEYS]
        if not marked:
            self.say(failure.text, error=True)
        else:
            for key, _label, reason in marked:
                self.set_error(key, reason)
            self.say(f"未保存：{'、'.join(label for label, _reason in failure.fields)}有误", error=True)
            self.unsaved_keys = {key for key, _label, _reason in marked}
            focus_field(self, marked[0][0])
        if failure.kind is not FailureKind.REFUSED:
            super().display_failure(action, failure)

    @on(Input.Changed)
    @on(Select.Changed)
    def field_edited(self, event: Input.Changed | Select.Changed) -> None:
        """A field typed in again: its error line, and a 「未保存」 message about it, are no longer true (issue 11)."""
        key = FIELD_OF_INPUT.get(f"#{event.control.id}")
        if key is None or key == "id":  # the ID number is checked as it is typed (id_changed)
            return
        self.set_error(key, "")
        if key in self.unsaved_keys:
            self.unsaved_keys.discard(key)
            if not self.unsaved_keys:  # every field it named was typed in again
                self.say("")

    def set_error(self, key: str, text: str) -> None:
        """Show ``text`` on the error line ``#err-<key>`` (hidden when empty)."""
        line = self.query_one(f"#err-{key}", Static)
        line.update(text)
        line.display = bool(text)

    def clear_errors(self) -> None:
        for line in self.query(".rc-error").results(Static):
            line.update("")
            line.display = False

    def say(self, text: str, *, error: bool = False) -> None:
        """The message line under the form."""
        line = self.query_one("#rc-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    # -- booking ------------------------------------------------------------------------------------------------

    def action_book(self) -> None:
        actor = self.shell.actor
        if actor is None or ReceptionAction.BOOK not in allowed_actions(actor):
            self.notify("无权登记预约", severity="warning")
            return
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
        self.run_service(
            read_ledger, action=READ_LEDGER, done=lambda read: LedgerLoaded(*read), group="ledger", exclusive=True
        )

    @on(LedgerLoaded)
    def show_ledger(self, message: LedgerLoaded) -> None:
        self.show_notice(message.notice)
        show_text(self.query_one("#rc-counts", Static), counts_text(message.ledger))
        table = self.query_one("#rc-ledger", DataTable)
        table.replace_rows((str(row.visit_id), ledger_cells(row)) for row in message.ledger.rows)

    @on(NoticeChanged)
    def notice_changed(self, message: NoticeChanged) -> None:
        self.show_notice(message.notice)

    def show_notice(self, notice: Notice) -> None:
        """The banner (a warning from 16:45) and the late-entry reason marked required after 17:00."""
        banner = self.query_one("#rc-banner", Static)
        show_text(banner, notice.text)
        banner.set_class(notice.warning, "-warning")
        self.late_why = notice.late_why
        late_row = self.query_one("#rc-late").parent
        assert late_row is not None
        show_text(late_row.query_one(".rc-label", Static), f"{F_LATE_REASON}*" if notice.late_why else F_LATE_REASON)


def focus_field(screen: ReceptionScreen, key: str) -> None:
    """Put the cursor in the field of error line ``key`` and scroll the error into view."""
    selector = FOCUS_TARGETS.get(key)
    if selector is None:
        return
    widget = screen.query_one(selector)
    if widget.display:
        widget.focus()
    screen.query_one(f"#err-{key}").scroll_visible()
