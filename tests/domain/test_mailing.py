"""Tracking numbers (UPU S10 with its check digit, the domestic 13-digit form) and service results."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.mailing import (
    DOMESTIC_13,
    NextAttempt,
    ServiceResult,
    next_attempts,
    normalize_tracking_number,
    s10_check_digit,
)


@pytest.mark.parametrize(
    ("serial", "digit"),
    [("12345678", 5), ("47312482", 9), ("00000008", 0), ("00000000", 5), ("11111111", 5)],
)
def test_the_s10_check_digit(serial: str, digit: int) -> None:
    # 12345678: 8+12+12+8+15+30+63+56 = 204; 204 mod 11 = 6; 11 − 6 = 5 (the UPU S10 standard's own example);
    # 00000008: 56 mod 11 = 1 → 10 → 0; 00000000: 0 → 11 → 5
    assert s10_check_digit(serial) == digit


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("EA123456785CN", "EA123456785CN"),
        ("ea 1234 5678 5cn", "EA123456785CN"),
        ("ＥＡ１２３４５６７８５ＣＮ", "EA123456785CN"),
        ("1151234567890", "1151234567890"),
        ("115-1234-567890", "1151234567890"),
    ],
)
def test_accepted_forms_are_stored_as_printed(typed: str, stored: str) -> None:
    assert normalize_tracking_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("EA123456784CN", "校验位不正确"),
        ("EA12345678CN", "格式不正确：应为UPU S10（如 EA123456785CN）、国内13位（如 1151234567890）"),
        ("115123456789", "格式不正确"),
        ("", "不能为空"),
    ],
)
def test_a_bad_number_is_named(typed: str, reason: str) -> None:
    with pytest.raises(FieldError) as refused:
        normalize_tracking_number(typed)
    assert refused.value.field == "邮件号" and reason in refused.value.message


def test_only_the_configured_formats_are_accepted() -> None:
    with pytest.raises(FieldError, match="国内13位"):
        normalize_tracking_number("EA123456785CN", (DOMESTIC_13,))


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.sampled_from(["EA", "RR", "CP"]))
def test_a_wrong_check_digit_is_always_caught(serial: str, service: str) -> None:
    check = s10_check_digit(serial)
    good = f"{service}{serial}{check}CN"
    assert normalize_tracking_number(good) == good
    for wrong in set(range(10)) - {check}:
        with pytest.raises(FieldError, match="校验位不正确"):
            normalize_tracking_number(f"{service}{serial}{wrong}CN")


def test_what_follows_each_result() -> None:
    assert next_attempts(ServiceResult.SERVED) == () == next_attempts(ServiceResult.REFUSED)
    assert NextAttempt.PUBLIC_NOTICE in next_attempts(ServiceResult.ADDRESS_UNKNOWN)
    assert ServiceResult.parse("退回") is ServiceResult.RETURNED
    with pytest.raises(FieldError, match="送达、拒收、退回、地址不详"):
        ServiceResult.parse("丢失")
