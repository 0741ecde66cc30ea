"""The case page: a case's particulars on one screen, opened by Enter on a case anywhere (issue 11).

The header carries what a clerk asks first (number, stage, handler, amount, basis); the tabs carry the lists —
parties and agents, deadlines with their owners, materials, findings, delegated matters. ``h`` opens the case's
full history for those allowed to read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from zhihui_tui.services.case_page import CasePage

TABS = (
    ("parties", "1 当事人"),
    ("deadlines", "2 期限"),
    ("materials", "3 材料"),
    ("findings", "4 查控"),
    ("matters", "5 事项"),
)


class CasePageRead(Message):
    """A case's page, read for the screen that asked."""

    def __init__(self, page: CasePage) -> None:
        super().__init__()
        self.page = page


class CasePageScreen(ModalScreen[bool]):
    """One case's particulars; dismissed with ``True`` when the reader asked for its history (``h``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "返回", id="case-page.close"),
        Binding("h", "history", "全程记录", id="case-page.history"),
        *(Binding(str(n), f"show('{tab}')", label, show=False) for n, (tab, label) in enumerate(TABS, start=1)),
    ]
    DEFAULT_CSS = """
    CasePageScreen { align: center middle; }
    CasePageScreen > Vertical { width: 100%; height: 100%; border: round $primary; background: $surface; }
    CasePageScreen .case-head { height: auto; }
    CasePageScreen #case-title { text-style: bold; }
    CasePageScreen TabbedContent { height: 1fr; }
    CasePageScreen DataTable { height: 1fr; }
    """

    def __init__(self, page: CasePage) -> None:
        super().__init__()
        self.page = page

    def compose(self) -> ComposeResult:
        page = self.page
        with Vertical():
            yield Static(
                f"{page.case_number}  {page.stage.label}  {page.category}    Esc 返回  h 全程记录  1-5 切换",
                id="case-title",
                classes="case-head",
                markup=False,
            )
            yield Static(self._facts(), id="case-facts", classes="case-head", markup=False)
            with TabbedContent(initial="parties"):
                for tab, label in TABS:
                    with TabPane(label, id=tab):
                        yield self._table(tab)

    def _facts(self) -> str:
        page = self.page
        filed = f"{page.filed_at:%Y-%m-%d}" if page.filed_at else "未立案"
        effective = f"  生效 {page.basis_effective:%Y-%m-%d}" if page.basis_effective else ""
        return (
            f"收案 {page.received_at:%Y-%m-%d %H:%M}  立案 {filed}  承办人 {page.handler}  团队 {page.team}\n"
            f"执行标的 {page.target_amount} 元{'  ' + page.links if page.links else ''}\n"
            f"执行依据 {page.basis}{effective}"
        )

    def _table(self, tab: str) -> DataTable[str]:
        table: DataTable[str] = DataTable(id=f"{tab}-table", cursor_type="row", zebra_stripes=True)
        page = self.page
        if tab == "parties":
            table.add_columns("身份", "姓名/名称", "证件号", "电话", "送达地址")
            for p in page.parties:
                name = f"{p.name}（下落不明）" if p.whereabouts_unknown else p.name
                table.add_row(p.side, name, p.id_number, p.phone, p.address)
            for a in page.agents:
                table.add_row(f"代理人（{a.kind}）", f"{a.name} → {a.represents}", a.id_number, a.phone, "—")
        elif tab == "deadlines":
            table.add_columns("期限", "到期", "负责人", "完成")
            for d in page.deadlines:
                table.add_row(d.step, f"{d.due:%Y-%m-%d}", d.owner, d.done or "未完成")
        elif tab == "materials":
            table.add_columns("材料", "情况")
            table.add_row(f"已交 {page.materials_provided} 项", "")
            for item in page.materials_missing:
                table.add_row(item, "缺")
        elif tab == "findings":
            table.add_columns("被执行人", "财产", "机构", "金额", "冻结")
            for f in page.findings:
                table.add_row(f.respondent, f.asset, f.institution, f.amount, "是" if f.frozen else "否")
        else:
            table.add_columns("事项", "状态", "提出", "期限")
            for m in page.matters:
                table.add_row(m.kind, m.status, f"{m.requested:%Y-%m-%d}", f"{m.deadline:%Y-%m-%d}")
        if not table.row_count:
            table.add_row("（无）", *[""] * (len(table.columns) - 1))
        return table

    def action_show(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#{tab}-table", DataTable).focus()

    def action_history(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
