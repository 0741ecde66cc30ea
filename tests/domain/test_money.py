"""Money: parsing yuan into fen, JSON/display forms, 万元 summaries and 人民币大写."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.money import (
    fen_to_yuan_str,
    format_wan,
    format_yuan,
    parse_yuan,
    to_chinese_capitals,
)

MAX_FEN = 10**13  # DEFAULT_MAX_YUAN in fen


def reason(exc: pytest.ExceptionInfo[FieldError]) -> str:
    return exc.value.reason


# --- parse_yuan -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "fen"),
    [
        ("123456.78", 12345678),
        ("123,456.78", 12345678),
        ("￥1,000", 100000),
        ("¥ 1,000.5", 100050),
        ("1000元", 100000),
        ("人民币 1,000 元", 100000),
        ("RMB1000.00", 100000),
        ("１２３，４５６．７８", 12345678),  # full-width from an IME
        ("0", 0),
        ("0.05", 5),
        ("007", 700),
        (" 12.3 ", 1230),
        ("100000000000", MAX_FEN),
        (5, 500),
        (0, 0),
        (Decimal("12.34"), 1234),
        (Decimal("12.3400"), 1234),  # NUMERIC scale 4: exact, so accepted
        (Decimal("1E+3"), 100000),
        (Decimal("0E-30"), 0),
        # Number cells: the value the spreadsheet shows
        (12.34, 1234),
        (0.5, 50),
        (12.0, 1200),
        (1e3, 100000),
        (0.0, 0),
        (0.1 + 0.4, 50),  # a sum that happens to land on the double nearest 0.5
        (123456789.12, 12345678912),
    ],
)
def test_parse_yuan_valid(raw: str | int | float | Decimal, fen: int) -> None:
    assert parse_yuan(raw) == fen


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "不能为负数"),
        ("−1", "不能为负数"),
        ("－1", "不能为负数"),
        ("￥-5", "不能为负数"),
        (-1, "不能为负数"),
        (Decimal("-0.01"), "不能为负数"),
        # A signed zero is refused everywhere, as text, number cell or Decimal
        ("-0.00", "不能为负数"),
        ("-0", "不能为负数"),
        (-0.0, "不能为负数"),
        (Decimal("-0"), "不能为负数"),
        (-12.5, "不能为负数"),
        ("1.234", "最多两位小数"),
        ("1.230", "最多两位小数"),
        (Decimal("1.005"), "最多两位小数"),
        (Decimal("0.0000000000000000000000000000001"), "最多两位小数"),
        ("", "不能为空"),
        ("  元 ", "不能为空"),
        ("NaN", "金额无效"),
        ("inf", "金额无效"),
        ("-inf", "不能为负数"),
        (Decimal("NaN"), "金额无效"),
        (Decimal("Infinity"), "金额无效"),
        (float("nan"), "金额无效"),
        (float("inf"), "金额无效"),
        (float("-inf"), "金额无效"),
        (Decimal("1E+999999999"), "金额过大"),  # refused before a billion-digit int is built
        (Decimal("1E-999999999"), "最多两位小数"),
        (1e16, "金额过大"),
        (
            0.1 + 0.7,
            "金额 0.7999999999999999 不是精确到分的数值（可能是公式的计算结果）：请在表格中改为最多两位小数，如 0.80",
        ),
        ("1e5", "不能使用科学计数法"),
        ("1.5E+3", "不能使用科学计数法"),
        ("100000000000.01", "不能超过 100,000,000,000.00 元"),
        ("9" * 5000, "金额过大"),
        ("1,00", "金额格式不正确，应如 123456.78 或 123,456.78"),
        ("12,34.5", "金额格式不正确，应如 123456.78 或 123,456.78"),
        ("1 000", "金额格式不正确，应如 123456.78 或 123,456.78"),
        ("5.", "金额格式不正确，应如 123456.78 或 123,456.78"),  # a point needs digits on both sides
        ("12.", "金额格式不正确，应如 123456.78 或 123,456.78"),
        (".5", "金额格式不正确，应如 123456.78 或 123,456.78"),
        ("1,234.5.6", "金额格式不正确，应如 123456.78 或 123,456.78"),
        ("15万", "金额格式不正确，应如 123456.78 或 123,456.78"),
        ("+5", "金额格式不正确，应如 123456.78 或 123,456.78"),
        ("١٢", "金额格式不正确，应如 123456.78 或 123,456.78"),  # Arabic-Indic digits
    ],
)
def test_parse_yuan_invalid(raw: str | int | float | Decimal, message: str) -> None:
    with pytest.raises(FieldError) as exc:
        parse_yuan(raw, field="申请执行标的")
    assert reason(exc) == message
    assert exc.value.field == "申请执行标的"


@pytest.mark.parametrize("raw", [True, False, None, [1], b"12"])
def test_parse_yuan_rejects_other_types(raw: object) -> None:
    with pytest.raises(FieldError) as exc:
        parse_yuan(raw)  # type: ignore[arg-type]
    assert reason(exc) == "金额必须以文本或数字给出"


@pytest.mark.parametrize(
    ("raw", "shown", "hint"),
    [(0.1 + 0.2, "0.30000000000000004", "0.30"), (1.005, "1.005", "1.00"), (1.5e-05, "1.5e-05", "0.00")],
)
def test_float_not_exact_to_the_fen_is_refused_with_the_value_shown(raw: float, shown: str, hint: str) -> None:
    with pytest.raises(FieldError) as exc:
        parse_yuan(raw, field="执行标的")
    assert exc.value.field == "执行标的"
    assert reason(exc).startswith(f"金额 {shown} 不是精确到分的数值")
    assert reason(exc).endswith(f"如 {hint}")


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_float_accepted_only_when_exact(value: float) -> None:
    """Accepted ⇒ the fen are exactly the value the spreadsheet shows, and they give back the same float."""
    try:
        fen = parse_yuan(value)
    except FieldError as error:
        assert error.field == "金额"
        return
    assert Decimal(repr(value)) * 100 == fen
    assert float(fen_to_yuan_str(fen)) == value
    assert parse_yuan(fen_to_yuan_str(fen)) == fen


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_float_cell_of_any_fen_value_is_accepted(fen: int) -> None:
    """A cell typed as ``X.YZ`` holds the double nearest to it, which reads back as ``X.YZ``."""
    assert parse_yuan(fen / 100) == fen


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_decimal_accepted_only_when_exact(value: Decimal) -> None:
    try:
        fen = parse_yuan(value)
    except FieldError:
        return
    assert value == Decimal(fen) / 100 and not value.is_signed()


@given(st.text(alphabet=st.sampled_from("0123456789.,-+eE元¥ ０１．，"), max_size=20))
def test_text_accepted_only_when_it_reads_back_the_same(text: str) -> None:
    """Any text is either refused with a FieldError or gives fen that format back to the same number."""
    try:
        fen = parse_yuan(text)
    except FieldError:
        return
    assert fen >= 0
    digits = "".join(ch for ch in text.replace("０", "0").replace("１", "1").replace("．", ".") if ch in "0123456789.")
    assert Decimal(digits) * 100 == fen


def test_parse_yuan_zero_and_max_options() -> None:
    with pytest.raises(FieldError) as exc:
        parse_yuan("0.00", allow_zero=False)
    assert reason(exc) == "必须大于 0"
    assert parse_yuan("0.01", allow_zero=False) == 1
    assert parse_yuan("500", max_yuan=500) == 50000
    with pytest.raises(FieldError) as exc:
        parse_yuan("500.01", max_yuan=Decimal("500"))
    assert reason(exc) == "不能超过 500.00 元"


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_round_trip_json_form(fen: int) -> None:
    assert parse_yuan(fen_to_yuan_str(fen)) == fen
    assert parse_yuan(format_yuan(fen)) == fen
    assert parse_yuan(f"￥{format_yuan(fen)}元") == fen
    assert parse_yuan(Decimal(fen_to_yuan_str(fen))) == fen


# --- formatting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "json_form", "display"),
    [
        (0, "0.00", "0.00"),
        (5, "0.05", "0.05"),
        (100, "1.00", "1.00"),
        (12345678, "123456.78", "123,456.78"),
        (100000000000, "1000000000.00", "1,000,000,000.00"),
        (-105, "-1.05", "-1.05"),
    ],
)
def test_yuan_strings(fen: int, json_form: str, display: str) -> None:
    assert fen_to_yuan_str(fen) == json_form
    assert format_yuan(fen) == display


@pytest.mark.parametrize("bad", [1.0, True, "100", Decimal(1)])
def test_formatters_demand_int(bad: object) -> None:
    for fn in (fen_to_yuan_str, format_yuan, format_wan, to_chinese_capitals):
        with pytest.raises(TypeError):
            fn(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.0 万元"),
        (5, "不足 0.1 万元"),
        (99999, "不足 0.1 万元"),
        (100000, "0.1 万元"),
        (15200000, "15.2 万元"),
        (15234500, "15.2 万余元"),
        (19999999, "19.9 万余元"),  # 199,999.99: never "20.0 万元"
        (20000000, "20.0 万元"),
        (20000001, "20.0 万余元"),  # 200,000.01: visibly above 20 万
        (1234567890, "1234.5 万余元"),
    ],
)
def test_format_wan(fen: int, text: str) -> None:
    assert format_wan(fen) == text


@given(st.integers(min_value=100000, max_value=MAX_FEN), st.integers(min_value=1, max_value=1000))
def test_format_wan_never_crosses_a_threshold(fen: int, threshold_tenths: int) -> None:
    """Against any threshold on the 0.1 万 grid the printed figure sides with the real amount."""
    printed = format_wan(fen)
    shown_tenths = round(Decimal(printed.split(" ")[0]) * 10)
    threshold = threshold_tenths * 100000
    marked = "余" in printed
    if fen <= threshold:
        assert shown_tenths < threshold_tenths or (shown_tenths == threshold_tenths and not marked)
    else:
        assert shown_tenths > threshold_tenths or (shown_tenths == threshold_tenths and marked)


def test_format_wan_negative() -> None:
    with pytest.raises(DomainError):
        format_wan(-1)


# --- 人民币大写 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yuan", "capitals"),
    [
        ("1,004.00", "壹仟零肆元整"),
        ("100,000.05", "壹拾万元零伍分"),
        ("10.50", "壹拾元伍角"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("0.55", "伍角伍分"),
        ("0", "零元整"),
        ("123456.78", "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
        ("100,000,000.00", "壹亿元整"),
        ("100,000,001", "壹亿零壹元整"),
        ("200,000.00", "贰拾万元整"),
        ("10", "壹拾元整"),
        ("110", "壹佰壹拾元整"),
        ("100", "壹佰元整"),
        # Examples of 《正确填写票据和结算凭证的基本规定》
        ("1,409.50", "壹仟肆佰零玖元伍角"),
        ("6,007.14", "陆仟零柒元壹角肆分"),
        ("1,680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107,000.53", "壹拾万零柒仟元伍角叁分"),
        ("16,409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        # Zero runs across groups
        ("100,700", "壹拾万零柒佰元整"),
        ("100,007,000", "壹亿零柒仟元整"),
        ("100,010,000", "壹亿零壹万元整"),
        ("1,010,000,000", "壹拾亿零壹仟万元整"),
        ("10,000,100", "壹仟万零壹佰元整"),
        ("999,999,999,999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_capitals_vectors(yuan: str, capitals: str) -> None:
    assert to_chinese_capitals(parse_yuan(yuan, max_yuan=10**12)) == capitals


def test_capitals_limits() -> None:
    with pytest.raises(DomainError):
        to_chinese_capitals(-1)
    with pytest.raises(DomainError):
        to_chinese_capitals(10**14)


_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def capitals_to_fen(text: str) -> int:
    """Independent reader of 大写 (valid below 1 万亿元), used to check the writer."""
    if text == "零元整":
        return 0
    head, sep, tail = text.partition("元")
    if not sep:
        head, tail = "", text
    total = group = digit = 0
    for ch in head:
        if ch in _CAPITAL_DIGITS:
            digit = _CAPITAL_DIGITS.index(ch)
        elif ch in _SMALL:
            group, digit = group + digit * _SMALL[ch], 0
        else:
            total, group, digit = total + (group + digit) * {"万": 10**4, "亿": 10**8}[ch], 0, 0
    fen = (total + group + digit) * 100
    tail = tail.removesuffix("整").removeprefix("零")
    for ch, unit in zip(tail[::2], tail[1::2], strict=True):
        fen += _CAPITAL_DIGITS.index(ch) * {"角": 10, "分": 1}[unit]
    return fen


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_capitals_properties(fen: int) -> None:
    text = to_chinese_capitals(fen)
    assert "零零" not in text
    assert text.endswith(("整", "分", "角"))
    assert "拾" not in text or "壹拾" in text or not text.startswith("拾")
    assert not text.startswith("零") or text == "零元整"
    for i, ch in enumerate(text):
        if ch == "零" and text != "零元整":
            assert text[i + 1] in _CAPITAL_DIGITS[1:]  # a 零 always leads into a non-zero digit
    assert capitals_to_fen(text) == fen


@given(st.integers(min_value=0, max_value=10**11 - 1))
def test_capitals_whole_yuan_end_with_zheng(yuan: int) -> None:
    assert to_chinese_capitals(yuan * 100).endswith("元整")
