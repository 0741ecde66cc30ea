"""A compact form whose refusals of one field are shown under that field (the service's ``FieldError`` label names
it); any other refusal — money left, matters open, 终本 conditions unmet — is shown whole under the form."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from zhihui_tui.tui.screens.forms import FormScreen
from zhihui_tui.tui.service_calls import Failure


class FieldForm(FormScreen):
    """:class:`FormScreen` with an error line under each field; ``field(label, widget)`` adds one."""

    DEFAULT_CSS = """
    FieldForm .ff-error { color: $text-error; height: auto; padding-left: 14; display: none; }
    FieldForm .ff-error.-shown { display: block; }
    """

    def __init__(self, title: str = "") -> None:
        super().__init__(title)
        self._fields: dict[str, str] = {}  # the service's field label → the widget id

    def field(self, label: str, widget: Widget, *, aliases: tuple[str, ...] = ()) -> ComposeResult:
        """The labelled row and its error line; ``aliases``: other labels the service names this field by."""
        assert widget.id is not None
        for name in (label, *aliases):
            self._fields[name] = widget.id
        yield self.row(label, widget)
        yield Static("", id=f"err-{widget.id}", classes="ff-error", markup=False)

    def clear_errors(self) -> None:
        for line in self.query(".ff-error").results(Static):
            line.update("")
            line.remove_class("-shown")

    def action_send(self) -> None:
        self.clear_errors()
        super().action_send()

    def display_failure(self, action: str, failure: Failure) -> None:
        """Each bad field's reason under it (the first is focused); anything else under the form."""
        self._busy = False
        placed = [(self._fields[label], reason) for label, reason in failure.fields if label in self._fields]
        for widget_id, reason in placed:
            line = self.query_one(f"#err-{widget_id}", Static)
            line.update(reason)
            line.add_class("-shown")
        if placed:
            self.query_one(f"#{placed[0][0]}").focus()
            self.say("请更正标红的项目")
        else:
            self.say(failure.text)
