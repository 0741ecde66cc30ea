"""The board's layout constants, style and the text of its cells and lines (no state, no service calls)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text

from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.money import format_wan, format_yuan
from zhihui_tui.domain.triage import FAST_TRACK_LIMIT_FEN, Proposal, Track

if TYPE_CHECKING:
    from zhihui_tui.services.triage import BoardRow

PAGE_SIZE = 40
# At 80 columns the board must show 案号 … 建议 whole, with room for "（2026）内2221执恢10号" and "2661.0 万余元":
# respondents are clipped to the first name or two, the result column has a fixed width every outcome label fits
# in, and 理由 (which would get a few cells) is left to the detail line under the table, which shows the highlighted
# case's reasons in full. From WIDE_FROM columns on 理由 is a column of its own.
WIDE_FROM = 100
NEAR_LIMIT_FEN = 10_000 * 100  # within 1 万 of the fast-track limit the board shows exact yuan
RESPONDENTS_WIDTH = 14
NARROW_RESPONDENTS_WIDTH = 10
RESULT_WIDTH = 13  # "✔ 已采纳 快执", "✔ 分案 杨志强", "快执：待分案"
COLUMNS = ("✓", "案号", "被执行人", "标的", "期限", "建议", "理由")
VIEWS: dict[str, tuple[Stage, str]] = {
    "1": (Stage.INQUIRED, "待分流"),
    "2": (Stage.ESCALATED, "局长指定"),
    "3": (Stage.TRIAGED, "待分案"),
}
TRACK_STYLES = {Track.FAST: "green", Track.INTENSIVE: "cyan", Track.ESCALATE: "bold magenta"}
MARK = "✓"
EMPTY = {
    Stage.INQUIRED: "没有待分流的案件。",
    Stage.ESCALATED: "没有待局长指定的案件。",
    Stage.TRIAGED: "没有待分案的案件。",
}

CSS = """
#board-body { height: 1fr; padding: 0 1; }
#board-bar { height: 1; margin-top: 1; }
#board-title { width: auto; text-style: bold; margin-right: 2; }
#board-summary { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
#board { height: 1fr; scrollbar-size-vertical: 1; }
#board-empty { height: 1fr; content-align: center middle; color: $text-muted; display: none; }
#board-detail { height: 2; color: $text-muted; }
#board-flags { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
RulingForm, HandlerPicker, FlagsDialog { align: center middle; }
#ruling-form, #handler-picker, #flags-dialog { width: 100%; max-width: 70; height: auto; }
#flags-list { height: auto; border: none; padding: 0; }
#flags-proposal { height: auto; margin-top: 1; }
#ruling-form .field-row { height: auto; }
#ruling-form .field-label { width: 8; height: 3; content-align: left middle; }
#ruling-form Input, #ruling-form Select { width: 1fr; }
#ruling-error { color: $text-error; height: auto; min-height: 1; }
#handler-list { height: auto; max-height: 14; }
"""


def view_tabs(stage: Stage) -> Text:
    """The board's three views as tabs, the shown one marked: ``分流看板  1 待分流  2 局长指定  3 待分案`` — the keys
    that switch them are on the tabs themselves."""
    tabs = Text("分流看板 ", style="bold")
    for key, (shown, name) in VIEWS.items():
        style = "bold reverse" if shown is stage else "dim"
        tabs.append(" ")
        tabs.append(f" {key} {name} ", style=style)
    return tabs


def view_name(stage: Stage) -> str:
    """The view's name in the title and in "do it in the … view" hints."""
    return next(name for shown, name in VIEWS.values() if shown is stage)


def track_text(track: Track, prefix: str = "") -> Text:
    """A track in its colour, after ``prefix`` ("✔ 已采纳 ")."""
    return Text(prefix + track.value, style=TRACK_STYLES[track])


def assigned_text(name: str) -> Text:
    """The assignment shown on the row ("✔ 分案 杨志强"); a longer name drops 分案 (the 待分案 view says what
    happened) rather than lose its end."""
    label = f"✔ 分案 {name}"
    if cell_len(label) > RESULT_WIDTH:
        label = f"✔ {name}"
    cell = clipped(label, RESULT_WIDTH)
    cell.stylize("green")
    return cell


def reasons_text(row: BoardRow) -> str:
    """The proposal's reasons on one line."""
    return "；".join(row.proposal.reasons)


def clipped(text: str, width: int) -> Text:
    """``text`` cut to ``width`` terminal cells (CJK characters take two) with an ellipsis right after the last
    character kept ("于海军、戴…", not "于海军、 …")."""
    if cell_len(text) <= width:
        return Text(text)
    kept = ""
    for char in text:
        if cell_len(kept + char) > width - 1:
            break
        kept += char
    return Text(kept + "…")


def amount_text(fen: int) -> str:
    """The amount in 万 as the board reads it, but in exact yuan within 1 万 of the 20 万 line the track turns
    on (R-TRI-2): "20.0 万余元" would hide whether 200,000.00 is at or over the line."""
    if abs(fen - FAST_TRACK_LIMIT_FEN) <= NEAR_LIMIT_FEN:
        return f"{format_yuan(fen)} 元"
    return format_wan(fen)


def proposal_line(proposal: Proposal) -> str:
    """The proposal and its reasons, as the detail line and the flags dialog read it."""
    return f"建议{proposal.track.value}：{'；'.join(proposal.reasons)}"


def escalation_line(row: BoardRow) -> str:
    """Why the director escalated the case (局长指定 view), or nothing."""
    return f"主任提请理由：{row.escalation_reason}" if row.escalation_reason else ""


def due_text(due: date | None, today: date) -> Text:
    """The triage clock at a glance (R-TRI-1): overdue red, due today yellow."""
    if due is None:
        return Text("")
    style = "bold red" if due < today else ("yellow" if due == today else "")
    return Text(f"{due:%m-%d}", style=style)


def result_text(row: BoardRow, done: Text | None) -> Text:
    """The 建议 column: the outcome of this session's ruling, else the team awaiting assignment or the proposal."""
    if done is not None:
        return done
    if row.stage is Stage.TRIAGED and row.team is not None:
        return Text(f"{row.team.label}：待分案", style=TRACK_STYLES[Track(row.team.label)])
    return track_text(row.proposal.track)
