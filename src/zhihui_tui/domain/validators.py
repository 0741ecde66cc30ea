"""Field validators and normalisers for identity numbers, phone numbers, names, free text and dates.

Every function is pure: it returns the canonical form of a value or raises ``FieldError`` with the
caller's Chinese field label and a Chinese reason.  Regexes use explicit ``[0-9]`` because ``\\d``
also matches Arabic-Indic and other Unicode digits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal

from stdnum.cn import ric, uscc

from zhihui_tui.domain.errors import FieldError

# --------------------------------------------------------------------------------------------------
# 居民身份证号 (GB 11643-1999)
# --------------------------------------------------------------------------------------------------

# Province-level codes of GB/T 2260 used by mainland 居民身份证: 11–15, 21–23, 31–37, 41–46, 50–54, 61–65.
_MAINLAND_RANGES = ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65))
MAINLAND_PROVINCE_CODES: frozenset[str] = frozenset(
    str(code) for low, high in _MAINLAND_RANGES for code in range(low, high + 1)
)
# 71 (台湾), 81 (香港), 82 (澳门) are GB/T 2260 province-level codes.  Since 2018 the 港澳台居民居住证
# carries a GB 11643 number with address code 810000 / 820000 / 830000 (83 is not in GB/T 2260; it
# exists only for the Taiwan residence permit) and such permit holders are ordinary parties, so all four
# are accepted for 18-digit numbers.  15-digit numbers were issued only on the mainland (1984–2004),
# so they must carry a mainland code.  The 外国人永久居留身份证 (leading 9) is a different document and
# is rejected here on purpose.
RESIDENT_ID_PROVINCE_CODES: frozenset[str] = MAINLAND_PROVINCE_CODES | {"71", "81", "82", "83"}

_EARLIEST_BIRTH = date(1900, 1, 1)


def normalize_resident_id(value: str, *, field: str = "身份证号", today: date | None = None) -> str:
    """Return the 18-character 公民身份号码, upper-case ``X``; 15-digit legacy numbers are upgraded.

    Only the province part of the address code is checked.  ``stdnum.cn.ric.validate`` is not used:
    it wants the code in its region table *and* in force in the birth year, yet the code is the one in
    force when the number was issued, and holders keep numbers whose code was later abolished (it
    rejects 150702198501010013: 海拉尔区 dates from 2001).  Its check-digit calculator follows the
    standard exactly (ISO 7064 MOD 11-2) and is used.
    """
    text = unicodedata.normalize("NFKC", value).strip().upper()  # NFKC: full-width digits from IMEs
    if not text:
        raise FieldError(field, "不能为空")
    if not re.fullmatch(r"[0-9]*X?", text):
        raise FieldError(field, "含非法字符")
    if len(text) == 15:
        if not text.isdigit():  # legacy numbers have no check digit, so no X
            raise FieldError(field, "含非法字符")
        return _upgrade_legacy_id(text, field=field, today=today)
    if len(text) != 18:
        raise FieldError(field, "长度应为 18 位（或 15 位旧号）")
    _check_id_body(text[:17], field=field, today=today, provinces=RESIDENT_ID_PROVINCE_CODES)
    expected = ric.calc_check_digit(text)
    if text[17] != expected:
        raise FieldError(field, f"校验位错误（应为 {expected}）")
    return text


def _upgrade_legacy_id(text: str, *, field: str, today: date | None) -> str:
    """15-digit numbers have a 2-digit year (always 19xx) and no check digit: insert 19, append one."""
    body = text[:6] + "19" + text[6:]
    _check_id_body(body, field=field, today=today, provinces=MAINLAND_PROVINCE_CODES)
    return body + ric.calc_check_digit(body + "0")  # the calculator ignores the last character


def _check_id_body(body: str, *, field: str, today: date | None, provinces: frozenset[str]) -> None:
    if body[:2] not in provinces:
        raise FieldError(field, "地区码无效")
    try:
        born = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise FieldError(field, "出生日期无效") from None
    if born < _EARLIEST_BIRTH or (today is not None and born > today):
        raise FieldError(field, "出生日期无效")


# --------------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# --------------------------------------------------------------------------------------------------

# The code alphabet of GB 32100-2015: digits and capital letters without I, O, S, V, Z.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# 登记管理部门代码 (position 1), GB 32100-2015 附录 A incl. 第1号修改单 (A, N).
CREDIT_CODE_AUTHORITIES: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

# 机构类别代码 (position 2) as published in 附录 A.  Informative only: the body of the standard says
# each registration department assigns its own category codes, and departments have issued codes
# after 2015 (e.g. 民政 for 基层群众性自治组织特别法人), so refusing an unlisted category would reject
# real codes.  Validation therefore accepts 1–9 and letters of the alphabet for every authority.
CREDIT_CODE_PUBLISHED_CATEGORIES: dict[str, dict[str, str]] = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}

# Division code of the registering authority: a GB/T 2260 code, or 100000 for national registration.
_CREDIT_DIVISION_PROVINCES = MAINLAND_PROVINCE_CODES | {"71", "81", "82"}
_NATIONAL_DIVISION = "100000"


def normalize_credit_code(value: str, *, field: str = "统一社会信用代码") -> str:
    """Return the upper-case 18-character 统一社会信用代码.

    ``stdnum.cn.uscc.validate`` is not used: it demands digits in positions 1–8 and so rejects valid
    codes of the N (农业), A and Y authorities.  Its ``calc_check_digit`` implements the GB 32100
    MOD 31 weights correctly for the whole alphabet and is used.
    """
    text = unicodedata.normalize("NFKC", value).strip().upper()
    if not text:
        raise FieldError(field, "不能为空")
    if any(ch not in CREDIT_CODE_ALPHABET for ch in text):
        raise FieldError(field, "含非法字符（只能是数字和大写字母，且不使用 I、O、S、V、Z）")
    if len(text) != 18:
        raise FieldError(field, "长度应为 18 位")
    if text[0] not in CREDIT_CODE_AUTHORITIES:
        raise FieldError(field, f"登记管理部门代码“{text[0]}”无效")
    if text[1] == "0":
        raise FieldError(field, "机构类别代码“0”无效")
    division = text[2:8]
    if not division.isdigit() or (division != _NATIONAL_DIVISION and division[:2] not in _CREDIT_DIVISION_PROVINCES):
        raise FieldError(field, f"登记管理机关行政区划码“{division}”无效")
    expected = uscc.calc_check_digit(text)
    if text[17] != expected:
        raise FieldError(field, f"校验位错误（应为 {expected}）")
    return text


# --------------------------------------------------------------------------------------------------
# Free text and names
# --------------------------------------------------------------------------------------------------

_LINE_BREAKS = ("\r\n", "\r", "\x85", "\u2028", "\u2029")


def whole_number(value: str, *, field: str, low: int, high: int) -> int:
    """A count typed by a clerk (pages, pieces): ASCII digits after NFKC, within ``low``..``high``.

    ``str.isdigit`` is not the test: it accepts superscripts and digits of other scripts that ``int`` refuses
    (``"¹"``, ``"᧚"``) or reads (``"٣"``), and ``int`` refuses more than 4,300 digits with a ValueError.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    if not re.fullmatch(r"[0-9]{1,18}", text) or not low <= int(text) <= high:
        raise FieldError(field, f"应为 {low} 至 {high} 的整数")
    return int(text)


def choice_text(value: str, *, field: str, max_length: int = 40) -> str:
    """A short choice or code as typed (an option label, a date, a login): stripped, checked, never echoed raw."""
    return clean_text(value, field=field, max_length=max_length, required=False)


# Emoji and pictographs (U+1F000 on: cards, emoticons, transport, symbols and pictographs) are refused in every
# text field, names and free text alike: court documents and the systems they go to cannot print them. Rare CJK
# characters of names (Extension B on, U+20000) are letters, not symbols, and stay.
EMOJI_START = 0x1F000


def clean_text(
    value: str,
    *,
    field: str,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
    form: Literal["NFC", "NFKC"] = "NFC",
) -> str:
    """Strip, normalise (NFC, or NFKC for keys that fold widths) and vet free text typed or pasted by a clerk.

    Everything is checked on the normalised text, length last: NFKC can lengthen a text (``㍿`` → ``株式会社``),
    so a caller that folds further must pass ``form="NFKC"`` rather than fold after this check.

    Line breaks of any convention become ``\\n`` first so pasted Windows text counts as one break.
    All format characters (Unicode category Cf: zero-width spaces and joiners, BOM, bidi embeddings,
    overrides and isolates) are refused because they hide or reorder text in documents, and so are emoji
    (:data:`EMOJI_START`): the one text rule of every field.  Private-use
    and not-yet-assigned code points are kept: rare characters in names live there.
    """
    text = unicodedata.normalize(form, value)
    for brk in _LINE_BREAKS:
        text = text.replace(brk, "\n")
    text = text.strip()
    if not text:
        if required:
            raise FieldError(field, "不能为空")
        return ""
    if not multiline and "\n" in text:
        raise FieldError(field, "不能包含换行")
    if not (text.isprintable() and max(text) < _EMOJI_FLOOR):  # printable: no Cc, Cf or Cs character at all
        _vet_characters(text, field)
    if len(text) > max_length:
        raise FieldError(field, f"不能超过 {max_length} 个字")
    return text


_EMOJI_FLOOR = chr(EMOJI_START)


def _vet_characters(text: str, field: str) -> None:
    """Character by character, for a text with a line break, a character str.isprintable() doubts (controls,
    format characters, private use, unassigned) or one from the emoji planes up (rare CJK included)."""
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" and ch != "\n":
            raise FieldError(field, "不能包含控制字符（如制表符）")
        if category == "Cf":
            raise FieldError(field, f"不能包含零宽或方向控制字符（U+{ord(ch):04X}）")
        if category == "Cs":
            raise FieldError(field, "含无效字符")
        if category == "So" and ord(ch) >= EMOJI_START:
            raise FieldError(field, f"不能包含表情符号（{ch}）")


# Han ideographs incl. all extensions up to Ext I, compatibility blocks, 〇, and the BMP private-use
# area (legacy systems map rare name characters there).  Ranges, not unicodedata names, so newer
# extensions are accepted even when Python's Unicode tables predate them.
_HAN_RANGES = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xE000, 0xF8FF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)
_NAME_DOTS = dict.fromkeys(map(ord, "•‧・∙⋅.\u2e31"), "·")  # after NFKC: ･→・, ．→.
_NAME_JOINERS = "-'"
PERSON_NAME_MAX = 50
_SPACES = re.compile(r"\s+")
_SPACED_DOT = re.compile(r"\s*·\s*")


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or any(lo <= code <= hi for lo, hi in _HAN_RANGES)  # the common block first


def _is_word_letter(ch: str) -> bool:
    """Latin or Cyrillic letter (foreign names; Inner Mongolia borders Russia and Mongolia)."""
    return ch.isalpha() and unicodedata.name(ch, "").startswith(("LATIN", "CYRILLIC"))


def normalize_person_name(value: str, *, field: str = "姓名") -> str:
    """Chinese name, or a minority / foreign name with the middle dot ``·`` (阿依古丽·买买提).

    NFKC folds full-width letters and the ideographic space; every dot look-alike becomes U+00B7 as
    printed on ID cards, and spaces around it are dropped.  Spaces are allowed only between letters
    of foreign words; ``-`` and ``'`` likewise (Jean-Pierre, O'Brien).  Traditional Mongolian script is
    not accepted: the Chinese form printed on the ID card is the one recorded.
    """
    text = clean_text(value, field=field, max_length=PERSON_NAME_MAX, form="NFKC").translate(_NAME_DOTS)
    text = _SPACED_DOT.sub("·", _SPACES.sub(" ", text))
    for ch in text:
        if not (_is_han(ch) or _is_word_letter(ch) or ch in " ·" + _NAME_JOINERS):
            raise FieldError(field, f"含非法字符“{ch}”")
    if text.startswith("·") or text.endswith("·") or "··" in text:
        raise FieldError(field, "间隔号“·”位置不正确")
    for i, ch in enumerate(text):
        if ch == " " or ch in _NAME_JOINERS:
            inner = 0 < i < len(text) - 1
            if not (inner and _is_word_letter(text[i - 1]) and _is_word_letter(text[i + 1])):
                what = "空格" if ch == " " else f"“{ch}”"
                raise FieldError(field, f"{what}只能用于外文姓名的字母之间")
    return text


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
    re.compile(r"(?P<y>[0-9]{4})([-/.])(?P<m>[0-9]{1,2})\2(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})[日号]?"),
)


# Every form parse_date accepts, named in its refusal: the hint and the parser agree (issue 11).
DATE_FORMS = "YYYY-MM-DD，如 2026-03-05；也可写 2026/3/5、2026.3.5、20260305 或 2026年3月5日"


def parse_date(value: str, *, field: str = "日期") -> date:
    """Parse 2026-03-05, 2026/3/5, 2026.3.5, 20260305 or 2026年3月5日 (full-width digits allowed)."""
    original = value.strip()
    text = _SPACES.sub("", unicodedata.normalize("NFKC", original))
    if not text:
        raise FieldError(field, "不能为空")
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match is not None:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                raise FieldError(field, f"日期无效：{original}") from None
    raise FieldError(field, f"日期格式应为 {DATE_FORMS}（收到：{original}）")
