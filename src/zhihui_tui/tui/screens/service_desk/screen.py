"""F10 集约送达 (SPEC §3.3, R-SRV-1..3): the desk's actions on the row under the cursor.

t 领取 and a 指派 (pack steps and matters), g 生成文书, v 预览 and p 已打印 (one case's pack), m 登记送达 (the pack
to a respondent, a handler's matter, or the next way after a failure), r 登记结果, Enter the case page. Every
service call goes through ``run_service``; each saved action is said in the status line and the lists are read
again, the cursor staying on its row (or where it was, when the row has left the list).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.widgets import DataTable

from zhihui_tui.domain.field_work import MatterKind
from zhihui_tui.domain.mailing import NextAttempt
from zhihui_tui.domain.service_attempts import NEXT_METHOD, ServiceMethod
from zhihui_tui.services.service_desk import (
    AttemptRow,
    ItemKey,
    ItemKind,
    PackRow,
    ServiceMatterRow,
    Target,
)
from zhihui_tui.tui.screens.service_desk.common import Acted, ClerksRead, PreviewRead, RecipientsRead
from zhihui_tui.tui.screens.service_desk.dialogs import ClerkPicker, PackPreview
from zhihui_tui.tui.screens.service_desk.forms import AttemptChoice, AttemptForm, ResultForm
from zhihui_tui.tui.screens.service_desk.post import DeskPost

if TYPE_CHECKING:
    from datetime import date

    from zhihui_tui.services.documents import CaseResult
    from zhihui_tui.services.service_desk import ClerkLoad

NOTICE_PLACE = "人民法院公告网"


def item_of(row: PackRow | ServiceMatterRow) -> ItemKey:
    """The owned item a row stands for: the pack step or the matter."""
    if isinstance(row, PackRow):
        return ItemKey(ItemKind.PACK, row.deadline_id)
    return ItemKey(ItemKind.MATTER, row.id)


def generated(result: CaseResult) -> Acted:
    """What generating one case's pack came to."""
    from zhihui_tui.services.documents import Outcome

    if result.outcome is Outcome.GENERATED:
        return Acted(f"已生成{result.case_number}的送达文书 {len(result.documents)} 份（v 预览，p 标记已打印）")
    if result.outcome is Outcome.SKIPPED:
        return Acted(f"{result.case_number}的送达文书已生成，未重新生成（v 预览）", warning=True)
    return Acted(f"{result.case_number}未生成送达文书：{result.reason}", warning=True)


class ServiceDeskScreen(DeskPost):
    """F10: the desk's lists and what the clerks and the director do on them."""

    @property
    def today(self) -> date:
        """The court's today (the fixed clock in tests)."""
        return self.shell.runtime.clock.now().date()

    def item_row(self) -> PackRow | ServiceMatterRow | None:
        """The pack step or matter under the cursor."""
        row = self.current()
        return row if isinstance(row, (PackRow, ServiceMatterRow)) else None

    def pack_row(self) -> PackRow | None:
        """The pack under the cursor (待寄送)."""
        row = self.current()
        return row if isinstance(row, PackRow) else None

    # -- owners ---------------------------------------------------------------------------------------------------

    def action_take(self) -> None:
        """领取 the item under the cursor."""
        from zhihui_tui.services.service_desk import take_item

        row = self.item_row()
        if row is None:
            return
        item, version, number = item_of(row), row.version, row.case_number
        self.run_service(
            lambda ctx: take_item(item, expected_version=version, ctx=ctx),
            action="领取送达事项",
            done=lambda _: Acted(f"已领取{number}"),
            group="desk-act",
        )

    def action_assign(self) -> None:
        """指派: the clerks with their open items, then the one picked."""
        from zhihui_tui.services.service_desk import service_clerks

        row = self.item_row()
        if row is None:
            return
        what = "待寄送" if isinstance(row, PackRow) else f"交办{row.kind.label}"
        title = f"指派 · {row.case_number} · {what}"
        item, version, owner = item_of(row), row.version, row.owner_id
        self.run_service(
            lambda ctx: ClerksRead(item, version, title, owner, service_clerks(ctx=ctx)),
            action="读取集约送达组人员",
            done=lambda read: read,
            group="desk-act",
        )

    @on(ClerksRead)
    def _pick_clerk(self, message: ClerksRead) -> None:
        def chosen(clerk: ClerkLoad | None) -> None:
            if clerk is not None:
                self.assign(message.item, message.version, clerk)

        self.app.push_screen(ClerkPicker(message.title, message.clerks, message.owner_id), callback=chosen)

    def assign(self, item: ItemKey, version: int, clerk: ClerkLoad) -> None:
        """Give ``item`` to ``clerk`` (refused on a stale line)."""
        from zhihui_tui.services.service_desk import assign_item

        self.run_service(
            lambda ctx: assign_item(item, clerk.staff_id, expected_version=version, ctx=ctx),
            action="指派送达事项",
            done=lambda _: Acted(f"已指派给{clerk.name}"),
            group="desk-act",
        )

    # -- the pack's documents -------------------------------------------------------------------------------------

    def action_generate(self) -> None:
        """Generate the case's five documents now."""
        from zhihui_tui.services.service_desk import generate_case_pack

        row = self.pack_row()
        if row is None:
            return
        case_id = row.case_id
        self.set_status(f"正在生成{row.case_number}的送达文书…")
        self.run_service(
            lambda ctx: generate_case_pack(case_id, ctx=ctx), action="生成送达文书", done=generated, group="desk-act"
        )

    def action_preview(self) -> None:
        """Read the case's current documents in a scrollable dialog."""
        from zhihui_tui.services.service_desk import preview_pack

        row = self.pack_row()
        if row is None:
            return
        case_id, number = row.case_id, row.case_number
        self.run_service(
            lambda ctx: PreviewRead(number, preview_pack(case_id, ctx=ctx)),
            action="预览送达文书",
            done=lambda read: read,
            group="desk-act",
        )

    @on(PreviewRead)
    def _show_preview(self, message: PreviewRead) -> None:
        self.app.push_screen(PackPreview(message.case_number, message.documents))

    def action_printed(self) -> None:
        """Mark the case's current documents printed."""
        from zhihui_tui.services.service_desk import mark_printed

        row = self.pack_row()
        if row is None:
            return
        case_id, number = row.case_id, row.case_number

        def said(marked: int) -> Acted:
            if not marked:
                return Acted(f"{number}的文书均已标记为已打印", warning=True)
            return Acted(f"已标记{number}的 {marked} 份文书已打印")

        self.run_service(
            lambda ctx: mark_printed(case_id, ctx=ctx), action="标记文书已打印", done=said, group="desk-act"
        )

    # -- attempts and results ------------------------------------------------------------------------------------

    def action_mail(self) -> None:
        """登记送达 for the row: the pack to a respondent, a handler's matter, or the next way after a failure."""
        from zhihui_tui.services.service_desk import pack_recipients

        row = self.current()
        if isinstance(row, AttemptRow):
            self.next_attempt(row)
            return
        if row is None:
            return
        if isinstance(row, PackRow) and row.documents < 5:
            self.set_status("该案的送达文书尚未全部生成：请先按 g 生成文书", error=True)
            return
        case_id = row.case_id
        self.run_service(
            lambda ctx: RecipientsRead(row, pack_recipients(case_id, ctx=ctx)),
            action="读取受送达人",
            done=lambda read: read,
            group="desk-act",
        )

    @on(RecipientsRead)
    def _attempt_form(self, message: RecipientsRead) -> None:
        row, people = message.row, message.recipients
        title = f"登记送达 · {row.case_number}"
        if isinstance(row, PackRow):
            choices = [
                AttemptChoice(p.name, Target(row.case_id, party_id=p.party_id), p.next_method, p.address, p.stands)
                for p in people
                if p.next_method is not None
            ]
            if not choices:
                self.set_status("该案被执行人均已寄出（待结果）或已送达：结果在送达跟踪中登记", error=True)
                return
            self.open_form(AttemptForm(title, choices, list(ServiceMethod), self.today))
            return
        notice = row.kind is MatterKind.PUBLIC_NOTICE
        methods = [ServiceMethod.PUBLIC_NOTICE] if notice else [ServiceMethod.MAIL, ServiceMethod.DIRECT]
        address = NOTICE_PLACE if notice else (people[0].address if people else "")
        name = "、".join(p.name for p in people) or "被执行人"
        choice = AttemptChoice(name, Target(row.case_id, matter_id=row.id), methods[0], address, row.attempt)
        self.open_form(AttemptForm(f"{title} · 交办{row.kind.label}", [choice], methods, self.today))

    def next_attempt(self, row: AttemptRow) -> None:
        """After a failure: the way the result chose, for the same recipient (or the same matter)."""
        if row.result is None:
            self.set_status("该次送达尚待结果：请按 r 登记结果", error=True)
            return
        chosen = row.next_attempt or NextAttempt.ANOTHER_ADDRESS
        method = NEXT_METHOD[chosen]
        address = "" if chosen is NextAttempt.ANOTHER_ADDRESS else row.address
        if method is ServiceMethod.PUBLIC_NOTICE:
            address = NOTICE_PLACE
        target = Target(row.case_id, party_id=row.party_id, matter_id=row.matter_id)
        stands = f"{row.result.label}→{chosen.label}"
        hint = f"另址（上次：{row.address}）" if chosen is NextAttempt.ANOTHER_ADDRESS else ""
        choice = AttemptChoice(row.recipient, target, method, address, stands, hint)
        self.open_form(AttemptForm(f"登记送达 · {row.case_number}", [choice], list(ServiceMethod), self.today))

    def action_result(self) -> None:
        """登记结果 of the attempt under the cursor."""
        row = self.current()
        if not isinstance(row, AttemptRow):
            return
        if row.result is not None:
            self.set_status(f"该次送达已登记结果“{row.result.label}”：下一步请按 m 登记", error=True)
            return
        self.open_form(ResultForm(row, self.today))

    def open_form(self, form: AttemptForm | ResultForm) -> None:
        """Show a form; what it saved is said and the lists read again."""

        def saved(text: str | None) -> None:
            if text:
                self.post_message(Acted(text))

        self.app.push_screen(form, callback=saved)

    # -- after each action ---------------------------------------------------------------------------------------

    @on(Acted)
    def _acted(self, message: Acted) -> None:
        self.set_status(message.text, error=message.warning)
        self.notify(message.text, severity="warning" if message.warning else "information", markup=False)
        self.action_reload()

    @on(DataTable.RowSelected, ".desk-table")
    def _open_case(self, event: DataTable.RowSelected) -> None:
        """Enter: the case's page."""
        event.stop()
        row = self.current()
        if row is not None:
            self.open_case_page(row.case_id, row.case_number)
