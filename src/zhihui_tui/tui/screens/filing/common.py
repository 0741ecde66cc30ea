"""What the filing screen's parts share: fixed texts, column widths, cell and status wording, field layout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from zhihui_tui.domain.filing import APPLICANT_SIDE, RESPONDENT_SIDE, ChecklistItem, describe_missing, party_labels
from zhihui_tui.domain.lifecycle import FilingCategory
from zhihui_tui.domain.steps import DeadlineState

if TYPE_CHECKING:
    from zhihui_tui.services.filing import FiledCase, FilingQueueRow

# Fixed widths (cells): the cells are already cut to fit (``short``), and a table that sizes its columns only when
# idle showed them at header width in a screenshot taken under load.
QUEUE_COLUMNS = (
    ("状态", 8),
    ("期限", 5),
    ("类别", 8),
    ("申请人", 16),
    ("被执行人", 12),
    ("缺少材料", 20),
    ("收案", 11),
)
PENDING_COLUMNS = ("收案", "类别", "申请人", "被执行人", "提请人", "理由")
PARTY_FIELDS = (("name", "姓名/名称"), ("id", "证件号"), ("phone", "电话"), ("addr", "地址"))
AGENT_KINDS = ("律师", "近亲属", "其他")
AGENT_FIELDS = (("name", "姓名"), ("id", "证件号"), ("kind", "类型"), ("phone", "电话"), ("for", "代理对象"))
AGENT_SECTION = "代理人（可不填；Ctrl+G 再加一位）"
SIDE_PREFIXES = {APPLICANT_SIDE: "a", RESPONDENT_SIDE: "r"}
STATE_STYLES = {
    DeadlineState.OVERDUE: "bold red",
    DeadlineState.DUE_TODAY: "bold yellow",
    DeadlineState.DUE_SOON: "yellow",
    DeadlineState.OPEN: "",
}
NEW_FORM_TEXT = "新收案：填写后按 Ctrl+S 保存"
EMPTY_QUEUE = "材料接收中没有待立案的案件。"
ORIGINAL_HINT = "仅恢复执行填写；Ctrl+F 查找，Enter 按原案预填"
ORIGINAL_FIELD = "原案号"
READING = "正在读取…"


def short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def queue_state(row: FilingQueueRow) -> Text:
    if row.pending_rejection:
        return Text("待裁定", style="magenta")
    if row.state is None:
        return Text("—")
    label = row.state.label
    if row.state is DeadlineState.OVERDUE and row.overdue_days:
        label = f"超期{row.overdue_days}日"
    return Text(label, style=STATE_STYLES[row.state])


def queue_cells(row: FilingQueueRow) -> tuple[Text | str, ...]:
    missing = "、".join(item.short for item in row.missing) or "齐全"
    return (
        queue_state(row),
        f"{row.due:%m-%d}" if row.due else "—",
        short(row.category.label, 4),
        short(row.applicants, 8),
        short(row.respondents, 6),
        short(missing, 40),
        f"{row.received_at:%m-%d %H:%M}",
    )


def filed_text(filed: FiledCase) -> str:
    text = f"已立案：{filed.case_number}；下一步 {filed.next_step.label}，期限 {filed.next_due:%Y-%m-%d}"
    if filed.first_assignee_name:
        text += f"；初次分案：{filed.first_assignee_name}"
    return text


def ready_text(verb: str, case_id: int, missing: tuple[ChecklistItem, ...] | list[ChecklistItem]) -> str:
    """The status after a case is opened or saved: what still keeps it from being filed, or that F9 files it."""
    head = f"{verb}（收案序号 {case_id}）"
    if missing:
        return f"{head}，缺少必备材料：{describe_missing(missing)}；勾选后按 F9 立案"
    return f"{head}，按 F9 立案"


def field_targets(category: FilingCategory, applicants: int, respondents: int, agents: int = 1) -> dict[str, str]:
    """FieldError labels (``被执行人2 证件号``, ``代理人2 代理对象``) → the id of the widget they belong to."""
    targets: dict[str, str] = {}
    for prefix, role, count in zip("ar", party_labels(category), (applicants, respondents), strict=True):
        targets[role] = f"{prefix}1-name"
        for n in range(1, count + 1):
            for key, label in PARTY_FIELDS:
                targets[f"{role}{n} {label}"] = f"{prefix}{n}-{key}"
            targets[f"{role}{n} 类型"] = f"{prefix}{n}-id"
    for n in range(1, agents + 1):
        for key, label in AGENT_FIELDS:
            targets[f"代理人{n} {label}"] = f"g{n}-{key}"
    targets.update(
        {
            "代理人": "g1-name",
            "执行依据 出具法院": "b-court",
            "执行依据 文书号": "b-number",
            "执行依据 生效日期": "b-date",
            "执行标的": "amount",
            ORIGINAL_FIELD: "original",
        }
    )
    return targets


def field(label: str, widget: Widget) -> Vertical:
    """A labelled input with its own error line below (hidden while empty)."""
    row = Horizontal(Static(label, classes="f-label", markup=False), widget, classes="f-row")
    return Vertical(row, Static("", id=f"err-{widget.id}", classes="f-err", markup=False), classes="f-field")


def text_input(widget_id: str, *, placeholder: str = "", max_length: int = 200) -> Input:
    return Input(id=widget_id, compact=True, placeholder=placeholder, max_length=max_length)
