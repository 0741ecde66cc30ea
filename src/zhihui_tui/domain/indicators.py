"""The monthly indicators the higher court reads (R-SUP-1, SPEC §3.12), with their formulas in words.

Counts come from the records; the rates are computed here so the formula sheet, the JSON and the screen say the
same thing. A rate with a zero denominator is ``None`` ("—"), never 0 % or a division error.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Counts:
    """What one handler (or a team, or the court) did in a month; money in fen, durations in days."""

    carried: int = 0  # 旧存: held at the start of the month
    received: int = 0  # 新收: assigned in the month
    closed: int = 0  # 已结: closed in the month
    fulfilled: int = 0  # 执行完毕 among those closed
    actually_executed: int = 0  # closed with money in place (or fulfilled)
    terminated: int = 0  # 终本 among those closed
    target_fen: int = 0  # 申请执行标的 of the cases closed
    in_place_fen: int = 0  # 到位金额 of the cases closed: receipts net of reversals
    days_to_close: int = 0  # summed over the cases closed
    days_to_close_fulfilled: int = 0  # summed over the fulfilled ones
    overdue_steps: int = 0  # steps due in the month that were done late or are still open past due

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.__dict__.values(), other.__dict__.values(), strict=True)))


def _rate(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


@dataclass(frozen=True)
class Indicators:
    """The rates of one row of the report."""

    closure_rate: Fraction | None
    fulfilled_rate: Fraction | None
    actual_execution_rate: Fraction | None
    funds_in_place_rate: Fraction | None
    termination_rate: Fraction | None
    average_days: Fraction | None
    average_days_fulfilled: Fraction | None


def indicators(c: Counts) -> Indicators:
    """The rates of ``c`` (see FORMULAS)."""
    return Indicators(
        closure_rate=_rate(c.closed, c.carried + c.received),
        fulfilled_rate=_rate(c.fulfilled, c.closed),
        actual_execution_rate=_rate(c.actually_executed, c.closed),
        funds_in_place_rate=_rate(c.in_place_fen, c.target_fen),
        termination_rate=_rate(c.terminated, c.closed),
        average_days=_rate(c.days_to_close, c.closed),
        average_days_fulfilled=_rate(c.days_to_close_fulfilled, c.fulfilled),
    )


FORMULAS: tuple[tuple[str, str], ...] = (
    ("旧存", "月初前已分给该承办人、月初时尚未结案的案件数"),
    ("新收", "本月分给该承办人的案件数（二次分案或异议案件移送之日在本月）"),
    ("已结", "本月结案的案件数（结案日期在本月）"),
    ("结案率", "已结 ÷（旧存 + 新收）"),
    ("执行完毕率", "结案方式为“执行完毕”的已结案件数 ÷ 已结"),
    ("实际执行率", "已结案件中执行完毕或案款账户有到位款项的案件数 ÷ 已结"),
    ("执行到位率", "已结案件的到位金额（到账减冲正）之和 ÷ 已结案件的申请执行标的之和"),
    ("终本率", "结案方式为“终结本次执行程序”的已结案件数 ÷ 已结"),
    ("平均结案天数", "已结案件自立案至结案的天数之和 ÷ 已结"),
    ("执行完毕平均天数", "执行完毕案件自立案至结案的天数之和 ÷ 执行完毕案件数"),
    ("超期节点", "应在本月完成的节点中，逾期完成或月末仍未完成的个数（按节点责任人计）"),
    ("—", "分母为 0 时不计算，显示“—”"),
)


def percent(rate: Fraction | None) -> str:
    """A rate as a percentage with one decimal, or "—"."""
    return "—" if rate is None else f"{float(rate) * 100:.1f}%"


def days(value: Fraction | None) -> str:
    """A number of days with one decimal, or "—"."""
    return "—" if value is None else f"{float(value):.1f}"
