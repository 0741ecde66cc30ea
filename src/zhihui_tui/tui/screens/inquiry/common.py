"""What the 网络查控 screens share: columns, empty-state texts, the cells of a row, and the style sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from zhihui_tui.domain.money import format_yuan
from zhihui_tui.domain.steps import DeadlineState
from zhihui_tui.tui.screens.forms import short

if TYPE_CHECKING:
    from zhihui_tui.services.inquiry import FindingRow, QueueRow

QUEUE_COLUMNS = ("期限", "案号", "被执行人", "执行标的", "截止日", "进度")
FINDING_COLUMNS = ("被执行人", "类型", "机构", "金额", "数量", "冻结", "备注")
EMPTY_QUEUE = "没有待查控的案件。"
EMPTY_TODAY = "今日待办已清零。"
EMPTY_TABLE = "尚未录入查控结果：按 a 添加一行；未查到财产也可直接按 s 提交。"
EMPTY_TABLE_READ_ONLY = "尚未录入查控结果。"
READING = "正在读取…"
STATE_STYLES = {
    DeadlineState.OVERDUE: "bold red",
    DeadlineState.DUE_TODAY: "bold yellow",
    DeadlineState.DUE_SOON: "yellow",
    DeadlineState.OPEN: "",
}
ASSET_CHOICES = ("存款", "网络资金", "车辆", "不动产", "证券", "股权", "其他")
RESPONDENTS_WIDTH = 16  # characters (up to 32 cells) of the 被执行人 cell

CSS = """
#inquiry-body, #feedback-body { height: 1fr; padding: 0 1; }
.post-bar { height: 1; margin-top: 1; }
.post-title { width: auto; text-style: bold; margin-right: 2; }
.post-summary { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
#inquiry-queue, #findings { height: 1fr; }
.post-empty { height: 1fr; content-align: center middle; color: $text-muted; display: none; }
.post-status { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
FindingForm, FlagsForm { align: center middle; }
/* The entry dialogs fit 80×24: a line per field, labels wide enough for five 2-column characters, compact widgets
   on a contrasting background. On a shorter terminal the fields scroll (the focused one kept in view) while the
   title, the error line and the key hints stay docked. Class names of their own: app.tcss's .dialog and
   .field-label (3 rows, 8 cells) would win over this DEFAULT_CSS. */
.entry-dialog {
    width: 100%; max-width: 72; height: auto; max-height: 100%;
    border: thick $primary; background: $surface; padding: 0 1; scrollbar-size-vertical: 1;
}
.entry-title { dock: top; height: 1; margin-bottom: 1; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis; }
.entry-foot { dock: bottom; height: auto; margin-top: 1; }
.entry-keys { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
.entry-row { height: 1; }
.entry-label { width: 12; height: 1; text-wrap: nowrap; color: $text-muted; }
.entry-dialog Input, .entry-dialog Select, .entry-dialog Checkbox { width: 1fr; }
.entry-dialog Input, .entry-dialog SelectCurrent { background: $panel; }
.entry-dialog Input:focus, .entry-dialog Select:focus > SelectCurrent { background: $primary-muted; }
#finding-error { color: $text-error; height: auto; min-height: 1; }
"""


def state_text(row: QueueRow) -> Text:
    """The deadline's state, coloured by urgency."""
    if row.state is None:
        return Text("—")
    return Text(row.state.label, style=STATE_STYLES[row.state])


def progress_text(row: QueueRow) -> str:
    """How far the inquiry of a queued case got."""
    if not row.started:
        return "未启动"
    return f"已启动 {row.findings} 条"


def queue_cells(row: QueueRow) -> tuple[Text | str, ...]:
    """A queue row's cells; a long name is cut (the full names show on Enter), so 截止 and 进度 stay on screen."""
    due = f"{row.due:%m-%d}" if row.due else ""  # the year is this one or the last: as F3 shows it
    respondents = short(row.respondents, RESPONDENTS_WIDTH)
    return (state_text(row), row.case_number, respondents, format_yuan(row.target_fen), due, progress_text(row))


def amount_text(fen: int | None) -> str:
    """An amount in yuan, or nothing."""
    return "" if fen is None else format_yuan(fen)


def finding_cells(row: FindingRow) -> tuple[str, ...]:
    """A row of the feedback table as shown."""
    return (
        row.respondent,
        row.asset_type.label,
        row.institution,
        amount_text(row.amount_fen),
        "" if row.quantity is None else str(row.quantity),
        "是" if row.frozen else "否",
        row.note or "",
    )
