"""One attempt to serve a recipient (R-SRV-2), checked before anything is written: the way (post, in person,
public notice), the address, the tracking number and the dates; then its result and the next way after a failure.

Every bad field is reported at once (``FieldErrors``), each under the label the form shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from zhihui_tui.domain.errors import FieldError, FieldErrors, attempt
from zhihui_tui.domain.mailing import (
    DEFAULT_FORMATS,
    NextAttempt,
    ServiceResult,
    TrackingFormat,
    next_attempts,
    normalize_tracking_number,
)
from zhihui_tui.domain.validators import clean_text, parse_date

F_METHOD, F_ADDRESS, F_TRACKING, F_SENT_ON = "送达方式", "送达地址", "邮件号", "寄出日期"
F_RESULT, F_RESULT_ON, F_NEXT = "送达结果", "结果日期", "下一步"
ADDRESS_MAX = 200


class ServiceMethod(StrEnum):
    """How a recipient is served: by post (邮寄), in person (直接送达) or by public notice (公告送达)."""

    MAIL = "mail"
    DIRECT = "direct"
    PUBLIC_NOTICE = "public_notice"

    @property
    def label(self) -> str:
        """The Chinese name shown to the clerk."""
        return {"mail": "邮寄", "direct": "直接送达", "public_notice": "公告送达"}[self.value]

    @property
    def sent_label(self) -> str:
        """What the date of the attempt is called for this way."""
        return {"mail": "寄出日期", "direct": "送达日期", "public_notice": "公告日期"}[self.value]

    @classmethod
    def parse(cls, text: str) -> ServiceMethod:
        """Accept the Chinese name or the code name."""
        value = text.strip()
        for method in cls:
            if value in (method.value, method.label):
                return method
        raise FieldError(F_METHOD, f"应为{'、'.join(m.label for m in cls)}之一，收到“{value}”")


# The way each next step takes.
NEXT_METHOD: dict[NextAttempt, ServiceMethod] = {
    NextAttempt.ANOTHER_ADDRESS: ServiceMethod.MAIL,
    NextAttempt.HANDLER_VISIT: ServiceMethod.DIRECT,
    NextAttempt.PUBLIC_NOTICE: ServiceMethod.PUBLIC_NOTICE,
}


@dataclass(frozen=True)
class AttemptInput:
    """An attempt as typed at the service desk."""

    method: str
    address: str
    tracking_number: str
    sent_on: str


@dataclass(frozen=True)
class CheckedAttempt:
    """An attempt that passed every check."""

    method: ServiceMethod
    address: str
    tracking_number: str | None
    sent_on: date


def check_attempt(
    raw: AttemptInput, *, today: date, earliest: date, formats: Sequence[TrackingFormat] = DEFAULT_FORMATS
) -> CheckedAttempt:
    """The attempt, or every bad field at once. A mailing needs a tracking number in a configured format; the
    other ways take none. The date lies between ``earliest`` (the case's filing) and ``today``."""
    errors: list[FieldError] = []
    method = attempt(errors, lambda: ServiceMethod.parse(raw.method))
    address = attempt(errors, lambda: clean_text(raw.address, field=F_ADDRESS, max_length=ADDRESS_MAX))
    tracking = attempt(errors, lambda: _tracking(method, raw.tracking_number, formats))
    sent_on = attempt(errors, lambda: _day(raw.sent_on, F_SENT_ON, earliest=earliest, today=today))
    if errors:
        raise FieldErrors(errors)
    assert method is not None and address is not None and sent_on is not None
    return CheckedAttempt(method, address, tracking, sent_on)


def _tracking(method: ServiceMethod | None, text: str, formats: Sequence[TrackingFormat]) -> str | None:
    if method is ServiceMethod.MAIL:
        return normalize_tracking_number(text, formats)
    if text.strip():
        raise FieldError(F_TRACKING, f"{method.label if method else '该方式'}不填写邮件号")
    return None


def _day(text: str, field: str, *, earliest: date, today: date) -> date:
    day = parse_date(text, field=field)
    if day > today:
        raise FieldError(field, f"{day:%Y-%m-%d} 尚未到来")
    if day < earliest:
        raise FieldError(field, f"{day:%Y-%m-%d} 早于 {earliest:%Y-%m-%d}")
    return day


@dataclass(frozen=True)
class ResultInput:
    """A service result as typed: the result, its date and, after a failure, the next way."""

    result: str
    result_on: str
    next_attempt: str = ""


@dataclass(frozen=True)
class CheckedResult:
    """A result that passed every check."""

    result: ServiceResult
    result_on: date
    next_attempt: NextAttempt | None


def check_service_result(raw: ResultInput, *, sent_on: date, today: date) -> CheckedResult:
    """The result, or every bad field at once. A failed service must name what follows (R-SRV-2: another address,
    the handler's visit, or public notice); a served one takes no next step."""
    errors: list[FieldError] = []
    result = attempt(errors, lambda: ServiceResult.parse(raw.result))
    result_on = attempt(errors, lambda: _day(raw.result_on, F_RESULT_ON, earliest=sent_on, today=today))
    following = attempt(errors, lambda: _next(result, raw.next_attempt))
    if errors:
        raise FieldErrors(errors)
    assert result is not None and result_on is not None
    return CheckedResult(result, result_on, following)


def _next(result: ServiceResult | None, text: str) -> NextAttempt | None:
    value = text.strip()
    if result is None:
        return None
    options = next_attempts(result)
    if not options:
        if value:
            raise FieldError(F_NEXT, f"已{result.label}，无需下一步")
        return None
    for option in options:
        if value in (option.value, option.label):
            return option
    choices = "、".join(option.label for option in options)
    raise FieldError(F_NEXT, f"{result.label}后须选择下一步：{choices}" if not value else f"应为{choices}之一")
