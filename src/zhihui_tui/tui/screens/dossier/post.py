"""卷宗管理 (F12, R-ARC-1): dossiers transferred by the handlers, soonest deadline first — 案号, 页数, 移交单号, 移交人,
状态 and the deadline of the next step (7 days to scan and upload once received, 90 days from closing to archive).
The dossier group receives (A), marks scanned and uploaded (S), archives under a 档案号 (G) and adds a 终本 case's
supplements (B); ``v`` switches to the archived ones. Keys the service's ``allowed_actions`` does not give are not
shown (the director reads the list); a key that does not fit the row's state is dimmed."""

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

from zhihui_tui.services.closing import ClosingAction, DossierState, allowed_actions
from zhihui_tui.tui.screens.base import SignedInScreen
from zhihui_tui.tui.screens.dossier.dialogs import ArchiveForm, SupplementForm
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.closing import DossierRow
    from zhihui_tui.tui.service_calls import Failure

COLUMNS = ("案号", "页数", "移交单号", "移交人", "状态", "期限")
STATE_STYLES = {
    DossierState.TRANSFERRED: "bold",
    DossierState.RECEIVED: "cyan",
    DossierState.SCANNED: "green",
    DossierState.ARCHIVED: "dim",
}
# The state a key's step starts from (归档 needs the scan; 补充材料 only for 终本 cases).
STEP_FROM = {"receive": DossierState.TRANSFERRED, "scan": DossierState.RECEIVED, "archive": DossierState.SCANNED}
KEEPER_ACTIONS = ("receive", "scan", "archive", "supplement")
# The state in the table, short enough for 80 columns with the deadline in view (the summary names them in full).
SHORT_STATES = {
    DossierState.TRANSFERRED: "待接收",
    DossierState.RECEIVED: "待扫描",
    DossierState.SCANNED: "待归档",
    DossierState.ARCHIVED: "已归档",
}


class DossiersRead(Message):
    """A reading of the list (``archived``: the archived ones)."""

    def __init__(self, rows: list[DossierRow], archived: bool) -> None:
        super().__init__()
        self.rows = rows
        self.archived = archived


class StepDone(Message):
    """A step of one dossier was recorded; ``what`` says which."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what


def due_cell(due: date | None, today: date) -> Text:
    """MM-DD of the next step's deadline: red past it (with the days), yellow today and within three days."""
    if due is None:
        return Text("—")
    days = (due - today).days
    if days < 0:
        return Text(f"{due:%m-%d} 超{-days}天", style="bold red")
    return Text(f"{due:%m-%d}", style="bold yellow" if days == 0 else "yellow" if days <= 3 else "")


def dossier_cells(row: DossierRow, today: date) -> tuple[str | Text, ...]:
    state = Text(SHORT_STATES[row.state] + ("·终本" if row.zhongben else ""), style=STATE_STYLES[row.state])
    last = Text(row.archive_no or "") if row.state is DossierState.ARCHIVED else due_cell(row.due, today)
    return (row.case_number, str(row.pages), row.transfer_form_no, row.transferred_by, state, last)


class DossierScreen(SignedInScreen):
    """F12: the dossiers not yet archived (or, on ``v``, the archived ones) and the dossier group's steps."""

    SCREEN_NAME = "卷宗管理"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "receive", "接收", id="dossier.receive"),
        Binding("s", "scan", "扫描上传", id="dossier.scan"),
        Binding("g", "archive", "归档", id="dossier.archive"),
        Binding("b", "supplement", "补充材料", id="dossier.supplement"),
        Binding("v", "toggle_archived", "已归档/未归档", id="dossier.toggle"),
        Binding("r", "reload", "刷新", show=False, id="dossier.reload"),
    ]
    AUTO_FOCUS = "#dossiers"
    DEFAULT_CSS = """
    #ds-body { height: 1fr; padding: 0 1; }
    #ds-bar { height: 1; margin-top: 1; }
    #ds-title { width: auto; text-style: bold; margin-right: 2; }
    #ds-summary { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    #dossiers { height: 1fr; }
    #ds-status { height: 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.archived = False
        self.rows: dict[str, DossierRow] = {}

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="ds-body"):
            with Horizontal(id="ds-bar"):
                yield Static("待归档卷宗", id="ds-title")
                yield Static("正在读取…", id="ds-summary", markup=False)
            table: DataTable[str | Text] = DataTable(id="dossiers", cursor_type="row", zebra_stripes=True)
            table.add_columns(*COLUMNS)
            table.flex_column("移交单号", minimum=8)  # the form number gives way at 80 columns, the deadline never
            yield table
            yield Static("", id="ds-status", markup=False)
        yield self.make_footer()

    @property
    def keeps(self) -> bool:
        """The dossier group (``KEEP_DOSSIER``); the director only reads."""
        actor = self.shell.actor
        return actor is not None and ClosingAction.KEEP_DOSSIER in allowed_actions(actor)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in KEEPER_ACTIONS:
            return True
        if not self.keeps:
            return False
        row = self.current()
        if row is None:
            return None
        if action == "supplement":
            return True if row.zhongben else None
        return True if row.state is STEP_FROM[action] else None

    def on_screen_resume(self) -> None:
        self.action_reload()

    @property
    def today(self) -> date:
        return self.shell.runtime.clock.now().date()

    def action_reload(self) -> None:
        from zhihui_tui.services.closing import dossier_queue

        archived = self.archived
        self.run_service(
            lambda ctx: DossiersRead(dossier_queue(ctx=ctx, archived=archived), archived),
            action="读取卷宗",
            done=lambda read: read,
            group="dossiers",
            exclusive=True,
        )

    def on_dossiers_read(self, message: DossiersRead) -> None:
        if message.archived is not self.archived:
            return  # the view was switched meanwhile
        today = self.today
        self.rows = {str(row.case_id): row for row in message.rows}
        table = self.query_one("#dossiers", DataTable)
        table.replace_rows((key, dossier_cells(row, today)) for key, row in self.rows.items())
        table.columns[table.ordered_columns[-1].key].label = Text("档案号" if self.archived else "期限")
        self.query_one("#ds-summary", Static).update(self.summary(message.rows))
        self.refresh_bindings()

    def summary(self, rows: list[DossierRow]) -> str:
        if self.archived:
            return f"最近归档 {len(rows)} 件" if rows else "尚无已归档卷宗"
        if not rows:
            return "没有待处理的卷宗"
        counts = {state: sum(1 for r in rows if r.state is state) for state in DossierState}
        late = sum(1 for r in rows if r.due is not None and r.due < self.today)
        parts = [f"{state.label} {n}" for state, n in counts.items() if n]
        return f"共 {len(rows)} 件：" + "，".join(parts) + (f"；超期 {late} 件" if late else "")

    def display_failure(self, action: str, failure: Failure) -> None:
        self.query_one("#ds-status", Static).update(failure.text)
        super().display_failure(action, failure)

    def current(self) -> DossierRow | None:
        table = next(iter(self.query("#dossiers").results(DataTable)), None)  # none before compose (check_action)
        if table is None or not table.row_count:
            return None
        return self.rows.get(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    @on(DataTable.RowHighlighted, "#dossiers")
    def _highlighted(self) -> None:
        self.refresh_bindings()
        row = self.current()
        self.query_one("#ds-status", Static).update(f"{row.case_number}：{row.state.label}" if row else "")

    def action_toggle_archived(self) -> None:
        self.archived = not self.archived
        self.query_one("#ds-title", Static).update("已归档卷宗" if self.archived else "待归档卷宗")
        self.action_reload()

    def action_receive(self) -> None:
        from zhihui_tui.services.closing import receive_dossier

        row = self.current()
        if row is not None:
            self.run_service(
                lambda ctx: receive_dossier(row.case_id, expected_version=row.version, ctx=ctx),
                action="接收卷宗",
                done=lambda _: StepDone(f"已接收 {row.case_number}，7 日内扫描上传"),
                group="dossier-step",
            )

    def action_scan(self) -> None:
        from zhihui_tui.services.closing import mark_scanned

        row = self.current()
        if row is not None:
            self.run_service(
                lambda ctx: mark_scanned(row.case_id, expected_version=row.version, ctx=ctx),
                action="卷宗扫描上传",
                done=lambda _: StepDone(f"{row.case_number} 已扫描上传，待归档"),
                group="dossier-step",
            )

    def on_step_done(self, message: StepDone) -> None:
        self.notify(message.what)
        self.action_reload()

    def action_archive(self) -> None:
        row = self.current()
        if row is not None:
            self.app.push_screen(ArchiveForm(row), callback=self._archived)

    def _archived(self, number: str | None) -> None:
        if number:
            self.notify(f"已归档，档案号 {number}")
            self.action_reload()

    def action_supplement(self) -> None:
        row = self.current()
        if row is not None:
            self.app.push_screen(SupplementForm(row), callback=self._supplemented)

    def _supplemented(self, done: bool | None) -> None:
        if done:
            self.notify("补充材料已入证据袋和电子卷宗")
