"""Mailing the service documents (R-SRV-2): tracking numbers, service results and what follows a failed service.

Tracking numbers are checked against the formats a court configures. Two are built in:

- UPU S10 (international and EMS items, e.g. ``EA123456785CN``): two letters, eight digits, a check digit
  (weights 8 6 4 2 3 5 9 7; 11 − sum mod 11, where 10 → 0 and 11 → 5), a two-letter country code;
- the domestic 13-digit form printed on China Post's domestic labels (digits only, no check digit).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from zhihui_tui.domain.errors import FieldError

FIELD = "邮件号"
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def s10_check_digit(serial: str) -> int:
    """The UPU S10 check digit of an eight-digit serial number."""
    remainder = 11 - sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(remainder, remainder)


def _s10_valid(number: str) -> bool:
    return s10_check_digit(number[2:10]) == int(number[10])


@dataclass(frozen=True)
class TrackingFormat:
    """One accepted form of tracking number: a name for messages, a pattern, and an optional check."""

    name: str
    example: str
    pattern: re.Pattern[str]
    check: Callable[[str], bool] | None = None


S10 = TrackingFormat("UPU S10", "EA123456785CN", re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}"), _s10_valid)
DOMESTIC_13 = TrackingFormat("国内13位", "1151234567890", re.compile(r"[0-9]{13}"))
DEFAULT_FORMATS: tuple[TrackingFormat, ...] = (S10, DOMESTIC_13)


def normalize_tracking_number(text: str, formats: Sequence[TrackingFormat] = DEFAULT_FORMATS) -> str:
    """The tracking number as printed (upper case, no spaces or dashes), or a FieldError naming the forms accepted
    and, for a number of the right shape, that its check digit is wrong (a typo caught at the counter)."""
    number = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()
    if not number:
        raise FieldError(FIELD, "不能为空")
    for form in formats:
        if form.pattern.fullmatch(number):
            if form.check is not None and not form.check(number):
                raise FieldError(FIELD, f"“{number}”校验位不正确，请核对（{form.name}）")
            return number
    accepted = "、".join(f"{form.name}（如 {form.example}）" for form in formats)
    raise FieldError(FIELD, f"格式不正确：应为{accepted}")


class ServiceResult(StrEnum):
    """送达结果 of one mailing (R-SRV-2)."""

    SERVED = "served"
    REFUSED = "refused"
    RETURNED = "returned"
    ADDRESS_UNKNOWN = "address_unknown"

    @property
    def label(self) -> str:
        """The Chinese name shown to the clerk."""
        return SERVICE_RESULT_LABELS[self]

    @property
    def served(self) -> bool:
        """Whether the documents count as served (留置/拒收 counts: the law deems a refused service served)."""
        return self in (ServiceResult.SERVED, ServiceResult.REFUSED)

    @classmethod
    def parse(cls, text: str) -> ServiceResult:
        """Accept the Chinese name or the code name."""
        value = text.strip()
        for result in cls:
            if value in (result.value, result.label):
                return result
        raise FieldError("送达结果", f"应为{'、'.join(r.label for r in cls)}之一，收到“{value}”")


SERVICE_RESULT_LABELS = {
    ServiceResult.SERVED: "送达",
    ServiceResult.REFUSED: "拒收",
    ServiceResult.RETURNED: "退回",
    ServiceResult.ADDRESS_UNKNOWN: "地址不详",
}


class NextAttempt(StrEnum):
    """What follows a mailing that did not serve: another address, the handler's visit, or public notice."""

    ANOTHER_ADDRESS = "another_address"
    HANDLER_VISIT = "handler_visit"
    PUBLIC_NOTICE = "public_notice"

    @property
    def label(self) -> str:
        """The Chinese name shown to the clerk."""
        return {"another_address": "另址邮寄", "handler_visit": "承办人直接送达", "public_notice": "公告送达"}[
            self.value
        ]


NEXT_ATTEMPT_LABELS = {
    NextAttempt.ANOTHER_ADDRESS: "另址邮寄",
    NextAttempt.HANDLER_VISIT: "承办人直接送达",
    NextAttempt.PUBLIC_NOTICE: "公告送达",
}


def next_attempts(result: ServiceResult) -> tuple[NextAttempt, ...]:
    """The ways open after ``result``: none once served; public notice only when every other way failed (R-SRV-2,
    requested by the handler), so it is offered after an unknown address or a return, never after a refusal."""
    if result.served:
        return ()
    return (NextAttempt.ANOTHER_ADDRESS, NextAttempt.HANDLER_VISIT, NextAttempt.PUBLIC_NOTICE)
