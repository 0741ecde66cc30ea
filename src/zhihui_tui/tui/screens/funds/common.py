"""What the 款物管理 screens share: the three views, how their rows read (期限 coloured by state), the messages of
their reads, and which service action each key needs (only the keys ``allowed_actions`` permits are shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from zhihui_tui.domain.funds import FundsState
from zhihui_tui.domain.money import format_yuan
from zhihui_tui.domain.seized_property import ItemStatus
from zhihui_tui.services.funds.rules import FundsAction
from zhihui_tui.tui.screens.forms import short

if TYPE_CHECKING:
    from zhihui_tui.db.models import StatementLine
    from zhihui_tui.services.funds import AccountView, Approver, DueSum, ItemRow

VIEWS = ("应发案款", "待认领", "扣押物品")
DUE, UNCLAIMED, ITEMS = range(3)
COLUMNS: tuple[tuple[str, ...], ...] = (
    ("案号", "到账", "期限", "金额（元）", "状态", "延期原因"),
    ("到账", "付款人", "金额（元）", "认领期限", "附言"),
    ("案号", "物品", "数量", "估价（元）", "处置状态", "日期"),  # 保管地点 in the line under the table
)
FLEX = ("延期原因", "付款人", "物品")  # the column of each view that gives way at 80 columns
STATE_STYLES = {
    FundsState.OVERDUE: "bold red",
    FundsState.DUE_SOON: "bold yellow",
    FundsState.OPEN: "",
    FundsState.UNCLAIMED: "cyan",
}
ITEM_STYLES = {
    ItemStatus.HELD: "",
    ItemStatus.VALUING: "yellow",
    ItemStatus.AUCTION: "bold yellow",
    ItemStatus.DISPOSED: "dim",
    ItemStatus.RETURNED: "dim",
}
# The screen's keys and the service action each needs; the views each works in.
KEY_ACTIONS: dict[str, tuple[FundsAction, tuple[int, ...]]] = {
    "receive": (FundsAction.RECEIVE, (DUE,)),
    "disburse": (FundsAction.DISBURSE, (DUE,)),
    "reverse": (FundsAction.REVERSE, (DUE,)),
    "delay": (FundsAction.DELAY, (DUE,)),
    "seize": (FundsAction.PROPERTY, (DUE, ITEMS)),
    "claim": (FundsAction.CLAIM, (UNCLAIMED,)),
    "status": (FundsAction.PROPERTY, (ITEMS,)),
    "account": (FundsAction.VIEW, (DUE, ITEMS)),
}


def yuan(fen: int | None) -> Text:
    """Money right-aligned, never cut; an unknown valuation as a dash."""
    return Text("—" if fen is None else format_yuan(fen), justify="right")


def day(value: date) -> str:
    return f"{value:%m-%d}"


def due_cells(row: DueSum) -> tuple[str | Text, ...]:
    """A sum to pay out: 案号, 到账, 期限 (coloured by state), 金额, 状态, 延期原因."""
    style = STATE_STYLES[row.state]
    return (
        row.case_number or "",
        day(row.arrived),
        Text(day(row.due), style=style),
        yuan(row.amount_fen),
        Text(row.state.label, style=style),
        row.delay_reason or "",
    )


def unclaimed_cells(line: StatementLine, today: date) -> tuple[str | Text, ...]:
    """Money to claim: 到账, 付款人, 金额, 认领期限 (red once past), 附言."""
    late = line.claim_due < today
    return (
        day(line.arrived_on),
        line.payer,
        yuan(line.amount_fen),
        Text(day(line.claim_due), style="bold red" if late else "cyan"),
        short(line.memo, 20),
    )


def item_cells(row: ItemRow) -> tuple[str | Text, ...]:
    """An item of the register."""
    return (
        row.case_number,
        row.description,
        f"{row.quantity}{row.unit}",
        yuan(row.valuation_fen),
        Text(row.status.label, style=ITEM_STYLES[row.status]),
        day(row.status_on),
    )


def view_tabs(current: int, counts: tuple[int | None, int | None, int | None]) -> str:
    """``1 应发案款 6  2 待认领 2  3 扣押物品 5``, the current view reversed (``…``: not read yet)."""
    parts = []
    for index, (name, count) in enumerate(zip(VIEWS, counts, strict=True)):
        label = f"{index + 1} {name} {'…' if count is None else count}"
        parts.append(f"[reverse]{label}[/]" if index == current else label)
    return "  ".join(parts)


@dataclass(frozen=True)
class FundsData:
    """One reading of the post: the sums to pay out, the lines to claim, the register."""

    due: list[DueSum]
    unclaimed: list[StatementLine]
    items: list[ItemRow]  # read when the register's view is shown
    items_size: int | None  # the register's size, read with the money (None: not read yet)


class FundsRead(Message):
    """The post's money rows were read, and the register's size (its rows come when shown: ``ItemsRead``)."""

    def __init__(self, data: FundsData) -> None:
        super().__init__()
        self.data = data


class ItemsRead(Message):
    """The register of seized items was read: the whole of it, thousands of items on a large court, so it is read
    only when its view is shown."""

    def __init__(self, items: list[ItemRow]) -> None:
        super().__init__()
        self.items = items


class AccountRead(Message):
    """A case account was read (to open it, or to refresh it after a write)."""

    def __init__(self, view: AccountView) -> None:
        super().__init__()
        self.view = view


class ApproversRead(Message):
    """The leaders who may approve a disbursement."""

    def __init__(self, approvers: list[Approver]) -> None:
        super().__init__()
        self.approvers = approvers


@dataclass(frozen=True)
class CaseRef:
    """The case a form writes to."""

    case_id: int
    case_number: str
