"""The desk's two forms: 登记送达 (a mailing, an in-person service or a public notice) and 登记结果.

Both are :class:`~zhihui_tui.tui.screens.forms.FormScreen` dialogs whose bad fields are marked where they are: the
service checks every field at once (``FieldErrors``) and nothing is saved; each reason is shown under its field,
and typing in the field again clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.widgets import Input, Select, Static

from zhihui_tui.domain.mailing import NextAttempt, ServiceResult
from zhihui_tui.domain.service_attempts import (
    F_ADDRESS,
    F_METHOD,
    F_NEXT,
    F_RESULT,
    F_RESULT_ON,
    F_SENT_ON,
    F_TRACKING,
    AttemptInput,
    ResultInput,
    ServiceMethod,
)
from zhihui_tui.tui.drafts import row_from, row_json
from zhihui_tui.tui.screens.forms import FormScreen

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.widget import Widget

    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.service_desk import AttemptRow, ResultOutcome, Target
    from zhihui_tui.tui.service_calls import Failure

F_RECIPIENT = "受送达人"


class DeskForm(FormScreen):
    """A form whose every bad field is shown under the field (``FIELDS``: label → key of its widget)."""

    FIELDS: ClassVar[dict[str, str]] = {}
    DEFAULT_CSS = """
    DeskForm .ff-error { color: $text-error; height: auto; margin-left: 14; display: none; }
    DeskForm .ff-row > Input:disabled { opacity: 60%; }
    """

    def field(self, label: str, widget: Widget) -> ComposeResult:
        """A labelled row and its error line under it."""
        yield self.row(label, widget)
        yield Static("", id=f"err-{self.FIELDS[label]}", classes="ff-error", markup=False)

    def display_failure(self, action: str, failure: Failure) -> None:
        """Each bad field's reason under it and the cursor in the first; anything else in the message line."""
        self._busy = False
        for line in self.query(".ff-error").results(Static):
            line.display = False
        marked = [(label, reason) for label, reason in failure.fields if label in self.FIELDS]
        if not marked:
            self.say(failure.text)
            return
        for label, reason in marked:
            line = self.query_one(f"#err-{self.FIELDS[label]}", Static)
            line.update(reason)
            line.display = True
        self.say(f"未保存：{'、'.join(label for label, _ in failure.fields)}有误")
        for widget in self.query(f"#f-{self.FIELDS[marked[0][0]]}"):
            widget.focus()

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Select.Changed) -> None:
        """A field changed: its complaint no longer holds."""
        key = (event.control.id or "").removeprefix("f-")
        for line in self.query(f"#err-{key}").results(Static):
            line.display = False


@dataclass(frozen=True)
class AttemptChoice:
    """Whom the attempt serves, with the way preset and the address prefilled."""

    name: str
    target: Target
    method: ServiceMethod
    address: str
    stands: str = ""  # where service stands for them ("未寄出", "退回→另址邮寄")
    hint: str = ""  # the address field's placeholder (the last address, when another one is needed)


class AttemptForm(DeskForm):
    """登记送达: the recipient (when several still need the pack), the way, the address, the tracking number (a
    mailing only) and the date, today unless typed."""

    FIELDS: ClassVar[dict[str, str]] = {
        F_RECIPIENT: "recipient",
        F_METHOD: "method",
        F_ADDRESS: "address",
        F_TRACKING: "tracking",
        F_SENT_ON: "sent-on",
    }

    def __init__(self, title: str, choices: list[AttemptChoice], methods: list[ServiceMethod], today: date) -> None:
        super().__init__(title)
        self.choices = choices
        self.methods = methods
        self.today = today

    def form_fields(self) -> ComposeResult:
        """Recipient, way, address, tracking number, date."""
        first = self.choices[0]
        if len(self.choices) > 1:
            people = [(f"{c.name}（{c.stands}）" if c.stands else c.name, i) for i, c in enumerate(self.choices)]
            picker = Select(people, value=0, allow_blank=False, id="f-recipient", compact=True)
            yield from self.field(F_RECIPIENT, picker)
        else:
            stands = f"（{first.stands}）" if first.stands else ""
            yield from self.field(F_RECIPIENT, Static(first.name + stands, markup=False))
        ways = [(m.label, m) for m in self.methods]
        yield from self.field(
            F_METHOD, Select(ways, value=first.method, allow_blank=False, id="f-method", compact=True)
        )
        address = Input(first.address, id="f-address", compact=True, max_length=200, placeholder=first.hint)
        yield from self.field(F_ADDRESS, address)
        number = Input(id="f-tracking", compact=True, max_length=40, placeholder="如 EA123456785CN")
        number.disabled = first.method is not ServiceMethod.MAIL
        yield from self.field(F_TRACKING, number)
        yield from self.field(F_SENT_ON, Input(self.today.isoformat(), id="f-sent-on", compact=True, max_length=10))

    def on_mount(self) -> None:
        """The cursor where the clerk types first: the tracking number of a mailing, else the address."""
        number = self.query_one("#f-tracking", Input)
        (self.query_one("#f-address", Input) if number.disabled else number).focus()

    def chosen(self) -> AttemptChoice:
        """The recipient picked (the only one when there is no picker)."""
        picker = self.query("#f-recipient").results(Select)
        index = next((p.value for p in picker), 0)
        return self.choices[index if isinstance(index, int) else 0]

    @on(Select.Changed, "#f-recipient")
    def _recipient_changed(self) -> None:
        choice = self.chosen()
        self.query_one("#f-method", Select).value = choice.method
        self.query_one("#f-address", Input).value = choice.address

    @on(Select.Changed, "#f-method")
    def _method_changed(self, event: Select.Changed) -> None:
        """Only a mailing takes a tracking number."""
        number = self.query_one("#f-tracking", Input)
        number.disabled = event.value is not ServiceMethod.MAIL
        if number.disabled:
            number.value = ""

    def read_form(self) -> tuple[Target, AttemptInput]:
        """The target and the fields as typed."""
        method = self.query_one("#f-method", Select).value
        raw = AttemptInput(
            method=method.value if isinstance(method, ServiceMethod) else "",
            address=self.value("#f-address"),
            tracking_number=self.value("#f-tracking"),
            sent_on=self.value("#f-sent-on"),
        )
        return self.chosen().target, raw

    def submit(self, form: tuple[Target, AttemptInput], ctx: ServiceContext) -> str:
        """Record the attempt; the answer is what the desk is told."""
        from zhihui_tui.services.service_desk import record_attempt

        target, raw = form
        record_attempt(target, raw, ctx=ctx)
        how = ServiceMethod(raw.method).label
        number = f" {raw.tracking_number.strip().upper()}" if raw.tracking_number.strip() else ""
        return f"已登记{how}{number}（{self.chosen().name}）"


class ResultForm(DeskForm):
    """登记结果 of an attempt awaiting it: the result (送达 preset), its date (today), and — when it did not serve
    — what follows (required)."""

    FIELDS: ClassVar[dict[str, str]] = {F_RESULT: "result", F_RESULT_ON: "result-on", F_NEXT: "next"}

    def __init__(self, row: AttemptRow, today: date) -> None:
        number = f" · {row.tracking_number}" if row.tracking_number else ""
        super().__init__(f"登记结果 · {row.case_number} · {row.recipient}{number}")
        self.attempt = row
        self.today = today
        self.draft_args = {"row": row_json(row), "today": today.isoformat()}
        self.draft_record = ("service_attempt", row.id, row.version)

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> ResultForm:
        """The result form again, on the attempt (and version) it was typed against."""
        from zhihui_tui.services.service_desk.queues import AttemptRow

        return cls(row_from(AttemptRow, args["row"]), date.fromisoformat(args["today"]))

    def form_fields(self) -> ComposeResult:
        """Result, date, next step."""
        notice = self.attempt.method is ServiceMethod.PUBLIC_NOTICE
        results = [ServiceResult.SERVED] if notice else list(ServiceResult)
        choices = [(r.label, r) for r in results]
        picker = Select(choices, value=ServiceResult.SERVED, allow_blank=False, id="f-result", compact=True)
        yield from self.field(F_RESULT, picker)
        yield from self.field(F_RESULT_ON, Input(self.today.isoformat(), id="f-result-on", compact=True, max_length=10))
        following = [(n.label, n) for n in NextAttempt]
        nexts = Select(following, prompt="未送达时必选", id="f-next", compact=True)
        nexts.disabled = True  # 送达 takes no next step
        yield from self.field(F_NEXT, nexts)

    @on(Select.Changed, "#f-result")
    def _result_changed(self, event: Select.Changed) -> None:
        nexts = self.query_one("#f-next", Select)
        nexts.disabled = isinstance(event.value, ServiceResult) and event.value.served
        if nexts.disabled:
            nexts.clear()

    def read_form(self) -> ResultInput:
        """The fields as typed."""
        result, following = self.query_one("#f-result", Select).value, self.query_one("#f-next", Select).value
        return ResultInput(
            result=result.value if isinstance(result, ServiceResult) else "",
            result_on=self.value("#f-result-on"),
            next_attempt=following.value if isinstance(following, NextAttempt) else "",
        )

    def submit(self, form: ResultInput, ctx: ServiceContext) -> str:
        """Record the result; the answer is what the desk is told."""
        from zhihui_tui.services.service_desk import record_result

        outcome = record_result(self.attempt.id, form, expected_version=self.attempt.version, ctx=ctx)
        return result_text(self.attempt, outcome)


def result_text(row: AttemptRow, outcome: ResultOutcome) -> str:
    """What a saved result changed, in one line."""
    if not outcome.served:
        following = outcome.next_attempt.label if outcome.next_attempt else ""
        return f"已登记结果：{row.recipient}未送达，下一步{following}（在送达跟踪按 m 登记）"
    text = f"已登记结果：{row.recipient}已送达"
    if outcome.case_served:
        text += "；全案已送达，案件转入网络查控"
    if outcome.matter_done:
        text += "；交办事项已办结，结果已反馈承办人"
    return text
