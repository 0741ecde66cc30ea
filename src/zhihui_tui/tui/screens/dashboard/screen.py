"""F9 综合看板, the post: three panels — today's overdue and due steps per post and per person; this month's
indicators with the weekly long-unclosed count, and the caseload per handler; the 12-month trend as sparklines
and a table. At 120 columns they stand side by side; under ``WIDE_FROM`` columns one is shown at a time (1–3).

Every number is a cell of a table with a cell cursor; the status line says what it counts, and Enter drills
down to its cases (:class:`DrillScreen`), or, on a rate, shows its formula. Loading goes through
``run_service`` in two steps: today's panels (cheap indexed counts) are shown first, then the month's indicators
and the trend (the month's report: seconds on a large court) replace their 计算中… rows; ``r`` reads again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from zhihui_tui.tui.screens.base import SignedInScreen, show_text
from zhihui_tui.tui.screens.dashboard.common import (
    COLUMNS,
    CSS,
    PAGES,
    PENDING,
    PENDING_KEY,
    WIDE_FROM,
    Figure,
    Row,
    caseload_rows,
    month_rows,
    page_tabs,
    pending_rows,
    spark_text,
    tally_rows,
    trend_rows,
)
from zhihui_tui.tui.screens.dashboard.drill import DrillScreen
from zhihui_tui.tui.screens.dashboard.messages import MonthLoaded, TodayLoaded
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from textual.widgets import DataTable as AnyTable  # the events carry Textual's own class

    from zhihui_tui.services.dashboard import Dashboard, Today
    from zhihui_tui.tui.service_calls import Failure

READ_ACTION = "读取综合看板"
MONTH_GROUP = "dashboard-month"
WEEKDAYS = "一二三四五六日"
HINT = "Tab 换表  Enter 下钻"
NARROW_HINT = "Tab 换表"
# Which page each table is on (narrow), and the column it stands in (wide).
TABLE_PAGES = {"posts": "1", "people": "1", "month": "2", "caseload": "2", "trend": "3"}
HEADINGS = {
    "posts": "今日节点·按岗位",
    "people": "今日节点·按人员",
    "month": "本月指标",
    "caseload": "在办案件·按承办人",
    "trend": "近12个月结案",
}


class DashboardScreen(SignedInScreen):
    """F9: the dashboard; see the module docstring."""

    SCREEN_NAME = "综合看板"
    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "drill", "下钻", id="dashboard.drill"),
        Binding("r", "reload", "刷新", id="dashboard.reload"),
        *(Binding(key, f"page('{key}')", label, show=False, id=f"dashboard.page{key}") for key, label in PAGES.items()),
    ]
    AUTO_FOCUS = "#posts"

    def __init__(self) -> None:
        super().__init__()
        self.today: Today | None = None  # shown first
        self.dashboard: Dashboard | None = None  # once the month's figures are in too
        self.figures: dict[tuple[str, str, int], Figure] = {}  # (table, row key, column) → figure
        self.cursors: dict[str, tuple[int, int]] = {}  # where a table's cursor was when 计算中… replaced its rows
        self.page = "1"
        self.in_drill = False

    # -- layout -------------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="dash-body"):
            with Horizontal(id="dash-bar"):
                yield Static("综合看板", id="dash-title", markup=False)
                yield Static("", id="dash-tabs")
            with Horizontal(id="dash-panels"):
                with Vertical(classes="dash-column", id="dash-steps-column"):
                    yield from self._table("posts")
                    yield from self._table("people")
                with Vertical(classes="dash-column", id="dash-month-column"):
                    yield from self._table("month")
                    yield from self._table("caseload")
                with Vertical(classes="dash-column", id="dash-trend-column"):
                    yield Static(HEADINGS["trend"], classes="dash-heading")
                    yield Static("", id="spark")
                    yield from self._table("trend", heading=False)
            yield Static("正在读取…", id="dash-status", markup=False)
        yield self.make_footer()

    def _table(self, name: str, *, heading: bool = True) -> ComposeResult:
        if heading:
            yield Static(HEADINGS[name], classes="dash-heading")
        table: DataTable[Text | str] = DataTable(id=name, cursor_type="cell", zebra_stripes=True)
        for label in COLUMNS[name]:
            table.add_column(label, key=label)
        yield table

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Side by side from WIDE_FROM columns; under it, the page chosen with 1–3."""
        narrow = self.app.size.width < WIDE_FROM
        self.set_class(narrow, "-narrow")
        for column in self.query(".dash-column"):
            tables = column.query(DataTable)
            column.set_class(bool(tables) and TABLE_PAGES[str(tables.first().id)] == self.page, "-shown")
        tabs = page_tabs(self.page) if narrow else Text("")
        tabs.append(NARROW_HINT if narrow else HINT, style="dim")  # the status line says what Enter does
        self.query_one("#dash-tabs", Static).update(tabs)

    def action_page(self, key: str) -> None:
        """Show page ``key`` (narrow) and put the cursor in its first table; at 120 columns, go to that panel."""
        self.page = key
        self._fit()
        first = next(name for name, page in TABLE_PAGES.items() if page == key)
        self.call_after_refresh(self.query_one(f"#{first}", DataTable).focus)

    # -- loading ------------------------------------------------------------------------------------------------

    async def prepare_hidden(self) -> None:
        """Built ahead after sign-in: today's panels are read and drawn off screen as well (``read_ahead``); the
        month's figures are read when the post is opened."""
        from zhihui_tui.services.dashboard import load_today

        await self.read_ahead(lambda ctx: TodayLoaded(load_today(ctx=ctx)), self.show_today)
        await super().prepare_hidden()

    def on_screen_resume(self) -> None:
        if self.in_drill:  # back from a drill-down: the numbers were read a moment ago
            self.in_drill = False
            return
        self.action_reload()

    def action_reload(self) -> None:
        from zhihui_tui.services.dashboard import load_today

        self.say("正在读取…")
        self.workers.cancel_group(self, MONTH_GROUP)  # a month read for the previous reload is not shown
        self.run_service(
            lambda ctx: TodayLoaded(load_today(ctx=ctx)),
            action=READ_ACTION,
            done=lambda read: read,
            group="dashboard-read",
            exclusive=True,
        )

    def display_failure(self, action: str, failure: Failure) -> None:
        if action == READ_ACTION:
            self.say("读取失败（按 r 重试）")
        super().display_failure(action, failure)

    @on(TodayLoaded)
    def show_today(self, message: TodayLoaded) -> None:
        """Today's panels at once; the month's figures show 计算中… until their read is in."""
        today = self.today = message.today
        self.dashboard = None
        day = today.today
        show_text(self.query_one("#dash-title", Static), f"综合看板 {day:%Y-%m-%d} 周{WEEKDAYS[day.weekday()]}")
        self.figures.clear()
        self._fill("posts", tally_rows(today.posts, "posts"))
        self._fill("people", tally_rows(today.people, "people"))
        self._fill("caseload", caseload_rows(today.caseload))
        self._fill("month", pending_rows("month"))
        self._fill("trend", pending_rows("trend"))
        show_text(self.query_one("#spark", Static), PENDING)
        self._describe_focused()
        if self.is_current:  # once today's rows are drawn: the month's read is long
            self.call_after_refresh(self._read_month)

    def _read_month(self) -> None:
        from zhihui_tui.services.dashboard import load_month

        self.run_service(
            lambda ctx: MonthLoaded(load_month(ctx=ctx)),
            action=READ_ACTION,
            done=lambda read: read,
            group=MONTH_GROUP,
            exclusive=True,
        )

    @on(MonthLoaded)
    def show_month(self, message: MonthLoaded) -> None:
        from zhihui_tui.services.dashboard import Dashboard

        if self.today is None:
            return
        board = self.dashboard = Dashboard.of(self.today, message.figures)
        self._fill("month", month_rows(board))
        self._fill("trend", trend_rows(board.trend))
        self.query_one("#spark", Static).update(spark_text(board.trend))
        self._describe_focused()

    def _describe_focused(self) -> None:
        focused = self.focused
        self.describe(focused if isinstance(focused, DataTable) else self.query_one("#posts", DataTable))

    def _fill(self, name: str, rows: list[Row]) -> None:
        """Show ``rows``; the cursor goes to the first number once real rows replace none or 计算中…, or back to
        where it was before 计算中… stood in for a reload."""
        table = self.query_one(f"#{name}", DataTable)
        waiting = not table.row_count or PENDING_KEY in table.rows
        pending = rows[0][0] == PENDING_KEY
        if pending and not waiting:
            self.cursors[name] = table.cursor_coordinate
        table.replace_rows((key, cells) for key, cells, _ in rows)
        for key, _, figures in rows:
            for column, figure in figures.items():
                self.figures[(name, key, column)] = figure
        if waiting and not pending and table.row_count:
            row, column = self.cursors.pop(name, (0, 1))  # on the first number, not the label
            table.move_cursor(row=row, column=column, animate=False)

    # -- the figure under the cursor ------------------------------------------------------------------------------

    def figure(self, table: AnyTable[Any]) -> Figure | None:
        if not table.row_count or not table.is_valid_coordinate(table.cursor_coordinate):
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.figures.get((str(table.id), str(row_key), table.cursor_column))

    @on(DataTable.CellHighlighted)
    def _highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.data_table is self.focused:  # a table refilled elsewhere says nothing
            self.describe(event.data_table)

    def on_descendant_focus(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            self.describe(focused)

    def describe(self, table: AnyTable[Any]) -> None:
        """Say in the status line what the highlighted number counts and what Enter does with it."""
        if self.today is None:
            return
        figure = self.figure(table)
        if figure is None:
            self.say("选一个数字，按 Enter 查看其下的案件")
        elif figure.drill is not None:
            self.say(f"{figure.title} {figure.count} 件：Enter 查看案件")
        else:
            self.say(f"{figure.title}：Enter 查看计算公式")

    @on(DataTable.CellSelected)
    def _selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.drill(event.data_table)

    def action_drill(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable):
            self.drill(focused)

    def drill(self, table: AnyTable[Any]) -> None:
        """Enter on a number: the cases behind it; on a rate, its formula."""
        figure = self.figure(table)
        if figure is None:
            return
        if figure.drill is None:
            self.say(figure.formula)
            return
        if not figure.count:
            self.say(f"{figure.title}：没有案件")
            return
        self.in_drill = True
        self.app.push_screen(DrillScreen(figure, self.open_case_page))

    def say(self, text: str) -> None:
        show_text(self.query_one("#dash-status", Static), text)
