"""值班排班: the week of 线索查控组 as a grid — one row per investigator, one column per day (在局 / 休 / 外出), and
the count staying at the bureau under each day. 综合事务 and the director mark a day off with the space bar; the
service refuses a day off that would leave fewer than two at the bureau. F7 opens it with ``w`` to read it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from zhihui_tui.tui.service_calls import ServiceCaller
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from zhihui_tui.services.duty import WeekPlan
    from zhihui_tui.tui.service_calls import Failure

WEEKDAYS = "一二三四五六日"
STATE_STYLES = {"在局": "", "休": "dim", "外出": "yellow"}


class WeekRead(Message):
    """A week of the roster, read for the screen."""

    def __init__(self, plan: WeekPlan) -> None:
        super().__init__()
        self.plan = plan


class DutyRosterScreen(ServiceCaller, ModalScreen[None]):
    """The week's roster; ``may_plan`` decides whether the space bar marks days off (综合事务, director)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_off", "休息/在岗", id="duty.toggle"),
        Binding("left_square_bracket", "week(-7)", "上周", key_display="[", id="duty.previous"),
        Binding("right_square_bracket", "week(7)", "下周", key_display="]", id="duty.next"),
        Binding("escape", "close", "返回", id="duty.close"),
    ]
    DEFAULT_CSS = """
    DutyRosterScreen { align: center middle; }
    DutyRosterScreen > Vertical { width: 100%; height: 100%; border: round $primary; background: $surface; }
    DutyRosterScreen #duty-title { text-style: bold; height: 1; }
    DutyRosterScreen DataTable { height: auto; max-height: 1fr; }
    DutyRosterScreen #duty-status { height: auto; }
    DutyRosterScreen #duty-status.-error { color: $text-error; }
    """

    def __init__(self, day: date, *, may_plan: bool) -> None:
        super().__init__()
        self.day = day
        self.may_plan = may_plan
        self.plan: WeekPlan | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="duty-title", markup=False)
            yield DataTable(id="duty-grid", cursor_type="cell", zebra_stripes=True)
            yield Static("正在读取…", id="duty-status", markup=False)

    def on_mount(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.may_plan if action == "toggle_off" else True

    def load(self) -> None:
        from zhihui_tui.services.duty import week_plan

        day = self.day
        self.run_service(
            lambda ctx: WeekRead(week_plan(day, ctx=ctx)), action="读取值班表", done=lambda read: read, group="duty"
        )

    def on_week_read(self, message: WeekRead) -> None:
        plan = self.plan = message.plan
        first, last = plan.days[0], plan.days[-1]
        self.query_one("#duty-title", Static).update(f"线索查控组值班表  {first:%Y-%m-%d} 至 {last:%m-%d}（[ ] 换周）")
        table = self.query_one("#duty-grid", DataTable)
        cursor = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column("人员", key="who")
        for day in plan.days:
            table.add_column(f"{WEEKDAYS[day.weekday()]} {day.day}日", key=day.isoformat())
        for staff_id, name in plan.people:
            cells = [
                Text(plan.state(day, staff_id), style=STATE_STYLES[plan.state(day, staff_id)]) for day in plan.days
            ]
            table.add_row(name, *cells, key=str(staff_id))
        table.add_row("在局人数", *(self._count(plan, day) for day in plan.days), key="count")
        table.move_cursor(row=cursor.row, column=max(cursor.column, 1), animate=False)
        self.say("空格：休息/在岗；每日须至少 2 人在局留守" if self.may_plan else "（只读：由综合事务安排）")

    @staticmethod
    def _count(plan: WeekPlan, day: date) -> Text:
        count = plan.at_bureau(day)
        return Text(str(count), style="bold red" if count < 2 else "bold")

    def action_toggle_off(self) -> None:
        """Mark the highlighted person's day off, or back at work."""
        from zhihui_tui.services.duty import set_off

        plan, table = self.plan, self.query_one("#duty-grid", DataTable)
        if plan is None or not table.row_count:
            return
        keys = table.coordinate_to_cell_key(table.cursor_coordinate)
        row_key, column_key = keys.row_key.value, keys.column_key.value
        if row_key in (None, "count") or column_key in (None, "who"):
            return
        staff_id, day = int(row_key or 0), date.fromisoformat(column_key or "")
        off = plan.state(day, staff_id) != "休"
        self.run_service(
            lambda ctx: set_off(day, staff_id, off, ctx=ctx),
            action="安排值班",
            done=lambda _: WeekChanged(),
            group="set",
        )

    def on_week_changed(self, _message: WeekChanged) -> None:
        self.load()

    def action_week(self, days: int) -> None:
        self.day += timedelta(days=days)
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    def display_failure(self, action: str, failure: Failure) -> None:
        """Refusals (too few left at the bureau) under the grid, in red."""
        self.say(failure.text.removeprefix("值班："), error=True)

    def say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#duty-status", Static)
        line.update(text)
        line.set_class(error, "-error")


class WeekChanged(Message):
    """A day off was set or cleared: read the week again."""
