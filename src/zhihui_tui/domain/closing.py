"""The end of a case (SPEC §3.10–3.11): how it closes, the 终本 conditions, and the watch that follows 终本.

终本 (R-ZB-1; SPC 《关于严格规范终结本次执行程序的规定（试行）》 第一条) is allowed only when every condition holds,
each read from the case's own records (:class:`ZhongbenFacts`); each unmet one is named so the handler knows what is
left, and only the director may override, with a recorded reason. After 终本 the case is watched (R-ZB-2): a
network inquiry every 6 months for 5 years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhihui_tui.domain.errors import FieldError

ZHONGBEN_DAYS = 90  # seed §五(八): over 90 days since filing (the SPC rule says three months) — configurable
WATCH_MONTHS = 6  # R-ZB-2: a new network inquiry every 6 months …
WATCH_YEARS = 5  # … for 5 years


class Closure(StrEnum):
    """结案方式 (GLOSSARY)."""

    FULFILLED = "fulfilled"
    PROCEDURE_TERMINATED = "procedure_terminated"
    TERMINATED = "terminated"
    NOT_ENFORCED = "not_enforced"
    DISMISSED = "dismissed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return CLOSURE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Closure:
        """Accept the Chinese name (终本 or its full name) or the code."""
        value = text.strip()
        for closure in cls:
            if value in (closure.value, closure.label) or (closure is cls.PROCEDURE_TERMINATED and value == "终本"):
                return closure
        raise FieldError("结案方式", f"应为{'、'.join(c.label for c in cls)}之一")


CLOSURE_LABELS: dict[Closure, str] = {
    Closure.FULFILLED: "执行完毕",
    Closure.PROCEDURE_TERMINATED: "终结本次执行程序",
    Closure.TERMINATED: "终结执行",
    Closure.NOT_ENFORCED: "不予执行",
    Closure.DISMISSED: "驳回申请",
    Closure.WITHDRAWN: "销案",
}


class MeasureKind(StrEnum):
    """An enforcement measure the handler records, which 终本 reads."""

    CONSUMPTION_RESTRICTION = "consumption_restriction"  # 限制消费令
    DISHONEST_LIST = "dishonest_list"  # 纳入失信被执行人名单
    PROPERTY_SETTLED = "property_settled"  # 查控到的财产已处置完毕或无处置条件
    OBSTRUCTION_FOUND = "obstruction_found"  # 发现妨害执行行为 (then it must be punished before 终本)
    OBSTRUCTION_PUNISHED = "obstruction_punished"  # 妨害执行行为已依法处罚

    @property
    def label(self) -> str:
        """The Chinese name."""
        return {
            "consumption_restriction": "发出限制消费令",
            "dishonest_list": "纳入失信被执行人名单",
            "property_settled": "查控财产已处置完毕或无处置条件",
            "obstruction_found": "发现妨害执行行为",
            "obstruction_punished": "妨害执行行为已依法处罚",
        }[self.value]

    @classmethod
    def parse(cls, text: str) -> MeasureKind:
        """Accept the Chinese name or the code."""
        value = text.strip()
        for kind in cls:
            if value in (kind.value, kind.label):
                return kind
        raise FieldError("措施", f"应为{'、'.join(k.label for k in cls)}之一")


@dataclass(frozen=True)
class ZhongbenFacts:
    """What the case's records say about each 终本 condition."""

    pack_served: bool  # 执行通知书、报告财产令 served (the case passed 已送达)
    measures: frozenset[MeasureKind]
    dishonest_requested: bool  # the applicant asked for 失信 (then it is required where the law allows)
    inquiry_submitted: bool  # the network inquiry's feedback table went in
    valuable_findings: int  # findings with a value or a thing to dispose of
    filed_on: date | None
    missing_respondents: int  # respondents whose whereabouts are unknown
    searched: bool  # a 查人找物 for the case has its outcome


def unmet_conditions(facts: ZhongbenFacts, today: date, days: int = ZHONGBEN_DAYS) -> list[str]:
    """Every 终本 condition the facts do not meet, in the rule's order, in the clerk's words; empty when eligible."""
    unmet: list[str] = []
    if not facts.pack_served:
        unmet.append("执行通知书、报告财产令尚未送达")
    if MeasureKind.CONSUMPTION_RESTRICTION not in facts.measures:
        unmet.append("尚未发出限制消费令")
    if facts.dishonest_requested and MeasureKind.DISHONEST_LIST not in facts.measures:
        unmet.append("申请执行人申请纳入失信名单，尚未纳入")
    if not facts.inquiry_submitted:
        unmet.append("网络查控尚未完成（查控结果反馈信息表未提交）")
    if facts.valuable_findings and MeasureKind.PROPERTY_SETTLED not in facts.measures:
        unmet.append(f"查控到 {facts.valuable_findings} 项财产，尚未登记处置完毕或无处置条件")
    if facts.filed_on is None or (today - facts.filed_on).days <= days:
        since = "未立案" if facts.filed_on is None else f"立案仅 {(today - facts.filed_on).days} 日"
        unmet.append(f"自立案之日起未满 {days} 日（{since}）")
    if facts.missing_respondents and not facts.searched:
        unmet.append(f"{facts.missing_respondents} 名被执行人下落不明，尚未完成查人找物")
    if MeasureKind.OBSTRUCTION_FOUND in facts.measures and MeasureKind.OBSTRUCTION_PUNISHED not in facts.measures:
        unmet.append("有妨害执行行为，尚未依法处罚")
    return unmet


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day (31 Aug + 6 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def watch_schedule(closed_on: date) -> list[date]:
    """The due days of the watch's network inquiries: every 6 months after 终本, for 5 years (10 rounds)."""
    rounds = WATCH_YEARS * 12 // WATCH_MONTHS
    return [add_months(closed_on, WATCH_MONTHS * n) for n in range(1, rounds + 1)]
