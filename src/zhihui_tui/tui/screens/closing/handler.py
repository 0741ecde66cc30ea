"""The handler's end-of-case dialogs on F6: 结案 (结案方式, 说明), 执行措施 (措施, 日期, 备注), 移交卷宗 (页数,
移交单号) and the 终本核查 of one case (each unmet condition, eligible or not). The services decide; a refusal shows
their Chinese message and nothing is saved."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from zhihui_tui.domain.closing import Closure, MeasureKind
from zhihui_tui.tui.screens.closing.fields import FieldForm

if TYPE_CHECKING:
    from zhihui_tui.services.closing import ZhongbenCheck
    from zhihui_tui.services.context import ServiceContext


@dataclass(frozen=True)
class CaseRef:
    """The case a dialog acts on."""

    case_id: int
    case_number: str


class CloseCaseForm(FieldForm):
    """结案: the 结案方式 and a note. 终本 is refused while a condition is unmet and not overridden."""

    def __init__(self, case: CaseRef) -> None:
        super().__init__(f"结案 · {case.case_number}")
        self.case = case
        self.draft_args = {"case": asdict(case)}

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> CloseCaseForm:
        """The dialog again, on its case."""
        return cls(CaseRef(**args["case"]))

    def form_fields(self) -> ComposeResult:
        choices = [(closure.label, closure) for closure in Closure]
        yield from self.field("结案方式", Select(choices, id="closure", compact=True, prompt="请选择（Enter 展开）"))
        yield from self.field("说明", Input(id="note", compact=True, max_length=500), aliases=("结案说明",))
        yield Static("结案前：案款已发放完毕，委托事项已办结；终本须满足全部终本条件（Z 查看）", classes="ff-note")

    def read_form(self) -> tuple[str, str]:
        closure = self.query_one("#closure", Select).value
        return (closure.value if isinstance(closure, Closure) else "", self.value("#note"))

    def submit(self, form: tuple[str, str], ctx: ServiceContext) -> str:
        from zhihui_tui.services.closing import close_case

        closure, note = form
        close_case(self.case.case_id, closure, note, ctx=ctx)
        return Closure.parse(closure).label


class MeasureForm(FieldForm):
    """登记执行措施: which measure, the day it was taken (today by default), a note."""

    def __init__(self, case: CaseRef, today: date) -> None:
        super().__init__(f"登记执行措施 · {case.case_number}")
        self.case = case
        self.today = today
        self.draft_args = {"case": asdict(case), "today": today.isoformat()}

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> MeasureForm:
        """The dialog again, on its case."""
        return cls(CaseRef(**args["case"]), date.fromisoformat(args["today"]))

    def form_fields(self) -> ComposeResult:
        kinds = [(kind.label, kind) for kind in MeasureKind]
        yield from self.field(
            "执行措施", Select(kinds, id="kind", compact=True, prompt="请选择（Enter 展开）"), aliases=("措施",)
        )
        day = Input(f"{self.today:%Y-%m-%d}", id="day", compact=True, placeholder="YYYY-MM-DD", max_length=12)
        yield from self.field("日期", day)
        yield from self.field("备注", Input(id="note", compact=True, max_length=500))

    def read_form(self) -> tuple[str, str, str]:
        kind = self.query_one("#kind", Select).value
        return (kind.value if isinstance(kind, MeasureKind) else "", self.value("#day"), self.value("#note"))

    def submit(self, form: tuple[str, str, str], ctx: ServiceContext) -> str:
        from zhihui_tui.services.closing import record_measure

        kind, day, note = form
        record_measure(self.case.case_id, kind, day, note, ctx=ctx)
        return MeasureKind.parse(kind).label


class TransferForm(FieldForm):
    """移交卷宗 of a closed case to the dossier group (R-ARC-1: within 20 days of closing)."""

    def __init__(self, case: CaseRef) -> None:
        super().__init__(f"移交卷宗 · {case.case_number}")
        self.case = case
        self.draft_args = {"case": asdict(case)}

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> TransferForm:
        """The dialog again, on its case."""
        return cls(CaseRef(**args["case"]))

    def form_fields(self) -> ComposeResult:
        yield from self.field("页数", Input(id="pages", compact=True, max_length=6, type="integer"))
        yield from self.field("移交单号", Input(id="form-no", compact=True, max_length=40))

    def read_form(self) -> tuple[str, str]:
        return (self.value("#pages"), self.value("#form-no"))

    def submit(self, form: tuple[str, str], ctx: ServiceContext) -> bool:
        from zhihui_tui.services.closing import transfer_dossier

        transfer_dossier(self.case.case_id, *form, ctx=ctx)
        return True


def check_lines(check: ZhongbenCheck) -> list[str]:
    """The check in the clerk's words: the verdict, then each unmet condition numbered, then any override."""
    if not check.unmet:
        return ["符合终本条件：各项条件均已满足。"]
    verdict = "经主任批准可以终本" if check.override_reason is not None else "不符合终本条件"
    lines = [f"{verdict}，尚有 {len(check.unmet)} 项条件未满足："]
    lines += [f"  {n}. {condition}" for n, condition in enumerate(check.unmet, start=1)]
    if check.override_reason is not None:
        lines.append(f"批准理由：{check.override_reason}")
    return lines


class ZhongbenCheckScreen(ModalScreen[None]):
    """终本核查 of one case, read-only; Esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "返回", id="zhongben-check.close")]
    DEFAULT_CSS = """
    ZhongbenCheckScreen { align: center middle; }
    ZhongbenCheckScreen > Vertical {
        width: 100%; max-width: 96; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ZhongbenCheckScreen #zc-title { text-style: bold; }
    ZhongbenCheckScreen #zc-body.-unmet { color: $text-warning; }
    ZhongbenCheckScreen #zc-keys { color: $text-muted; }
    """

    def __init__(self, check: ZhongbenCheck) -> None:
        super().__init__()
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"终本核查 · {self.check.case_number}", id="zc-title", markup=False)
            body = Static("\n".join(check_lines(self.check)), id="zc-body", markup=False)
            body.set_class(not self.check.eligible, "-unmet")
            yield body
            yield Static("Esc 返回", id="zc-keys")

    def action_close(self) -> None:
        self.dismiss(None)
