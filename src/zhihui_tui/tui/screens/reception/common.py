"""What the reception screens share: the error line under each field, how a case, a ledger row and the day's
counts read, the ID number checked as it is typed, and the reception banner's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual.containers import Horizontal
from textual.widgets import Static

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.reception import (
    F_APPT_CHANNEL,
    F_APPT_KIND,
    F_APPT_PARTY,
    F_APPT_PHONE,
    F_APPT_TIME,
    F_CASE,
    F_CHANNEL,
    F_ID_KIND,
    F_ID_NUMBER,
    F_LATE_REASON,
    F_NAME,
    F_OUTCOME,
    F_PHONE,
    F_PURPOSE,
    F_STAFF,
    F_TIME,
    IdKind,
    check_id_document,
)

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.widget import Widget

    from zhihui_tui.services.reception import LedgerRow, LedgerView, VisitorCase

CASE_HINT = "输入有效证件号后，列出其作为当事人或代理人的案件"
NO_CASES = "该证件号未在任何案件中登记（可不选案件，或核对证件号）"
SAVED = "已登记"
LEDGER_COLUMNS = ("时间", "渠道", "来访人", "证件号", "事由", "案号", "接待人", "处理结果")
# FieldError.field → the key of the error line under that field (``#err-<key>``).
FIELD_KEYS = {
    F_ID_NUMBER: "id",
    F_ID_KIND: "id",
    F_CASE: "case",
    F_OUTCOME: "outcome",
    F_PURPOSE: "purpose",
    F_CHANNEL: "channel",
    F_NAME: "name",
    F_PHONE: "phone",
    F_TIME: "time",
    F_LATE_REASON: "late",
    F_STAFF: "staff",
}
APPT_FIELD_KEYS = {
    F_APPT_KIND: "kind",
    F_APPT_CHANNEL: "channel",
    F_APPT_TIME: "time",
    F_APPT_PARTY: "party",
    F_APPT_PHONE: "phone",
}


def short(text: str | None, width: int) -> str:
    """One line of at most ``width`` characters, cut with an ellipsis."""
    value = (text or "").replace("\n", " ")
    return value if len(value) <= width else value[: width - 1] + "…"


def case_label(case: VisitorCase) -> str:
    """A line of the visitor's case list: number, the visitor's roles, stage and handler."""
    number = case.case_number or "（未立案）"
    handler = case.handler_name or "未分配"
    return f"{number}  {'、'.join(case.visitor_roles)}  {case.stage_label}  承办人 {handler}"


def contact_text(case: VisitorCase) -> str:
    """R-REC-3: the handler is reached by the office landline (or the centre's hotline), never a mobile."""
    handler = case.handler_name or "未分配"
    return f"承办人 {handler} · 办公电话 {case.handler_contact}"


def ledger_cells(row: LedgerRow) -> tuple[str, ...]:
    """A ledger row as the screen's table shows it (masked, shortened)."""
    return (
        f"{row.visited_at:%H:%M}",
        row.channel.label,
        short(row.visitor_name, 8),
        row.id_number_masked,
        row.purpose.label,
        row.case_number or "—",
        row.staff_name,
        short(row.outcome, 20),
    )


def counts_text(ledger: LedgerView) -> str:
    """The day's visits by purpose, and when the day was reported."""
    parts = " · ".join(f"{purpose.label} {count}" for purpose, count in ledger.counts.items())
    text = f"今日 {ledger.total} 人次：{parts}"
    if ledger.report is not None:
        text += f"（已于 {ledger.report.reported_at:%H:%M} 报送）"
    return text


def id_feedback(kind: IdKind, text: str, today: datetime) -> tuple[str | None, str]:
    """(the normalised number or None, a message for under the field) — checked as the clerk types.

    A resident ID or credit code still being typed (shorter than 18, no bad character) gets a count, not an error.
    """
    raw = text.strip()
    if not raw:
        return None, ""
    try:
        number = check_id_document(kind, raw, today=today.date())
    except FieldError as error:
        typing = kind is not IdKind.OTHER and len(raw) < 18 and error.reason != "含非法字符"
        return None, (f"已输入 {len(raw)} 位" if typing else error.reason)
    return number, ""


@dataclass(frozen=True)
class Notice:
    """The reception banner and why a late-entry reason is needed now (None: not needed)."""

    warning: bool
    text: str
    late_why: str | None


def labelled(label: str, widget: Widget, key: str) -> ComposeResult:
    """A form row with its error line under it (``#err-<key>``, hidden while empty)."""
    yield Horizontal(Static(label, classes="rc-label", markup=False), widget, classes="rc-row")
    yield Static("", id=f"err-{key}", classes="rc-error", markup=False)
