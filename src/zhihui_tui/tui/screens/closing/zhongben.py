"""终本案件 (R-ZB-1) for the leaders, from the command palette or F5: every 承办中 case against the 终本 conditions,
eligible first, with the unmet ones of the case under the cursor. The director approves 终本 with a reason (Enter);
the bureau chief and deputies read it."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from zhihui_tui.tui.screens.forms import ReasonScreen
from zhihui_tui.tui.service_calls import ServiceCaller
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.closing import ZhongbenCheck
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.tui.service_calls import Failure


class CandidatesRead(Message):
    """The 终本 candidates were read."""

    def __init__(self, checks: list[ZhongbenCheck]) -> None:
        super().__init__()
        self.checks = checks


def verdict(check: ZhongbenCheck) -> Text:
    if not check.unmet:
        return Text("符合", style="green")
    if check.override_reason is not None:
        return Text("已批准", style="cyan")
    return Text(f"{len(check.unmet)} 项未满足", style="yellow")


class ZhongbenScreen(ServiceCaller, ModalScreen[None]):
    """The candidates; ``may_override`` (the director) makes Enter ask for the reason of an override."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "返回", id="zhongben.close")]
    DEFAULT_CSS = """
    ZhongbenScreen { align: center middle; }
    ZhongbenScreen > Vertical { width: 100%; height: 100%; border: round $primary; background: $surface; }
    ZhongbenScreen #zb-title { text-style: bold; height: 1; }
    ZhongbenScreen DataTable { height: 1fr; }
    ZhongbenScreen #zb-detail { height: auto; max-height: 8; color: $text-warning; }
    ZhongbenScreen #zb-status { height: 1; color: $text-muted; }
    """

    def __init__(self, *, may_override: bool) -> None:
        super().__init__()
        self.may_override = may_override
        self.checks: dict[str, ZhongbenCheck] = {}

    def compose(self) -> ComposeResult:
        keys = "Enter 批准终本（填写理由），Esc 返回" if self.may_override else "只读，Esc 返回"
        with Vertical():
            yield Static(f"终本案件核查（{keys}）", id="zb-title")
            table: DataTable[Text | str] = DataTable(id="zb-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("案号", "核查", "首项未满足条件")
            yield table
            yield Static("", id="zb-detail", markup=False)
            yield Static("正在读取…", id="zb-status", markup=False)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        from zhihui_tui.services.closing import zhongben_candidates

        self.run_service(
            lambda ctx: zhongben_candidates(ctx=ctx),
            action="读取终本案件",
            done=CandidatesRead,
            group="zhongben-read",
            exclusive=True,
        )

    def on_candidates_read(self, message: CandidatesRead) -> None:
        self.checks = {str(check.case_id): check for check in message.checks}
        self.query_one(DataTable).replace_rows(
            (key, (check.case_number, verdict(check), check.unmet[0] if check.unmet else "—"))
            for key, check in self.checks.items()
        )
        eligible = sum(1 for check in message.checks if check.eligible)
        self.query_one("#zb-status", Static).update(f"承办中 {len(self.checks)} 件，可以终本 {eligible} 件")
        self.show_detail()

    def current(self) -> ZhongbenCheck | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return self.checks.get(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        check = self.current()
        lines: list[str] = []
        if check is not None:
            lines = [f"{n}. {condition}" for n, condition in enumerate(check.unmet, start=1)]
            if check.override_reason is not None:
                lines.append(f"批准理由：{check.override_reason}")
        self.query_one("#zb-detail", Static).update("\n".join(lines) or "各项条件均已满足")

    def display_failure(self, action: str, failure: Failure) -> None:
        self.query_one("#zb-status", Static).update(failure.text)
        super().display_failure(action, failure)

    @on(DataTable.RowSelected)
    def override(self, event: DataTable.RowSelected) -> None:
        event.stop()
        check = self.current()
        if check is None or not self.may_override:
            return
        if check.eligible:
            self.notify("该案无需批准" if not check.unmet else "该案已批准终本")
            return

        def approve(reason: str, ctx: ServiceContext) -> None:
            from zhihui_tui.services.closing import override_zhongben

            override_zhongben(check.case_id, reason, ctx=ctx)

        screen = ReasonScreen(f"批准终本 · {check.case_number}（{len(check.unmet)} 项条件未满足）", "理由", approve)
        self.app.push_screen(screen, callback=self._approved)

    def _approved(self, done: bool | None) -> None:
        if done:
            self.notify("已批准终本，承办人可以终本方式结案")
            self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
