"""The dossier group's dialogs: 归档 (the trial management office's 档案号) and a 终本 case's 补充材料."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.widgets import Input

from zhihui_tui.tui.drafts import row_from, row_json
from zhihui_tui.tui.screens.closing.fields import FieldForm

if TYPE_CHECKING:
    from zhihui_tui.services.closing import DossierRow
    from zhihui_tui.services.context import ServiceContext


class ArchiveForm(FieldForm):
    """归档: 已结案 → 已归档 under the archive number."""

    def __init__(self, row: DossierRow) -> None:
        super().__init__(f"归档 · {row.case_number}（{row.pages} 页）")
        self.dossier = row
        self.draft_args = {"row": row_json(row)}

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> ArchiveForm:
        """The form again, on the dossier (and version) it was typed against."""
        from zhihui_tui.services.closing.dossier import DossierRow

        return cls(row_from(DossierRow, args["row"]))

    def form_fields(self) -> ComposeResult:
        yield from self.field("档案号", Input(id="archive-no", compact=True, max_length=40))

    def read_form(self) -> str:
        return self.value("#archive-no")

    def submit(self, form: str, ctx: ServiceContext) -> str:
        from zhihui_tui.services.closing import archive_case

        archive_case(self.dossier.case_id, form, expected_version=self.dossier.version, ctx=ctx)
        return form


class SupplementForm(FieldForm):
    """补充材料 of a 终本 case: into the evidence bag and the e-dossier."""

    def __init__(self, row: DossierRow) -> None:
        super().__init__(f"终本案件补充材料 · {row.case_number}")
        self.dossier = row
        self.draft_args = {"row": row_json(row)}

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> SupplementForm:
        """The form again, on the dossier it was typed against."""
        from zhihui_tui.services.closing.dossier import DossierRow

        return cls(row_from(DossierRow, args["row"]))

    def form_fields(self) -> ComposeResult:
        yield from self.field("材料", Input(id="description", compact=True, max_length=500))
        yield from self.field("页数", Input(id="pages", compact=True, max_length=6, type="integer"))

    def read_form(self) -> tuple[str, str]:
        return (self.value("#description"), self.value("#pages"))

    def submit(self, form: tuple[str, str], ctx: ServiceContext) -> bool:
        from zhihui_tui.services.closing import add_supplement

        add_supplement(self.dossier.case_id, *form, ctx=ctx)
        return True
