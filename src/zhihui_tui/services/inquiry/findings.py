"""One row of the 查控结果反馈信息表: the asset types, the row as typed or read from a file, and its validation.

Shared by the 网络查控 screen and the findings import, so a row typed by hand and a row read from a file are
checked by the very same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from zhihui_tui.db.models import AssetFinding
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.money import parse_yuan
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.context import Actor

MAX_FINDING_YUAN = Decimal("10000000000")  # 100 亿元: no county-court respondent holds more in one account
MAX_QUANTITY = 9_999
MAX_INSTITUTION = 100
MAX_NOTE = 500


class AssetType(StrEnum):
    """The kinds of property the national inquiry system reports."""

    DEPOSIT = "deposit"
    ONLINE_FUNDS = "online_funds"
    VEHICLE = "vehicle"
    REAL_ESTATE = "real_estate"
    SECURITIES = "securities"
    SHARES = "shares"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The type in Chinese, as the table shows it."""
        return ASSET_LABELS[self]

    @property
    def is_money(self) -> bool:
        """Whether the asset is money in an account (institution and amount required)."""
        return self in MONEY_TYPES

    @classmethod
    def from_label(cls, text: str, *, field: str = "财产类型") -> AssetType:
        """The type from its Chinese label (or value, or a common alias such as 支付宝)."""
        value = text.strip()
        for kind, label in ASSET_LABELS.items():
            if value in (label, kind.value):
                return kind
        if value in ("网络支付", "支付宝", "微信", "网络资金账户"):
            return cls.ONLINE_FUNDS
        raise FieldError(field, f"未知的财产类型“{text}”；可选：{'、'.join(ASSET_LABELS.values())}")


ASSET_LABELS: dict[AssetType, str] = {
    AssetType.DEPOSIT: "存款",
    AssetType.ONLINE_FUNDS: "网络资金",
    AssetType.VEHICLE: "车辆",
    AssetType.REAL_ESTATE: "不动产",
    AssetType.SECURITIES: "证券",
    AssetType.SHARES: "股权",
    AssetType.OTHER: "其他",
}
MONEY_TYPES = frozenset({AssetType.DEPOSIT, AssetType.ONLINE_FUNDS})


@dataclass(frozen=True)
class FindingInput:
    """One row of the feedback table as typed (or read from a file): text, validated by :func:`validate_finding`."""

    party_id: int
    asset_type: AssetType | str
    institution: str = ""
    amount: str | int | float | Decimal = ""  # float: a spreadsheet number cell (see parse_yuan)
    quantity: str | int = ""
    frozen: bool = False
    note: str = ""


@dataclass(frozen=True)
class ValidFinding:
    """A row that passed :func:`validate_finding`: typed values ready to store."""

    party_id: int
    asset_type: AssetType
    institution: str
    amount_fen: int | None
    quantity: int | None
    frozen: bool
    note: str | None


def parse_quantity(value: str | int, *, field: str = "数量") -> int | None:
    """A count of items (vehicles, flats, …): a whole number from 1 to 9,999, or empty."""
    if isinstance(value, bool):
        raise FieldError(field, "应为整数")
    text = str(value).strip()
    if not text:
        return None
    if text.startswith(("-", "−")):
        raise FieldError(field, "不能为负数")
    if not text.isascii() or not text.isdigit():
        raise FieldError(field, f"应为整数（收到“{text[:20]}”）")
    if len(text) > 6 or int(text) > MAX_QUANTITY:
        raise FieldError(field, f"不能超过 {MAX_QUANTITY}")
    number = int(text)
    if number == 0:
        raise FieldError(field, "必须大于 0（未发现财产时不必填写该行）")
    return number


def validate_finding(row: FindingInput) -> ValidFinding:
    """Check a row before any write; the first bad field raises FieldError with its Chinese label."""
    kind = row.asset_type if isinstance(row.asset_type, AssetType) else AssetType.from_label(row.asset_type)
    institution = clean_text(row.institution or "", field="机构", max_length=MAX_INSTITUTION, required=kind.is_money)
    amount_text = row.amount if not isinstance(row.amount, str) else row.amount.strip()
    if amount_text == "":
        if kind.is_money:
            raise FieldError("金额", f"{kind.label}必须填写金额")
        amount = None
    else:
        amount = parse_yuan(amount_text, field="金额", max_yuan=MAX_FINDING_YUAN)
    quantity = parse_quantity(row.quantity)
    note = clean_text(row.note or "", field="备注", max_length=MAX_NOTE, required=False, multiline=True)
    return ValidFinding(row.party_id, kind, institution, amount, quantity, bool(row.frozen), note or None)


def new_finding(
    case_id: int, valid: ValidFinding, *, actor: Actor, now: datetime, source: str = "manual", late: bool = False
) -> AssetFinding:
    """The stored row for a checked finding (``source``: typed by hand, or ``import``; ``late``: after the
    feedback table was submitted)."""
    return AssetFinding(
        late=late,
        case_id=case_id,
        party_id=valid.party_id,
        asset_type=valid.asset_type.value,
        institution=valid.institution,
        amount_fen=valid.amount_fen,
        quantity=valid.quantity,
        frozen=valid.frozen,
        note=valid.note,
        source=source,
        entered_by_id=actor.id,
        entered_at=now,
    )
