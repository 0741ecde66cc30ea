"""The visit form of the reception post: its fields in keyboard order, read back as a ``VisitInput``, and where
the cursor goes to fix a field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Vertical
from textual.widgets import Input, OptionList, Select, Static

from zhihui_tui.domain.drafts import FormDraft
from zhihui_tui.domain.reception import (
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
    Channel,
    IdKind,
    VisitInput,
    VisitPurpose,
)
from zhihui_tui.tui.drafts import read_fields
from zhihui_tui.tui.screens.reception.common import CASE_HINT, labelled

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.dom import DOMNode

# The key of an error line (``#err-<key>``) → the field to focus for it.
FOCUS_TARGETS = {
    "id": "#rc-id",
    "case": "#rc-cases",
    "outcome": "#rc-outcome",
    "purpose": "#rc-purpose",
    "channel": "#rc-channel",
    "name": "#rc-name",
    "phone": "#rc-phone",
    "time": "#rc-time",
    "late": "#rc-late",
}


def visit_fields(staff: str) -> ComposeResult:
    """The form's rows: ID number and the visitor's cases first, the outcome next — the common case's order."""
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
    when = Input(id="rc-time", compact=True, max_length=100, placeholder="留空为当前时间；HH:MM 或 YYYY-MM-DD HH:MM")
    yield from labelled(F_TIME, when, "time")
    late = Input(id="rc-late", compact=True, max_length=1000, placeholder="17:00 后或补录往日来访时必填")
    yield from labelled(F_LATE_REASON, late, "late")
    yield from labelled(F_STAFF, Static(staff, id="rc-staff", markup=False), "staff")


def id_kind_of(screen: DOMNode) -> IdKind:
    """The ID kind picked in the form."""
    value = screen.query_one("#rc-id-kind", Select).value
    return value if isinstance(value, IdKind) else IdKind.RESIDENT_ID


def read_visit(screen: DOMNode, case_id: int | None) -> tuple[VisitInput, str]:
    """The visit as typed, and the time text (parsed in the worker: it needs the clock's now)."""

    def text(selector: str) -> str:
        return screen.query_one(selector, Input).value

    purpose = screen.query_one("#rc-purpose", Select).value
    channel = screen.query_one("#rc-channel", Select).value
    assert isinstance(purpose, VisitPurpose) and isinstance(channel, Channel)  # no blank option
    raw = VisitInput(
        id_number=text("#rc-id"),
        outcome=text("#rc-outcome"),
        purpose=purpose,
        case_id=case_id,
        visitor_name=text("#rc-name"),
        id_kind=id_kind_of(screen),
        phone=text("#rc-phone"),
        channel=channel,
        late_entry_reason=text("#rc-late"),
    )
    return raw, text("#rc-time")


def clear_visit(screen: DOMNode) -> None:
    """Every field back to empty and the selects to the common case, ready for the next visitor."""
    for field in screen.query(".rc-row > Input").results(Input):
        field.value = ""
    screen.query_one("#rc-purpose", Select).value = VisitPurpose.CASE_QUERY
    screen.query_one("#rc-channel", Select).value = Channel.WINDOW
    screen.query_one("#rc-id-kind", Select).value = IdKind.RESIDENT_ID


def visit_draft(screen: DOMNode) -> FormDraft | None:
    """The visit being typed, for the hang-up; None while every text field is empty (the selects alone are the
    form's defaults, not something typed). The case picked is not kept: it is picked again from the list."""
    values = read_fields(screen.query_one("#rc-body"))
    texts = [value for key, value in values.items() if isinstance(value, str) and key in TEXT_FIELDS]
    if not any(text.strip() for text in texts):
        return None
    return FormDraft(form_key="post:reception", title="登记来访", values=values)


TEXT_FIELDS = frozenset({"rc-id", "rc-outcome", "rc-name", "rc-phone", "rc-time", "rc-late"})
