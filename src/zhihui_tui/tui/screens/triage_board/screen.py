"""F5 分流看板 (R-TRI-1..3): the director's board with the system's proposal and reasons per case.

Views: 1 待分流 (已查控), 2 局长指定 (the chief designates the team), 3 待分案 (已分流: 二次分案).
The highlighted case's 分流事实 (TriageFlags) are shown under its reasons; the director re-ticks them with f and
the proposal is recomputed (previewed in the dialog, then saved and shown on the row).
The board is paged from SQL (a page plus what the cursor reaches, never the whole stage): moving past the last
loaded row loads the next page. Rulings are queued and written one at a time through ``run_service``; the row
shows the outcome at once (optimistically) and is put back if the service refuses.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.screen import ModalScreen

from zhihui_tui.domain.triage import Track, with_flags
from zhihui_tui.services.triage import TriageAction, ruling_stage
from zhihui_tui.tui.screens.triage_board.common import (
    TRACK_STYLES,
    assigned_text,
    proposal_line,
    track_text,
    view_name,
)
from zhihui_tui.tui.screens.triage_board.dialogs import FlagsDialog, HandlerPicker, RulingForm
from zhihui_tui.tui.screens.triage_board.jobs import (
    WriteJob,
    accept_job,
    assign_job,
    designate_job,
    escalate_job,
    flags_job,
    override_job,
    read_handlers,
)
from zhihui_tui.tui.screens.triage_board.messages import Assigned, FlagsWritten, HandlersLoaded, Written
from zhihui_tui.tui.screens.triage_board.post import BoardPost
from zhihui_tui.tui.service_calls import ServiceFailed

if TYPE_CHECKING:
    from zhihui_tui.services.triage import BoardRow, HandlerLoad

WRITE_GROUP = "board-write"


class TriageBoardScreen(BoardPost):
    """F5: the board and its rulings — accept (one or the marked), override, escalate, designate, assign, flags."""

    def __init__(self) -> None:
        super().__init__()
        self.queued: deque[WriteJob] = deque()  # rulings waiting for the writer
        self.writing: WriteJob | None = None  # the ruling being written now

    # -- guards -----------------------------------------------------------------------------------------------

    def _pending(self, row: BoardRow | None, action: TriageAction) -> bool:
        """The row can still be ruled on here (not done in this session, in the view it needs) by this person."""
        if row is None:
            return False
        if row.case_id in self.done:
            self.app.notify("该案本次已处理", severity="warning")
            return False
        stage = ruling_stage(action)
        if row.stage is not stage:
            self.app.notify(f"该操作在“{view_name(stage)}”视图中进行")
            return False
        return self._allowed(action)

    def _allowed(self, action: TriageAction) -> bool:
        if not self.may(action):
            self.app.notify(f"无权进行该操作：{action.label}", severity="warning")
            return False
        return True

    def _optimistic(self, case_id: int, shown: Text) -> None:
        self.done[case_id] = shown
        self.marked.discard(case_id)
        self.refresh_row(case_id)
        self.summary()

    def _dialog(self, dialog: ModalScreen[Any], callback: Callable[[Any], None]) -> None:
        self.in_dialog = True
        self.app.push_screen(dialog, callback=callback)

    # -- the director's rulings ----------------------------------------------------------------------------------

    def action_mark(self) -> None:
        row = self.current()
        if row is None or row.case_id in self.done:
            return
        self.marked.symmetric_difference_update({row.case_id})
        self.refresh_row(row.case_id)
        self.summary()
        self.table.move_cursor(row=self.table.cursor_row + 1)

    def action_accept(self) -> None:
        row = self.current()
        if not self._pending(row, TriageAction.ACCEPT):
            return
        assert row is not None
        self._accept(row)
        self.table.move_cursor(row=self.table.cursor_row + 1)

    def _accept(self, row: BoardRow) -> None:
        track = row.proposal.track
        self._optimistic(row.case_id, track_text(track, "✔ 已采纳 "))
        self.write(accept_job(row.case_id, track))  # the track read: refused if the facts changed since

    def action_accept_marked(self) -> None:
        if not self._allowed(TriageAction.ACCEPT):
            return
        chosen = [self.rows[c] for c in self.order if c in self.marked and c not in self.done]
        if not chosen:
            self.app.notify("请先用空格标记案件")
            return
        for row in chosen:
            self._accept(row)

    def action_override(self) -> None:
        row = self.current()
        if self._pending(row, TriageAction.OVERRIDE):
            assert row is not None
            self._dialog(RulingForm(row, escalate=False), self._ruled)

    def action_escalate(self) -> None:
        row = self.current()
        if self._pending(row, TriageAction.ESCALATE):
            assert row is not None
            self._dialog(RulingForm(row, escalate=True), self._ruled)

    def _ruled(self, result: tuple[int, Track, str] | None) -> None:
        if result is None:
            return
        case_id, track, reason = result
        if track is Track.ESCALATE:
            self._optimistic(case_id, Text("✔ 已提请局长", style=TRACK_STYLES[track]))
            self.write(escalate_job(case_id, reason))
        else:
            self._optimistic(case_id, track_text(track, "✔ 改判 "))
            self.write(override_job(case_id, track, reason))

    def action_flags(self) -> None:
        row = self.current()
        if self._pending(row, TriageAction.SET_FLAGS):
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
        self.write(flags_job(case_id, flags, row.flags_version))

    # -- the chief's designation, and 二次分案 -------------------------------------------------------------------

    def action_designate(self) -> None:
        row = self.current()
        if self._pending(row, TriageAction.DESIGNATE):
            assert row is not None
            self._dialog(RulingForm(row, designate=True), self._designated)

    def _designated(self, result: tuple[int, Track, str] | None) -> None:
        if result is None:
            return
        case_id, track, note = result
        self._optimistic(case_id, track_text(track, "✔ 指定 "))
        self.write(designate_job(case_id, track, note))

    def action_assign(self) -> None:
        row = self.current()
        if self._pending(row, TriageAction.ASSIGN):
            assert row is not None and row.team is not None
            self.run_service(
                lambda ctx: read_handlers(ctx, row),
                action="读取承办人",
                done=lambda handlers: handlers,
                group="board-handlers",
                exclusive=True,
            )

    @on(HandlersLoaded)
    def _pick_handler(self, message: HandlersLoaded) -> None:
        self._dialog(HandlerPicker(message.row, message.options), self._handler_chosen)

    def _handler_chosen(self, result: tuple[int, HandlerLoad] | None) -> None:
        if result is None:
            return
        case_id, handler = result
        self._optimistic(case_id, assigned_text(handler.name))
        self.write(assign_job(case_id, handler))

    # -- the writer ----------------------------------------------------------------------------------------------

    def write(self, job: WriteJob) -> None:
        """Queue a ruling: key presses never wait, and rulings are written one after another."""
        self.queued.append(job)
        self._next_write()

    def _next_write(self) -> None:
        if self.writing is not None or not self.queued:
            return
        job = self.writing = self.queued.popleft()
        self.run_service(job.call, action=job.action, done=lambda written: written, group=WRITE_GROUP)

    @on(Written)
    def _written(self, message: Written) -> None:
        self.writing = None
        self._next_write()

    @on(Assigned)
    def _assigned(self, message: Assigned) -> None:
        self.app.notify(f"已分案给 {message.handler}")

    @on(FlagsWritten)
    def _flags_saved(self, message: FlagsWritten) -> None:
        saved, row = message.saved, self.rows.get(message.case_id)
        self.app.notify(f"分流事实已保存，{proposal_line(saved.proposal)}")
        if row is None:
            return
        facts = with_flags(row.facts, saved.flags)
        self.rows[row.case_id] = replace(row, facts=facts, proposal=saved.proposal, flags_version=saved.version)
        self.refresh_row(row.case_id)
        current = self.current()
        if current is not None and current.case_id == row.case_id:
            self.detail()

    @on(ServiceFailed)
    def _write_refused(self, message: ServiceFailed) -> None:
        """A ruling refused (or failed): its row is put back as it was, and the next one is written. The failure
        itself is shown the one way by ``run_service``'s handler, which runs after this one."""
        job = self.writing
        if job is None or message.action != job.action:
            return
        self.writing = None
        self.done.pop(job.case_id, None)
        self.refresh_row(job.case_id)
        self.summary()
        self._next_write()
