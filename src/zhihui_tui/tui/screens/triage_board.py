"""F5 分流看板 (R-TRI-1..3): the director's board with the system's proposal and reasons per case.

Views: 1 待分流 (已查控), 2 局长指定 (the chief designates the team), 3 待分案 (已分流: 二次分案).
The highlighted case's 分流事实 (TriageFlags) are shown under its reasons; the director re-ticks them with f and
the proposal is recomputed (previewed in the dialog, then saved and shown on the row).
The board is paged from SQL (a page plus what the cursor reaches, never the whole stage): moving past the last
loaded row loads the next page. Rulings are written in a thread worker; the row shows the outcome at once
(optimistically) and is put back with the reason if the service refuses.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.money import format_wan
from zhihui_tui.domain.roles import Role, Team
from zhihui_tui.domain.triage import FLAG_LABELS, Proposal, Track, flag_text, propose_track, with_flags
from zhihui_tui.tui.screens.base import SignedInScreen
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.triage import BoardPage, BoardRow, FlagsSaved, HandlerLoad

PAGE_SIZE = 40
# At 80 columns the board must show 案号 … 建议 whole, with room for "（2026）内2221执恢10号" and "2661.0 万余元":
# respondents are clipped to the first name or two, the result column has a fixed width every outcome label fits
# in, and 理由 (which would get a few cells) is left to the detail line under the table, which shows the highlighted
# case's reasons in full. From WIDE_FROM columns on 理由 is a column of its own.
WIDE_FROM = 100
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
# Which view each ruling key belongs to and who may press it: the footer shows only the keys that work here,
# so at 80 columns the chief sees d 局长指定 instead of the director's keys.
ACTION_SCOPE: dict[str, tuple[Stage, tuple[Role, ...]]] = {
    "accept": (Stage.INQUIRED, (Role.DIRECTOR,)),
    "mark": (Stage.INQUIRED, (Role.DIRECTOR,)),
    "accept_marked": (Stage.INQUIRED, (Role.DIRECTOR,)),
    "override": (Stage.INQUIRED, (Role.DIRECTOR,)),
    "escalate": (Stage.INQUIRED, (Role.DIRECTOR,)),
    "flags": (Stage.INQUIRED, (Role.DIRECTOR,)),
    "designate": (Stage.ESCALATED, (Role.BUREAU_CHIEF,)),
    "assign": (Stage.TRIAGED, (Role.DIRECTOR, Role.BUREAU_CHIEF)),
}
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


def track_text(track: Track, prefix: str = "") -> Text:
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


def proposal_line(proposal: Proposal) -> str:
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


class TriageBoardScreen(SignedInScreen):
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

    class PageLoaded(Message):
        def __init__(self, page: BoardPage, append: bool, stage: Stage) -> None:
            super().__init__()
            self.page = page
            self.append = append
            self.stage = stage

    class Written(Message):
        def __init__(self, case_id: int, error: str | None, success: str = "", saved: FlagsSaved | None = None) -> None:
            super().__init__()
            self.case_id = case_id
            self.error = error
            self.success = success
            self.saved = saved  # flags written: the row takes the new facts and proposal

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
        self._view_chosen = False
        self.wide = True  # 理由 has a column of its own (set from the screen width in compose and on resize)
        self._in_dialog = False
        self._jobs: deque[tuple[str, int, dict[str, Any]]] = deque()
        self._jobs_lock = threading.Lock()
        self._writer_running = False

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="board-body"):
            with Horizontal(id="board-bar"):
                yield Static("分流看板 · 待分流", id="board-title")
                yield Static("正在读取…", id="board-summary", markup=False)
            table: DataTable[Text | str] = DataTable(id="board", cursor_type="row", zebra_stripes=True)
            self.wide = self.app.size.width >= WIDE_FROM
            self._add_columns(table)
            yield table
            yield Static(EMPTY[Stage.INQUIRED], id="board-empty")
            yield Static("1 待分流  2 局长指定  3 待分案  Space 标记", id="board-detail", markup=False)
            yield Static("", id="board-flags", markup=False)
        yield self.make_footer()

    def _add_columns(self, table: DataTable[Text | str]) -> None:
        for label in COLUMNS if self.wide else COLUMNS[:-1]:
            table.add_column(label, width=RESULT_WIDTH if label == "建议" else None, key=label)

    def on_resize(self) -> None:
        """Crossing WIDE_FROM columns adds or drops the 理由 column; the rows and the cursor stay."""
        wide = self.app.size.width >= WIDE_FROM
        if wide == self.wide:
            return
        self.wide = wide
        table = self.query_one("#board", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        self._add_columns(table)
        for case_id in self.order:
            table.add_row(*self._cells(self.rows[case_id]), key=str(case_id))
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def on_screen_resume(self) -> None:
        if self._in_dialog:  # back from this screen's own dialog: keep the board (and its optimistic rows)
            self._in_dialog = False
            return
        actor = self.shell.actor
        if not self._view_chosen and actor is not None:
            self._view_chosen = True
            if actor.has(Role.BUREAU_CHIEF) and not actor.has(Role.DIRECTOR):
                self.stage = Stage.ESCALATED
                self.refresh_bindings()
        self.action_reload()

    # -- loading --------------------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.marked.clear()
        self.done.clear()
        self.query_one("#board-title", Static).update(f"分流看板 · {self._view_name()}")
        self.query_one("#board-summary", Static).update("正在读取…")
        self.load_page(None, self.stage)

    def _view_name(self) -> str:
        return next(name for stage, name in VIEWS.values() if stage is self.stage)

    def action_view(self, key: str) -> None:
        self.stage = VIEWS[key][0]
        self.refresh_bindings()
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide (and ignore) ruling keys outside their view or the signed-in person's posts."""
        scope = ACTION_SCOPE.get(action)
        if scope is None:
            return True
        stage, roles = scope
        actor = self.shell.actor
        return stage is self.stage and actor is not None and actor.has(*roles)

    @work(thread=True, exit_on_error=False, group="board-read")
    def load_page(self, after: tuple[str, int] | None, stage: Stage) -> None:
        from zhihui_tui.services.triage import board_page

        try:
            page = board_page(stage=stage, after=after, limit=PAGE_SIZE, ctx=self.shell.service_context())
        except Exception as error:
            self.post_message(self.Written(0, f"读取失败：{error}（按 r 重试）"))
        else:
            self.post_message(self.PageLoaded(page, after is not None, stage))

    @on(PageLoaded)
    def show_page(self, message: PageLoaded) -> None:
        if message.stage is not self.stage:
            return  # an answer for a view already left
        table = self.query_one("#board", DataTable)
        if not message.append:
            table.clear()
            self.rows.clear()
            self.order.clear()
        for row in message.page.rows:
            if row.case_id in self.rows:
                continue
            self.rows[row.case_id] = row
            self.order.append(row.case_id)
            table.add_row(*self._cells(row), key=str(row.case_id))
        self.total, self.has_more, self.loading = message.page.total, message.page.has_more, False
        empty = not self.rows
        table.display = not empty
        placeholder = self.query_one("#board-empty", Static)
        placeholder.update(EMPTY[self.stage])
        placeholder.display = empty
        self._summary()
        self._detail()

    def _cells(self, row: BoardRow) -> tuple[Text | str, ...]:
        shown = self.done.get(row.case_id)
        if shown is None:
            if row.stage is Stage.TRIAGED and row.team is not None:
                shown = Text(f"{row.team.label}：待分案", style=TRACK_STYLES[Track(row.team.label)])
            else:
                shown = track_text(row.proposal.track)
        cells: tuple[Text | str, ...] = (
            MARK if row.case_id in self.marked else "",
            row.case_number,
            clipped(row.respondents, RESPONDENTS_WIDTH if self.wide else NARROW_RESPONDENTS_WIDTH),
            format_wan(row.target_fen),
            due_text(row.due, self.shell.runtime.clock.now().date()),
            shown,
        )
        return (*cells, reasons_text(row)) if self.wide else cells

    def _summary(self) -> None:
        done = len(self.done)
        text = f"共 {self.total} 件，已显示 {len(self.rows)} 件"
        if self.marked:
            text += f"，已标记 {len(self.marked)} 件"
        if done:
            text += f"，本次已处理 {done} 件"
        self.query_one("#board-summary", Static).update(text)

    def _refresh_row(self, case_id: int) -> None:
        row = self.rows.get(case_id)
        if row is None:
            return
        table = self.query_one("#board", DataTable)
        for column, value in zip(table.columns, self._cells(row), strict=True):
            table.update_cell(str(case_id), column, value)  # the result column is wide enough for every label

    @on(DataTable.RowHighlighted, "#board")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()
        table = self.query_one("#board", DataTable)
        if self.has_more and not self.loading and event.cursor_row >= table.row_count - 5 and self.order:
            self.loading = True
            self.load_page(self.rows[self.order[-1]].key, self.stage)

    def _detail(self) -> None:
        row = self._current()
        if row is None:
            return
        extra = [rule for rule in row.proposal.blocking if rule not in row.proposal.reasons]  # 2 lines: no repeats
        blocking = f"  排除快执：{'；'.join(extra)}" if extra else ""
        escalated = escalation_line(row)  # first: the chief reads why it came to him before the system's reasons
        lead = f"{row.case_number} {escalated}  " if escalated else f"{row.case_number} "
        self.query_one("#board-detail", Static).update(f"{lead}{proposal_line(row.proposal)}{blocking}")
        editable = row.stage is Stage.INQUIRED and row.case_id not in self.done
        hint = "  （f 修改）" if editable else ""
        self.query_one("#board-flags", Static).update(f"分流事实：{flag_text(row.flags)}{hint}")

    def _current(self) -> BoardRow | None:
        table = self.query_one("#board", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self.rows.get(int(str(key.value)))

    def _pending(self, row: BoardRow | None, stage: Stage) -> bool:
        """The row can still be ruled on here (not done in this session, in the view it needs)."""
        if row is None:
            return False
        if row.case_id in self.done:
            self.app.notify("该案本次已处理", severity="warning")
            return False
        if row.stage is not stage:
            self.app.notify(f"该操作在“{next(n for s, n in VIEWS.values() if s is stage)}”视图中进行")
            return False
        return True

    def _allowed(self, *roles: Role) -> bool:
        actor = self.shell.actor
        if actor is None or not actor.has(*roles):
            posts = "、".join(r.label for r in roles)
            self.app.notify(f"无权进行该操作：需要{posts}的权限", severity="warning")
            return False
        return True

    # -- rulings --------------------------------------------------------------------------------------------

    def _optimistic(self, case_id: int, shown: Text) -> None:
        self.done[case_id] = shown
        self.marked.discard(case_id)
        self._refresh_row(case_id)
        self._summary()

    def action_mark(self) -> None:
        row = self._current()
        if row is None or row.case_id in self.done:
            return
        self.marked.symmetric_difference_update({row.case_id})
        self._refresh_row(row.case_id)
        self._summary()
        table = self.query_one("#board", DataTable)
        table.move_cursor(row=table.cursor_row + 1)

    def action_accept(self) -> None:
        row = self._current()
        if not self._pending(row, Stage.INQUIRED) or not self._allowed(Role.DIRECTOR):
            return
        assert row is not None
        self._accept(row)
        table = self.query_one("#board", DataTable)
        table.move_cursor(row=table.cursor_row + 1)

    def _accept(self, row: BoardRow) -> None:
        track = row.proposal.track
        self._optimistic(row.case_id, track_text(track, "✔ 已采纳 "))
        self.write("accept", row.case_id, track=track)  # the track read: refused if the facts changed since

    def action_accept_marked(self) -> None:
        if not self._allowed(Role.DIRECTOR):
            return
        chosen = [self.rows[c] for c in self.order if c in self.marked and c not in self.done]
        if not chosen:
            self.app.notify("请先用空格标记案件")
            return
        for row in chosen:
            self._accept(row)

    def action_override(self) -> None:
        row = self._current()
        if self._pending(row, Stage.INQUIRED) and self._allowed(Role.DIRECTOR):
            assert row is not None
            self._dialog(RulingForm(row, escalate=False), self._ruled)

    def action_escalate(self) -> None:
        row = self._current()
        if self._pending(row, Stage.INQUIRED) and self._allowed(Role.DIRECTOR):
            assert row is not None
            self._dialog(RulingForm(row, escalate=True), self._ruled)

    def _dialog(self, dialog: ModalScreen, callback: Callable[[Any], None]) -> None:  # type: ignore[type-arg]
        self._in_dialog = True
        self.app.push_screen(dialog, callback=callback)

    def _ruled(self, result: tuple[int, Track, str] | None) -> None:
        if result is None:
            return
        case_id, track, reason = result
        if track is Track.ESCALATE:
            self._optimistic(case_id, Text("✔ 已提请局长", style=TRACK_STYLES[track]))
            self.write("escalate", case_id, reason=reason)
        else:
            self._optimistic(case_id, track_text(track, "✔ 改判 "))
            self.write("override", case_id, track=track, reason=reason)

    def action_flags(self) -> None:
        row = self._current()
        if self._pending(row, Stage.INQUIRED) and self._allowed(Role.DIRECTOR):
            assert row is not None
            self._dialog(FlagsDialog(row), self._flags_chosen)

    def _flags_chosen(self, result: tuple[int, frozenset[str]] | None) -> None:
        if result is None:
            return
        case_id, flags = result
        row = self.rows.get(case_id)
        if row is None or flags == row.flags:
            self.app.notify("分流事实未改变")
            return
        self.write("flags", case_id, flags=flags, version=row.flags_version)

    def action_designate(self) -> None:
        row = self._current()
        if self._pending(row, Stage.ESCALATED) and self._allowed(Role.BUREAU_CHIEF):
            assert row is not None
            self._dialog(RulingForm(row, designate=True), self._designated)

    def _designated(self, result: tuple[int, Track, str] | None) -> None:
        if result is None:
            return
        case_id, track, note = result
        self._optimistic(case_id, track_text(track, "✔ 指定 "))
        self.write("designate", case_id, track=track, reason=note)

    def action_assign(self) -> None:
        row = self._current()
        if self._pending(row, Stage.TRIAGED) and self._allowed(Role.DIRECTOR, Role.BUREAU_CHIEF):
            assert row is not None and row.team is not None
            self.load_handlers(row)

    @work(thread=True, exit_on_error=False, exclusive=True, group="board-handlers")
    def load_handlers(self, row: BoardRow) -> None:
        from zhihui_tui.services.triage import handler_options

        assert row.team is not None
        options = handler_options(row.team, ctx=self.shell.service_context())
        self.app.call_from_thread(self._pick_handler, row, options)

    def _pick_handler(self, row: BoardRow, options: list[HandlerLoad]) -> None:
        self._dialog(HandlerPicker(row, options), self._handler_chosen)

    def _handler_chosen(self, result: tuple[int, HandlerLoad] | None) -> None:
        if result is None:
            return
        case_id, handler = result
        self._optimistic(case_id, assigned_text(handler.name))
        self.write("assign", case_id, handler_id=handler.staff_id, success=f"已分案给 {handler.name}")

    def write(self, kind: str, case_id: int, **options: Any) -> None:
        """Queue a ruling for the single writer thread: key presses never wait, writes never race each other."""
        with self._jobs_lock:
            self._jobs.append((kind, case_id, options))
            if self._writer_running:
                return
            self._writer_running = True
        self.drain_writes()

    @work(thread=True, exit_on_error=False, group="board-write")
    def drain_writes(self) -> None:
        while True:
            with self._jobs_lock:
                if not self._jobs:
                    self._writer_running = False
                    return
                kind, case_id, options = self._jobs.popleft()
            self.post_message(self._run_write(kind, case_id, **options))

    def _run_write(
        self,
        kind: str,
        case_id: int,
        *,
        track: Track | None = None,
        reason: str = "",
        handler_id: int | None = None,
        success: str = "",
        flags: frozenset[str] = frozenset(),
        version: int | None = None,
    ) -> Written:
        from zhihui_tui.domain.errors import DomainError
        from zhihui_tui.services import triage

        ctx = self.shell.service_context()
        try:
            if kind == "flags":
                saved = triage.set_flags(case_id, flags, expected_version=version, ctx=ctx)
                return self.Written(case_id, None, f"分流事实已保存，{proposal_line(saved.proposal)}", saved)
            if kind == "accept":
                triage.accept(case_id, expected=track, ctx=ctx)
            elif kind == "override":
                assert track is not None
                triage.override(case_id, track, reason, ctx=ctx)
            elif kind == "escalate":
                triage.escalate(case_id, reason=reason, ctx=ctx)
            elif kind == "designate":
                team = Team.FAST if track is Track.FAST else Team.INTENSIVE
                triage.designate(case_id, team, note=reason, ctx=ctx)
            else:
                assert handler_id is not None
                triage.assign(case_id, handler_id, ctx=ctx)
        except DomainError as error:
            return self.Written(case_id, error.message)
        except Exception as error:
            return self.Written(case_id, f"保存失败：{error}")
        return self.Written(case_id, None, success)

    @on(Written)
    def written(self, message: Written) -> None:
        if message.error is None:
            if message.saved is not None:
                self._flags_saved(message.case_id, message.saved)
            if message.success:
                self.app.notify(message.success)
            return
        self.done.pop(message.case_id, None)  # put the row back as it was
        self._refresh_row(message.case_id)
        self._summary()
        self.app.notify(message.error, severity="error")

    def _flags_saved(self, case_id: int, saved: FlagsSaved) -> None:
        row = self.rows.get(case_id)
        if row is None:
            return
        facts = with_flags(row.facts, saved.flags)
        self.rows[case_id] = replace(row, facts=facts, proposal=saved.proposal, flags_version=saved.version)
        self._refresh_row(case_id)
        current = self._current()
        if current is not None and current.case_id == case_id:
            self._detail()


class RulingForm(ModalScreen["tuple[int, Track, str] | None"]):
    """Override (track + required reason), escalate (reason required unless the system proposed 局长指定) or
    designate (team + optional note).

    Ctrl+S confirms, Enter only moves to the next field (as in the other dialogs): an Enter typed to end the
    reason must not rule on the case. The chief's team starts at the system's proposal when that is a team and
    is otherwise left for him to choose; he reads the director's reason for escalating above it."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "确定", id="ruling.save"),
        Binding("escape", "cancel", "取消", id="ruling.cancel"),
    ]

    def __init__(self, row: BoardRow, *, escalate: bool = False, designate: bool = False) -> None:
        super().__init__()
        self.row = row
        self.escalate = escalate
        self.designate = designate
        # R-TRI-3: going against the proposal needs a reason; escalating a case the system would send to a
        # team goes against it as much as picking the other team does.
        self.required = not designate and (not escalate or row.proposal.track is not Track.ESCALATE)

    def compose(self) -> ComposeResult:
        row = self.row
        proposed = f"{row.case_number}（建议{row.proposal.track.value}）"
        if self.escalate:
            label = "理由（必填）" if self.required else "理由（可空）"
            title = f"提请局长指定 · {proposed}"
        elif self.designate:
            title, label = f"局长指定团队 · {proposed}", "意见（可空）"
        else:
            title, label = f"改判 · {proposed}", "理由（必填）"
        with Vertical(id="ruling-form", classes="dialog"):
            yield Static(title, classes="dialog-title", markup=False)
            if self.designate and row.escalation_reason:
                yield Static(escalation_line(row), id="ruling-escalation", markup=False)
            yield Static(f"系统建议理由：{reasons_text(row)}", markup=False)
            if not self.escalate:
                with Horizontal(classes="field-row"):
                    yield Label("团队", classes="field-label")
                    yield self._team_select()
            with Horizontal(classes="field-row"):
                yield Label(label[:2], classes="field-label")
                yield Input(placeholder=label, id="ruling-reason")
            yield Static("", id="ruling-error", markup=False)
            keys = "Ctrl+S 确定    Esc 取消" if self.escalate else "Enter 下一项    Ctrl+S 确定    Esc 取消"
            yield Static(keys, classes="dialog-keys")

    def _team_select(self) -> Select[Track]:
        teams = [(t.value, t) for t in (Track.FAST, Track.INTENSIVE)]
        proposed = self.row.proposal.track
        if not self.designate:  # overriding: the other team than the proposal
            other = Track.INTENSIVE if proposed is Track.FAST else Track.FAST
            return Select(teams, value=other, allow_blank=False, id="ruling-track")
        if proposed is Track.ESCALATE:  # the system proposes no team: the chief chooses one
            return Select(teams, prompt="请选择团队", allow_blank=True, id="ruling-track")
        return Select(teams, value=proposed, allow_blank=False, id="ruling-track")

    def on_mount(self) -> None:
        first = "#ruling-track" if self.designate else "#ruling-reason"
        self.query_one(first).focus()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self) -> None:
        self.query_one("#ruling-error", Static).update("")  # the complaint was about what has just changed

    def _refuse(self, message: str, field: str) -> None:
        self.query_one("#ruling-error", Static).update(message)
        self.query_one(field).focus()

    def action_save(self) -> None:
        from zhihui_tui.domain.errors import FieldError
        from zhihui_tui.domain.validators import clean_text

        track = Track.ESCALATE
        if not self.escalate:
            value = self.query_one("#ruling-track", Select).value
            if not isinstance(value, Track):
                self._refuse("请选择指定的团队（快执或精执）", "#ruling-track")
                return
            track = value
        reason = self.query_one("#ruling-reason", Input).value
        required = self.required
        field = "意见" if self.designate else "理由"
        try:
            clean = clean_text(reason, field=field, max_length=500, required=required)
        except FieldError as error:
            missing = required and not reason.strip()
            self._refuse("改变系统建议须填写理由" if missing else error.message, "#ruling-reason")
            return
        self.query_one("#ruling-error", Static).update("")
        self.dismiss((self.row.case_id, track, clean))

    def action_cancel(self) -> None:
        self.dismiss(None)


class HandlerPicker(ModalScreen["tuple[int, HandlerLoad] | None"]):
    """二次分案: the team's handlers, the lightest open caseload first (suggested); Enter picks, Esc cancels."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "取消", id="handler.cancel")]

    def __init__(self, row: BoardRow, options: list[HandlerLoad]) -> None:
        super().__init__()
        self.row = row
        self.options = options

    def compose(self) -> ComposeResult:
        team = self.row.team.label if self.row.team else ""
        with Vertical(id="handler-picker", classes="dialog"):
            yield Static(f"二次分案 · {self.row.case_number} · {team}团队", classes="dialog-title")
            if not self.options:
                yield Static(f"{team}团队没有可分案的承办人", markup=False)
            items = [
                Option(f"{h.name}（{h.login}）  在办 {h.open_cases} 件" + ("  ← 建议" if i == 0 else ""), id=str(i))
                for i, h in enumerate(self.options)
            ]
            yield OptionList(*items, id="handler-list")
            yield Static("↑↓ 选择    Enter 分案    Esc 取消", classes="dialog-keys")

    def on_mount(self) -> None:
        picker = self.query_one("#handler-list", OptionList)
        if self.options:
            picker.highlighted = 0
        picker.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss((self.row.case_id, self.options[int(event.option.id or 0)]))

    def action_cancel(self) -> None:
        self.dismiss(None)


class FlagsDialog(ModalScreen["tuple[int, frozenset[str]] | None"]):
    """The director re-ticks a case's 分流事实 (R-TRI-2); the proposal they would give is previewed as he ticks."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "保存", id="flags.save"),
        Binding("escape", "cancel", "取消", id="flags.cancel"),
    ]

    def __init__(self, row: BoardRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        with Vertical(id="flags-dialog", classes="dialog"):
            yield Static(f"分流事实 · {self.row.case_number}", classes="dialog-title")
            choices = [Selection(label, name, name in self.row.flags) for name, label in FLAG_LABELS.items()]
            yield SelectionList[str](*choices, id="flags-list")
            yield Static(self._preview(self.row.flags), id="flags-proposal", markup=False)
            yield Static("Space 勾选    Ctrl+S 保存    Esc 取消", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#flags-list", SelectionList).focus()

    def _chosen(self) -> frozenset[str]:
        return frozenset(self.query_one("#flags-list", SelectionList).selected)

    def _preview(self, flags: frozenset[str]) -> str:
        return proposal_line(propose_track(with_flags(self.row.facts, flags)))

    @on(SelectionList.SelectedChanged)
    def _changed(self) -> None:
        self.query_one("#flags-proposal", Static).update(self._preview(self._chosen()))

    def action_save(self) -> None:
        self.dismiss((self.row.case_id, self._chosen()))

    def action_cancel(self) -> None:
        self.dismiss(None)
