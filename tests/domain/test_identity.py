"""One identity-number rule and one wording (issue 11): the same bad number reads the same at the 接待台账 (F2),
on the filing form (F3) and in the case import."""

from __future__ import annotations

from datetime import date

import pytest

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing.parties import party_id
from zhihui_tui.domain.identity import NOT_A_CREDIT_CODE, NOT_A_RESIDENT_ID, identify
from zhihui_tui.domain.reception import IdKind, check_id_document

TODAY = date(2026, 11, 27)
BAD_CHECK_DIGIT = "152221198501010012"  # the check digit should be 7


def _reason(call: object) -> str:
    with pytest.raises(FieldError) as refused:
        call()  # type: ignore[operator]
    return refused.value.reason


def test_one_bad_number_one_wording_at_every_entry_point() -> None:
    expected = f"{NOT_A_RESIDENT_ID}：校验位错误（应为 7）"
    assert _reason(lambda: identify(BAD_CHECK_DIGIT, field="证件号", today=TODAY)) == expected
    assert _reason(lambda: party_id(BAD_CHECK_DIGIT, None, "申请执行人1", TODAY)) == expected
    assert _reason(lambda: check_id_document(IdKind.RESIDENT_ID, BAD_CHECK_DIGIT, today=TODAY)) == expected


@pytest.mark.parametrize("typed", ["15222119850101001Y", "152221198501O10017", "15222119850101001"])
def test_a_mistyped_id_number_is_never_called_a_bad_credit_code(typed: str) -> None:
    reason = _reason(lambda: identify(typed, field="证件号", today=TODAY))
    assert reason.startswith(NOT_A_RESIDENT_ID) and NOT_A_CREDIT_CODE not in reason


def test_the_shape_decides_and_an_all_digit_credit_code_is_still_accepted() -> None:
    assert identify("152221198501010017", field="证件号", today=TODAY) == ("person", "152221198501010017")
    assert identify("91152221MA0N2X3Y4Q", field="证件号") == ("organisation", "91152221MA0N2X3Y4Q")
    reason = _reason(lambda: identify("91152221MA0N2X3Y4A", field="证件号"))
    assert reason.startswith(NOT_A_CREDIT_CODE)
    assert _reason(lambda: identify("ABC12", field="证件号")) == "“ABC12”应为 18 位居民身份证号或统一社会信用代码"
    assert _reason(lambda: identify(" ", field="证件号")).startswith("不能为空")
