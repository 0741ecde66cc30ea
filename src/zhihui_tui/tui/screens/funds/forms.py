"""The 款物管理 forms: 登记到账, 发放, 冲正, 延期登记, 认领, 登记扣押物品 and 变更处置状态.

Each is a :class:`~zhihui_tui.tui.screens.forms.FormScreen` whose refusals are shown at the field they concern
(the service names it: ``FieldError.field``), every bad field at once; the rest goes under the form."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, ClassVar

from textual.widgets import Input, Select, Static

from zhihui_tui.domain.funds import Channel, DisbursementInput
from zhihui_tui.domain.seized_property import TRANSITIONS, ItemInput
from zhihui_tui.tui.screens.forms import FormScreen
from zhihui_tui.tui.screens.funds.common import ApproversRead, CaseRef

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.widget import Widget

    from zhihui_tui.services.context import ServiceContext
    from zhihui_tui.services.funds import ItemRow
    from zhihui_tui.tui.service_calls import Failure


class FieldForm(FormScreen):
    """A form whose refusals are shown under the field they name (``FIELDS``: label → key of the error line)."""

    FIELDS: ClassVar[dict[str, str]] = {}
    DEFAULT_CSS = """
    FieldForm .ff-error { color: $text-error; height: auto; padding-left: 14; display: none; }
    FieldForm .ff-error.-shown { display: block; }
    """

    def field(self, label: str, key: str, widget: Widget) -> ComposeResult:
        """A row and its error line (``#err-<key>``, hidden while empty)."""
        yield self.row(label, widget)
        yield Static("", id=f"err-{key}", classes="ff-error", markup=False)

    def text(self, key: str, *, max_length: int = 100, value: str = "", placeholder: str = "") -> Input:
        return Input(value, id=key, compact=True, max_length=max_length, placeholder=placeholder)

    def display_failure(self, action: str, failure: Failure) -> None:
        """Each bad field's reason under it (the first bad field focused); anything else under the form."""
        self._busy = False
        for line in self.query(".ff-error").results(Static):
            line.update("")
            line.remove_class("-shown")
        rest: list[str] = []
        first: str | None = None
        for label, reason in failure.fields:
            key = self.FIELDS.get(label)
            if key is None:
                rest.append(f"{label}：{reason}")
                continue
            first = first or key
            line = self.query_one(f"#err-{key}", Static)
            line.update(reason)
            line.add_class("-shown")
        if first is not None:
            self.query_one(f"#{first}").focus()
        self.say("；".join(rest) if failure.fields else failure.text)


class ReceiptForm(FieldForm):
    """登记到账 at the counter or online."""

    FIELDS: ClassVar[dict[str, str]] = {
        "付款人": "payer",
        "账号": "account",
        "缴款方式": "channel",
        "到账日期": "day",
        "金额": "amount",
        "备注": "note",
    }

    def __init__(self, case: CaseRef, today: str) -> None:
        super().__init__(f"登记到账 · {case.case_number}")
        self.case, self.today = case, today
        self.draft_args = {"case": asdict(case), "today": today}

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> ReceiptForm:
        """The form again, on its case."""
        return cls(CaseRef(**args["case"]), args["today"])

    def form_fields(self) -> ComposeResult:
        channels = [(c.label, c.value) for c in Channel if c is not Channel.BANK]
        yield from self.field("付款人", "payer", self.text("payer"))
        yield from self.field("付款账号", "account", self.text("account", max_length=40, placeholder="可空"))
        yield from self.field("缴款方式", "channel", Select(channels, id="channel", compact=True, value="counter"))
        yield from self.field("到账日期", "day", self.text("day", max_length=20, value=self.today))
        yield from self.field("金额（元）", "amount", self.text("amount", max_length=20))
        yield from self.field("备注", "note", self.text("note", max_length=200, placeholder="可空"))

    def read_form(self) -> Any:
        from zhihui_tui.services.funds import ReceiptInput

        channel = self.query_one("#channel", Select).value
        return ReceiptInput(
            self.value("#payer"),
            self.value("#account"),
            channel if isinstance(channel, str) else "",
            self.value("#day"),
            self.value("#amount"),
            self.value("#note"),
        )

    def submit(self, form: Any, ctx: ServiceContext) -> int:
        from zhihui_tui.services.funds import record_receipt

        return record_receipt(self.case.case_id, form, ctx=ctx)


class DisburseForm(FieldForm):
    """发放 to an applicant on a leader's approval (the leaders are read when the form opens)."""

    FIELDS: ClassVar[dict[str, str]] = {
        "收款人": "payee",
        "开户行": "bank",
        "账号": "account",
        "金额": "amount",
        "发放日期": "day",
        "审批人": "approver",
        "备注": "note",
    }

    def __init__(self, case: CaseRef, today: str, applicants: tuple[str, ...], balance: str) -> None:
        super().__init__(f"发放案款 · {case.case_number} · 余额 {balance} 元")
        self.case, self.today, self.applicants = case, today, applicants
        self.draft_args = {"case": asdict(case), "today": today, "applicants": list(applicants), "balance": balance}

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> DisburseForm:
        """The form again, on its case (the balance shown is the one read then; the service checks the real one)."""
        return cls(CaseRef(**args["case"]), args["today"], tuple(args["applicants"]), args["balance"])

    def form_fields(self) -> ComposeResult:
        payee = self.applicants[0] if len(self.applicants) == 1 else ""
        hint = "、".join(self.applicants)[:40]
        yield from self.field("收款人", "payee", self.text("payee", value=payee, placeholder=hint))
        yield from self.field("开户行", "bank", self.text("bank"))
        yield from self.field("账号", "account", self.text("account", max_length=40))
        yield from self.field("金额（元）", "amount", self.text("amount", max_length=20))
        yield from self.field("发放日期", "day", self.text("day", max_length=20, value=self.today))
        approver: Select[int] = Select([], id="approver", compact=True, prompt="请选择（Enter 展开）")
        yield from self.field("审批人", "approver", approver)

    def on_mount(self) -> None:
        from zhihui_tui.services.funds import approvers

        self.run_service(lambda ctx: ApproversRead(approvers(ctx=ctx)), action="读取审批人", done=lambda m: m)

    def on_approvers_read(self, message: ApproversRead) -> None:
        self.query_one("#approver", Select).set_options((a.name, a.staff_id) for a in message.approvers)

    def read_form(self) -> DisbursementInput:
        approver = self.query_one("#approver", Select).value
        return DisbursementInput(
            self.value("#payee"),
            self.value("#bank"),
            self.value("#account"),
            self.value("#amount"),
            self.value("#day"),
            approver if isinstance(approver, int) else None,
        )

    def submit(self, form: DisbursementInput, ctx: ServiceContext) -> int:
        from zhihui_tui.services.funds import disburse

        return disburse(self.case.case_id, form, ctx=ctx)


class ReverseForm(FieldForm):
    """冲正 one entry, with the reason."""

    FIELDS: ClassVar[dict[str, str]] = {"原因": "reason"}

    def __init__(self, entry_id: int, what: str) -> None:
        super().__init__(f"冲正 · {what}")
        self.entry_id = entry_id
        self.draft_args = {"entry_id": entry_id, "what": what}

    def form_fields(self) -> ComposeResult:
        yield from self.field("冲正原因", "reason", self.text("reason", max_length=200))

    def read_form(self) -> str:
        return self.value("#reason")

    def submit(self, form: str, ctx: ServiceContext) -> int:
        from zhihui_tui.services.funds import reverse_entry

        return reverse_entry(self.entry_id, form, ctx=ctx)


class DelayForm(FieldForm):
    """延期发放登记: why a receipt is late, and when it should be paid."""

    FIELDS: ClassVar[dict[str, str]] = {"原因": "reason", "预计发放日期": "expected"}

    def __init__(self, receipt_id: int, what: str) -> None:
        super().__init__(f"延期发放登记 · {what}")
        self.receipt_id = receipt_id
        self.draft_args = {"receipt_id": receipt_id, "what": what}

    def form_fields(self) -> ComposeResult:
        yield from self.field("延期原因", "reason", self.text("reason", max_length=200))
        yield from self.field("预计发放日期", "expected", self.text("expected", max_length=20, placeholder="可空"))

    def read_form(self) -> tuple[str, str]:
        return self.value("#reason"), self.value("#expected")

    def submit(self, form: tuple[str, str], ctx: ServiceContext) -> int:
        from zhihui_tui.services.funds import register_delay

        return register_delay(self.receipt_id, form[0], form[1], ctx=ctx)


class ClaimForm(FieldForm):
    """认领: the case the money belongs to, by its number."""

    FIELDS: ClassVar[dict[str, str]] = {"案号": "case-number"}

    def __init__(self, line_id: int, version: int, what: str) -> None:
        super().__init__(f"认领 · {what}")
        self.line_id, self.version = line_id, version
        self.draft_args = {"line_id": line_id, "version": version, "what": what}
        self.draft_record = ("statement_line", line_id, version)

    def form_fields(self) -> ComposeResult:
        number = self.text("case-number", max_length=40, placeholder="（2026）内2221执123号")
        yield from self.field("案号", "case-number", number)

    def read_form(self) -> str:
        return self.value("#case-number")

    def submit(self, form: str, ctx: ServiceContext) -> int:
        from zhihui_tui.services.funds import claim

        return claim(self.line_id, form, expected_version=self.version, ctx=ctx)


class ItemForm(FieldForm):
    """登记扣押物品 of a case."""

    FIELDS: ClassVar[dict[str, str]] = {
        "物品名称": "description",
        "数量": "quantity",
        "单位": "unit",
        "保管地点": "custody",
        "估价": "valuation",
        "扣押日期": "seized",
        "备注": "note",
    }

    def __init__(self, case: CaseRef, today: str) -> None:
        super().__init__(f"登记扣押物品 · {case.case_number}")
        self.case, self.today = case, today
        self.draft_args = {"case": asdict(case), "today": today}

    @classmethod
    def from_draft(cls, args: dict[str, Any]) -> ItemForm:
        """The form again, on its case."""
        return cls(CaseRef(**args["case"]), args["today"])

    def form_fields(self) -> ComposeResult:
        yield from self.field("物品名称", "description", self.text("description", max_length=200))
        yield from self.field("数量", "quantity", self.text("quantity", max_length=10, value="1"))
        yield from self.field("单位", "unit", self.text("unit", max_length=10, placeholder="件"))
        yield from self.field("保管地点", "custody", self.text("custody", max_length=200))
        yield from self.field("估价（元）", "valuation", self.text("valuation", max_length=20, placeholder="可空"))
        yield from self.field("扣押日期", "seized", self.text("seized", max_length=20, value=self.today))

    def read_form(self) -> ItemInput:
        return ItemInput(
            self.value("#description"),
            self.value("#quantity"),
            self.value("#unit"),
            self.value("#custody"),
            self.value("#valuation"),
            self.value("#seized"),
        )

    def submit(self, form: ItemInput, ctx: ServiceContext) -> int:
        from zhihui_tui.services.funds import register_item

        return register_item(self.case.case_id, form, ctx=ctx)


class StatusForm(FieldForm):
    """变更处置状态 of an item: only the statuses its present one may change to are offered."""

    FIELDS: ClassVar[dict[str, str]] = {"处置状态": "status", "日期": "day", "备注": "note"}

    def __init__(self, item: ItemRow, today: str) -> None:
        super().__init__(f"变更处置状态 · {item.description}（现为{item.status.label}）")
        self.item, self.today = item, today

    def form_fields(self) -> ComposeResult:
        options = [(s.label, s.value) for s in TRANSITIONS[self.item.status]]
        yield from self.field("处置状态", "status", Select(options, id="status", compact=True, prompt="请选择"))
        yield from self.field("日期", "day", self.text("day", max_length=20, value=self.today))
        note = self.text("note", max_length=200, placeholder="发还、处置须写明去向")
        yield from self.field("备注", "note", note)

    def read_form(self) -> tuple[str, str, str]:
        status = self.query_one("#status", Select).value
        return (status if isinstance(status, str) else "", self.value("#day"), self.value("#note"))

    def submit(self, form: tuple[str, str, str], ctx: ServiceContext) -> int:
        from zhihui_tui.services.funds import change_status

        return change_status(self.item.id, *form, expected_version=self.item.version, ctx=ctx)
