"""扣押物品登记造册 (R-FND-3): the movable property the bureau seized, registered item by item, and how each
item's disposal stands — held, being valued, at auction, disposed of or returned. A status only moves along
``TRANSITIONS``; 已处置 and 已发还 are final. The rules here need no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhihui_tui.domain.errors import FieldError, FieldErrors, attempt
from zhihui_tui.domain.money import parse_yuan
from zhihui_tui.domain.validators import clean_text, parse_date, whole_number

F_DESCRIPTION, F_QUANTITY, F_CUSTODY, F_VALUATION, F_SEIZED_ON = "物品名称", "数量", "保管地点", "估价", "扣押日期"
F_STATUS, F_CHANGED_ON, F_NOTE = "处置状态", "日期", "备注"
QUANTITY_MAX = 1_000_000


class ItemStatus(StrEnum):
    """处置状态 of a seized item."""

    HELD = "held"  # 扣押在库
    VALUING = "valuing"  # 评估中
    AUCTION = "auction"  # 拍卖中
    DISPOSED = "disposed"  # 已处置 (sold, or taken in payment)
    RETURNED = "returned"  # 已发还

    @property
    def label(self) -> str:
        """The Chinese name."""
        return STATUS_LABELS[self]

    @property
    def final(self) -> bool:
        """Nothing follows a disposal or a return."""
        return not TRANSITIONS[self]

    @classmethod
    def parse(cls, text: str) -> ItemStatus:
        """Accept the Chinese name or the code."""
        value = text.strip()
        for status in cls:
            if value in (status.value, status.label):
                return status
        raise FieldError(F_STATUS, f"应为{'、'.join(s.label for s in cls)}之一")


STATUS_LABELS = {
    ItemStatus.HELD: "扣押在库",
    ItemStatus.VALUING: "评估中",
    ItemStatus.AUCTION: "拍卖中",
    ItemStatus.DISPOSED: "已处置",
    ItemStatus.RETURNED: "已发还",
}
# What each status may change to: valuation and auction can fall back to 扣押在库 (流拍, 暂缓).
TRANSITIONS: dict[ItemStatus, tuple[ItemStatus, ...]] = {
    ItemStatus.HELD: (ItemStatus.VALUING, ItemStatus.AUCTION, ItemStatus.DISPOSED, ItemStatus.RETURNED),
    ItemStatus.VALUING: (ItemStatus.HELD, ItemStatus.AUCTION, ItemStatus.RETURNED),
    ItemStatus.AUCTION: (ItemStatus.HELD, ItemStatus.DISPOSED, ItemStatus.RETURNED),
    ItemStatus.DISPOSED: (),
    ItemStatus.RETURNED: (),
}


def check_transition(current: ItemStatus, wanted: ItemStatus) -> None:
    """Refuse a change of status the register does not allow, naming what is allowed."""
    if wanted is current:
        raise FieldError(F_STATUS, f"物品已是“{current.label}”")
    allowed = TRANSITIONS[current]
    if wanted not in allowed:
        if not allowed:
            raise FieldError(F_STATUS, f"物品已“{current.label}”，不能再变更")
        raise FieldError(F_STATUS, f"“{current.label}”只能变更为{'、'.join(s.label for s in allowed)}")


@dataclass(frozen=True)
class ItemInput:
    """A seized item as typed at registration."""

    description: str
    quantity: str
    unit: str
    custody_place: str
    valuation: str  # yuan; may be empty (not valued yet)
    seized_on: str
    note: str = ""


@dataclass(frozen=True)
class CheckedItem:
    """An item that passed every field check."""

    description: str
    quantity: int
    unit: str
    custody_place: str
    valuation_fen: int | None
    seized_on: date
    note: str


def _quantity(text: str) -> int:
    return whole_number(text, field=F_QUANTITY, low=1, high=QUANTITY_MAX)


def _past(text: str, field: str, today: date) -> date:
    day = parse_date(text, field=field)
    if day > today:
        raise FieldError(field, f"{day:%Y-%m-%d} 尚未到来")
    return day


def check_item(raw: ItemInput, *, today: date) -> CheckedItem:
    """Every bad field at once: a name, a whole quantity, where it is kept, an optional valuation, a past day."""
    errors: list[FieldError] = []
    description = attempt(errors, lambda: clean_text(raw.description, field=F_DESCRIPTION, max_length=200))
    quantity = attempt(errors, lambda: _quantity(raw.quantity))
    unit = attempt(errors, lambda: clean_text(raw.unit, field="单位", max_length=10, required=False))
    custody = attempt(errors, lambda: clean_text(raw.custody_place, field=F_CUSTODY, max_length=200))
    valuation = attempt(
        errors, lambda: parse_yuan(raw.valuation, field=F_VALUATION, allow_zero=False) if raw.valuation.strip() else 0
    )
    seized = attempt(errors, lambda: _past(raw.seized_on, F_SEIZED_ON, today))
    note = attempt(errors, lambda: clean_text(raw.note, field=F_NOTE, max_length=200, required=False))
    if errors:
        raise FieldErrors(errors)
    assert description and quantity and custody and seized and valuation is not None
    return CheckedItem(description, quantity, unit or "件", custody, valuation or None, seized, note or "")


def check_change(
    current: ItemStatus, wanted: str, changed_on: str, note: str, *, since: date, today: date
) -> tuple[ItemStatus, date, str]:
    """A change of status as typed: an allowed status, a day neither before the last change nor in the future,
    and an optional note (required for a return or a disposal: to whom, how)."""
    errors: list[FieldError] = []
    status = attempt(errors, lambda: ItemStatus.parse(wanted))
    if status is not None:
        attempt(errors, lambda: check_transition(current, status))
    day = attempt(errors, lambda: _past(changed_on, F_CHANGED_ON, today))
    if day is not None and day < since:
        errors.append(FieldError(F_CHANGED_ON, f"不能早于上次变更日期 {since:%Y-%m-%d}"))
    final = status is not None and status.final
    text = attempt(errors, lambda: clean_text(note, field=F_NOTE, max_length=200, required=final))
    if errors:
        raise FieldErrors(errors)
    assert status is not None and day is not None
    return status, day, text or ""
