"""查找案件 (issue 3): one box for case numbers, party names, ID numbers and pinyin initials (Ctrl+F anywhere).

The screen only reads: it answers with the chosen :class:`~zhihui_tui.services.search.CaseHit` (or ``None`` on
Esc) and the screen that opened it decides what to do with the case (open its history, fill a field).

The search runs as the clerk types, with no pause to wait out (a query takes milliseconds, a pause would cost
more than all of them): every keystroke starts a query in one exclusive thread worker, a reply for an older
query is dropped, and the rows of the last answer stay on screen until the next one replaces them, so the table
never flashes empty between keys. Results come in keyset pages sized to what
the table shows plus a small buffer; the next page is read only when the row cursor reaches the last loaded
row (no list loads more than it shows plus a buffer; ARCHITECTURE: 50 rows draw in 0.04 s, 10,000 in 1.7 s).

ID numbers in the detail line are masked unless the signed-in person holds a post that works with full numbers
(``services.search.may_reveal_id_numbers``: documents, inquiries, counter business, handlers, leaders): they would
otherwise have to look the number up elsewhere, while reception and filing only need to tell two 张伟 apart,
which the first six and last four digits do (R-Q-3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from zhihui_tui.domain.money import format_yuan
from zhihui_tui.tui.service_calls import Failure, ServiceCaller
from zhihui_tui.tui.widgets.table import DataTable

if TYPE_CHECKING:
    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.search import CaseHit, Cursor, HitParty, SearchPage

PLACEHOLDER = "案号、当事人、证件号或拼音首字母"
HINT = "输入后自动查找；↓ 或 Enter 进入结果"
SEARCHING = "正在查询…"
SEARCH_ACTION = "查找案件"
NO_RESULTS = "无结果"
KEYS = "Enter 选定    ↓↑ 移动    End 到底并载入更多    Esc 返回"
PAGE_BUFFER = 5  # rows read beyond what the table shows, so ↓ past the last row finds the next ones ready
MIN_PAGE = 10
UNFILED = "（未立案）"
# Fixed cells (案号 fits （2026）内2221执恢1234号), and what DataTable adds: cell padding, the scrollbar.
FIXED_WIDTHS = {"案号": 24, "阶段": 8, "承办人": 8}
TABLE_EXTRA = 2 * 5 + 2
MIN_NAME_WIDTH = 8


def clip(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` terminal cells (a Chinese character takes two), ending with … when cut."""
    if cell_len(text) <= width:
        return text
    kept, used = [], 0
    for ch in text:
        used += cell_len(ch)
        if used > width - 1:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def party_text(parties: tuple[HitParty, ...]) -> str:
    return "、".join(f"{p.name}（{p.id_number}）" if p.id_number else p.name for p in parties) or "—"


def detail_text(hit: CaseHit) -> str:
    """The highlighted case in full: whole names and ID numbers, what the narrow columns had to cut."""
    dates = f"立案 {hit.filed_on:%Y-%m-%d}" if hit.filed_on else f"收案 {hit.received_on:%Y-%m-%d}"
    return (
        f"申请人 {party_text(hit.applicants)}\n被执行人 {party_text(hit.respondents)}\n"
        f"{hit.category_label} · 标的 {format_yuan(hit.target_amount_fen)} 元 · {dates}"
        f" · 承办人 {hit.handler_name or '—'}"
    )


def found_text(count: int, more: bool, query: str) -> str:
    if more:
        return f"已显示 {count} 件，还有更多（移到最后一行继续载入）"
    return f"共找到 {count} 件" if count else f"{NO_RESULTS}：没有与“{query.strip()}”相符的案件"


# -- messages -----------------------------------------------------------------------------------------------


class PageLoaded(Message):
    """One page of hits for query number ``generation`` (a reply for an older query is dropped)."""

    def __init__(self, generation: int, page: SearchPage, *, first: bool) -> None:
        super().__init__()
        self.generation = generation
        self.page = page
        self.first = first


class ResultTable(DataTable[Text | str]):
    """The hits; ↑ on the first row goes back to the search box (reported, the screen moves the focus).
    Home / End go to the first / last loaded row (a row table would otherwise scroll sideways)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "up_or_leave", "上移", show=False),
        Binding("home", "scroll_top", "第一行", show=False),
        Binding("end", "scroll_bottom", "最后一行", show=False),
    ]

    class LeftTop(Message):
        pass

    def action_up_or_leave(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(self.LeftTop())
        else:
            self.action_cursor_up()


# -- the screen ---------------------------------------------------------------------------------------------


class CaseSearchScreen(ServiceCaller, ModalScreen["CaseHit | None"]):
    """Find a case by any of the keys a clerk has at hand; answers the chosen hit, or None on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "返回", id="case_search.cancel"),
        Binding("down", "enter_results", "进入结果", show=False, id="case_search.down"),
    ]
    AUTO_FOCUS = "#cs-query"
    DEFAULT_CSS = """
    CaseSearchScreen { align: center middle; }
    CaseSearchScreen > Vertical { width: 100%; max-width: 120; height: 100%; max-height: 40;
        border: round $primary; background: $surface; padding: 0 1; }
    CaseSearchScreen #cs-title { text-style: bold; height: 1; }
    CaseSearchScreen #cs-query { margin: 0; }
    CaseSearchScreen #cs-status { height: 1; color: $text-accent; text-wrap: nowrap; text-overflow: ellipsis; }
    CaseSearchScreen #cs-status.-error { color: $text-error; }
    CaseSearchScreen #cs-results { height: 1fr; }
    CaseSearchScreen #cs-detail { height: 3; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis; }
    CaseSearchScreen #cs-keys { height: 1; color: $text-muted; }
    """

    def __init__(self, query: str = "", *, title: str = "查找案件") -> None:
        super().__init__()
        self.initial_query = query
        self.title_text = title
        self.generation = 0  # bumped by every new query; replies carry it
        self.query_text = ""  # the query the table shows (or is about to)
        self.hits: dict[str, CaseHit] = {}
        self.next_cursor: Cursor | None = None
        self.fetching = False
        self.focus_results_when_loaded = False
        self._name_width = MIN_NAME_WIDTH

    def compose(self) -> ComposeResult:
        with Vertical(id="cs-box"):
            yield Static(self.title_text, id="cs-title", markup=False)
            yield Input(self.initial_query, placeholder=PLACEHOLDER, id="cs-query", max_length=100)
            yield Static(HINT, id="cs-status", markup=False)
            yield ResultTable(id="cs-results", cursor_type="row", zebra_stripes=True)
            yield Static("", id="cs-detail", markup=False)
            yield Static(KEYS, id="cs-keys", markup=False)

    def on_mount(self) -> None:
        self.reset_columns()
        if self.initial_query.strip():
            self.start_search()

    # -- typing and searching ---------------------------------------------------------------------------------

    @on(Input.Changed, "#cs-query")
    def query_changed(self) -> None:
        self.start_search()

    def start_search(self) -> None:
        """Ask for the box's query now; the rows shown stay until its first page replaces them."""
        text = self.query_one("#cs-query", Input).value
        if text == self.query_text and self.generation:
            return  # the same query again
        self.generation += 1
        self.query_text = text
        if not text.strip():
            self.clear_results()
            self.set_status(HINT)
            return
        self.set_status(SEARCHING)
        self.fetching = True
        self.fetch(self.generation, text, None, self.page_size())

    def page_size(self) -> int:
        """What the table shows, plus a small buffer."""
        table = self.query_one(ResultTable)
        shown = table.scrollable_content_region.height - 1  # less the header row
        return max(shown, MIN_PAGE) + PAGE_BUFFER

    def load_more(self) -> None:
        if self.fetching or self.next_cursor is None:
            return
        self.fetching = True
        self.set_status(f"已显示 {len(self.hits)} 件，{SEARCHING}")
        self.fetch(self.generation, self.query_text, self.next_cursor, self.page_size())

    def fetch(self, generation: int, query: str, after: Cursor | None, limit: int) -> None:
        """Read one page in a worker; a newer query cancels this one, and its late page is dropped."""
        from zhihui_tui.services.search import MAX_PAGE_SIZE, may_reveal_id_numbers, search_cases

        def call(ctx: ServiceContext) -> SearchPage:
            return search_cases(
                query,
                ctx=ctx,
                limit=min(limit, MAX_PAGE_SIZE),
                after=after,
                reveal_id_numbers=may_reveal_id_numbers(ctx.actor),
            )

        self.run_service(
            call,
            action=SEARCH_ACTION,
            done=lambda page: PageLoaded(generation, page, first=after is None),
            group="case-search",
            exclusive=True,
        )

    @on(PageLoaded)
    def show_page(self, message: PageLoaded) -> None:
        if message.generation != self.generation:
            return
        self.fetching = False
        if message.first:
            self.clear_results()
        page = message.page
        self.next_cursor = page.next_cursor
        table = self.query_one(ResultTable)
        for hit in page.hits:
            key = str(hit.case_id)
            if key not in self.hits:  # the service pages by keyset; a duplicate would be a bug, not a crash
                self.hits[key] = hit
                table.add_row(*self.cells(hit), key=key)
        status = found_text(len(self.hits), page.next_cursor is not None, self.query_text)
        if page.notice:
            status = f"{page.notice}（{status}）" if self.hits else page.notice
        self.set_status(status, error=bool(page.notice) and not self.hits)
        if message.first:
            self.show_detail()
            if self.focus_results_when_loaded and self.hits:
                table.focus()
        self.focus_results_when_loaded = False

    def display_failure(self, action: str, failure: Failure) -> None:
        """A query that cannot be read (too long, control characters) or a failed read: said in the status line."""
        self.clear_results()
        self.focus_results_when_loaded = False
        self.set_status(failure.text, error=True)

    # -- the table ----------------------------------------------------------------------------------------------

    def reset_columns(self) -> None:
        """Columns sized to the current width: the two name columns share what the fixed ones leave."""
        table = self.query_one(ResultTable)
        table.clear(columns=True)
        width = self.query_one("#cs-box").content_region.width or 76
        self._name_width = max(MIN_NAME_WIDTH, (width - sum(FIXED_WIDTHS.values()) - TABLE_EXTRA) // 2)
        for label in ("案号", "阶段", "申请人", "被执行人", "承办人"):
            table.add_column(label, width=FIXED_WIDTHS.get(label, self._name_width), key=label)

    def cells(self, hit: CaseHit) -> tuple[Text | str, ...]:
        number = Text(hit.case_number, style="bold") if hit.case_number else Text(UNFILED, style="dim")
        return (
            number,
            hit.stage_label,
            clip(hit.applicant_names, self._name_width),
            clip(hit.respondent_names, self._name_width),
            clip(hit.handler_name or "—", FIXED_WIDTHS["承办人"]),
        )

    def clear_results(self) -> None:
        self.hits = {}
        self.next_cursor = None
        self.fetching = False
        self.reset_columns()
        self.show_detail()

    @on(DataTable.RowHighlighted, "#cs-results")
    def row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()
        if event.cursor_row >= event.data_table.row_count - 1:
            self.load_more()

    def show_detail(self) -> None:
        hit = self.current()
        self.query_one("#cs-detail", Static).update(detail_text(hit) if hit else "")

    def current(self) -> CaseHit | None:
        table = self.query_one(ResultTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.hits.get(key or "")

    def set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#cs-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # -- keys ---------------------------------------------------------------------------------------------------

    @on(Input.Submitted, "#cs-query")
    def query_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_enter_results()

    def action_enter_results(self) -> None:
        """↓ or Enter in the box: into the results — once they are in, if the last query is still being read."""
        if not isinstance(self.focused, Input):
            return
        if self.fetching:
            self.focus_results_when_loaded = True
        elif self.hits:
            self.query_one(ResultTable).focus()

    @on(ResultTable.LeftTop)
    def back_to_query(self) -> None:
        self.query_one("#cs-query", Input).focus()

    @on(DataTable.RowSelected, "#cs-results")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        hit = self.hits.get(event.row_key.value or "")
        if hit is not None:
            self.dismiss(hit)

    def action_cancel(self) -> None:
        self.dismiss(None)
