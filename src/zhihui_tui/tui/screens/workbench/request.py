"""提请委托事项: the request form for one case, with the 15:00 notice (R-DEL-2) shown before anything is sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static

from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.field_work import (
    INSTITUTION_LABELS,
    MATTER_KIND_LABELS,
    Institution,
    MatterKind,
    MatterRequest,
    request_timing,
)
from zhihui_tui.tui.screens.forms import FormScreen
from zhihui_tui.tui.shell import shell_of

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext


class RequestMatterScreen(FormScreen):
    """提请委托事项 for one case. The 15:00 notice (R-DEL-2) is on the form before anything is sent."""

    def __init__(self, case_id: int, case_number: str) -> None:
        super().__init__()
        self.case_id = case_id
        self.draft_args = {"case_id": case_id, "case_number": case_number}
        # FormScreen titles itself from TITLE; a per-case title is set on the instance.
        self.TITLE = f"提请委托事项 · {case_number}"  # type: ignore[misc]

    def form_fields(self) -> ComposeResult:
        kinds = [(label, kind) for kind, label in MATTER_KIND_LABELS.items()]
        places = [(label, institution) for institution, label in INSTITUTION_LABELS.items()]
        yield self.row("事项类别", Select(kinds, id="kind", compact=True, prompt="请选择（Enter 展开）"))
        yield self.row("具体要求", Input(id="requirements", compact=True, max_length=2000))
        yield self.row("办理期限", Input(id="deadline", compact=True, placeholder="YYYY-MM-DD", max_length=12))
        yield self.row("临时拘传", Checkbox("报局长审批（仅拘传）", id="urgent", compact=True))
        yield self.row("协执单位", Select(places, id="institution", compact=True, prompt="临柜事项必选"))
        yield self.row("单位名称", Input(id="institution-name", compact=True, max_length=100))
        yield Static("", id="timing", classes="ff-note", markup=False)

    def on_mount(self) -> None:
        self.show_timing()

    @on(Checkbox.Changed, "#urgent")
    def show_timing(self) -> None:
        runtime = shell_of(self).runtime
        urgent = self.query_one("#urgent", Checkbox).value
        try:
            text = request_timing(runtime.clock.now(), runtime.calendar, urgent=urgent).message
        except DomainError as error:  # a missing calendar year is shown, not raised
            text = str(error)
        self.query_one("#timing", Static).update(text)

    def read_form(self) -> MatterRequest:
        kind = self.query_one("#kind", Select).value
        institution = self.query_one("#institution", Select).value
        return MatterRequest(
            case_id=self.case_id,
            kind=kind if isinstance(kind, MatterKind) else None,
            requirements=self.value("#requirements"),
            deadline=self.value("#deadline"),
            urgent=self.query_one("#urgent", Checkbox).value,
            institution=institution if isinstance(institution, Institution) else None,
            institution_name=self.value("#institution-name"),
        )

    def submit(self, form: MatterRequest, ctx: ServiceContext) -> int:
        from zhihui_tui.services.delegation import request_matter

        return request_matter(form, ctx=ctx)
