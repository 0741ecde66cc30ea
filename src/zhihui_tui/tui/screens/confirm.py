"""A yes/no question in a modal: y answers yes, n or Esc answers no."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "是"),
        Binding("n", "answer(False)", "否"),
        Binding("escape", "answer(False)", "取消"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="dialog"):
            yield Static(self.question, id="confirm-question")
            yield Static("Y 是    N 否    Esc 取消", id="confirm-keys", classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
