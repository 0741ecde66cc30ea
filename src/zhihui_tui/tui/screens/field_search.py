"""查人找物登记 (F7, R-CLU-1..2): the queue of site investigations and 拘传, registration with the
investigators (the roster rule checked by the service), attachments copied and hashed in a worker with
progress, and the outcome that goes back to the handler."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, ProgressBar, Select, SelectionList, Static
from textual.worker import get_current_worker

from zhihui_tui.domain.field_work import AttachmentKind, SearchRegistration
from zhihui_tui.tui.screens.base import SignedInScreen, show_text
from zhihui_tui.tui.screens.forms import PAGE, FormScreen, short
from zhihui_tui.tui.screens.paging import KeysetPaging, paging_bindings
from zhihui_tui.tui.shell import shell_of
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.attachments import AttachmentView
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.field_search import SearchRow
    from zhihui_tui.tui.service_calls import Failure

OWNER_KIND = "field_search"


@dataclass(frozen=True)
class SearchQueue:
    """One reading of the F7 screen: a page of the queue, the team, and who stays at the bureau today."""

    rows: list[SearchRow]
    team: dict[int, str]
    roster_text: str


class QueueRead(Message):
    """A page of the 查人找物 queue was read."""

    def __init__(self, queue: SearchQueue) -> None:
        super().__init__()
        self.queue = queue


class AttachmentsRead(Message):
    """The files of the highlighted field search were read."""

    def __init__(self, head: str, items: list[AttachmentView]) -> None:
        super().__init__()
        self.head = head
        self.items = items


def read_queue(ctx: ServiceContext, after_id: int | None, finished: bool = False) -> SearchQueue:
    """A page of the queue (or of the finished ones), the investigators, and today's roster line."""
    from zhihui_tui.services.field_search import investigators, roster, search_queue

    rows = search_queue(after_id=after_id, limit=PAGE, finished=finished, ctx=ctx)
    check = roster(ctx.today(), ctx=ctx)
    stay = "、".join(check.at_bureau) or "无"
    out = "、".join(check.out) or "无"
    return SearchQueue(rows, investigators(ctx=ctx), f"今日在局留守：{stay}（外出：{out}；须至少 2 人留守）")


def search_cells(row: SearchRow) -> tuple[str, ...]:
    kind = ("临时" if row.urgent else "") + row.kind.label
    people = "、".join(row.investigators) or "—"
    return (row.case_number, kind, f"{row.deadline:%m-%d}", row.status.label, people, short(row.requirements, 30))


def attachment_lines(items: list[AttachmentView]) -> str:
    if not items:
        return "附件：无"
    lines = [f"附件 {len(items)} 个："]
    lines += [f"· {a.kind.label} {a.original_name}  {a.size_text}  SHA-256 {a.sha256[:16]}…" for a in items]
    return "\n".join(lines)


class RegisterSearchScreen(FormScreen):
    """登记查人找物: time, place, category, quantity, names sought, investigators (Space ticks a name)."""

    def __init__(self, row: SearchRow, team: dict[int, str], at_bureau: str) -> None:
        super().__init__()
        self.matter_id = row.matter_id
        self.version = row.version
        self.team = team
        self.at_bureau = at_bureau
        # FormScreen titles itself from TITLE; a per-matter title is set on the instance.
        self.TITLE = f"登记查人找物 · {row.case_number} · {row.kind.label}"  # type: ignore[misc]
        self._requirements = row.requirements

    def form_fields(self) -> ComposeResult:
        now = shell_of(self).runtime.clock.now()
        yield Static(f"要求：{short(self._requirements, 60)}", markup=False)
        yield self.row("查找时间", Input(f"{now:%Y-%m-%d %H:%M}", id="planned-at", compact=True, max_length=16))
        yield self.row("地点", Input(id="place", compact=True, max_length=200))
        yield self.row("类别（人/物）", Input(id="category", compact=True, max_length=8, placeholder="人 或 物"))
        yield self.row("数量", Input(id="quantity", compact=True, max_length=3))
        yield self.row("查找对象名称", Input(id="targets", compact=True, max_length=500))
        people = SelectionList[int](*((name, staff_id) for staff_id, name in self.team.items()), id="people")
        yield self.row("办理人员", people)
        yield Static(self.at_bureau, classes="ff-note", markup=False)

    def read_form(self) -> SearchRegistration:
        return SearchRegistration(
            matter_id=self.matter_id,
            planned_at=self.value("#planned-at"),
            place=self.value("#place"),
            category=self.value("#category"),
            quantity=self.value("#quantity"),
            target_names=self.value("#targets"),
            investigator_ids=tuple(self.query_one("#people", SelectionList).selected),
        )

    def submit(self, form: SearchRegistration, ctx: ServiceContext) -> int:
        from zhihui_tui.services.field_search import register_search

        return register_search(form, expected_version=self.version, ctx=ctx)


@dataclass(frozen=True)
class Upload:
    """The attach form as typed: a path and the kind of file."""

    path: str
    kind: AttachmentKind | None


class AttachScreen(FormScreen):
    """上传附件: the file is copied and hashed in a worker (chunked), with a progress bar; the screen stays live."""

    def __init__(self, search_id: int, case_number: str) -> None:
        super().__init__()
        self.search_id = search_id
        self.TITLE = f"上传附件 · {case_number}"  # type: ignore[misc]  # FormScreen titles itself from TITLE

    class Progressed(Message):
        """How much of the file is copied and hashed."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    def form_fields(self) -> ComposeResult:
        kinds = [(kind.label, kind) for kind in AttachmentKind if kind is not AttachmentKind.RECEIPT]
        yield self.row("附件类别", Select(kinds, id="kind", compact=True, prompt="请选择（Enter 展开）"))
        yield self.row("文件路径", Input(id="path", compact=True, placeholder="/media/u盘/笔录.pdf"))
        yield ProgressBar(id="progress", show_eta=False)

    def read_form(self) -> Upload:
        kind = self.query_one("#kind", Select).value
        return Upload(self.value("#path").strip(), kind if isinstance(kind, AttachmentKind) else None)

    def submit(self, form: Upload, ctx: ServiceContext) -> str:
        from zhihui_tui.domain.errors import FieldError
        from zhihui_tui.services.attachments import store_file
        from zhihui_tui.services.field_search import attach_files

        if form.kind is None:
            raise FieldError("附件类别", "请选择附件类别")
        if not form.path:
            raise FieldError("文件路径", "不能为空")
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            self.post_message(self.Progressed(done, total))

        stored = store_file(
            Path(form.path).expanduser(),
            ctx.data_dir / "attachments",
            form.kind,
            progress=progress,
            cancelled=lambda: worker.is_cancelled,
        )
        attach_files(self.search_id, [stored], ctx=ctx)
        return f"已上传 {stored.original_name}（SHA-256 {stored.sha256[:16]}…）"

    @on(Progressed)
    def show_progress(self, message: Progressed) -> None:
        self.query_one("#progress", ProgressBar).update(total=message.total, progress=message.done)


class OutcomeScreen(FormScreen):
    """登记查找结果: the outcome goes back to the handler; the files must already be on record."""

    def __init__(self, search_id: int, case_number: str, version: int | None = None) -> None:
        super().__init__()
        self.search_id = search_id
        self.version = version
        self.draft_args = {"search_id": search_id, "case_number": case_number, "version": version}
        self.draft_record = ("field_search", search_id, version) if version is not None else None
        self.TITLE = f"登记查找结果 · {case_number}（结果将反馈承办人）"  # type: ignore[misc]  # see AttachScreen

    def form_fields(self) -> ComposeResult:
        yield self.row("办理结果", Input(id="result", compact=True, max_length=4000))

    def read_form(self) -> str:
        return self.value("#result")

    def submit(self, form: str, ctx: ServiceContext) -> bool:
        from zhihui_tui.services.field_search import record_outcome

        record_outcome(self.search_id, form, expected_version=self.version, ctx=ctx)
        return True


class FieldSearchScreen(KeysetPaging, SignedInScreen):
    """F7: the queue, today's roster, and registration, files and outcome of the highlighted request."""

    SCREEN_NAME = "查人找物"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "register", "登记", id="search.register"),
        Binding("u", "attach", "上传附件", id="search.attach"),
        Binding("o", "outcome", "登记结果", id="search.outcome"),
        Binding("t", "toggle_finished", "待办/已办结", id="search.finished"),
        Binding("w", "duty_roster", "值班表", id="search.duty"),
        *paging_bindings("search", show_reload=False),
    ]
    AUTO_FOCUS = "#queue"
    DEFAULT_CSS = """
    #fs-body { height: 1fr; padding: 0 1; }
    #fs-roster { height: auto; max-height: 2; color: $text-accent; }
    #queue { height: 1fr; }
    #fs-detail { height: auto; max-height: 6; color: $text-muted; }
    #fs-status { height: 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, SearchRow] = {}
        self._team: dict[int, str] = {}
        self._roster_text = ""
        self.finished = False  # showing the finished registrations (t): read-only, newest first

    def compose(self) -> ComposeResult:
        yield self.make_header()
        with Vertical(id="fs-body"):
            yield Static("", id="fs-roster", markup=False)
            table: DataTable[str] = DataTable(id="queue", cursor_type="row", zebra_stripes=True)
            table.add_columns("案号", "事项", "期限", "状态", "办理人员", "要求")
            yield table
            yield Static("", id="fs-detail", markup=False)
            yield Static("正在读取…", id="fs-status", markup=False)
        yield self.make_footer()

    async def prepare_hidden(self) -> None:
        """Built ahead after sign-in: the queue's first page is read and drawn off screen too (``read_ahead``)."""
        finished = self.finished
        await self.read_ahead(lambda ctx: QueueRead(read_queue(ctx, None, finished)), self.on_queue_read)
        await super().prepare_hidden()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def page_end(self) -> int | None:
        if len(self._rows) < PAGE:
            return None
        ids = [row.matter_id for row in self._rows.values()]
        return min(ids) if self.finished else max(ids)  # the finished come newest first

    def action_duty_roster(self) -> None:
        """``w``: the week's duty roster, as 综合事务 planned it (read only here)."""
        from zhihui_tui.tui.screens.duty_roster import DutyRosterScreen

        self.app.push_screen(DutyRosterScreen(self.shell.runtime.clock.now().date(), may_plan=False))

    def action_toggle_finished(self) -> None:
        """``t``: the open queue, or the finished registrations with their outcomes (read only)."""
        self.finished = not self.finished
        self.refresh_bindings()
        self.action_first_page()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("register", "attach", "outcome"):
            return not self.finished  # the finished are history: nothing to register on them
        return True

    def load(self, after_id: int | None) -> None:
        finished = self.finished
        self.run_service(
            lambda ctx: read_queue(ctx, after_id, finished),
            action="读取查人找物队列",
            done=QueueRead,
            group="queue",
            exclusive=True,
        )

    def on_queue_read(self, message: QueueRead) -> None:
        queue = message.queue
        self._team, self._roster_text = queue.team, queue.roster_text
        self._rows = {str(row.matter_id): row for row in queue.rows}
        self.query_one("#queue", DataTable).replace_rows((key, search_cells(row)) for key, row in self._rows.items())
        show_text(self.query_one("#fs-roster", Static), self._roster_text)
        note = f"{'已办结' if self.finished else '待办'} 第 {self.page_number} 页，{len(queue.rows)} 项（t 切换）"
        show_text(self.query_one("#fs-status", Static), note)
        self.show_detail()

    def display_failure(self, action: str, failure: Failure) -> None:
        """In the status line (``r`` reads again), and notified."""
        self.query_one("#fs-status", Static).update(f"{action}失败：{failure.text}（按 r 重试）")
        super().display_failure(action, failure)

    def current(self) -> SearchRow | None:
        table = self.query_one("#queue", DataTable)
        if not table.row_count:
            return None
        return self._rows.get(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")

    @on(DataTable.RowHighlighted, "#queue")
    def show_detail(self) -> None:
        row = self.current()
        detail = self.query_one("#fs-detail", Static)
        if row is None:
            show_text(detail, "")
            return
        text = f"要求：{short(row.requirements, 70)}"
        if row.search_id is not None:
            assert row.category is not None and row.planned_at is not None
            text += (
                f"\n{row.planned_at:%Y-%m-%d %H:%M} {row.place}；查{row.category.label} {row.quantity}："
                f"{row.target_names}"
            )
            self.load_attachments(row.search_id, text)
        show_text(detail, text)

    def load_attachments(self, search_id: int, head: str) -> None:
        from zhihui_tui.services.attachments import list_attachments

        def read(ctx: ServiceContext) -> AttachmentsRead:
            return AttachmentsRead(head, list_attachments(owner_kind=OWNER_KIND, owner_id=search_id, ctx=ctx))

        self.run_service(read, action="读取附件", done=lambda read: read, group="attachments", exclusive=True)

    def on_attachments_read(self, message: AttachmentsRead) -> None:
        show_text(self.query_one("#fs-detail", Static), f"{message.head}\n{attachment_lines(message.items)}")

    def action_register(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.search_id is not None:
            self.notify("该事项已登记")
            return
        screen = RegisterSearchScreen(row, self._team, self._roster_text)
        self.app.push_screen(screen, callback=self._after("已登记，人员已派出"))

    def action_attach(self) -> None:
        row = self.current()
        if row is None or row.search_id is None:
            self.notify("请先登记该事项（G）")
            return
        self.app.push_screen(AttachScreen(row.search_id, row.case_number), callback=self._after(None))

    def action_outcome(self) -> None:
        row = self.current()
        if row is None or row.search_id is None:
            self.notify("请先登记该事项（G）")
            return
        screen = OutcomeScreen(row.search_id, row.case_number, row.search_version)
        self.app.push_screen(screen, callback=self._after("结果已反馈承办人"))

    def _after(self, note: str | None) -> Any:
        def done(value: Any) -> None:
            if value:
                self.notify(value if isinstance(value, str) else (note or "已保存"))
                self.action_reload()

        return done
