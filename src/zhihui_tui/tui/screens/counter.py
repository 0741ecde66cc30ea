"""临柜业务 (F8, R-CTR-1): counter tasks by institution (keys 1–4), a task the centre opens itself (N: preservation
or delegated work, the case typed by its number), taking one (both cards required — the service checks the
account), and handover with a complete, signed receipt; the result goes back to the handler."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from zhihui_tui.domain.field_work import CENTRE_SOURCES, CounterSource, CounterTaskForm, Institution, Receipt
from zhihui_tui.tui.drafts import row_from, row_json
from zhihui_tui.tui.screens.base import SignedInScreen, show_text
from zhihui_tui.tui.screens.forms import PAGE, FormScreen, short
from zhihui_tui.tui.screens.paging import KeysetPaging, paging_bindings
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.counter import CounterRow
    from zhihui_tui.tui.service_calls import Failure

INSTITUTIONS = list(Institution)


@dataclass(frozen=True)
class CounterQueue:
    """One reading of the F8 screen: a page of one institution's queue and the open count of each."""

    institution: Institution
    rows: list[CounterRow]
    counts: dict[Institution, int]


class QueueRead(Message):
    """A page of a counter queue was read."""

    def __init__(self, queue: CounterQueue) -> None:
        super().__init__()
        self.queue = queue


class TaskTaken(Message):
    """The officer took a task."""


def read_queue(ctx: ServiceContext, institution: Institution, after_id: int | None) -> CounterQueue:
    """A page of ``institution``'s open tasks and every institution's open count (the tabs)."""
    from zhihui_tui.services.counter import counter_queue, open_counts

    rows = counter_queue(institution=institution, after_id=after_id, limit=PAGE, ctx=ctx)
    return CounterQueue(institution, rows, open_counts(ctx=ctx))


def task_cells(row: CounterRow) -> tuple[str, ...]:
    return (
        row.case_number,
        row.source.label,
        short(row.institution_name, 12),
        row.status.label,
        row.taken_by or "—",
        f"{row.deadline:%m-%d}" if row.deadline else "—",
        short(row.requirements, 24),
    )


class HandoverScreen(FormScreen):
    """交接：回执编号、协执单位经办人、办理结果、经办人签字 — all required; the signature is the officer's name."""

    def __init__(self, row: CounterRow) -> None:
        super().__init__()
        self.task_id = row.id
        self.version = row.version
        self.draft_args = {"row": row_json(row)}
        self.draft_record = ("counter_task", row.id, row.version)
        # FormScreen titles itself from TITLE; a per-task title is set on the instance.
        self.TITLE = f"临柜交接 · {row.case_number} · {row.institution_name}"  # type: ignore[misc]

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> HandoverScreen:
        """The handover again, on the task (and version) it was typed against."""
        from zhihui_tui.services.counter import CounterRow

        return cls(row_from(CounterRow, args["row"]))

    def form_fields(self) -> ComposeResult:
        yield self.row("回执编号", Input(id="receipt-no", compact=True, max_length=64))
        yield self.row("协执单位经办人", Input(id="officer", compact=True, max_length=50))
        yield self.row("办理结果", Input(id="result", compact=True, max_length=4000))
        yield self.row("经办人签字", Input(id="signed", compact=True, max_length=50, placeholder="本人姓名"))

    def read_form(self) -> Receipt:
        return Receipt(self.value("#receipt-no"), self.value("#officer"), self.value("#result"), self.value("#signed"))

    def submit(self, form: Receipt, ctx: ServiceContext) -> bool:
        from zhihui_tui.services.counter import hand_over

        hand_over(self.task_id, form, expected_version=self.version, ctx=ctx)
        return True


class NewTaskScreen(FormScreen):
    """新建临柜业务: the centre's own work (preservation, or delegated by another court) at one institution."""

    TITLE = "新建临柜业务（保全或外院委托；承办人申请的由承办人在工作台提请）"

    def __init__(self, institution: Institution) -> None:
        super().__init__()
        self.institution = institution  # the tab the officer is on is the likely place
        self.draft_args = {"institution": institution.value}

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> NewTaskScreen:
        """The form again, on the institution it was opened on."""
        return cls(Institution(args["institution"]))

    def form_fields(self) -> ComposeResult:
        places = [(inst.label, inst) for inst in INSTITUTIONS]
        sources = [(source.label, source) for source in CENTRE_SOURCES]
        number = Input(id="case-number", compact=True, max_length=40, placeholder="（2026）内2221执123号")
        yield self.row("案号", number)
        yield self.row("协执单位", Select(places, id="institution", compact=True, value=self.institution))
        yield self.row("单位名称", Input(id="institution-name", compact=True, max_length=100, placeholder="可空"))
        yield self.row("业务来源", Select(sources, id="source", compact=True, prompt="请选择（Enter 展开）"))
        yield self.row("具体要求", Input(id="requirements", compact=True, max_length=2000))

    def read_form(self) -> CounterTaskForm:
        institution = self.query_one("#institution", Select).value
        source = self.query_one("#source", Select).value
        return CounterTaskForm(
            case_number=self.value("#case-number"),
            institution=institution if isinstance(institution, Institution) else None,
            source=source if isinstance(source, CounterSource) else None,
            requirements=self.value("#requirements"),
            institution_name=self.value("#institution-name"),
        )

    def submit(self, form: CounterTaskForm, ctx: ServiceContext) -> tuple[int, Institution]:
        from zhihui_tui.services.counter import open_task

        task_id = open_task(form, ctx=ctx)
        assert form.institution is not None  # open_task refuses a form without one
        return task_id, form.institution


class CounterScreen(KeysetPaging, SignedInScreen):
    """F8: one institution's queue at a time (keys 1–4), new tasks, taking and handing over."""

    SCREEN_NAME = "临柜业务"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(i + 1), f"institution({i})", inst.label, show=False, id=f"counter.inst{i + 1}")
            for i, inst in enumerate(INSTITUTIONS)
        ),
        Binding("n", "new_task", "新建", id="counter.new"),
        Binding("t", "take", "领取", id="counter.take"),
        Binding("h", "handover", "交接", id="counter.handover"),
        *paging_bindings("counter", show_reload=False),  # the 80-column footer is full; F1 lists r
    ]
    AUTO_FOCUS = "#tasks"
    DEFAULT_CSS = """
    #ct-body { height: 1fr; padding: 0 1; }
    #ct-tabs { height: 1; }
    #tasks { height: 1fr; }
    #ct-detail { height: auto; max-height: 3; color: $text-muted; }
    #ct-status { height: 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.institution = Institution.BANK
        self._rows: dict[str, CounterRow] = {}
        self._counts: dict[Institution, int] = {}

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="ct-body"):
            yield Static("", id="ct-tabs")
            table: DataTable[str] = DataTable(id="tasks", cursor_type="row", zebra_stripes=True)
            table.add_columns("案号", "来源", "单位", "状态", "经办人", "期限", "要求")
            yield table
            yield Static("", id="ct-detail", markup=False)
            yield Static("正在读取…", id="ct-status", markup=False)
        yield self.make_footer()

    def tabs_text(self) -> str:
        parts = []
        for i, inst in enumerate(INSTITUTIONS):
            label = f"{i + 1} {inst.label} {self._counts.get(inst, 0)}"
            parts.append(f"[reverse]{label}[/]" if inst is self.institution else label)
        return "  ".join(parts)

    async def prepare_hidden(self) -> None:
        """Built ahead after sign-in: the first page is read and drawn off screen too (``read_ahead``)."""
        institution = self.institution
        await self.read_ahead(lambda ctx: QueueRead(read_queue(ctx, institution, None)), self.on_queue_read)
        await super().prepare_hidden()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_institution(self, index: int) -> None:
        self.institution = INSTITUTIONS[index]
        self.action_first_page()

    def page_end(self) -> int | None:
        return max(row.id for row in self._rows.values()) if len(self._rows) >= PAGE else None

    def load(self, after_id: int | None) -> None:
        institution = self.institution
        self.run_service(
            lambda ctx: read_queue(ctx, institution, after_id),
            action="读取临柜业务",
            done=QueueRead,
            group="counter",
            exclusive=True,
        )

    def on_queue_read(self, message: QueueRead) -> None:
        queue = message.queue
        self._counts = queue.counts
        self._rows = {str(row.id): row for row in queue.rows}
        self.query_one("#tasks", DataTable).replace_rows((key, task_cells(row)) for key, row in self._rows.items())
        show_text(self.query_one("#ct-tabs", Static), self.tabs_text())
        self.set_status(f"{queue.institution.label}：第 {self.page_number} 页")
        self.show_detail()

    def set_status(self, text: str) -> None:
        show_text(self.query_one("#ct-status", Static), text)

    def display_failure(self, action: str, failure: Failure) -> None:
        """In the status line and notified (a refused take names the missing card there)."""
        self.set_status(failure.text)
        super().display_failure(action, failure)

    def current(self) -> CounterRow | None:
        table = self.query_one("#tasks", DataTable)
        if not table.row_count:
            return None
        return self._rows.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")

    @on(DataTable.RowHighlighted, "#tasks")
    def show_detail(self) -> None:
        row = self.current()
        text = f"要求：{short(row.requirements, 70)}" if row else ""
        show_text(self.query_one("#ct-detail", Static), text)

    def action_take(self) -> None:
        from zhihui_tui.services.counter import take_task

        row = self.current()
        if row is None:
            return
        self.run_service(
            lambda ctx: take_task(row.id, expected_version=row.version, ctx=ctx),
            action="领取临柜业务",
            done=lambda _: TaskTaken(),
            group="take",
        )

    def on_task_taken(self, _message: TaskTaken) -> None:
        self.notify("已领取")
        self.action_reload()

    def action_handover(self) -> None:
        row = self.current()
        if row is None:
            return
        self.app.push_screen(HandoverScreen(row), callback=self._handed_over)

    def _handed_over(self, value: Any) -> None:
        if value:
            self.notify("已交接，结果已反馈承办人")
            self.action_reload()

    def action_new_task(self) -> None:
        self.app.push_screen(NewTaskScreen(self.institution), callback=self._created)

    def _created(self, value: tuple[int, Institution] | None) -> None:
        if value:
            task_id, institution = value
            self.notify(f"已新建临柜业务（编号 {task_id}）")
            self.action_institution(INSTITUTIONS.index(institution))  # show the queue the new task is in
