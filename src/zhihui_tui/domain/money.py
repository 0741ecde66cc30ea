"""Money as integer fen (分): parsing clerk input, JSON and display forms, and 人民币大写.

Floats never enter the arithmetic: binary fractions cannot hold 0.1 yuan exactly, and an amount in a ruling
must round-trip to the fen.  A float is only *read*, from a spreadsheet number cell, and only when the value
the spreadsheet shows is already exact to the fen (see :func:`parse_yuan`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from zhihui_tui.domain.errors import DomainError, FieldError

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000
DEFAULT_MAX_YUAN = Decimal("100000000000")  # 1,000 亿元: above any enforcement target

_TYPE_MESSAGE = "金额必须以文本或数字给出"
_CURRENCY_PREFIXES = ("人民币", "RMB", "CNY", "¥")  # NFKC has already turned ￥ into ¥
_AMOUNT = re.compile(r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?")
_MAX_DIGITS = 16  # longer integer parts exceed any sane max and would only slow int()


def parse_yuan(
    value: str | int | float | Decimal,
    *,
    field: str = "金额",
    allow_zero: bool = True,
    max_yuan: Decimal | int = DEFAULT_MAX_YUAN,
) -> int:
    """Return fen for a yuan amount: ``"123,456.78"``, ``"￥1,000"``, ``"1000元"``, ``5`` (whole yuan), ``12.5``.

    The one parser behind the F-key forms, CSV cells and .xlsx cells, so every entry point gives the same
    answer and the same Chinese message:

    * Text is read after NFKC (full-width digits, ，．￥), with an optional 人民币/RMB/CNY/¥ prefix, 元 suffix
      and ``,`` thousands separators in groups of three.  More than two decimals is refused even when they are
      zeros (``"1.230"``): in a ruling it is more likely a mistyped ``1,230`` than a precise amount.
      Scientific notation (``"1e3"``), NaN/inf, a ``+`` sign and 万 are refused.
    * A decimal point needs digits on both sides: ``"12."`` and ``".5"`` are refused as malformed, in a form
      and in a text cell alike (a number cell never looks like that: it shows ``12.0`` and ``0.5``).
    * A minus sign is refused even on zero (``"-0.00"``, ``-0.0``, ``Decimal("-0")``): an amount is never
      negative, and a signed zero is a formula result or a typo, not something a clerk means.
    * A float (a spreadsheet number cell) is accepted only when its shortest repr — the value the spreadsheet
      shows — has at most two decimals: ``12.34`` is 1234 fen, ``0.1 + 0.2`` (``0.30000000000000004``) is
      refused with the value shown, never rounded silently.
    * A ``Decimal`` (e.g. from a NUMERIC column with a wider scale) may carry trailing zeros, as its value is
      exact; an int is whole yuan.  ``bool`` and other types are refused.
    """
    if isinstance(value, bool):  # bool is an int subclass
        raise FieldError(field, _TYPE_MESSAGE)
    if isinstance(value, int):
        fen = value * FEN_PER_YUAN
    elif isinstance(value, float):
        fen = _float_to_fen(value, field)
    elif isinstance(value, Decimal):
        fen = _decimal_to_fen(value, field)
    elif isinstance(value, str):
        fen = _text_to_fen(value, field)
    else:
        raise FieldError(field, _TYPE_MESSAGE)
    if fen < 0:
        raise FieldError(field, "不能为负数")
    if fen == 0 and not allow_zero:
        raise FieldError(field, "必须大于 0")
    max_fen = _decimal_to_fen(Decimal(max_yuan), "max_yuan")
    if fen > max_fen:
        raise FieldError(field, f"不能超过 {format_yuan(max_fen)} 元")
    return int(fen)


def _float_to_fen(value: float, field: str) -> int:
    """A number cell, read as the shortest repr that round-trips: exactly what the spreadsheet displays."""
    if not math.isfinite(value):
        raise FieldError(field, "金额无效")
    if math.copysign(1.0, value) < 0:  # also -0.0
        raise FieldError(field, "不能为负数")
    shown = repr(value)
    exact = Decimal(shown)
    exponent = exact.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if exponent < -2:
        raise FieldError(
            field,
            f"金额 {shown} 不是精确到分的数值（可能是公式的计算结果）：请在表格中改为最多两位小数，如 {value:.2f}",
        )
    return _decimal_to_fen(exact, field)


def _decimal_to_fen(value: Decimal, field: str) -> int:
    """Exact conversion by digit arithmetic; Decimal operators would round at the context precision."""
    if not value.is_finite():
        raise FieldError(field, "金额无效")
    if value.is_signed():  # also Decimal("-0")
        raise FieldError(field, "不能为负数")
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    coefficient = int("".join(map(str, digits)) or "0")
    if coefficient == 0:
        return 0
    width = len(str(coefficient))
    if width + exponent > _MAX_DIGITS:  # 1E+999999999 would build a huge int
        raise FieldError(field, "金额过大")
    shift = exponent + 2
    if shift >= 0:
        return int(coefficient * 10**shift)  # shift >= 0: an int (mypy types int ** int as Any)
    if -shift >= width:  # a non-zero fraction below one fen (and 10**-shift could be huge)
        raise FieldError(field, "最多两位小数")
    fen, rest = divmod(coefficient, 10**-shift)
    if rest:
        raise FieldError(field, "最多两位小数")
    return int(fen)


def _text_to_fen(value: str, field: str) -> int:
    text = unicodedata.normalize("NFKC", value).strip()  # full-width digits, ，．￥
    for prefix in _CURRENCY_PREFIXES:
        if text.upper().startswith(prefix):
            text = text[len(prefix) :].lstrip()
            break
    text = text.removesuffix("元").rstrip()
    if not text:
        raise FieldError(field, "不能为空")
    if text[0] in "-\u2212":
        raise FieldError(field, "不能为负数")
    if text.lower().lstrip("+") in {"nan", "inf", "infinity"}:
        raise FieldError(field, "金额无效")
    if re.fullmatch(r"[0-9.,]+[eE][+-]?[0-9]+", text):
        raise FieldError(field, "不能使用科学计数法")
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise FieldError(field, "金额格式不正确，应如 123456.78 或 123,456.78")
    frac = match["frac"] or ""
    if len(frac) > 2:
        raise FieldError(field, "最多两位小数")
    whole = match["int"].replace(",", "")
    if len(whole.lstrip("0")) > _MAX_DIGITS:
        raise FieldError(field, "金额过大")
    return int(whole) * FEN_PER_YUAN + int(frac.ljust(2, "0"))


def _require_int(fen: int) -> None:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be int, got {type(fen).__name__}")


def fen_to_yuan_str(fen: int) -> str:
    """JSON form (SPEC §5.2): ``12345678`` → ``"123456.78"``; negative differences keep their sign."""
    _require_int(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan}.{cents:02d}"


def format_yuan(fen: int) -> str:
    """Display form with thousands separators: ``12345678`` → ``"123,456.78"``."""
    _require_int(fen)
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan:,}.{cents:02d}"


def format_wan(fen: int) -> str:
    """``15.2 万元`` for triage explanations, truncated to 0.1 万 and marked 余 when anything was cut.

    Plain rounding misleads next to a threshold in one direction or the other: half-up prints
    199,999.99 as "20.0 万元 ≤ 20 万元", truncation alone prints 200,000.01 as "20.0 万元 > 20 万元".
    Truncating and writing the customary 万余元 for a remainder ("19.9 万余元", "20.0 万余元") keeps
    every printed figure a true lower bound and shows that it is one.  Non-zero amounts under 1,000
    yuan read "不足 0.1 万元" rather than a misleading "0.0".
    """
    _require_int(fen)
    if fen < 0:
        raise DomainError("金额不能为负数")
    tenths, rest = divmod(fen, FEN_PER_WAN // 10)
    if tenths == 0 and rest:
        return "不足 0.1 万元"
    return f"{tenths // 10}.{tenths % 10} 万{'余' if rest else ''}元"


# --------------------------------------------------------------------------------------------------
# 人民币大写
# --------------------------------------------------------------------------------------------------

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿")
# 1 万亿元 would need the 亿 group to grow past four digits (壹万贰仟亿); far above DEFAULT_MAX_YUAN.
_MAX_CAPITAL_FEN = 10**12 * FEN_PER_YUAN


def to_chinese_capitals(fen: int) -> str:
    """人民币大写 per 《正确填写票据和结算凭证的基本规定》.

    Choices where the rules allow either form, applied consistently:
    * 整 only after 元 (壹佰元整); none after 角 (壹拾元伍角) and never after 分.
    * Every run of zeros inside the yuan part is written as one 零, also where 万位 is zero
      (壹拾万零柒仟元) and across a whole zero 万 group (壹亿零柒仟元): writing 零 is always permitted
      and guards against digits being added.  A zero 元位 before a non-zero 角 gets no 零
      (壹拾元伍角); a zero 角 between 元 and a non-zero 分 always does (壹拾万元零伍分).
    * 壹 is written before 拾 everywhere, also at the head (壹拾万元整), as in legal documents.
    * Amounts below one yuan start at 角 or 分 (伍分); zero is 零元整.
    """
    _require_int(fen)
    if fen < 0:
        raise DomainError("金额不能为负数")
    if fen >= _MAX_CAPITAL_FEN:
        raise DomainError("金额过大，无法转换为大写")
    yuan, cents = divmod(fen, FEN_PER_YUAN)
    jiao, fen_digit = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    if yuan == 0:
        return _small_change(jiao, fen_digit)
    head = _yuan_capitals(yuan) + "元"
    if cents == 0:
        return head + "整"
    if jiao == 0:
        return head + "零" + _DIGITS[fen_digit] + "分"
    return head + _small_change(jiao, fen_digit)


def _small_change(jiao: int, fen_digit: int) -> str:
    text = _DIGITS[jiao] + "角" if jiao else ""
    return text + (_DIGITS[fen_digit] + "分" if fen_digit else "")


def _yuan_capitals(yuan: int) -> str:
    """Digits from the top; a pending 零 is written only when a later non-zero digit follows."""
    digits = str(yuan)
    parts: list[str] = []
    pending_zero = False
    group_has_digit = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        small, group = position % 4, position // 4
        if char == "0":
            pending_zero = bool(parts)
        else:
            if pending_zero:
                parts.append("零")
                pending_zero = False
            parts.append(_DIGITS[int(char)] + _SMALL_UNITS[small])
            group_has_digit = True
        if small == 0:
            if group_has_digit and group:
                parts.append(_GROUP_UNITS[group])
            group_has_digit = False
    return "".join(parts)


def round_to_fen(yuan: Decimal) -> int:
    """A computed yuan amount (a rate applied, a share divided) rounded half up to the fen, as integer fen.

    What a document prints in figures and in capitals is this one number, so the two always agree: round
    first, then write both from the fen (``Decimal("0.125")`` → 13 fen → ``0.13`` / ``壹角叁分``)."""
    if not isinstance(yuan, Decimal) or not yuan.is_finite():
        raise DomainError("金额必须是有限的 Decimal")
    if yuan < 0:
        raise DomainError("金额不能为负数")
    return int((yuan * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan_in_capitals(fen: int) -> str:
    """``人民币壹拾万元整``: the form a document writes after the figures."""
    return "人民币" + to_chinese_capitals(fen)
