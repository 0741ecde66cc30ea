"""The filing screen's dialogs: one line of text (不予立案理由, 主任意见) and the 立案 confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

if TYPE_CHECKING:
    from zhihui_tui.domain.filing import DuplicateHint
    from zhihui_tui.services.filing import StaffLoad


class TextDialog(ModalScreen[str | None]):
    """One line of text (不予立案理由, 主任意见): Enter sends, Esc cancels; a required text may not be empty."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "取消")]
    DEFAULT_CSS = """
    TextDialog { align: center middle; }
    TextDialog > Vertical { width: 100%; max-width: 72; height: auto; border: thick $primary;
        background: $surface; padding: 0 1; }
    TextDialog .dlg-title { text-style: bold; }
    TextDialog .dlg-message { color: $text-error; height: auto; }
    TextDialog .dlg-keys { color: $text-muted; }
    """

    def __init__(self, title: str, label: str, *, required: bool) -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="dlg-title", markup=False)
            yield Static(self.label + ("（必填）" if self.required else "（可不填）"), markup=False)
            yield Input(id="dlg-text", max_length=1000)
            yield Static("", id="dlg-message", classes="dlg-message", markup=False)
            yield Static("Enter 提交    Esc 取消", classes="dlg-keys")

    @on(Input.Submitted, "#dlg-text")
    def send(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.required and not text:
            self.query_one("#dlg-message", Static).update(f"请填写{self.label}")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class FileDialog(ModalScreen[int | None]):
    """Before 立案: likely duplicates to acknowledge (Y) and the batch-service clerk who receives the case."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "确认立案"),
        Binding("escape", "cancel", "取消"),
    ]
    DEFAULT_CSS = """
    FileDialog { align: center middle; }
    FileDialog > VerticalScroll { width: 100%; max-width: 90; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1; }
    FileDialog .dlg-title { text-style: bold; }
    FileDialog #dup-warning { color: $text-warning; height: auto; }
    FileDialog #assignees { height: auto; max-height: 6; border: none; padding: 0; }
    FileDialog .dlg-keys { color: $text-muted; }
    """

    def __init__(self, hints: list[DuplicateHint], options: list[StaffLoad] | None) -> None:
        super().__init__()
        self.hints = hints
        self.options = options or []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("立案确认", classes="dlg-title")
            if self.hints:
                lines = ["发现疑似重复案件，请核对后再立案："] + [f"· {hint.message}" for hint in self.hints]
                yield Static("\n".join(lines), id="dup-warning", markup=False)
            else:
                yield Static("未发现疑似重复案件。", id="dup-none")
            if self.options:
                yield Static("初次分案（集约送达组，↑↓ 选择）：")
                labels = [f"{o.name}（{o.login}） 在办送达 {o.open_steps} 件" for o in self.options]
                yield OptionList(*labels, id="assignees")
            keys = "Y 已核对疑似重复并立案" if self.hints else "Y 立案"
            yield Static(f"{keys}    Esc 取消", classes="dlg-keys")

    def on_mount(self) -> None:
        if self.options:
            options = self.query_one("#assignees", OptionList)
            options.highlighted = 0
            options.focus()

    def action_confirm(self) -> None:
        if not self.options:
            self.dismiss(0)
            return
        index = self.query_one("#assignees", OptionList).highlighted or 0
        self.dismiss(self.options[index].staff_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
