"""F11 款物管理 (SPEC §3.9, R-FND-1..3): the 款物管理组's post, read-only for the director.

Views: 1 应发案款 (what is to be paid out, overdue first, 期限 coloured by state), 2 待认领 (bank transfers no case
claimed yet, with their 3-day deadline; c 认领 asks for the case number), 3 扣押物品 (the register; s changes an
item's 处置状态). Enter on a case row opens its account, Ctrl+F any filed case's. Keys i 登记到账, d 发放,
x 冲正, y 延期登记 and n 登记扣押物品 act on the highlighted case; only the keys the service allows are shown.

A view shows its first :data:`PAGE_ROWS` rows and the next ones as the cursor reaches the last, as F3's queue
does: a court of a million cases owes 2,500 sums and holds 5,000 seized items, and putting every one in the table
kept the screen busy for half a second after its first frame.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from zhihui_tui.domain.money import format_yuan
from zhihui_tui.tui.screens.base import SignedInScreen, show_text
from zhihui_tui.tui.screens.funds.account import AccountScreen, may, open_form, read_account
from zhihui_tui.tui.screens.funds.common import (
    COLUMNS,
    DUE,
    FLEX,
    ITEMS,
    KEY_ACTIONS,
    UNCLAIMED,
    AccountRead,
    CaseRef,
    FundsData,
    FundsRead,
    ItemsRead,
    due_cells,
    item_cells,
    unclaimed_cells,
    view_tabs,
)
from zhihui_tui.tui.screens.funds.forms import ClaimForm, DelayForm, DisburseForm, ItemForm, ReceiptForm, StatusForm
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.search import CaseHit
    from zhihui_tui.tui.service_calls import Failure

EMPTY = ("没有待发放的案款", "没有待认领的到账", "尚未登记扣押物品")
PAGE_ROWS = 200


def read_funds(ctx: ServiceContext) -> FundsRead:
    """The money views at once: they are small (money owed, not the whole ledger); of the register its size only."""
    from zhihui_tui.services.funds import funds_due, register_size, unclaimed_lines

    due = [s for s in funds_due(ctx=ctx) if s.case_id is not None]
    return FundsRead(FundsData(due, unclaimed_lines(ctx=ctx), [], register_size(ctx=ctx)))


def read_items(ctx: ServiceContext) -> ItemsRead:
    """The register of seized items, whole: read when its view is shown (5,000 items on a court of a million
    cases, 40 ms, which kept the money view from settling when read behind it)."""
    from zhihui_tui.services.funds import property_register

    return ItemsRead(property_register(ctx=ctx))


class FundsScreen(SignedInScreen):
    """F11: the three views and the 款物管理组's keys."""

    SCREEN_NAME = "款物管理"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "account", "账户", id="funds.account"),
        Binding("i", "receive", "到账", id="funds.receive"),
        Binding("d", "disburse", "发放", id="funds.disburse"),
        Binding("x", "reverse", "冲正", id="funds.reverse"),
        Binding("y", "delay", "延期", id="funds.delay"),
        Binding("n", "seize", "扣押", id="funds.seize"),
        Binding("c", "claim", "认领", id="funds.claim"),
        Binding("s", "status", "处置状态", id="funds.status"),
        Binding("1", "view(0)", "应发案款", show=False, id="funds.view1"),
        Binding("2", "view(1)", "待认领", show=False, id="funds.view2"),
        Binding("3", "view(2)", "扣押物品", show=False, id="funds.view3"),
        Binding("r", "reload", "刷新", show=False, id="funds.reload"),
    ]
    AUTO_FOCUS = "#funds-table"
    DEFAULT_CSS = """
    #funds-body { height: 1fr; padding: 0 1; }
    #funds-tabs { height: 1; }
    #funds-table { height: 1fr; }
    #funds-detail { height: auto; max-height: 2; color: $text-muted; }
    #funds-status { height: 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view = DUE
        self.data = FundsData([], [], [], None)
        self.loaded = False
        self.items_read = False
        self._then = ""  # what to do with the account being read: "account", "disburse"
        self.limit = PAGE_ROWS  # rows of the view in the table: a page more each time the cursor reaches the last
        self.shown: dict[str, Any] = {}  # the page's records by row key

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="funds-body"):
            yield Static(view_tabs(DUE, (0, 0, 0)), id="funds-tabs")
            yield DataTable(id="funds-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="funds-detail", markup=False)
            yield Static("正在读取…", id="funds-status", markup=False)
        yield self.make_footer()

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#funds-table", DataTable)

    @property
    def today(self) -> str:
        return self.shell.runtime.clock.now().date().isoformat()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show a key only in the views it works in, and only to those the service lets do it."""
        needed = KEY_ACTIONS.get(action)
        if needed is None:
            return True
        return self.view in needed[1] and may(self, needed[0])

    # -- reading ---------------------------------------------------------------------------------------------

    async def prepare_hidden(self) -> None:
        """Built ahead after sign-in: the money views are read and drawn off screen as well (see read_ahead)."""
        await self.read_ahead(read_funds, self.on_funds_read)
        await super().prepare_hidden()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.run_service(read_funds, action="读取款物管理", done=lambda read: read, group="funds", exclusive=True)

    def on_funds_read(self, message: FundsRead) -> None:
        self.data, self.loaded = replace(message.data, items=self.data.items), True
        self.items_read = False  # the register may have changed too: read again when its view is shown
        self.show_view()
        if self.view == ITEMS:
            self.call_after_refresh(self.read_items)

    def read_items(self) -> None:
        self.run_service(read_items, action="读取扣押物品", done=lambda read: read, group="funds-items", exclusive=True)

    def on_items_read(self, message: ItemsRead) -> None:
        self.data, self.items_read = replace(self.data, items=message.items), True
        if self.view == ITEMS:
            self.show_view()
        else:  # the money rows shown are unchanged: only the register's count is new
            self.show_tabs()

    def action_view(self, index: int) -> None:
        if index != self.view:
            self.view, self.limit = index, PAGE_ROWS
            self.table.clear(columns=True)
            self.show_view()
            self.refresh_bindings()
            if index == ITEMS and self.loaded and not self.items_read:
                self.read_items()

    def records(self) -> list[tuple[str, Any]]:
        """The view's records with their row keys, in the order shown."""
        if self.view == DUE:
            return [(f"{s.case_id}:{s.receipt_id}", s) for s in self.data.due]
        if self.view == UNCLAIMED:
            return [(str(line.id), line) for line in self.data.unclaimed]
        return [(str(item.id), item) for item in self.data.items]

    def cells(self, record: Any) -> tuple[str | Text, ...]:
        if self.view == DUE:
            return due_cells(record)
        if self.view == UNCLAIMED:
            return unclaimed_cells(record, self.shell.runtime.clock.now().date())
        return item_cells(record)

    def show_view(self) -> None:
        table, records = self.table, self.records()
        if not table.columns:
            table.add_columns(*COLUMNS[self.view])
            table.flex_column(FLEX[self.view])
        shown = records[: self.limit]
        self.shown = dict(shown)
        # the first rows now and the rest once drawn; all of them when read ahead (drawn off screen at once)
        first = 100 if self.is_current else None
        table.replace_rows(((key, self.cells(record)) for key, record in shown), first=first)
        self.show_tabs()
        self.set_status(self.status_text(records))
        self.show_detail()

    def show_tabs(self) -> None:
        data = self.data
        counts = (len(data.due), len(data.unclaimed), len(data.items) if self.items_read else data.items_size)
        show_text(self.query_one("#funds-tabs", Static), view_tabs(self.view, counts))

    def page_in(self) -> None:
        """The cursor on the last row in the table: the view's next :data:`PAGE_ROWS` rows join it."""
        table = self.table
        if not table.row_count or table.cursor_row < table.row_count - 1 or table.row_count < len(self.shown):
            return  # not on the last row, or the rows read are still going in
        more = self.records()[self.limit : self.limit + PAGE_ROWS]
        if not more:
            return
        self.limit += PAGE_ROWS
        self.shown.update(more)
        for key, record in more:
            table.add_row(*self.cells(record), key=key)

    def status_text(self, records: list[tuple[str, Any]]) -> str:
        if self.view == ITEMS:
            if not self.items_read:
                return "正在读取…"
            held = sum(not item.status.final for _, item in records)
            return f"在库或处置中 {held} 件  Enter 打开所属案件账户" if records else EMPTY[ITEMS]
        if not records:
            return EMPTY[self.view]
        total = format_yuan(sum(record.amount_fen for _, record in records))
        return f"合计 {total} 元" + ("  Enter 打开账户  Ctrl+F 其他案件的账户" if self.view == DUE else "")

    def set_status(self, text: str) -> None:
        show_text(self.query_one("#funds-status", Static), text)

    def display_failure(self, action: str, failure: Failure) -> None:
        self.set_status(failure.text)
        super().display_failure(action, failure)

    def current_key(self) -> str | None:
        table = self.table
        if not table.row_count or not table.is_valid_row_index(table.cursor_row):
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def current(self) -> Any:
        """The highlighted row's record in the view shown (None when the view is empty)."""
        key = self.current_key()
        return None if key is None else self.shown.get(key)

    def current_case(self) -> CaseRef | None:
        row = self.current()
        if row is None or self.view == UNCLAIMED or row.case_id is None:
            return None
        return CaseRef(row.case_id, row.case_number or "")

    @on(DataTable.RowHighlighted, "#funds-table")
    def row_highlighted(self) -> None:
        self.show_detail()
        self.page_in()

    def show_detail(self) -> None:
        row, text = self.current(), ""
        if row is not None and self.view == DUE:
            delay = f" · 延期：{row.delay_reason}" if row.delay_reason else ""
            text = f"付款人 {row.payer}{delay}"
        elif row is not None and self.view == UNCLAIMED:
            text = f"附言：{row.memo or '（无）'} · 应于 {row.claim_due:%Y-%m-%d} 前认领"
        elif row is not None:
            text = f"保管于 {row.custody_place} · {row.seized_on:%Y-%m-%d} 扣押" + (
                f" · {row.note}" if row.note else ""
            )
        show_text(self.query_one("#funds-detail", Static), text)

    # -- the account ------------------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#funds-table")
    def row_selected(self) -> None:
        if self.view != UNCLAIMED:
            self.action_account()

    def action_account(self, then: str = "account") -> None:
        case = self.current_case()
        if case is not None:
            self._then = then
            read_account(self, case.case_id, case.case_number)

    def found_case(self, hit: CaseHit | None) -> None:
        """Ctrl+F here opens the found case's account: money can come in for a case with no account line yet."""
        if hit is None:
            return
        if hit.case_number is None:
            self.notify("该案尚未立案，没有案款账户", severity="warning")
            return
        self._then = "account"
        read_account(self, hit.case_id, hit.case_number)

    def on_account_read(self, message: AccountRead) -> None:
        then, self._then = self._then, ""
        view = message.view
        if then == "disburse":
            form = DisburseForm(
                CaseRef(view.case_id, view.case_number), self.today, view.applicants, format_yuan(view.balance_fen)
            )
            open_form(self, form, self.action_reload)
        elif then:
            self.app.push_screen(AccountScreen(view, self.today))
            if then == "reverse":
                self.notify("选中要冲正的账目后按 x")

    # -- the keys ---------------------------------------------------------------------------------------------

    def action_receive(self) -> None:
        case = self.current_case()
        if case is not None:
            open_form(self, ReceiptForm(case, self.today), self.action_reload)

    def action_disburse(self) -> None:
        self.action_account("disburse")

    def action_reverse(self) -> None:
        self.action_account("reverse")

    def action_delay(self) -> None:
        row = self.current()
        if self.view == DUE and row is not None and row.receipt_id is not None:
            what = f"{row.case_number} {row.arrived:%m-%d} 到账 {format_yuan(row.amount_fen)} 元"
            open_form(self, DelayForm(row.receipt_id, what), self.action_reload)

    def action_seize(self) -> None:
        case = self.current_case()
        if case is not None:
            open_form(self, ItemForm(case, self.today), self.action_reload)

    def action_claim(self) -> None:
        line = self.current()
        if self.view == UNCLAIMED and line is not None and line.id is not None:
            what = f"{line.arrived_on:%m-%d} {line.payer} {format_yuan(line.amount_fen)} 元"
            open_form(self, ClaimForm(line.id, line.version, what), self.action_reload)

    def action_status(self) -> None:
        item = self.current()
        if self.view == ITEMS and item is not None:
            if item.status.final:
                self.notify(f"该物品已{item.status.label}，不能再变更", severity="warning")
                return
            open_form(self, StatusForm(item, self.today), self.action_reload)
