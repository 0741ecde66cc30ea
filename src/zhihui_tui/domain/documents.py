"""The filing pack of R-SRV-1: its five documents, and the pure pieces of text they are filled with.

Nothing here reads files or the database: the service gathers a case and turns it into a template context
with these functions, so what a document says about a party, a date or the fee is tested without Word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from zhihui_tui.domain.errors import DomainError


class DocumentKind(StrEnum):
    """The documents of a filing pack (集约送达), stored as English codes, shown by their Chinese names."""

    NOTICE = "notice"
    ASSET_REPORT_ORDER = "asset_report_order"
    SUMMONS = "summons"
    PAYMENT_NOTICE = "payment_notice"
    RULING = "ruling"

    @property
    def label(self) -> str:
        """The document's Chinese name."""
        return DOCUMENT_LABELS[self]

    @property
    def template_name(self) -> str:
        """The template's file name: what a court puts in its own template folder to override this one."""
        return f"{DOCUMENT_LABELS[self]}.docx"

    @classmethod
    def parse(cls, text: str) -> DocumentKind:
        """The kind named by its code or its Chinese name (command-line input)."""
        value = text.strip()
        for kind in cls:
            if value in (kind.value, DOCUMENT_LABELS[kind]):
                return kind
        from zhihui_tui.domain.errors import FieldError

        raise FieldError("文书种类", f"没有“{text}”这种文书；可选：{'、'.join(DOCUMENT_LABELS.values())}")


# The pack in the order a clerk prints and mails it (seed §四.2 ①).
DOCUMENT_LABELS: dict[DocumentKind, str] = {
    DocumentKind.NOTICE: "执行通知书",
    DocumentKind.ASSET_REPORT_ORDER: "报告财产令",
    DocumentKind.SUMMONS: "传票",
    DocumentKind.PAYMENT_NOTICE: "缴款通知书",
    DocumentKind.RULING: "执行裁定书",
}
PACK: tuple[DocumentKind, ...] = tuple(DOCUMENT_LABELS)


# --------------------------------------------------------------------------------------------------
# Dates as court documents write them
# --------------------------------------------------------------------------------------------------

_DATE_DIGITS = "〇一二三四五六七八九"


def _small_number(n: int) -> str:
    """1..31 as 一 … 十 … 二十一 … 三十一 (months and days)."""
    if not 1 <= n <= 31:
        raise DomainError(f"无法书写的日期数字：{n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DATE_DIGITS[tens] + "十")
    return head + (_DATE_DIGITS[ones] if ones else "")


def chinese_date(day: date) -> str:
    """The date under the seal: ``二〇二六年十一月二十七日`` (year digit by digit with 〇)."""
    year = "".join(_DATE_DIGITS[int(d)] for d in f"{day.year:04d}")
    return f"{year}年{_small_number(day.month)}月{_small_number(day.day)}日"


def plain_date(day: date) -> str:
    """A date inside the text: ``2026年3月7日``."""
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------------------------------
# Parties
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyFacts:
    """What the case records about a party, as the service read it."""

    name: str
    kind: str  # person / organisation
    id_number: str | None
    address: str | None
    whereabouts_unknown: bool = False


def person_particulars_from_id(id_number: str) -> tuple[str, date] | None:
    """Sex and date of birth read from an 18-digit 居民身份证 number (GB 11643: digits 7–14, the 17th's parity)."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return None
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
    return ("男" if int(id_number[16]) % 2 else "女"), born


def particulars(party: PartyFacts) -> str:
    """The line after a party's name: ``男，1990年3月7日出生，公民身份号码…，住…``.

    An organisation gives its 统一社会信用代码 and 住所地; a respondent whose whereabouts are unknown says so
    instead of an address (their documents go by public notice, R-SRV-2)."""
    parts: list[str] = []
    if party.kind == "person":
        facts = person_particulars_from_id(party.id_number) if party.id_number else None
        if facts is not None:
            parts += [facts[0], f"{plain_date(facts[1])}出生"]
        if party.id_number:
            parts.append(f"公民身份号码{party.id_number}")
        where = "住"
    else:
        if party.id_number:
            parts.append(f"统一社会信用代码{party.id_number}")
        where = "住所地"
    if party.whereabouts_unknown:
        parts.append("下落不明")
    elif party.address:
        parts.append(f"{where}{party.address}")
    return "，".join(parts)


def missing_service_fields(applicants: list[PartyFacts], respondents: list[PartyFacts]) -> list[str]:
    """The fields a case lacks before its pack can be made and mailed: each is named as a clerk would fix it."""
    missing: list[str] = []
    if not applicants:
        missing.append("申请执行人")
    if not respondents:
        missing.append("被执行人")
    for role, parties in (("申请执行人", applicants), ("被执行人", respondents)):
        for party in parties:
            if not party.whereabouts_unknown and not (party.address or "").strip():
                missing.append(f"{role}“{party.name}”的送达地址")
    return missing


# --------------------------------------------------------------------------------------------------
# 申请执行费 (《诉讼费用交纳办法》第十四条第（一）项)
# --------------------------------------------------------------------------------------------------

# (upper bound of the band in yuan or None for the top band, rate per yuan within the band)
_FEE_BANDS: tuple[tuple[int | None, Decimal], ...] = (
    (500_000, Decimal("0.015")),
    (5_000_000, Decimal("0.01")),
    (10_000_000, Decimal("0.005")),
    (None, Decimal("0.001")),
)
_FEE_FLAT_FEN = 5_000  # 不超过 1 万元的，每件交纳 50 元
_FEE_FLAT_LIMIT_FEN = 1_000_000


def round_fee_to_fen(value: Decimal) -> int:
    """Half up to the fen, once, at the end (a fee is never summed from rounded bands)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def enforcement_fee_fen(target_fen: int) -> int | None:
    """申请执行费 for an amount in fen; None when there is no amount (the court sets 50–500 yuan itself).

    不超过 1 万元的每件 50 元；超过 1 万元至 50 万元的部分按 1.5%；超过 50 万元至 500 万元的部分按 1%；
    超过 500 万元至 1000 万元的部分按 0.5%；超过 1000 万元的部分按 0.1%。"""
    if isinstance(target_fen, bool) or not isinstance(target_fen, int):
        raise TypeError("target_fen must be int")
    if target_fen < 0:
        raise DomainError("金额不能为负数")
    if target_fen == 0:
        return None
    if target_fen <= _FEE_FLAT_LIMIT_FEN:
        return _FEE_FLAT_FEN
    fee = Decimal(_FEE_FLAT_FEN)
    lower = _FEE_FLAT_LIMIT_FEN
    for upper_yuan, rate in _FEE_BANDS:
        upper = target_fen if upper_yuan is None else min(target_fen, upper_yuan * 100)
        if upper > lower:
            fee += Decimal(upper - lower) * rate
        if upper_yuan is None or target_fen <= upper_yuan * 100:
            break
        lower = upper_yuan * 100
    return round_fee_to_fen(fee)
