"""The receiving form of F3 (``#form``): category, checklist, parties, agents, basis, amount, flags, 原案号.

A widget: it lays itself out, reads what is typed (``read_draft``, ``ticked``), fills itself from a stored draft
and marks bad fields; the screen decides what to save or file and calls the services. Its ~150 widgets are built
on ``build()``, after the queue is on screen. Ctrl+T adds a respondent row, Ctrl+G an agent block; agent blocks
left empty are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual import on
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing import MAX_AGENTS, ChecklistItem, FilingDraft, checklist_units, party_labels
from zhihui_tui.domain.lifecycle import FilingCategory
from zhihui_tui.tui.screens.filing.blocks import AgentList, PartySide
from zhihui_tui.tui.screens.filing.common import (
    AGENT_SECTION,
    NEW_FORM_TEXT,
    ORIGINAL_HINT,
    field,
    field_targets,
    text_input,
)

FormState = tuple[FilingDraft, frozenset[str]]


def party_choices(category: FilingCategory, applicants: int, respondents: int) -> list[tuple[str, str]]:
    """Whom an agent may act for: every party row on the form, by its title; the value names the row (``r2``)."""
    applicant, respondent = party_labels(category)
    return [(f"{applicant}{n}", f"a{n}") for n in range(1, applicants + 1)] + [
        (f"{respondent}{n}", f"r{n}") for n in range(1, respondents + 1)
    ]


class FilingForm(VerticalScroll):
    """The filing form; see the module docstring."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.category = FilingCategory.APPLICATION
        self.units: tuple[ChecklistItem, ...] = checklist_units(self.category)
        self.built = False

    # -- layout ---------------------------------------------------------------------------------------------

    async def build(self) -> None:
        """Mount the form's widgets (once)."""
        if not self.built:
            self.built = True
            await self.mount_all(list(self.form_widgets()))

    def form_widgets(self) -> Iterator[Widget]:
        applicant, respondent = party_labels(self.category)
        yield Static(NEW_FORM_TEXT, id="form-title", markup=False)
        options = [(category.label, category) for category in FilingCategory]
        yield field("类别", Select(options, value=self.category, allow_blank=False, id="f-category", compact=True))
        yield Static("材料清单（空格勾选）", classes="f-section")
        yield Vertical(*self.checkboxes(), id="checklist")
        yield Static("当事人", classes="f-section")
        yield PartySide("a", applicant, id="applicants")
        yield PartySide("r", respondent, id="respondents")
        yield Static(AGENT_SECTION, classes="f-section")
        yield AgentList(party_choices(self.category, 1, 1), id="agents")
        yield Static("执行依据", classes="f-section")
        yield field("出具法院", text_input("b-court"))
        yield field("文书号", text_input("b-number", placeholder="（2025）内2221民初1234号"))
        yield field("生效日期", text_input("b-date", placeholder="2026-01-31"))
        yield field("执行标的", text_input("amount", placeholder="元，最多两位小数", max_length=30))
        yield Horizontal(
            Checkbox("申请限制高消费", id="limit", compact=True),
            Checkbox("申请纳入失信名单", id="dishonest", compact=True),
            id="flags",
        )
        yield field("原案号", text_input("original", placeholder=ORIGINAL_HINT, max_length=40))
        yield Static("", id="form-message", classes="f-err", markup=False)

    def checkboxes(self) -> list[Checkbox]:
        return [Checkbox(unit.label, id=f"chk-{i}", compact=True) for i, unit in enumerate(self.units)]

    def side(self, prefix: str) -> PartySide:
        return self.query_one("#applicants" if prefix == "a" else "#respondents", PartySide)

    @property
    def agent_list(self) -> AgentList:
        return self.query_one("#agents", AgentList)

    @property
    def applicants(self) -> int:
        return self.side("a").count

    @property
    def respondents(self) -> int:
        return self.side("r").count

    @property
    def agents(self) -> int:
        return self.agent_list.count

    def set_title(self, text: str) -> None:
        self.query_one("#form-title", Static).update(text)

    # -- reading --------------------------------------------------------------------------------------------

    def value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def read_draft(self) -> FilingDraft:
        return FilingDraft(
            category=self.category,
            applicants=self.side("a").read(),
            respondents=self.side("r").read(),
            agents=self.agent_list.read(),
            basis_court=self.value("b-court"),
            basis_number=self.value("b-number"),
            basis_effective_date=self.value("b-date"),
            target_amount=self.value("amount"),
            consumption_restriction_requested=self.query_one("#limit", Checkbox).value,
            dishonest_list_requested=self.query_one("#dishonest", Checkbox).value,
            original_case_number=self.value("original"),
        )

    def ticked(self) -> list[str]:
        return [unit.code for i, unit in enumerate(self.units) if self.query_one(f"#chk-{i}", Checkbox).value]

    def state(self) -> FormState:
        """The form as it stands, to compare with the form as last read or saved."""
        return self.read_draft(), frozenset(self.ticked())

    # -- category, rows ---------------------------------------------------------------------------------------

    @on(Select.Changed, "#f-category")
    async def category_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, FilingCategory) and event.value is not self.category:
            await self.set_category(event.value)

    async def set_category(self, category: FilingCategory) -> None:
        """The checklist of exactly that category (nothing ticked), and the sides' names on the form."""
        if category is self.category and self.query("#chk-0"):
            return
        self.category = category
        self.units = checklist_units(category)
        checklist = self.query_one("#checklist", Vertical)
        await checklist.remove_children()
        await checklist.mount_all(self.checkboxes())
        for prefix, role in zip("ar", party_labels(category), strict=True):
            self.side(prefix).retitle(role)
        self.offer_parties()

    @on(PartySide.RowsChanged)
    def offer_parties(self) -> None:
        """Party rows were added or renamed: every 代理对象 list follows, keeping its choice."""
        self.agent_list.offer(party_choices(self.category, self.applicants, self.respondents))

    async def add_respondent(self) -> None:
        block = await self.side("r").add_row()
        self.offer_parties()
        self.query_one(f"#r{self.respondents}-name", Input).focus()
        self.scroll_to_widget(block, animate=False)

    async def add_agent(self) -> bool:
        """Another agent block, focused; False when the form already has the most a case may register."""
        if self.agents >= MAX_AGENTS:
            return False
        block = await self.agent_list.add_row()
        self.query_one(f"#g{self.agents}-name", Input).focus()
        self.scroll_to_widget(block, animate=False)
        return True

    # -- filling ----------------------------------------------------------------------------------------------

    async def fill(self, draft: FilingDraft, provided: set[str] | frozenset[str]) -> None:
        """Show ``draft`` with ``provided`` ticked: parties first, then the agents acting for them."""
        await self.set_category(draft.category)
        self.query_one("#f-category", Select).value = draft.category
        await self.side("a").fill(draft.applicants)
        await self.side("r").fill(draft.respondents)
        self.offer_parties()
        await self.agent_list.fill(draft.agents)
        values = {
            "b-court": draft.basis_court,
            "b-number": draft.basis_number,
            "b-date": draft.basis_effective_date,
            "amount": draft.target_amount,
            "original": draft.original_case_number,
        }
        for widget_id, text in values.items():
            self.query_one(f"#{widget_id}", Input).value = text
        self.query_one("#limit", Checkbox).value = draft.consumption_restriction_requested
        self.query_one("#dishonest", Checkbox).value = draft.dishonest_list_requested
        for i, unit in enumerate(self.units):
            self.query_one(f"#chk-{i}", Checkbox).value = unit.code in provided
        self.clear_errors()

    async def new_form(self) -> None:
        """An empty form of the current category."""
        await self.fill(FilingDraft(category=self.category), set())
        self.set_title(NEW_FORM_TEXT)
        self.query_one("#f-category", Select).focus()

    # -- errors -----------------------------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for error in self.query(".f-err").results(Static):
            error.update("")
            error.remove_class("-shown")

    def show_errors(self, errors: list[FieldError]) -> None:
        """Each error under the field its label names (the rest under the form); the first bad field focused."""
        self.clear_errors()
        targets = field_targets(self.category, self.applicants, self.respondents, self.agents)
        placed: dict[str, list[str]] = {}
        general: list[str] = []
        for error in errors:
            target = targets.get(error.field)
            if target is None:
                general.append(error.message)
            else:
                placed.setdefault(target, []).append(error.reason)
        for target, reasons in placed.items():
            line = self.query_one(f"#err-{target}", Static)
            line.update("；".join(reasons))
            line.add_class("-shown")
        if general:
            message = self.query_one("#form-message", Static)
            message.update("；".join(general))
            message.add_class("-shown")
        first = next(iter(placed), None)
        if first is not None:
            widget = self.query_one(f"#{first}")
            widget.focus()
            # The whole field, so its error line under the input shows too (the last fields end the form).
            shown = next((a for a in widget.ancestors if isinstance(a, Widget) and a.has_class("f-field")), widget)
            # Measured only once the error lines (and a status grown to two lines) are laid out: the first
            # refresh lays them out, the scroll goes after the next (measured at 80×24; one refresh is too early).
            self.screen.call_after_refresh(self.screen.call_after_refresh, self.scroll_to_widget, shown, animate=False)
