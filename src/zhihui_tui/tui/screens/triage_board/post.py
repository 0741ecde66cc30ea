"""F5 分流看板, the post: its layout, the three views, paging and the rows (``TriageBoardScreen`` adds the rulings).

Every service call goes through ``run_service`` and answers with a message of its own. What a person may do is
the service's answer (``allowed_actions`` for the view's stage): the footer shows only the keys that work here, so
at 80 columns the chief sees d 局长指定 instead of the director's keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.triage import flag_text
from zhihui_tui.services.triage import TriageAction, allowed_actions, first_view
from zhihui_tui.tui.screens.base import SignedInScreen, show_text
from zhihui_tui.tui.screens.triage_board.common import (
    COLUMNS,
    CSS,
    EMPTY,
    MARK,
    NARROW_RESPONDENTS_WIDTH,
    RESPONDENTS_WIDTH,
    RESULT_WIDTH,
    VIEWS,
    WIDE_FROM,
    amount_text,
    clipped,
    due_text,
    escalation_line,
    proposal_line,
    reasons_text,
    result_text,
    view_tabs,
)
from zhihui_tui.tui.screens.triage_board.jobs import read_page
from zhihui_tui.tui.screens.triage_board.messages import PageLoaded
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.context import Actor
    from zhihui_tui.services.triage import BoardKey, BoardRow
    from zhihui_tui.tui.service_calls import Failure

READ_ACTION = "读取分流看板"
# The board's keys and the service action each needs in the view shown.
KEY_ACTIONS: dict[str, TriageAction] = {
    "accept": TriageAction.ACCEPT,
    "mark": TriageAction.ACCEPT,
    "accept_marked": TriageAction.ACCEPT,
    "override": TriageAction.OVERRIDE,
    "escalate": TriageAction.ESCALATE,
    "flags": TriageAction.SET_FLAGS,
    "designate": TriageAction.DESIGNATE,
    "assign": TriageAction.ASSIGN,
}


class BoardPost(SignedInScreen):
    """F5 without its rulings: layout, views, paging, the rows and the detail lines under them."""

    SCREEN_NAME = "分流看板"
    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "采纳建议", id="triage.accept"),
        Binding("space", "mark", "标记", key_display="空格", id="triage.mark"),
        Binding("A", "accept_marked", "采纳已标记", key_display="Shift+A", id="triage.accept_marked"),
        Binding("o", "override", "改判", id="triage.override"),
        Binding("e", "escalate", "提请局长", id="triage.escalate"),
        Binding("d", "designate", "局长指定", id="triage.designate"),
        Binding("h", "assign", "分案", id="triage.assign"),
        Binding("f", "flags", "分流事实", id="triage.flags"),
        Binding("1", "view('1')", "待分流", show=False, id="triage.view1"),
        Binding("2", "view('2')", "局长指定", show=False, id="triage.view2"),
        Binding("3", "view('3')", "待分案", show=False, id="triage.view3"),
        Binding("r", "reload", "刷新", id="triage.reload"),
    ]
    AUTO_FOCUS = "#board"

    def __init__(self) -> None:
        super().__init__()
        self.stage = Stage.INQUIRED
        self.rows: dict[int, BoardRow] = {}
        self.order: list[int] = []
        self.marked: set[int] = set()
        self.done: dict[int, Text] = {}  # case id → the outcome shown in place of the proposal
        self.total = 0
        self.has_more = False
        self.loading = False
        self.view_chosen = False
        self.wide = True  # 理由 has a column of its own (set from the screen width in compose and on resize)
        self.in_dialog = False
        self._may_cache: tuple[Actor, Stage, frozenset[TriageAction]] | None = None

    # -- who may do what: the service's answer ----------------------------------------------------------------

    def may(self, action: TriageAction) -> bool:
        """Whether the signed-in person may ``action`` in the view shown; asked per key and footer refresh, so the
        service's answer is kept per person and view."""
        actor = self.shell.actor
        if actor is None:
            return False
        if self._may_cache is None or self._may_cache[:2] != (actor, self.stage):
            self._may_cache = (actor, self.stage, allowed_actions(actor, self.stage))
        return action in self._may_cache[2]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide (and ignore) ruling keys outside their view or the signed-in person's posts."""
        needed = KEY_ACTIONS.get(action)
        return True if needed is None else self.may(needed)

    # -- layout -------------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="board-body"):
            with Horizontal(id="board-bar"):
                yield Static(view_tabs(Stage.INQUIRED), id="board-title")
                yield Static("正在读取…", id="board-summary", markup=False)
            table: DataTable[Text | str] = DataTable(id="board", cursor_type="row", zebra_stripes=True)
            self.wide = self.app.size.width >= WIDE_FROM
            self._add_columns(table)
            yield table
            yield Static(EMPTY[Stage.INQUIRED], id="board-empty")
            yield Static("1 待分流  2 局长指定  3 待分案  Space 标记", id="board-detail", markup=False)
            yield Static("", id="board-flags", markup=False)
        yield self.make_footer()

    @property
    def table(self) -> DataTable[Text | str]:
        """The board's table."""
        return self.query_one("#board", DataTable)

    def _add_columns(self, table: DataTable[Text | str]) -> None:
        for label in COLUMNS if self.wide else COLUMNS[:-1]:
            table.add_column(label, width=RESULT_WIDTH if label == "建议" else None, key=label)

    def on_resize(self) -> None:
        """Crossing WIDE_FROM columns adds or drops the 理由 column; the rows and the cursor stay."""
        wide = self.app.size.width >= WIDE_FROM
        if wide == self.wide:
            return
        self.wide = wide
        table = self.table
        cursor = table.cursor_row
        table.clear(columns=True)
        self._add_columns(table)
        for case_id in self.order:
            table.add_row(*self.cells(self.rows[case_id]), key=str(case_id))
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    async def prepare_hidden(self) -> None:
        """Built ahead after sign-in: the first view's first page is read and drawn off screen too
        (``read_ahead``); the opening reads it again."""
        self.choose_view()
        stage = self.stage
        show_text(self.query_one("#board-title", Static), view_tabs(stage))
        await self.read_ahead(lambda ctx: read_page(ctx, stage, None), self.show_page)
        await super().prepare_hidden()

    def on_screen_resume(self) -> None:
        if self.in_dialog:  # back from this screen's own dialog: keep the board (and its optimistic rows)
            self.in_dialog = False
            return
        self.choose_view()
        self.action_reload()

    def choose_view(self) -> None:
        """The view a person starts on, once: the chief on 局长指定, where he rules."""
        actor = self.shell.actor
        if not self.view_chosen and actor is not None:
            self.view_chosen = True
            self.stage = first_view(actor)
            self.refresh_bindings()

    def display_failure(self, action: str, failure: Failure) -> None:
        """A page that could not be read: say so in the summary (r reads again); then the one notification."""
        if action == READ_ACTION:
            self.loading = False
            self.query_one("#board-summary", Static).update("读取失败（按 r 重试）")
        super().display_failure(action, failure)

    # -- loading --------------------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.marked.clear()
        self.done.clear()
        show_text(self.query_one("#board-title", Static), view_tabs(self.stage))
        if not self.rows:  # rows shown stay, with their count, until the new page replaces them
            show_text(self.query_one("#board-summary", Static), "正在读取…")
        self.load_page(None)

    def action_view(self, key: str) -> None:
        self.stage = VIEWS[key][0]
        self.refresh_bindings()
        self.action_reload()

    def load_page(self, after: BoardKey | None) -> None:
        """The view's first page (or, with ``after``, the next one); a newer reading replaces an older one."""
        stage = self.stage
        self.run_service(
            lambda ctx: read_page(ctx, stage, after),
            action=READ_ACTION,
            done=lambda page: page,
            group="board-read",
            exclusive=after is None,
        )

    @on(PageLoaded)
    def show_page(self, message: PageLoaded) -> None:
        if message.stage is not self.stage:
            return  # an answer for a view already left
        table = self.table
        if not message.append:  # a fresh first page: nothing redrawn when it is the page shown
            self.rows = {row.case_id: row for row in message.page.rows}
            self.order = list(self.rows)
            table.replace_rows((str(case_id), self.cells(row)) for case_id, row in self.rows.items())
        for row in message.page.rows if message.append else ():
            if row.case_id in self.rows:
                continue
            self.rows[row.case_id] = row
            self.order.append(row.case_id)
            table.add_row(*self.cells(row), key=str(row.case_id))
        self.total, self.has_more, self.loading = message.page.total, message.page.has_more, False
        empty = not self.rows
        table.display = not empty
        placeholder = self.query_one("#board-empty", Static)
        show_text(placeholder, EMPTY[self.stage])
        placeholder.display = empty
        self.summary()
        self.detail()

    def cells(self, row: BoardRow) -> tuple[Text | str, ...]:
        """The row's cells as shown now (marked, ruled in this session, narrow or wide)."""
        cells: tuple[Text | str, ...] = (
            MARK if row.case_id in self.marked else "",
            row.case_number,
            clipped(row.respondents, RESPONDENTS_WIDTH if self.wide else NARROW_RESPONDENTS_WIDTH),
            amount_text(row.target_fen),
            due_text(row.due, self.shell.runtime.clock.now().date()),
            result_text(row, self.done.get(row.case_id)),
        )
        return (*cells, reasons_text(row)) if self.wide else cells

    def summary(self) -> None:
        """The count line: the view's total, the rows shown, marked and ruled in this session."""
        done = len(self.done)
        text = f"共 {self.total} 件，已显示 {len(self.rows)} 件"
        if self.marked:
            text += f"，已标记 {len(self.marked)} 件"
        if done:
            text += f"，本次已处理 {done} 件"
        show_text(self.query_one("#board-summary", Static), text)

    def refresh_row(self, case_id: int) -> None:
        """Show the row's cells again (marked, ruled, put back)."""
        row = self.rows.get(case_id)
        if row is None:
            return
        table = self.table
        for column, value in zip(table.columns, self.cells(row), strict=True):
            table.update_cell(str(case_id), column, value)  # the result column is wide enough for every label

    @on(DataTable.RowHighlighted, "#board")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.detail()
        if self.has_more and not self.loading and event.cursor_row >= self.table.row_count - 5 and self.order:
            self.loading = True
            self.load_page(self.rows[self.order[-1]].key)

    def detail(self) -> None:
        """The highlighted case's proposal, reasons and 分流事实 under the table."""
        row = self.current()
        if row is None:
            return
        extra = [rule for rule in row.proposal.blocking if rule not in row.proposal.reasons]  # 2 lines: no repeats
        blocking = f"  排除快执：{'；'.join(extra)}" if extra else ""
        escalated = escalation_line(row)  # first: the chief reads why it came to him before the system's reasons
        lead = f"{row.case_number} {escalated}  " if escalated else f"{row.case_number} "
        show_text(self.query_one("#board-detail", Static), f"{lead}{proposal_line(row.proposal)}{blocking}")
        editable = row.stage is Stage.INQUIRED and row.case_id not in self.done
        hint = "  （f 修改）" if editable else ""
        show_text(self.query_one("#board-flags", Static), f"分流事实：{flag_text(row.flags)}{hint}")

    def current(self) -> BoardRow | None:
        """The highlighted case, if any."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self.rows.get(int(str(key.value)))
