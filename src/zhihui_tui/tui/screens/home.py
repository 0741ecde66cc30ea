"""Home: "我的待办" — what waits for the person's decision (the director's rulings, the chief's approvals), then
his own open steps, overdue first (R-SUP-1, R-TIME-1)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from zhihui_tui.domain.steps import DeadlineState
from zhihui_tui.tui.posts import POSTS
from zhihui_tui.tui.screens.base import SignedInScreen
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.deadlines import OpenStep
    from zhihui_tui.services.decisions import Awaiting
    from zhihui_tui.tui.service_calls import Failure

EMPTY_TEXT = "目前没有待办事项。"
COLUMNS = ("状态", "案号", "节点", "期限")
STATE_STYLES = {
    DeadlineState.OVERDUE: "bold red",
    DeadlineState.DUE_TODAY: "bold yellow",
    DeadlineState.DUE_SOON: "yellow",
    DeadlineState.OPEN: "",
}


def state_label(step: OpenStep) -> str:
    if step.state is DeadlineState.OVERDUE and step.overdue_days:
        return f"{step.state.label} {step.overdue_days} 个工作日"
    return step.state.label


def step_cells(step: OpenStep) -> tuple[Text | str, ...]:
    return (
        Text(state_label(step), style=STATE_STYLES[step.state]),
        step.case_number,
        step.label,
        f"{step.due:%Y-%m-%d}",
    )


def summary_text(total: int, overdue: int, shown: int) -> str:
    text = f"共 {total} 项，超期 {overdue} 项"
    if shown < total:
        text += f"（显示最早的 {shown} 项）"
    return text


def overdue_first(steps: list[OpenStep]) -> list[OpenStep]:
    return sorted(steps, key=lambda s: (s.state is not DeadlineState.OVERDUE, s.due, s.deadline_id))


def awaiting_cells(item: Awaiting, today: date) -> tuple[Text | str, ...]:
    """A decision waiting for the person, in the steps' columns: its kind as the state, what it is as the step."""
    style = "bold red" if item.due is not None and item.due < today else "bold yellow"
    due = f"{item.due:%Y-%m-%d}" if item.due else "—"
    return (Text(item.kind, style=style), item.case_number, item.text, due)


class StepsLoaded(Message):
    """The person's open steps (overdue first), what waits for his decision, and the summary line's figures."""

    def __init__(self, steps: list[OpenStep], total: int, overdue: int, awaiting: list[Awaiting], today: date) -> None:
        super().__init__()
        self.steps = steps
        self.total = total
        self.overdue = overdue
        self.awaiting = awaiting
        self.today = today


def read_steps(ctx: ServiceContext) -> StepsLoaded:
    """The signed-in person's open steps and their counts, and the decisions waiting for him, as of the court day."""
    from zhihui_tui.services.deadlines import count_open_steps, my_open_steps
    from zhihui_tui.services.decisions import awaiting_decisions

    steps = my_open_steps(ctx=ctx)
    total, overdue = count_open_steps(ctx=ctx)
    return StepsLoaded(overdue_first(steps), total, overdue, awaiting_decisions(ctx=ctx), ctx.today())


class HomeScreen(SignedInScreen):
    """我的待办: the person's own open steps, overdue first, and the posts they may open."""

    SCREEN_NAME = "我的待办"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "刷新", id="home.reload"),
        Binding("q", "app.request_quit", "退出", show=False, id="home.quit"),
    ]
    AUTO_FOCUS = "#todo-table"

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="home-body"):
            with Horizontal(id="todo-bar"):
                yield Static("我的待办", id="todo-title")
                yield Static("正在读取…", id="todo-summary", markup=False)
            table: DataTable[Text | str] = DataTable(id="todo-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(*COLUMNS)
            yield table
            yield Static(EMPTY_TEXT, id="todo-empty")
            yield Static(self._posts_text(), id="post-strip", markup=False)
        yield self.make_footer()

    def _posts_text(self) -> str:
        actor = self.shell.actor
        mine = [p for p in POSTS if actor is not None and p.allows(actor.roles)]
        if not mine:
            return "本人岗位：暂无对应的功能键界面（F1 查看全部快捷键）"
        return "本人岗位：" + "  ".join(f"{p.key_display} {p.label}" for p in mine)

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.query_one("#todo-summary", Static).update("正在读取…")
        self.load_steps()

    def load_steps(self) -> None:
        self.run_service(read_steps, action="读取待办", done=lambda loaded: loaded, group="todo", exclusive=True)

    @on(StepsLoaded)
    def show_steps(self, message: StepsLoaded) -> None:
        table = self.query_one("#todo-table", DataTable)
        decisions = [(item.key, awaiting_cells(item, message.today)) for item in message.awaiting]
        table.replace_rows([*decisions, *((str(step.deadline_id), step_cells(step)) for step in message.steps)])
        empty = not message.steps and not message.awaiting
        table.display = not empty
        self.query_one("#todo-empty", Static).display = empty
        summary = summary_text(message.total, message.overdue, len(message.steps))
        if message.awaiting:
            summary += f"；待我决定 {len(message.awaiting)} 项"
        self.query_one("#todo-summary", Static).update(summary)

    def display_failure(self, action: str, failure: Failure) -> None:
        """In the summary line (``r`` reads again), and notified."""
        self.query_one("#todo-summary", Static).update(f"待办读取失败：{failure.text}（按 r 重试）")
        super().display_failure(action, failure)
