"""The workbench's end-of-case keys (SPEC §3.10–3.11) on the handler's case under the cursor: C 结案, M 执行措施
and Z 终本核查 on a 承办中 case, T 移交卷宗 on a closed one, and U the resumptions waiting on the person signed in
(the original handler; the bureau chief when that handler is gone). The dialogs live in
:mod:`zhihui_tui.tui.screens.closing`; the services refuse what the rules refuse."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.message import Message

from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.tui.screens.base import SignedInScreen
from zhihui_tui.tui.screens.closing.handler import (
    CaseRef,
    CloseCaseForm,
    MeasureForm,
    TransferForm,
    ZhongbenCheckScreen,
)
from zhihui_tui.tui.screens.closing.resume import ResumptionScreen

if TYPE_CHECKING:
    from zhihui_tui.services.closing import ZhongbenCheck
    from zhihui_tui.services.workbench import CaseRow

RESUME_KIND = "恢复执行"
RESUME_TEXT = "终本案件发现财产，待确认恢复执行"
CLOSING_BINDINGS = [
    Binding("c", "close_case", "结案", id="workbench.close"),
    Binding("m", "measure", "措施", id="workbench.measure"),
    Binding("z", "zhongben_check", "终本核查", id="workbench.zhongben"),
    Binding("t", "transfer", "移交卷宗", id="workbench.transfer"),
    Binding("u", "resumptions", "恢复执行确认", id="workbench.resume"),
]
HANDLER_ACTIONS = ("close_case", "measure", "zhongben_check", "transfer")


class CheckRead(Message):
    """One case's 终本 check was read."""

    def __init__(self, check: ZhongbenCheck) -> None:
        super().__init__()
        self.check = check


class ClosingKeys(SignedInScreen):
    """The actions of :data:`CLOSING_BINDINGS`; the screen supplies ``current_case`` and ``action_reload``."""

    def current_case(self) -> CaseRow | None:
        raise NotImplementedError

    def action_reload(self) -> None:
        raise NotImplementedError

    def _case_at(self, stage: Stage, what: str) -> CaseRef | None:
        row = self.current_case()
        if row is None:
            self.notify("没有可选的案件")
            return None
        if row.stage is not stage:
            self.notify(f"{row.case_number} 为“{row.stage.label}”，{what}")
            return None
        return CaseRef(row.id, row.case_number)

    def action_close_case(self) -> None:
        case = self._case_at(Stage.ASSIGNED, "承办中的案件才能结案")
        if case is not None:
            self.app.push_screen(CloseCaseForm(case), callback=self._case_closed)

    def _case_closed(self, label: str | None) -> None:
        if label:
            self.notify(f"已结案（{label}），请在 20 日内移交卷宗（T）")
            self.action_reload()

    def action_measure(self) -> None:
        case = self._case_at(Stage.ASSIGNED, "承办中的案件才能登记执行措施")
        if case is not None:
            today = self.shell.runtime.clock.now().date()
            self.app.push_screen(MeasureForm(case, today), callback=self._measured)

    def _measured(self, label: str | None) -> None:
        if label:
            self.notify(f"已登记：{label}")
            self.action_reload()

    def action_zhongben_check(self) -> None:
        from zhihui_tui.services.closing import zhongben_check

        case = self._case_at(Stage.ASSIGNED, "承办中的案件才核查终本条件")
        if case is not None:
            self.run_service(
                lambda ctx: zhongben_check(case.case_id, ctx=ctx), action="终本核查", done=CheckRead, group="check"
            )

    def on_check_read(self, message: CheckRead) -> None:
        self.app.push_screen(ZhongbenCheckScreen(message.check))

    def action_transfer(self) -> None:
        case = self._case_at(Stage.CLOSED, "结案后才能移交卷宗")
        if case is not None:
            self.app.push_screen(TransferForm(case), callback=self._transferred)

    def _transferred(self, done: bool | None) -> None:
        if done:
            self.notify("卷宗已移交卷宗管理组")
            self.action_reload()

    def action_resumptions(self) -> None:
        self.app.push_screen(ResumptionScreen(), callback=lambda _: self.action_reload())
