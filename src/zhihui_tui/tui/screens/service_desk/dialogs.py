"""The desk's two read-only dialogs: the director's clerk picker (指派) and the documents' preview (预览)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from zhihui_tui.services.service_desk import ClerkLoad, DocumentText

CSS = """
ClerkPicker, PackPreview { align: center middle; }
#clerk-picker { width: 100%; max-width: 64; height: auto; }
#clerk-list { height: auto; max-height: 12; }
#pack-preview { width: 100%; max-width: 100; height: 100%; max-height: 40; }
#preview-text { height: 1fr; border: none; padding: 0 1; }
"""


class ClerkPicker(ModalScreen["ClerkLoad | None"]):
    """指派: the 集约送达组 clerks with the items each holds open, the lightest first; Enter picks, Esc cancels."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "取消", id="desk.clerk.cancel")]

    def __init__(self, title: str, clerks: list[ClerkLoad], owner_id: int | None) -> None:
        super().__init__()
        self.title_text = title
        self.clerks = clerks
        self.owner_id = owner_id

    def compose(self) -> ComposeResult:
        """The title, the clerks, the keys."""
        with Vertical(id="clerk-picker", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if not self.clerks:
                yield Static("没有在岗的集约送达组人员", markup=False)
            items = [
                Option(
                    f"{c.name}（{c.login}）  在办 {c.open_items} 项"
                    + ("  ← 现负责" if c.staff_id == self.owner_id else ""),
                    id=str(i),
                )
                for i, c in enumerate(self.clerks)
            ]
            yield OptionList(*items, id="clerk-list")
            yield Static("↑↓ 选择    Enter 指派    Esc 取消", classes="dialog-keys")

    def on_mount(self) -> None:
        """The lightest-loaded clerk highlighted."""
        picker = self.query_one("#clerk-list", OptionList)
        if self.clerks:
            picker.highlighted = 0
        picker.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.clerks[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        """Close without assigning."""
        self.dismiss(None)


def preview_text(documents: list[DocumentText]) -> Text:
    """Each document under its name, version and whether it was printed."""
    text = Text()
    for document in documents:
        printed = "已打印" if document.printed else "未打印"
        heading = f"【{document.kind.label}】第 {document.document_version} 版 · {printed} · {document.file_name}"
        text.append(("\n\n" if text else "") + heading + "\n", style="bold")
        text.append("\n".join(document.lines))
    return text


class PackPreview(ModalScreen[None]):
    """预览: the case's current documents as text, scrolled with ↑↓ PgUp PgDn; Esc closes."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "关闭", id="desk.preview.close")]

    def __init__(self, case_number: str, documents: list[DocumentText]) -> None:
        super().__init__()
        self.case_number = case_number
        self.documents = documents

    def compose(self) -> ComposeResult:
        """The title, the documents, the keys."""
        with Vertical(id="pack-preview", classes="dialog"):
            yield Static(f"文书预览 · {self.case_number} · {len(self.documents)} 份", classes="dialog-title")
            with VerticalScroll(id="preview-text"):
                yield Static(preview_text(self.documents))
            yield Static("↑↓ PgUp PgDn 翻阅    Esc 关闭", classes="dialog-keys")

    def on_mount(self) -> None:
        """The text takes the keys."""
        self.query_one("#preview-text", VerticalScroll).focus()

    def action_close(self) -> None:
        """Back to the desk."""
        self.dismiss(None)
