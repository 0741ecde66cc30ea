"""The 网络查控 entry dialogs: one row of the feedback table (``FindingForm``) and the triage facts
(``FlagsForm``). Each answers with its values on Ctrl+S; the screen saves them through the service."""

from __future__ import annotations

from typing import ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.money import fen_to_yuan_str
from zhihui_tui.domain.triage import FLAG_LABELS
from zhihui_tui.services.inquiry import FeedbackTable, FindingInput, FindingRow, validate_finding
from zhihui_tui.tui.screens.inquiry.common import ASSET_CHOICES, CSS

FormAnswer = tuple[FindingRow | None, FindingInput]  # the row being edited (None: a new one) and the values
FIELD_WIDGETS = {
    "被执行人": "#f-party",
    "财产类型": "#f-type",
    "机构": "#f-institution",
    "金额": "#f-amount",
    "数量": "#f-quantity",
    "备注": "#f-note",
}


class EntryScroll(VerticalScroll, can_focus=False):
    """The body of an entry dialog: Tab moves through its fields, never onto the body itself.

    Textual only scrolls a newly focused widget into view when it is outside the container, but a field under the
    docked error line and key hints counts as inside; so the body scrolls to every field that gets focus.
    """

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.scroll_to_widget(event.widget, animate=False)


class FindingForm(ModalScreen[FormAnswer | None]):
    """One row of the table. Ctrl+S saves (checked at the field first), Esc cancels."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="finding.save"),
        Binding("escape", "cancel", "取消", id="finding.cancel"),
    ]

    def __init__(self, table: FeedbackTable, editing: FindingRow | None, near: FindingRow | None) -> None:
        super().__init__()
        self.table = table
        self.editing = editing
        self.near = near

    def compose(self) -> ComposeResult:
        source = self.editing
        party = source.party_id if source else (self.near.party_id if self.near else self.table.respondents[0].party_id)
        kind = source.asset_type.label if source else "存款"
        with EntryScroll(id="finding-form", classes="entry-dialog"):
            yield Static("修改查控结果" if source else "添加查控结果", classes="entry-title")
            with Vertical(classes="entry-foot"):
                yield Static("", id="finding-error", markup=False)
                yield Static("Ctrl+S 保存  Esc 取消  Tab 下一项  Space 勾选", classes="entry-keys")
            respondents = [(r.name, r.party_id) for r in self.table.respondents]
            yield from self._row(
                "被执行人", Select(respondents, value=party, allow_blank=False, compact=True, id="f-party")
            )
            choices = [(c, c) for c in ASSET_CHOICES]
            yield from self._row("财产类型", Select(choices, value=kind, allow_blank=False, compact=True, id="f-type"))
            yield from self._row("机构", Input(source.institution if source else "", compact=True, id="f-institution"))
            amount = "" if source is None or source.amount_fen is None else fen_to_yuan_str(source.amount_fen)
            yield from self._row("金额（元）", Input(amount, compact=True, id="f-amount"))
            quantity = "" if source is None or source.quantity is None else str(source.quantity)
            yield from self._row("数量", Input(quantity, compact=True, id="f-quantity"))
            frozen = source.frozen if source else False
            yield from self._row("冻结", Checkbox("已冻结/查封", frozen, compact=True, id="f-frozen"))
            yield from self._row("备注", Input(source.note or "" if source else "", compact=True, id="f-note"))

    @staticmethod
    def _row(label: str, widget: Widget) -> ComposeResult:
        with Horizontal(classes="entry-row"):
            yield Label(label, classes="entry-label")
            yield widget

    def on_mount(self) -> None:
        self.query_one("#f-institution", Input).focus()

    def _input(self) -> FindingInput:
        """The values typed (widget values, never their rendered text)."""
        party = cast("Select[int]", self.query_one("#f-party", Select)).selection
        kind = cast("Select[str]", self.query_one("#f-type", Select)).selection
        return FindingInput(
            party_id=party if party is not None else 0,
            asset_type=kind or "",
            institution=self.query_one("#f-institution", Input).value,
            amount=self.query_one("#f-amount", Input).value,
            quantity=self.query_one("#f-quantity", Input).value,
            frozen=self.query_one("#f-frozen", Checkbox).value,
            note=self.query_one("#f-note", Input).value,
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        """Check the row as the service will (no database needed); a bad field is shown and focused."""
        row = self._input()
        try:
            validate_finding(row)
        except FieldError as error:
            self.query_one("#finding-error", Static).update(error.message)
            target = FIELD_WIDGETS.get(error.field)
            if target:
                self.query_one(target).focus()
            return
        self.dismiss((self.editing, row))

    def action_cancel(self) -> None:
        self.dismiss(None)


class FlagsForm(ModalScreen[frozenset[str] | None]):
    """The facts of R-TRI-2 no table holds (major, coercive measures, …): Space ticks, Ctrl+S saves."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="flags.save"),
        Binding("escape", "cancel", "取消", id="flags.cancel"),
    ]

    def __init__(self, flags: frozenset[str]) -> None:
        super().__init__()
        self.flags = flags

    def compose(self) -> ComposeResult:
        with EntryScroll(id="flags-form", classes="entry-dialog"):
            yield Static("分流事实（供繁简分流建议参考）", classes="entry-title")
            with Vertical(classes="entry-foot"):
                yield Static("Space 勾选  Tab 下一项  Ctrl+S 保存  Esc 取消", classes="entry-keys")
            for name, label in FLAG_LABELS.items():
                yield Checkbox(label, name in self.flags, compact=True, id=f"flag-{name}")

    def action_save(self) -> None:
        self.dismiss(frozenset(name for name in FLAG_LABELS if self.query_one(f"#flag-{name}", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
