"""The two ends of a delegated matter's result (R-DEL-1), opened from the workbench (F6):

- :class:`RecordResultScreen`: 集约送达组 (送达、公告) or the director (其他) records the result of a matter in
  their queue; the result is required and nothing is saved without it.
- :class:`ResultScreen`: the handler reads a result whole, with its files — name, type, size, SHA-256 — and
  whether each stored file still matches its checksum (recomputed in a worker: a video can take seconds).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from zhihui_tui.domain.field_work import MatterKind
from zhihui_tui.tui.drafts import row_from, row_json
from zhihui_tui.tui.screens.forms import FormScreen
from zhihui_tui.tui.service_calls import Failure, ServiceCaller
from zhihui_tui.tui.shell import shell_of
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.attachments import AttachmentView
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.delegation import MatterRow
    from zhihui_tui.services.workbench import ResultDetail, WaitingItem

# What the handler chose on the result screen; the workbench does it (it owns acknowledging and the history).
ACKNOWLEDGE, HISTORY = "acknowledge", "history"
VERIFYING, INTACT, BROKEN = "校验中…", "完好", "损坏或缺失"
LOAD_ACTION, VERIFY_ACTION = "读取办理结果", "校验附件"


def deadline_note(row: MatterRow, today: date) -> str:
    late = f"，已超期 {(today - row.deadline).days} 天" if row.deadline < today else ""
    return f"承办人：{row.requested_by}  期限：{row.deadline:%Y-%m-%d}（自 {row.effective_day:%m-%d} 起算{late}）"


class RecordResultScreen(FormScreen):
    """登记办理结果 of one 送达 / 公告 / 其他 matter; it goes back to the requesting handler at once."""

    def __init__(self, row: MatterRow) -> None:
        super().__init__(f"登记办理结果 · {row.case_number} · {row.kind.label}（结果将反馈承办人）")
        self.matter_id = row.id
        self.row_data = row
        self.draft_args = {"row": row_json(row)}
        self.draft_record = ("delegated_matter", row.id, row.version)

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> RecordResultScreen:
        """The result form again, on the matter (and version) it was typed against."""
        from zhihui_tui.services.delegation import MatterRow

        return cls(row_from(MatterRow, args["row"]))

    def form_fields(self) -> ComposeResult:
        today = shell_of(self).runtime.clock.now().date()
        yield Static(deadline_note(self.row_data, today), classes="ff-note", markup=False)
        yield Static(f"要求：{self.row_data.requirements}", id="requirements", markup=False)
        placeholder = "如：已邮寄送达（EMS 单号…），本人签收" if self.row_data.kind is MatterKind.SERVICE else ""
        yield self.row("办理结果", Input(id="result", compact=True, max_length=4000, placeholder=placeholder))

    def read_form(self) -> str:
        return self.value("#result")

    def submit(self, form: str, ctx: ServiceContext) -> bool:
        from zhihui_tui.services.delegation import complete_matter

        complete_matter(self.matter_id, form, ctx=ctx)
        return True


class ResultScreen(ServiceCaller, ModalScreen[str | None]):
    """One result as the handler reads it. A marks it read, H opens the case's history, Esc goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "choose('acknowledge')", "已阅", id="result.ack"),
        Binding("h", "choose('history')", "全程记录", id="result.history"),
        Binding("escape", "choose('')", "返回", id="result.close"),
    ]
    DEFAULT_CSS = """
    ResultScreen { align: center middle; }
    ResultScreen > Vertical {
        width: 100%; max-width: 110; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ResultScreen #result-title { text-style: bold; }
    ResultScreen #result-text { height: auto; max-height: 8; }
    ResultScreen #files-title { color: $text-muted; }
    ResultScreen #files { height: auto; max-height: 8; }
    ResultScreen #result-keys { color: $text-muted; height: 1; }
    """

    class Loaded(Message):
        """The result was read; its files are checked next."""

        def __init__(self, detail: ResultDetail) -> None:
            super().__init__()
            self.detail = detail

    class Verified(Message):
        """One stored file's checksum was recomputed."""

        def __init__(self, attachment_id: int, intact: bool) -> None:
            super().__init__()
            self.attachment_id = attachment_id
            self.intact = intact

    def __init__(self, item: WaitingItem) -> None:
        super().__init__()
        self.item = item
        self.detail: ResultDetail | None = None
        self._unchecked: list[AttachmentView] = []  # files still to check, one at a time (a video takes seconds)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"{self.item.kind} · {self.item.case_number}", id="result-title", markup=False)
            yield Static("正在读取…", id="result-text", markup=False)
            yield Static("", id="files-title", markup=False)
            files: DataTable[str] = DataTable(id="files", cursor_type="row")
            files.add_columns("类别", "文件名", "类型", "大小", "SHA-256")
            # A fixed width: the cell changes from 校验中… as each check lands, and a measured width would depend
            # on whether the table was drawn before the first check came back.
            files.add_column("校验", key="check", width=len(BROKEN) * 2)
            yield files
            yield Static("A 已阅  H 全程记录  Esc 返回", id="result-keys")

    def on_mount(self) -> None:
        self.query_one("#files").display = False
        self.load()

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)

    def load(self) -> None:
        """Read the result; once shown, recompute each stored file's checksum (the slow part) one by one."""
        from zhihui_tui.services.workbench import result_detail

        item = self.item
        self.run_service(
            lambda ctx: result_detail(matter_id=item.matter_id, task_id=item.task_id, ctx=ctx),
            action=LOAD_ACTION,
            done=self.Loaded,
            group="result",
        )

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        detail = self.detail = message.detail
        self.query_one("#result-title", Static).update(f"{self.item.kind} · {detail.case_number} · {detail.what}")
        self.query_one("#result-text", Static).update(result_text(detail))
        self.query_one("#files-title", Static).update(files_title(detail.attachments))
        files = self.query_one("#files", DataTable)
        for attachment in detail.attachments:
            files.add_row(*attachment_cells(attachment), VERIFYING, key=str(attachment.id))
        files.display = bool(detail.attachments)
        self._unchecked = list(detail.attachments)
        self.verify_next()

    def verify_next(self) -> None:
        """Check the next stored file in a worker; its answer starts the one after."""
        from zhihui_tui.services.attachments import verify_blob

        if not self._unchecked:
            return
        attachment = self._unchecked.pop(0)

        def check(ctx: ServiceContext) -> bool:
            return verify_blob(ctx.data_dir / "attachments", attachment.sha256, expected_size=attachment.size)

        self.run_service(
            check, action=VERIFY_ACTION, done=lambda intact: self.Verified(attachment.id, intact), group="result"
        )

    def display_failure(self, action: str, failure: Failure) -> None:
        """A result that could not be read says so in place of the text; a failed check marks that file."""
        if self.detail is None:
            self.query_one("#result-text", Static).update(failure.text)
        else:
            super().display_failure(action, failure)
            self.verify_next()

    @on(Verified)
    def show_check(self, message: Verified) -> None:
        files = self.query_one("#files", DataTable)
        files.update_cell(str(message.attachment_id), "check", INTACT if message.intact else BROKEN)
        self.verify_next()


def result_text(detail: ResultDetail) -> str:
    lines = [f"要求：{detail.requirements}", f"结果：{detail.result}"]
    if detail.receipt:
        lines.append(detail.receipt)
    if detail.done_at is not None:
        lines.append(f"办结：{detail.done_at:%Y-%m-%d %H:%M} {detail.done_by or ''}".rstrip())
    return "\n".join(lines)


def files_title(attachments: list[AttachmentView]) -> str:
    if not attachments:
        return "附件：无"
    return f"附件 {len(attachments)} 个（校验：重新计算 SHA-256，与入库时比对）"


def attachment_cells(attachment: AttachmentView) -> tuple[str, str, str, str, str]:
    name = attachment.original_name
    name = name if len(name) <= 24 else name[:23] + "…"
    return (
        attachment.kind.label,
        name,
        attachment.file_type.upper(),
        attachment.size_text,
        attachment.sha256[:12] + "…",
    )
