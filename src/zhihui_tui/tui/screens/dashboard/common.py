"""The dashboard's layout, its tables' rows and figures, and the trend's sparklines (no state, no service calls).

Each number on the dashboard is a :class:`Figure`: its cell text, what it counts in words (the status line under
the tables says it when the cursor is on it) and the :class:`Drill` behind it. A rate has no cases of its own;
its figure carries the formula instead, which Enter shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text

from zhihui_tui.domain.indicators import FORMULAS, days, indicators, percent

if TYPE_CHECKING:
    from zhihui_tui.services.dashboard import Dashboard, Drill, Load, MonthPoint, Tally

# Under WIDE_FROM columns the three panels take turns (keys 1–3); from it on they stand side by side.
WIDE_FROM = 110
PAGES = {"1": "今日节点", "2": "本月指标", "3": "近12月"}
BARS = "▁▂▃▄▅▆▇█"
LABEL_WIDTH = 8  # "执行完毕" in display cells: the sparklines' labels are padded to it
COLUMNS: dict[str, tuple[str, ...]] = {
    "posts": ("岗位", "今日超期", "今日到期"),
    "people": ("人员", "今日超期", "今日到期"),
    "caseload": ("承办人", "在办案件"),
    "month": ("本月指标", "数值"),
    "trend": ("月份", "已结", "执行完毕", "终本"),
}
EMPTY_ROW = {
    "posts": "今日无超期、到期节点",
    "people": "今日无超期、到期节点",
    "caseload": "没有在办案件",
}
_FORMULAS = dict(FORMULAS)
PENDING = "计算中…"  # the month's figures and the trend, until their read is in
PENDING_KEY = "pending"

CSS = """
#dash-body { height: 1fr; padding: 0 1; }
#dash-bar { height: 1; margin-top: 1; }
#dash-title { width: auto; text-style: bold; margin-right: 2; }
#dash-tabs { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; color: $text-muted; }
#dash-panels { height: 1fr; }
.dash-column { width: 1fr; height: 1fr; margin-right: 1; }
#dash-trend-column { margin-right: 0; }
.dash-heading { height: 1; text-style: bold; color: $text-primary; }
#posts { height: auto; max-height: 9; }
#people, #caseload { height: 1fr; min-height: 4; }
#month { height: auto; max-height: 13; }
#trend { height: 1fr; min-height: 4; }
#spark { height: 4; }
DashboardScreen DataTable { scrollbar-size-vertical: 1; }
#dash-status { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
DashboardScreen.-narrow .dash-column { display: none; margin-right: 0; }
DashboardScreen.-narrow .dash-column.-shown { display: block; }
"""


@dataclass(frozen=True)
class Figure:
    """A number on the dashboard: what it says, and the cases behind it (or, for a rate, its formula)."""

    title: str  # e.g. "立案审查组 今日超期"
    count: int | None  # how many cases the drill lists (None for a rate)
    drill: Drill | None = None
    formula: str = ""


Row = tuple[str, tuple[Text | str, ...], dict[int, Figure]]  # key, cells, figures by column


def count_text(value: int, *, alarm: bool = False) -> Text:
    """A count, right-aligned; an overdue count above zero in red."""
    return Text(str(value), style="bold red" if alarm and value else "", justify="right")


def value_text(value: str) -> Text:
    return Text(value, justify="right")


def tally_rows(tallies: list[Tally], table: str) -> list[Row]:
    rows: list[Row] = []
    for n, tally in enumerate(tallies):
        figures = {
            1: Figure(f"{tally.label} 今日超期", tally.overdue, tally.overdue_drill),
            2: Figure(f"{tally.label} 今日到期", tally.due_today, tally.due_today_drill),
        }
        cells = (tally.label, count_text(tally.overdue, alarm=True), count_text(tally.due_today))
        rows.append((f"{table}-{n}", cells, figures))
    return rows or [("empty", (EMPTY_ROW[table], "", ""), {})]


def caseload_rows(caseload: list[Load]) -> list[Row]:
    rows: list[Row] = [
        (f"load-{n}", (load.name, count_text(load.cases)), {1: Figure(f"{load.name} 在办案件", load.cases, load.drill)})
        for n, load in enumerate(caseload)
    ]
    return rows or [("empty", (EMPTY_ROW["caseload"], ""), {})]


def pending_rows(table: str) -> list[Row]:
    """One 计算中… row, in a table whose figures are still being read."""
    return [(PENDING_KEY, (PENDING, *("" for _ in COLUMNS[table][1:])), {})]


def month_rows(dashboard: Dashboard) -> list[Row]:
    """旧存、新收、已结, the rates of this month, the overdue steps and the weekly long-unclosed count."""
    counts, rates = dashboard.month, indicators(dashboard.month)
    current = dashboard.trend[-1] if dashboard.trend else None
    month = f"{dashboard.today.month}月"
    closed_drill = current.drill if current is not None else None
    rows: list[tuple[str, str, str, Figure]] = [
        ("carried", "旧存", str(counts.carried), _rate_figure(month, "旧存")),
        ("received", "新收", str(counts.received), _rate_figure(month, "新收")),
        ("closed", "已结", str(counts.closed), Figure(f"{month} 已结", counts.closed, closed_drill)),
        ("closure", "结案率", percent(rates.closure_rate), _rate_figure(month, "结案率")),
        ("fulfilled", "执行完毕率", percent(rates.fulfilled_rate), _rate_figure(month, "执行完毕率")),
        ("actual", "实际执行率", percent(rates.actual_execution_rate), _rate_figure(month, "实际执行率")),
        ("in-place", "执行到位率", percent(rates.funds_in_place_rate), _rate_figure(month, "执行到位率")),
        ("terminated", "终本率", percent(rates.termination_rate), _rate_figure(month, "终本率")),
        ("days", "平均结案天数", days(rates.average_days), _rate_figure(month, "平均结案天数")),
        ("overdue", "超期节点", str(counts.overdue_steps), _rate_figure(month, "超期节点")),
        (
            "long",
            "长期未结案件",
            str(dashboard.long_unclosed),
            Figure("长期未结案件（本周）", dashboard.long_unclosed, dashboard.long_drill),
        ),
    ]
    return [(key, (label, value_text(value)), {1: figure}) for key, label, value, figure in rows]


def _rate_figure(month: str, name: str) -> Figure:
    return Figure(f"{month} {name}", None, formula=f"{name}：{_FORMULAS[name]}")


def trend_rows(points: list[MonthPoint]) -> list[Row]:
    """The months, latest first; the closed count of each drills to that month's closed cases."""
    rows: list[Row] = []
    for point in reversed(points):
        label = f"{point.month:%Y-%m}"
        note = "已结案件中按结案方式计，下钻请选已结"
        figures = {
            1: Figure(f"{label} 已结", point.closed, point.drill),
            2: Figure(f"{label} 执行完毕", None, formula=note),
            3: Figure(f"{label} 终本", None, formula=note),
        }
        cells = (label, count_text(point.closed), count_text(point.fulfilled), count_text(point.terminated))
        rows.append((label, cells, figures))
    return rows


def sparkline(values: list[int]) -> str:
    """One bar per value: ▁ for none, ▂ at least for any, █ for the largest."""
    top = max(values, default=0)
    if not top:
        return BARS[0] * len(values)
    return "".join(BARS[max(1, round(value / top * (len(BARS) - 1))) if value else 0] for value in values)


def pad(label: str, width: int = LABEL_WIDTH) -> str:
    """``label`` padded to ``width`` display cells (a Chinese character takes two)."""
    return label + " " * max(0, width - cell_len(label))


def spark_text(points: list[MonthPoint]) -> Text:
    """The closed, fulfilled and 终本 cases of each month as sparklines, with this and last month's figures."""
    text = Text()
    if not points:
        return text
    series = (
        ("已结", [p.closed for p in points], "bold"),
        ("执行完毕", [p.fulfilled for p in points], "green"),
        ("终本", [p.terminated for p in points], "yellow"),
    )
    this, last = points[-1], points[-2] if len(points) > 1 else None
    for label, values, style in series:
        text.append(pad(label) + " ")
        text.append(sparkline(values), style=style)
        previous = f" 上月 {values[-2]}" if last is not None else ""
        text.append(f"  本月 {values[-1]}{previous}\n")
    first = f"{points[0].month:%Y-%m}"
    text.append(pad("") + " " + first + f" 至 {this.month:%m月}", style="dim")
    return text


def page_tabs(shown: str) -> Text:
    """``1 今日节点  2 本月指标  3 近12月`` with the page shown in reverse."""
    text = Text()
    for key, label in PAGES.items():
        text.append(f"{key} {label}", style="bold reverse" if key == shown else "")
        text.append("  ")
    return text
