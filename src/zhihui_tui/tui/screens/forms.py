"""The compact keyboard form and the table messages the post screens share.

:class:`FormScreen` is a dialog of one-line fields (Enter next, Ctrl+S send, Esc cancel) whose ``submit`` runs in
a thread worker; a domain or service error is shown in red under the form and nothing is saved. The workers of
the post screens report rows with :class:`TableLoaded` and failures with :class:`LoadFailed`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Static

from zhihui_tui.domain.drafts import FormDraft
from zhihui_tui.tui.drafts import RECORD_CHANGED, RESTORED, fill_fields, read_fields
from zhihui_tui.tui.service_calls import Failure, ServiceCaller

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext

PAGE = 50


def short(text: str, width: int = 24) -> str:
    """One table cell: the first line, cut to ``width`` characters."""
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= width else line[: width - 1] + "…"


class TableLoaded(Message):
    """A worker's rows for one table of a screen (``target`` names the table)."""

    def __init__(self, target: str, rows: list[Any], note: str = "") -> None:
        super().__init__()
        self.target = target
        self.rows = rows
        self.note = note


class LoadFailed(Message):
    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


# -- a compact keyboard form ------------------------------------------------------------------------------------


class FormScreen(ServiceCaller, ModalScreen[Any]):
    """A dialog of one-line fields. Enter moves to the next field, Ctrl+S sends, Esc cancels.

    Subclasses yield their fields in ``form_fields`` (use :meth:`row`) and implement ``submit(form, ctx)`` (run in a
    thread worker through ``run_service``; return the dismissal value or raise a service/domain error, which is
    shown in red under the form).

    A form that can be opened again from plain values sets ``draft_args`` (``from_draft`` rebuilds it from them;
    the default passes them as keyword arguments) and, when it edits a record, ``draft_record`` (table, id,
    version read): the hang-up then keeps what was typed (``save_draft``) and 恢复 reopens it filled in."""

    TITLE = ""
    AUTO_FOCUS = ".ff-row > Input, .ff-row > Select, .ff-row > SelectionList, .ff-row > Checkbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "提交", id="form.send"),
        Binding("escape", "cancel", "取消", id="form.cancel"),
    ]
    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen .ff-box {
        width: 100%; max-width: 96; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    FormScreen .ff-title { text-style: bold; width: 100%; }
    FormScreen .ff-row { height: auto; min-height: 1; }
    FormScreen .ff-label { width: 14; height: 1; color: $text-muted; }
    FormScreen .ff-row > Input, FormScreen .ff-row > Select, FormScreen .ff-row > Checkbox { width: 1fr; }
    FormScreen .ff-row > SelectionList { border: none; height: auto; max-height: 5; padding: 0; }
    FormScreen .ff-note { color: $text-warning; height: auto; }
    FormScreen .ff-message { color: $text-error; height: auto; min-height: 1; }
    FormScreen .ff-keys { color: $text-muted; height: 1; }
    """

    class Done(Message):
        def __init__(self, value: Any) -> None:
            super().__init__()
            self.value = value

    def __init__(self, title: str = "") -> None:
        super().__init__()
        self._busy = False
        self.form_title = title  # a title built per instance (the class's TITLE otherwise)
        self.draft_args: dict[str, Any] | None = None  # how to open this form again; None: no draft is kept
        self.draft_record: tuple[str, int, int] | None = None  # (table, id, version) of the record edited
        self._restore: tuple[dict[str, Any], bool] | None = None  # a draft's values to fill in on mount
        self._opened_with: dict[str, Any] = {}  # the values the form opened with: not typed, not a draft

    # -- drafts (issue 16) ------------------------------------------------------------------------------------

    def save_draft(self) -> FormDraft | None:
        """What is typed, for the hang-up to keep (None: this form cannot be opened again from a draft)."""
        if self.draft_args is None or not self.is_mounted:
            return None
        values = read_fields(self)
        if values == self._opened_with:
            return None  # opened, nothing typed
        table, record_id, version = self.draft_record or (None, None, None)
        return FormDraft(
            form_key=form_key(type(self)),
            title=self.heading,
            values=values,
            open_args=self.draft_args,
            record_table=table,
            record_id=record_id,
            record_version=version,
        )

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> FormScreen:
        """The same form opened again from its ``draft_args``."""
        return cls(**args)

    def restore_values(self, values: dict[str, Any], *, record_changed: bool) -> None:
        """Fill these values in once mounted, and say the form was restored (and whether its record changed)."""
        self._restore = (values, record_changed)

    def on_mount(self) -> None:
        self._opened_with = read_fields(self)
        if self._restore is not None:
            self.call_after_refresh(self._fill_restored)

    def _fill_restored(self) -> None:
        if self._restore is None:
            return
        values, changed = self._restore
        self._restore = None
        fill_fields(self, values)
        self.say(RECORD_CHANGED if changed else RESTORED)

    @property
    def heading(self) -> str:
        """The form's title: the one given to this instance, else the class's (older forms assign ``TITLE``)."""
        return self.form_title or self.TITLE or ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="ff-box", can_focus=False):
            yield Static(self.heading, classes="ff-title", markup=False)
            yield from self.form_fields()
            yield Static("", id="ff-message", classes="ff-message", markup=False)
            yield Static("Enter 下一项  Ctrl+S 提交  Esc 取消", classes="ff-keys")

    def form_fields(self) -> ComposeResult:
        yield from ()

    @staticmethod
    def row(label: str, widget: Widget) -> Horizontal:
        return Horizontal(Static(label, classes="ff-label", markup=False), widget, classes="ff-row")

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_send(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.say("正在提交…")
        self._run_submit(self.read_form())

    def read_form(self) -> Any:
        """Read the widgets on the UI thread; the result is handed to ``submit`` in the worker."""
        return None

    def submit(self, form: Any, ctx: ServiceContext) -> Any:
        raise NotImplementedError

    def _run_submit(self, form: Any) -> None:
        self.run_service(
            lambda ctx: self.submit(form, ctx), action=self.heading or "提交", done=self.Done, group="form"
        )

    @on(Done)
    def _done(self, message: Done) -> None:
        self._busy = False
        self.dismiss(message.value)

    def display_failure(self, action: str, failure: Failure) -> None:
        self._busy = False
        self.say(failure.text)

    def say(self, text: str) -> None:
        self.query_one("#ff-message", Static).update(text)

    def value(self, selector: str) -> str:
        return self.query_one(selector, Input).value


class ReasonScreen(FormScreen):
    """One line of text (a refusal reason, a note) handed to ``action``."""

    def __init__(self, title: str, label: str, action: Callable[[str, ServiceContext], Any]) -> None:
        super().__init__(title)
        self._label = label
        self._action = action

    def form_fields(self) -> ComposeResult:
        yield self.row(self._label, Input(id="reason", compact=True, max_length=500))

    def read_form(self) -> str:
        return self.value("#reason")

    def submit(self, form: str, ctx: ServiceContext) -> bool:
        self._action(form, ctx)
        return True


def form_key(form: type[FormScreen]) -> str:
    """A form class's name in a draft: ``module:Class``."""
    return f"{form.__module__}:{form.__qualname__}"


def form_class(key: str) -> type[FormScreen] | None:
    """The form class a draft names, or None when it is not a form of this app (any more)."""
    module_name, _, name = key.partition(":")
    if not module_name.startswith("zhihui_tui.tui.") or not name.isidentifier():
        return None
    try:
        found = getattr(importlib.import_module(module_name), name, None)
    except ImportError:
        return None
    return found if isinstance(found, type) and issubclass(found, FormScreen) else None
