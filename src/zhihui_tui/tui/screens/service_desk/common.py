"""The desk's views, columns, the text of its cells and lines, its style sheet and its messages (no state, no
service calls).

At 80 columns every view shows its figures whole: the name column (被执行人, 受送达人, 进度) gives up width, the
detail line under the table shows the highlighted row in full. Below WIDE_FROM columns 送达跟踪 folds 方式 into
the 邮件号 column (a tracking number means a mailing) and leaves 寄出日 to the detail line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from zhihui_tui.domain.mailing import NextAttempt
from zhihui_tui.domain.service_attempts import ServiceMethod
from zhihui_tui.domain.steps import DeadlineState
from zhihui_tui.tui.screens.forms import short

if TYPE_CHECKING:
    from zhihui_tui.services.service_desk import (
        AttemptRow,
        Caseload,
        ClerkLoad,
        DocumentText,
        ItemKey,
        PackRow,
        Recipient,
        ServiceMatterRow,
    )

WIDE_FROM = 100
# The next way in the 状态 cell (承办人直接送达 in full in the detail line): "地址不详→直接送达" fits 80 columns.
NEXT_SHORT = {
    NextAttempt.ANOTHER_ADDRESS: "另址邮寄",
    NextAttempt.HANDLER_VISIT: "直接送达",
    NextAttempt.PUBLIC_NOTICE: "公告送达",
}
DOCUMENTS_WIDTH = 7  # "5/5已印": fixed, so the column keeps its width as documents are printed
UNOWNED = "未领取"
STATE_STYLES = {
    DeadlineState.OVERDUE: "bold red",
    DeadlineState.DUE_TODAY: "bold yellow",
    DeadlineState.DUE_SOON: "yellow",
    DeadlineState.OPEN: "",
}


class View(StrEnum):
    """The desk's three lists, switched with 1, 2, 3."""

    PACKS = "1"
    ATTEMPTS = "2"
    MATTERS = "3"

    @property
    def label(self) -> str:
        """The view's name on its tab."""
        return {"1": "待寄送", "2": "送达跟踪", "3": "交办事项"}[self.value]


PACK_COLUMNS = ("案号", "被执行人", "期限", "负责人", "交办人", "文书", "寄出")
ATTEMPT_COLUMNS = ("案号", "受送达人", "方式", "邮件号", "寄出日", "天数", "状态")
NARROW_ATTEMPT_COLUMNS = ("案号", "受送达人", "邮件号/方式", "天数", "状态")
MATTER_COLUMNS = ("案号", "事项", "交办人", "期限", "负责人", "进度")
FLEX = {View.PACKS: "被执行人", View.ATTEMPTS: "受送达人", View.MATTERS: "进度"}
EMPTY = {
    View.PACKS: "没有待寄送的案件。",
    View.ATTEMPTS: "没有待登记结果或待下一步的送达。",
    View.MATTERS: "没有交办的送达或公告事项。",
}

CSS = """
#desk-body { height: 1fr; padding: 0 1; }
#desk-tabs { height: 1; margin-top: 1; }
#desk-summary { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
.desk-table { height: 1fr; scrollbar-size-vertical: 1; }
#desk-empty { height: 1fr; content-align: center middle; color: $text-muted; display: none; }
#desk-detail { height: 2; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
#desk-status { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
"""


@dataclass(frozen=True)
class Desk:
    """The desk's counts as last read."""

    load: Caseload


class ViewRead(Message):
    """One view's rows were read: 待寄送 first, then 交办事项 with the counts, then 送达跟踪, so the list shown does
    not wait for the others."""

    def __init__(
        self, view: View, rows: Sequence[PackRow | AttemptRow | ServiceMatterRow], load: Caseload | None = None
    ) -> None:
        super().__init__()
        self.view, self.rows, self.load = view, rows, load


class Acted(Message):
    """An action on an item is saved (or, with ``warning``, the service answered that nothing was done)."""

    def __init__(self, text: str, *, warning: bool = False) -> None:
        super().__init__()
        self.text = text
        self.warning = warning


class ClerksRead(Message):
    """The clerks the director may assign ``item`` to, the lightest load first."""

    def __init__(self, item: ItemKey, version: int, title: str, owner_id: int | None, clerks: list[ClerkLoad]) -> None:
        super().__init__()
        self.item = item
        self.version = version
        self.title = title
        self.owner_id = owner_id
        self.clerks = clerks


class RecipientsRead(Message):
    """The respondents of the case under the cursor, for the 登记送达 form."""

    def __init__(self, row: PackRow | ServiceMatterRow, recipients: list[Recipient]) -> None:
        super().__init__()
        self.row = row
        self.recipients = recipients


class PreviewRead(Message):
    """The current documents of a case's pack, as text."""

    def __init__(self, case_number: str, documents: list[DocumentText]) -> None:
        super().__init__()
        self.case_number = case_number
        self.documents = documents


# -- cells ------------------------------------------------------------------------------------------------------


def view_tabs(shown: View) -> Text:
    """The three views as tabs, the shown one marked: ``集约送达  1 待寄送  2 送达跟踪  3 交办事项``."""
    tabs = Text("集约送达 ", style="bold")
    for view in View:
        tabs.append(" ")
        tabs.append(f" {view.value} {view.label} ", style="bold reverse" if view is shown else "dim")
    return tabs


def summary_text(load: Caseload, *, mine: bool) -> str:
    """The counts line: 待寄送 n（超期 k、未领取 u），待结果 n，待下一步 n，交办 n，我负责 n."""
    text = (
        f"待寄送 {load.packs}（超期 {load.packs_overdue}、未领取 {load.unowned}），"
        f"待结果 {load.awaiting_result}，待下一步 {load.awaiting_next}，"
        f"交办 {load.matters}"
    )
    return f"{text}，我负责 {load.mine}" if mine else text


def due_text(due: date, state: DeadlineState) -> Text:
    """A deadline as MM-DD in its state's colour (overdue red, due today bold yellow, due soon yellow)."""
    return Text(f"{due:%m-%d}", style=STATE_STYLES[state])


def owner_text(owner: str) -> Text:
    """Who owns the item, or 「未领取」 in warning colour."""
    return Text(owner) if owner else Text(UNOWNED, style="yellow")


def pack_cells(row: PackRow) -> tuple[Text | str, ...]:
    """A 待寄送 line."""
    documents = f"{row.documents}/5" + ("已印" if row.printed else "")
    return (
        row.case_number,
        row.respondents,
        due_text(row.due_date, row.state),
        owner_text(row.owner),
        row.handed_over_by or "—",
        documents,
        f"{row.sent}/{row.recipients}",
    )


def attempt_state(row: AttemptRow) -> Text:
    """「待结果」, or the failure and the way it takes next (「退回→另址邮寄」), in warning colour."""
    if row.result is None:
        return Text("待结果")
    if row.next_attempt is None:
        return Text(row.result.label, style="yellow")
    return Text(f"{row.result.label}→{NEXT_SHORT[row.next_attempt]}", style="yellow")


def attempt_cells(row: AttemptRow, *, wide: bool) -> tuple[Text | str, ...]:
    """A 送达跟踪 line, wide or folded for 80 columns."""
    days = Text(str(row.days_out), justify="right")
    if wide:
        sent = f"{row.sent_on:%m-%d}"
        return (
            row.case_number,
            row.recipient,
            row.method.label,
            row.tracking_number or "—",
            sent,
            days,
            attempt_state(row),
        )
    how = row.tracking_number if row.method is ServiceMethod.MAIL else row.method.label
    return (row.case_number, row.recipient, how, days, attempt_state(row))


def matter_cells(row: ServiceMatterRow) -> tuple[Text | str, ...]:
    """A 交办事项 line."""
    return (
        row.case_number,
        row.kind.label,
        row.requested_by,
        due_text(row.due_date, row.state),
        owner_text(row.owner),
        row.attempt or "未办理",
    )


# -- the detail line --------------------------------------------------------------------------------------------


def pack_detail(row: PackRow) -> str:
    """The highlighted pack in full."""
    owner = row.owner or UNOWNED
    return (
        f"{row.case_number} 被执行人：{row.respondents}\n"
        f"收案 {row.received_at:%m-%d}，期限 {row.due_date:%m-%d}（{row.state.label}）；负责人 {owner}；"
        f"文书 {row.documents}/5{'（已打印）' if row.printed else ''}；已寄出 {row.sent}/{row.recipients} 人"
    )


def attempt_detail(row: AttemptRow) -> str:
    """The highlighted attempt in full: whom, where, how, by whom, and what it waits for (the case is on the row)."""
    number = f" {row.tracking_number}" if row.tracking_number else ""
    if row.result is None:
        state = "待结果"
    else:
        following = f"，下一步{row.next_attempt.label}" if row.next_attempt else ""
        state = f"{row.result.label} {row.result_on:%m-%d}{following}"
    return f"{row.recipient}：{row.address}\n{row.method.label}{number} {row.sent_on:%m-%d} {row.sent_by}；{state}"


def matter_detail(row: ServiceMatterRow) -> str:
    """The highlighted matter: who handed it over and when, where it stands, then its requirements in full."""
    stands = f"；{row.attempt}" if row.attempt else ""
    return (
        f"{row.case_number} {row.kind.label}：{row.requested_by} {row.requested_at:%m-%d %H:%M} 交办{stands}\n"
        f"要求：{short(row.requirements, 200)}"
    )
