"""F10 集约送达, the post: its layout, the three views, reading the desk, the rows and the detail line
(``ServiceDeskScreen`` adds the actions).

What a person may do is the service's answer (``allowed_actions``): the footer shows only the keys that work for
them in the view shown, so the director sees a 指派 where the clerks see t 领取 and the writing keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from zhihui_tui.services.service_desk import ServiceAction, allowed_actions
from zhihui_tui.tui.screens.base import SignedInScreen, show_text
from zhihui_tui.tui.screens.service_desk.common import (
    ATTEMPT_COLUMNS,
    CSS,
    DOCUMENTS_WIDTH,
    EMPTY,
    FLEX,
    MATTER_COLUMNS,
    NARROW_ATTEMPT_COLUMNS,
    PACK_COLUMNS,
    WIDE_FROM,
    Desk,
    View,
    ViewRead,
    attempt_cells,
    attempt_detail,
    matter_cells,
    matter_detail,
    pack_cells,
    pack_detail,
    summary_text,
    view_tabs,
)
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.context import Actor, ServiceContext
    from zhihui_tui.services.service_desk import AttemptRow, PackRow, ServiceMatterRow
    from zhihui_tui.tui.service_calls import Failure

READ_ACTION = "读取集约送达"
ALL_VIEWS = frozenset(View)
ITEM_VIEWS = frozenset((View.PACKS, View.MATTERS))
# Each key's action, the service action it needs and the views it works in.
KEY_ACTIONS: dict[str, tuple[ServiceAction, frozenset[View]]] = {
    "take": (ServiceAction.TAKE, ITEM_VIEWS),
    "assign": (ServiceAction.ASSIGN, ITEM_VIEWS),
    "generate": (ServiceAction.GENERATE, frozenset((View.PACKS,))),
    "preview": (ServiceAction.VIEW, frozenset((View.PACKS,))),
    "printed": (ServiceAction.PRINT, frozenset((View.PACKS,))),
    "mail": (ServiceAction.RECORD, ALL_VIEWS),
    "result": (ServiceAction.RECORD, frozenset((View.ATTEMPTS,))),
}
TABLE_IDS = {View.PACKS: "desk-packs", View.ATTEMPTS: "desk-attempts", View.MATTERS: "desk-matters"}


PHASES = (View.PACKS, View.MATTERS, View.ATTEMPTS)  # the order the views are read in


def read_view(view: View, ctx: ServiceContext) -> ViewRead:
    """One view's page, in the worker; 交办事项 with the counts."""
    from zhihui_tui.services.service_desk import attempt_queue, caseload, matter_queue, pack_queue

    if view is View.PACKS:
        return ViewRead(view, pack_queue(ctx=ctx))
    if view is View.MATTERS:
        return ViewRead(view, matter_queue(ctx=ctx), load=caseload(ctx=ctx))
    return ViewRead(view, attempt_queue(ctx=ctx))


def row_key_of(row: PackRow | AttemptRow | ServiceMatterRow) -> str:
    """A row's key in its table."""
    from zhihui_tui.services.service_desk import AttemptRow, PackRow

    if isinstance(row, PackRow):
        return f"p{row.deadline_id}"
    return f"a{row.id}" if isinstance(row, AttemptRow) else f"m{row.id}"


class DeskPost(SignedInScreen):
    """F10 without its actions: the views, the rows, the counts and the detail line."""

    SCREEN_NAME = "集约送达"
    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "take", "领取", id="desk.take"),
        Binding("a", "assign", "指派", id="desk.assign"),
        Binding("g", "generate", "生成文书", id="desk.generate"),
        Binding("v", "preview", "预览", id="desk.preview"),
        Binding("p", "printed", "已打印", id="desk.printed"),
        Binding("m", "mail", "登记送达", id="desk.mail"),
        Binding("r", "result", "登记结果", id="desk.result"),
        *(Binding(v.value, f"view('{v.value}')", v.label, show=False, id=f"desk.view{v.value}") for v in View),
        Binding("ctrl+r", "reload", "刷新", show=False, id="desk.reload"),  # every action reloads; F1 lists it
    ]
    AUTO_FOCUS = "#desk-packs"

    def __init__(self) -> None:
        super().__init__()
        self.view = View.PACKS
        self.desk: Desk | None = None
        self.views_read: set[View] = set()
        self.rows: dict[View, dict[str, PackRow | AttemptRow | ServiceMatterRow]] = {v: {} for v in View}
        self.wide = True
        self._may_cache: tuple[Actor, frozenset[ServiceAction]] | None = None

    # -- who may do what: the service's answer ----------------------------------------------------------------

    def may(self, action: ServiceAction) -> bool:
        """Whether the signed-in person may ``action`` (the service's table, kept per person)."""
        actor = self.shell.actor
        if actor is None:
            return False
        if self._may_cache is None or self._may_cache[0] != actor:
            self._may_cache = (actor, allowed_actions(actor))
        return action in self._may_cache[1]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide (and ignore) keys outside their views or the signed-in person's rights."""
        needed = KEY_ACTIONS.get(action)
        return True if needed is None else self.view in needed[1] and self.may(needed[0])

    # -- layout -------------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Tabs, counts, the three tables (one shown), the detail and status lines."""
        yield self.make_header()
        self.wide = self.app.size.width >= WIDE_FROM
        with Vertical(id="desk-body"):
            yield Static(view_tabs(self.view), id="desk-tabs")
            yield Static("正在读取…", id="desk-summary", markup=False)
            for view in View:
                table: DataTable[Text | str] = DataTable(
                    id=TABLE_IDS[view], classes="desk-table", cursor_type="row", zebra_stripes=True
                )
                for label in self.columns(view):
                    table.add_column(label, width=DOCUMENTS_WIDTH if label == "文书" else None, key=label)
                table.flex_column(FLEX[view])
                table.display = view is self.view
                yield table
            yield Static("", id="desk-empty")
            yield Static("1 待寄送  2 送达跟踪  3 交办事项  Enter 案件信息", id="desk-detail", markup=False)
            yield Static("", id="desk-status", markup=False)
        yield self.make_footer()

    def columns(self, view: View) -> tuple[str, ...]:
        """The view's column labels (送达跟踪 folds two below WIDE_FROM columns)."""
        if view is View.PACKS:
            return PACK_COLUMNS
        if view is View.MATTERS:
            return MATTER_COLUMNS
        return ATTEMPT_COLUMNS if self.wide else NARROW_ATTEMPT_COLUMNS

    def table(self, view: View | None = None) -> DataTable[Text | str]:
        """The table of ``view`` (the one shown by default)."""
        return self.query_one(f"#{TABLE_IDS[view or self.view]}", DataTable)

    def on_resize(self) -> None:
        """Crossing WIDE_FROM columns folds or unfolds 送达跟踪's columns; its rows and cursor stay."""
        wide = self.app.size.width >= WIDE_FROM
        if wide == self.wide:
            return
        self.wide = wide
        table = self.table(View.ATTEMPTS)
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_columns(*self.columns(View.ATTEMPTS))
        table.flex_column(FLEX[View.ATTEMPTS])
        self.fill(View.ATTEMPTS)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def on_screen_resume(self) -> None:
        """Read the desk again each time the post is shown."""
        self.action_reload()

    def display_failure(self, action: str, failure: Failure) -> None:
        """In the status line, and notified."""
        if action == READ_ACTION:
            self.query_one("#desk-summary", Static).update("读取失败（按 Ctrl+R 重试）")
        self.set_status(failure.text, error=True)
        super().display_failure(action, failure)

    def set_status(self, text: str, *, error: bool = False) -> None:
        """The line under the detail: the last action's outcome."""
        self.query_one("#desk-status", Static).update(Text(text, style="red" if error else "green"))

    # -- views and reading --------------------------------------------------------------------------------------

    def action_view(self, key: str) -> None:
        """Show another view (its rows are already read)."""
        self.view = View(key)
        for view in View:
            self.table(view).display = view is self.view
        self.query_one("#desk-tabs", Static).update(view_tabs(self.view))
        self.refresh_bindings()
        self.show_empty()
        self.table().focus()
        self.detail()

    def action_reload(self) -> None:
        """Read the lists and the counts again (after every action too), one view after the other."""
        self.read_view(PHASES[0])

    def read_view(self, view: View) -> None:
        """Read ``view``'s page (and what comes with it)."""
        self.run_service(
            lambda ctx: read_view(view, ctx),
            action=READ_ACTION,
            done=lambda read: read,
            group=f"desk-read{view.value}",
            exclusive=True,
        )

    async def prepare_hidden(self) -> None:
        """Built ahead after sign-in: every view read and drawn off screen as well (see ``read_ahead``)."""
        await self.read_ahead(lambda ctx: [read_view(view, ctx) for view in PHASES], self.apply_reads)
        await super().prepare_hidden()

    @on(ViewRead)
    def show_read(self, message: ViewRead) -> None:
        """A view's rows and what came with them; then the next view, once these are on screen (read alongside,
        the others' queries held the first page and its frame back)."""
        self.apply_read(message)
        following = PHASES.index(message.view) + 1
        if following < len(PHASES):
            self.call_after_refresh(self.read_view, PHASES[following])

    def apply_reads(self, reads: list[ViewRead]) -> None:
        for read in reads:
            self.apply_read(read)

    def apply_read(self, message: ViewRead) -> None:
        """Show a view's rows and the counts that came with them (nothing is redrawn that did not change)."""
        view = message.view
        self.views_read.add(view)
        self.rows[view] = {row_key_of(row): row for row in message.rows}
        if message.load is not None:
            self.desk = Desk(message.load)
        self.fill(view)
        self.show_summary()
        if view is self.view:
            self.show_empty()
            self.detail()

    def show_summary(self) -> None:
        """The counts line, once the desk was read."""
        if self.desk is not None:
            summary = summary_text(self.desk.load, mine=self.may(ServiceAction.TAKE))
            show_text(self.query_one("#desk-summary", Static), summary)

    def fill(self, view: View) -> None:
        """Show ``view``'s rows; the cursor stays on its row, or where it was when that row has left."""
        table = self.table(view)
        index, key = table.cursor_row, self.row_key(table)
        changed = table.replace_rows((key, self.cells(row)) for key, row in self.rows[view].items())
        if changed and table.row_count and key not in self.rows[view]:
            table.move_cursor(row=min(max(index, 0), table.row_count - 1), animate=False)

    def cells(self, row: PackRow | AttemptRow | ServiceMatterRow) -> tuple[Text | str, ...]:
        """A row's cells in its view."""
        from zhihui_tui.services.service_desk import AttemptRow, PackRow

        if isinstance(row, PackRow):
            return pack_cells(row)
        if isinstance(row, AttemptRow):
            return attempt_cells(row, wide=self.wide)
        return matter_cells(row)

    def show_empty(self) -> None:
        """The shown view's table, or what it would say when empty."""
        empty = not self.rows[self.view]
        self.table().display = not empty
        placeholder = self.query_one("#desk-empty", Static)
        show_text(placeholder, EMPTY[self.view] if self.view in self.views_read else "正在读取…")
        placeholder.display = empty

    @staticmethod
    def row_key(table: DataTable[Text | str]) -> str:
        """The key of the row under the cursor ("" in an empty table)."""
        if not table.row_count:
            return ""
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""

    def current(self) -> PackRow | AttemptRow | ServiceMatterRow | None:
        """The row under the cursor in the shown view."""
        return self.rows[self.view].get(self.row_key(self.table()))

    @on(DataTable.RowHighlighted, ".desk-table")
    def detail(self) -> None:
        """The highlighted row in full under the table."""
        from zhihui_tui.services.service_desk import AttemptRow, PackRow

        row = self.current()
        if row is None:
            text = ""
        elif isinstance(row, PackRow):
            text = pack_detail(row)
        elif isinstance(row, AttemptRow):
            text = attempt_detail(row)
        else:
            text = matter_detail(row)
        show_text(self.query_one("#desk-detail", Static), text)
