"""The board's dialogs: a ruling (override, escalate, designate), the handler picker, the 分流事实 checklist.

Each answers through ``dismiss`` with what was chosen; the screen queues the write. Ctrl+S confirms, Esc cancels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.triage import FLAG_LABELS, Track, propose_track, with_flags
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.triage import MAX_REASON
from zhihui_tui.tui.screens.triage_board.common import CSS, escalation_line, proposal_line, reasons_text

if TYPE_CHECKING:
    from zhihui_tui.services.triage import BoardRow, HandlerLoad


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
            clean = clean_text(reason, field=field, max_length=MAX_REASON, required=required)
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
