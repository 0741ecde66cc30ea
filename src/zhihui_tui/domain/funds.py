"""一案一账户 (R-FND-1, R-FND-2): the rules of a case's funds account, without the database.

The account is an append-only ledger of entries in integer fen — money in is positive, money out negative, a
correction is a reversing entry of the opposite sign, never an edit — so the balance is their sum. Money is
disbursed first in, first out: each receipt is due for disbursement a configurable number of days after it
arrived (30 by default, counted by R-TIME-1), and what is still undisbursed of the oldest receipts is what is
due first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from zhihui_tui.domain.case_number import CaseNumber, parse_case_number
from zhihui_tui.domain.errors import FieldError, FieldErrors, attempt
from zhihui_tui.domain.money import parse_yuan
from zhihui_tui.domain.steps import DeadlineState, deadline_state
from zhihui_tui.domain.validators import clean_text, parse_date

DISBURSE_DAYS = 30  # R-FND-2: disbursed within 30 days of arrival (some courts use 5: configurable)
CLAIM_DAYS = 3  # R-FND-2: money arriving is claimed into its case account within 3 days
F_AMOUNT, F_PAYER, F_PAYEE, F_ACCOUNT, F_DAY, F_NOTE, F_REASON = (
    "金额",
    "付款人",
    "收款人",
    "账号",
    "日期",
    "附言",
    "原因",
)
ACCOUNT_MAX = 40
NAME_MAX = 100


class EntryKind(StrEnum):
    """What one ledger entry is."""

    RECEIPT = "receipt"  # 到账: money into the case account (posted from the statement, claimed, or at the counter)
    DISBURSEMENT = "disbursement"  # 发放: money out to an applicant
    REVERSAL = "reversal"  # 冲正: the opposite of one earlier entry, for a mistake

    @property
    def label(self) -> str:
        """The Chinese name."""
        return {"receipt": "到账", "disbursement": "发放", "reversal": "冲正"}[self.value]


class Channel(StrEnum):
    """How money reached the account."""

    BANK = "bank"  # 银行转账 (the statement)
    COUNTER = "counter"  # 现场缴纳
    ONLINE = "online"  # 网上缴款

    @property
    def label(self) -> str:
        """The Chinese name."""
        return {"bank": "银行转账", "counter": "现场缴纳", "online": "网上缴款"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Channel:
        """Accept the Chinese name or the code."""
        value = text.strip()
        for channel in cls:
            if value in (channel.value, channel.label):
                return channel
        raise FieldError("缴款方式", f"应为{'、'.join(c.label for c in cls)}之一")


def positive_amount(value: str | int | float | Decimal, field: str = F_AMOUNT) -> int:
    """An amount in fen that must be more than zero (one parser for forms and statement cells)."""
    return parse_yuan(value, field=field, allow_zero=False)


def account_number(text: str, *, required: bool = False, field: str = F_ACCOUNT) -> str | None:
    """A bank account number as printed: digits only after removing spaces and dashes (12–30 digits)."""
    value = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text))
    if not value:
        if required:
            raise FieldError(field, "不能为空")
        return None
    if not re.fullmatch(r"[0-9]{12,30}", value):  # not isdigit(): it takes digits of every script
        raise FieldError(field, f"“{text.strip()}”不是有效的银行账号（应为 12 至 30 位数字）")
    return value


@dataclass(frozen=True)
class DisbursementInput:
    """A disbursement as typed: to whom, which account, how much, on whose approval, when."""

    payee: str
    bank: str
    account: str
    amount: str
    paid_on: str
    approved_by_id: int | None
    note: str = ""


@dataclass(frozen=True)
class CheckedDisbursement:
    """A disbursement that passed every field check (the balance is the service's to check)."""

    payee: str
    bank: str
    account: str
    amount_fen: int
    paid_on: date
    approved_by_id: int
    note: str


def check_disbursement(raw: DisbursementInput, *, today: date) -> CheckedDisbursement:
    """Every bad field at once; the date is not in the future."""
    errors: list[FieldError] = []
    payee = attempt(errors, lambda: clean_text(raw.payee, field=F_PAYEE, max_length=NAME_MAX))
    bank = attempt(errors, lambda: clean_text(raw.bank, field="开户行", max_length=NAME_MAX))
    account = attempt(errors, lambda: account_number(raw.account, required=True))
    amount = attempt(errors, lambda: positive_amount(raw.amount))
    paid_on = attempt(errors, lambda: _not_future(raw.paid_on, "发放日期", today))
    note = attempt(errors, lambda: clean_text(raw.note, field="备注", max_length=200, required=False))
    if raw.approved_by_id is None:
        errors.append(FieldError("审批人", "请选择审批人"))
    if errors:
        raise FieldErrors(errors)
    assert payee and bank and account and amount and paid_on and raw.approved_by_id is not None
    return CheckedDisbursement(payee, bank, account, amount, paid_on, raw.approved_by_id, note or "")


def _not_future(text: str, field: str, today: date) -> date:
    day = parse_date(text, field=field)
    if day > today:
        raise FieldError(field, f"{day:%Y-%m-%d} 尚未到来")
    return day


# -- what is due ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """Money that came into a case account: when it arrived and how much (an entry id to name it)."""

    entry_id: int
    arrived: date
    amount_fen: int


@dataclass(frozen=True)
class Undisbursed:
    """What is still to pay out of one receipt."""

    entry_id: int
    arrived: date
    amount_fen: int


def undisbursed(receipts: Iterable[Receipt], paid_out_fen: int) -> list[Undisbursed]:
    """First in, first out: ``paid_out_fen`` (disbursements net of their reversals) settles the oldest receipts
    first; what remains of each later one is still to pay. Receipts reversed are passed in net of reversals."""
    left = paid_out_fen
    remaining: list[Undisbursed] = []
    for receipt in sorted(receipts, key=lambda r: (r.arrived, r.entry_id)):
        settled = min(left, receipt.amount_fen)
        left -= settled
        if receipt.amount_fen > settled:
            remaining.append(Undisbursed(receipt.entry_id, receipt.arrived, receipt.amount_fen - settled))
    return remaining


class FundsState(StrEnum):
    """How urgent a sum is (SPEC §5.2 ``funds due``)."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OPEN = "open"
    UNCLAIMED = "unclaimed"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return {"overdue": "已超期", "due_soon": "临近到期", "open": "未到期", "unclaimed": "待认领"}[self.value]


def funds_state(due: date, today: date) -> FundsState:
    """Overdue, due soon (today included) or open."""
    state = deadline_state(due, today)
    if state is DeadlineState.OVERDUE:
        return FundsState.OVERDUE
    return FundsState.OPEN if state is DeadlineState.OPEN else FundsState.DUE_SOON


_CASE_IN_TEXT = re.compile(r"[（(]\s*\d{4}\s*[）)]\s*[\u4e00-\u9fff]\s*\d{4}\s*执[恢异保]?\s*\d{1,6}\s*号")


def case_numbers_in(memo: str) -> list[CaseNumber]:
    """Every well-formed case number written in a transfer's 附言 (spaces and half-width brackets tolerated)."""
    text = unicodedata.normalize("NFKC", memo)
    found: list[CaseNumber] = []
    for match in _CASE_IN_TEXT.finditer(text):
        compact = re.sub(r"\s+", "", match.group(0))
        try:
            number = parse_case_number(compact)
        except FieldError:
            continue
        if number not in found:
            found.append(number)
    return found


def reason_text(text: str) -> str:
    """A reason (延期发放、冲正) that must be said in words."""
    return clean_text(text, field=F_REASON, max_length=200)


_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def parse_month(text: str, field: str = "月份") -> tuple[date, date]:
    """A month typed as ``YYYY-MM``: its first and last day (the monthly ledger, R-FND-2)."""
    value = unicodedata.normalize("NFKC", text).strip()
    match = _MONTH.fullmatch(value)
    if match is None or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise FieldError(field, f"“{text.strip()}”不是有效的月份（应为 YYYY-MM，如 2026-11）")
    year, month = int(match.group(1)), int(match.group(2))
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)
