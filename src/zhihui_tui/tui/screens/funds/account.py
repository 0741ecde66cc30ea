"""One case account (Enter on a case row): its entries, balance and what is due from it, with the keys of the 款物
管理组 — i 登记到账, d 发放, x 冲正 the highlighted entry, y 延期 for the highlighted receipt, n 登记扣押物品."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from zhihui_tui.domain.funds import EntryKind
from zhihui_tui.domain.money import format_yuan
from zhihui_tui.services.funds.rules import FundsAction, allowed_actions
from zhihui_tui.tui.screens.forms import FormScreen, short
from zhihui_tui.tui.screens.funds.common import STATE_STYLES, AccountRead, CaseRef, day, yuan
from zhihui_tui.tui.screens.funds.forms import (
    ClaimForm,
    DelayForm,
    DisburseForm,
    ItemForm,
    ReceiptForm,
    ReverseForm,
    StatusForm,
)
from zhihui_tui.tui.service_calls import ServiceCaller
from zhihui_tui.tui.shell import shell_of
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from zhihui_tui.services.funds import AccountView, EntryLine
    from zhihui_tui.tui.service_calls import Failure

ACCOUNT_KEYS = {
    "receive": FundsAction.RECEIVE,
    "disburse": FundsAction.DISBURSE,
    "reverse": FundsAction.REVERSE,
    "delay": FundsAction.DELAY,
    "seize": FundsAction.PROPERTY,
}
SAVED = {
    ReceiptForm: "已登记到账",
    DisburseForm: "已登记发放",
    ReverseForm: "已冲正",
    DelayForm: "已登记延期发放",
    ItemForm: "已登记扣押物品",
    ClaimForm: "已认领，款项已记入该案账户",
    StatusForm: "已变更处置状态",
}


def may(node: Screen[Any], action: FundsAction) -> bool:
    """Whether the signed-in person may ``action`` (the service's rule)."""
    actor = shell_of(node).actor
    return actor is not None and action in allowed_actions(actor)


def open_form(node: Screen[Any], form: FormScreen, then: Callable[[], None]) -> None:
    """Push ``form``; once it saved, say so and call ``then`` (a reload)."""

    def saved(value: Any) -> None:
        if value is not None and value is not False:
            node.notify(SAVED.get(type(form), "已保存"))
            then()

    node.app.push_screen(form, callback=saved)


def read_account(node: ServiceCaller, case_id: int, label: str) -> None:
    """Read one account and answer with :class:`AccountRead`."""
    from zhihui_tui.services.funds import account_view

    node.run_service(
        lambda ctx: AccountRead(account_view(case_id, ctx=ctx)),
        action=f"读取{label}的案款账户",
        done=lambda message: message,
        group="account",
        exclusive=True,
    )


def entry_cells(entry: EntryLine) -> tuple[str | Text, ...]:
    style = "dim strike" if entry.reversed else ""
    return (
        Text(day(entry.occurred_on), style=style),
        Text(entry.kind.label + ("（已冲正）" if entry.reversed else ""), style=style),
        yuan(entry.amount_fen),
        short(entry.counterparty, 16),
        short(entry.note, 20),
    )


class AccountScreen(ServiceCaller, ModalScreen[None]):
    """A case account, read again after each write made from it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "receive", "登记到账", id="account.receive"),
        Binding("d", "disburse", "发放", id="account.disburse"),
        Binding("x", "reverse", "冲正", id="account.reverse"),
        Binding("y", "delay", "延期", id="account.delay"),
        Binding("n", "seize", "扣押物品", id="account.seize"),
        Binding("escape", "close", "返回", id="account.close"),
    ]
    DEFAULT_CSS = """
    AccountScreen { align: center middle; }
    AccountScreen > Vertical { width: 100%; max-width: 110; height: 100%; border: round $primary;
        background: $surface; padding: 0 1; }
    AccountScreen #acct-title { text-style: bold; height: 1; }
    AccountScreen #acct-sums { height: 1; }
    AccountScreen #acct-entries { height: 1fr; }
    AccountScreen #acct-due { height: auto; max-height: 4; }
    AccountScreen #acct-keys { height: auto; color: $text-muted; }
    """

    def __init__(self, view: AccountView, today: str) -> None:
        super().__init__()
        self.view, self.today = view, today

    @property
    def case(self) -> CaseRef:
        return CaseRef(self.view.case_id, self.view.case_number)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="acct-title", markup=False)
            yield Static("", id="acct-sums", markup=False)
            table: DataTable[str | Text] = DataTable(id="acct-entries", cursor_type="row", zebra_stripes=True)
            table.add_columns("日期", "类别", "金额（元）", "付款人/收款人", "备注")
            yield table
            yield Static("", id="acct-due")
            yield Static("", id="acct-keys", markup=False)

    def on_mount(self) -> None:
        self.show(self.view)
        keys = [
            f"{k} {b}"
            for k, a, b in (
                ("i", "receive", "登记到账"),
                ("d", "disburse", "发放"),
                ("x", "reverse", "冲正所选账目"),
                ("y", "delay", "所选到账延期"),
                ("n", "seize", "登记扣押物品"),
            )
            if may(self, ACCOUNT_KEYS[a])
        ]
        self.query_one("#acct-keys", Static).update("  ".join([*keys, "Esc 返回"]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needed = ACCOUNT_KEYS.get(action)
        return True if needed is None else may(self, needed)

    def show(self, view: AccountView) -> None:
        self.view = view
        self.query_one("#acct-title", Static).update(f"案款账户 · {view.case_number}")
        sums = (
            f"余额 {format_yuan(view.balance_fen)} 元  到账 {format_yuan(view.received_fen)} 元  "
            f"已发放 {format_yuan(view.paid_fen)} 元"
        )
        self.query_one("#acct-sums", Static).update(sums)
        table = self.query_one("#acct-entries", DataTable)
        table.replace_rows((str(e.id), entry_cells(e)) for e in view.entries)
        lines = []
        for due in view.due:
            line = Text(f"应于 {due.due:%Y-%m-%d} 前发放 {format_yuan(due.amount_fen)} 元（{due.arrived:%m-%d} 到账）")
            line.append(f" {due.state.label}", style=STATE_STYLES[due.state])
            line.append(f"  延期：{due.delay_reason}" if due.delay_reason else "")
            lines.append(line)
        text = Text("\n").join(lines) if lines else Text("无待发放款项", style="dim")
        self.query_one("#acct-due", Static).update(text)

    def current(self) -> EntryLine | None:
        table = self.query_one("#acct-entries", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((e for e in self.view.entries if str(e.id) == key), None)

    def reload(self) -> None:
        read_account(self, self.view.case_id, self.view.case_number)

    def on_account_read(self, message: AccountRead) -> None:
        self.show(message.view)

    def action_receive(self) -> None:
        open_form(self, ReceiptForm(self.case, self.today), self.reload)

    def action_disburse(self) -> None:
        balance = format_yuan(self.view.balance_fen)
        open_form(self, DisburseForm(self.case, self.today, self.view.applicants, balance), self.reload)

    def action_reverse(self) -> None:
        entry = self.current()
        if entry is None:
            return
        what = f"{entry.occurred_on:%m-%d} {entry.kind.label} {format_yuan(abs(entry.amount_fen))} 元"
        open_form(self, ReverseForm(entry.id, what), self.reload)

    def action_delay(self) -> None:
        entry = self.current()
        if entry is None or entry.kind is not EntryKind.RECEIPT:
            self.notify("请选择一笔到账", severity="warning")
            return
        what = f"{entry.occurred_on:%m-%d} 到账 {format_yuan(entry.amount_fen)} 元"
        open_form(self, DelayForm(entry.id, what), self.reload)

    def action_seize(self) -> None:
        open_form(self, ItemForm(self.case, self.today), self.reload)

    def action_close(self) -> None:
        self.dismiss(None)

    def display_failure(self, action: str, failure: Failure) -> None:
        self.query_one("#acct-keys", Static).update(failure.text)
