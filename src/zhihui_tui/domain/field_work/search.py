"""Field search and its duty roster (R-CLU-1, R-CLU-2): the registration form and who stays at the bureau."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work.labels import (
    F_CATEGORY,
    F_INVESTIGATORS,
    F_PLACE,
    F_PLANNED_AT,
    F_QUANTITY,
    F_TARGETS,
    MAX_QUANTITY,
    MIN_AT_BUREAU,
)
from zhihui_tui.domain.validators import choice_text, clean_text


class SearchCategory(StrEnum):
    """What a field search looks for: a person or property."""

    PERSON = "person"
    PROPERTY = "property"

    @property
    def label(self) -> str:
        """The category in Chinese (人 / 物)."""
        return {"person": "人", "property": "物"}[self.value]


def parse_category(text: str) -> SearchCategory:
    """The category typed as its value, its label or 查人 / 查物."""
    value = choice_text(text, field=F_CATEGORY)
    for category in SearchCategory:
        if value in (category.value, category.label, f"查{category.label}"):
            return category
    raise FieldError(F_CATEGORY, "应为“人”或“物”")


@dataclass(frozen=True)
class SearchRegistration:
    """The field-search record as typed (R-CLU-1)."""

    matter_id: int
    planned_at: str  # YYYY-MM-DD HH:MM
    place: str
    category: str
    quantity: str
    target_names: str
    investigator_ids: tuple[int, ...]


@dataclass(frozen=True)
class CheckedRegistration:
    """A field-search registration that passed :func:`check_registration`, with typed values."""

    matter_id: int
    planned_at: datetime
    place: str
    category: SearchCategory
    quantity: int
    target_names: str
    investigator_ids: tuple[int, ...]

    @property
    def duty_day(self) -> date:
        """The day the investigators are out, which the roster rule counts."""
        return self.planned_at.date()


def parse_datetime(text: str, *, field: str) -> datetime:
    """A moment typed as YYYY-MM-DD HH:MM (seconds optional); a clear message otherwise."""
    value = choice_text(text, field=field).replace("T", " ")
    if not value:
        raise FieldError(field, "不能为空")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            pass
    raise FieldError(field, f"格式应为 YYYY-MM-DD HH:MM，如 2026-11-27 14:30（收到：{value}）")


def parse_quantity(text: str) -> int:
    """How many targets, a positive whole number within the limit."""
    value = choice_text(text, field=F_QUANTITY)
    if not value.isascii() or not value.isdigit():
        raise FieldError(F_QUANTITY, "应为正整数")
    quantity = int(value)
    if quantity <= 0:
        raise FieldError(F_QUANTITY, "至少为 1")
    if quantity > MAX_QUANTITY:
        raise FieldError(F_QUANTITY, f"不能超过 {MAX_QUANTITY}")
    return quantity


def check_registration(raw: SearchRegistration, *, now: datetime) -> CheckedRegistration:
    """Check a field-search registration field by field; the first bad field raises ``FieldError``."""
    planned_at = parse_datetime(raw.planned_at, field=F_PLANNED_AT)
    if planned_at.date() < now.date():
        raise FieldError(F_PLANNED_AT, f"{planned_at:%Y-%m-%d} 已经过去")
    place = clean_text(raw.place, field=F_PLACE, max_length=200)
    category = parse_category(raw.category)
    quantity = parse_quantity(raw.quantity)
    names = clean_text(raw.target_names, field=F_TARGETS, max_length=500)
    ids = tuple(dict.fromkeys(raw.investigator_ids))
    if not ids:
        raise FieldError(F_INVESTIGATORS, "至少指派 1 名线索查控人员")
    return CheckedRegistration(raw.matter_id, planned_at, place, category, quantity, names, ids)


@dataclass(frozen=True)
class RosterCheck:
    """Who is out and who stays at the bureau on a day once an assignment is added (R-CLU-2)."""

    day: date
    out: tuple[str, ...]  # names, in roster order
    at_bureau: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether enough investigators stay at the bureau (R-CLU-2)."""
        return len(self.at_bureau) >= MIN_AT_BUREAU


class RosterRefused(FieldError):
    """An assignment refused because too few investigators would stay at the bureau (R-CLU-2)."""

    def __init__(self, check: RosterCheck) -> None:
        staying = "、".join(check.at_bureau) or "无人"
        out = "、".join(check.out) or "无"
        super().__init__(
            F_INVESTIGATORS,
            f"{check.day:%Y-%m-%d} 须至少 {MIN_AT_BUREAU} 人在局留守；如此指派后留守仅剩：{staying}（外出：{out}）",
        )
        self.check = check


def roster_after(
    day: date,
    investigators: dict[int, str],
    already_out: Iterable[int],
    assigning: Sequence[int],
) -> RosterCheck:
    """``investigators``: every active 线索查控 member (id → name); ``already_out``: those on a field search that
    day; ``assigning``: the people about to be sent. Pure: the service supplies the facts."""
    out = set(already_out) | set(assigning)
    names_out = tuple(name for i, name in investigators.items() if i in out)  # roster (id) order
    staying = tuple(name for i, name in investigators.items() if i not in out)
    return RosterCheck(day, names_out, staying)


def check_roster(check: RosterCheck) -> None:
    """Refuse the assignment behind ``check`` if it leaves too few at the bureau."""
    if not check.ok:
        raise RosterRefused(check)
