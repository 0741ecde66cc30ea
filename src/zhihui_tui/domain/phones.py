"""Phone numbers as clerks type them: mainland mobiles, landlines with their area code and extension, either."""

from __future__ import annotations

import re
import unicodedata

from zhihui_tui.domain.errors import FieldError

# Dash look-alikes that IMEs and word processors produce; NFKC folds only some of them.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area codes are prefix-free (010, 02x, 0[3-9]xx), so a number written without a hyphen still splits
# in exactly one way.  Local numbers never start with 0 or 1 (trunk prefix / special services).
_LANDLINE = re.compile(
    r"(?P<area>010|02[0-9]|0[3-9][0-9]{2})-?(?P<local>[2-9][0-9]{3}-?[0-9]{3,4})"
    r"(?:(?:-|转|分机|ext\.?|x|#)(?P<ext>[0-9]{1,6}))?",
    re.IGNORECASE,
)


def _compact_phone(value: str) -> str:
    """Fold widths, unify dashes and drop spaces and brackets, which people type freely."""
    text = unicodedata.normalize("NFKC", value).translate(_DASHES)
    # Only plain spaces are typing slack; a pasted line break or tab means two values ran together.
    return re.sub(r"[ ()]", "", text)


def _strip_country_code(text: str) -> tuple[str, bool]:
    for prefix in ("+86", "0086"):
        if text.startswith(prefix):
            return text[len(prefix) :].lstrip("-"), True
    return text, False


def normalize_mobile(value: str, *, field: str = "手机号") -> str:
    """Return the 11-digit mainland mobile number; +86 / 0086 / 86, spaces and hyphens are tolerated."""
    text, _ = _strip_country_code(_compact_phone(value))
    text = text.replace("-", "")
    if len(text) == 13 and text.startswith("86"):  # bare 86: a mobile never starts with 8, so unambiguous
        text = text[2:]
    if not text:
        raise FieldError(field, "不能为空")
    if not _MOBILE.fullmatch(text):
        raise FieldError(field, "应为 1 开头的 11 位手机号")
    return text


def normalize_landline(value: str, *, field: str = "座机号") -> str:
    """Return ``0482-1234567`` or, with an extension, ``0482-1234567转123``.

    The area code is mandatory (parties live all over the country).  The extension is written with
    转 rather than a second hyphen because ``0482-1234567-123`` is easily misread as one number.
    """
    text, international = _strip_country_code(_compact_phone(value))
    if not text:
        raise FieldError(field, "不能为空")
    if international and not text.startswith("0"):
        text = "0" + text  # +86 482 ... drops the trunk prefix
    match = _LANDLINE.fullmatch(text)
    if match is None:
        raise FieldError(field, "格式应为 区号-号码，如 0482-1234567（分机写作 转123）")
    area, local = match["area"], match["local"].replace("-", "")
    if area[1] in "12" and len(local) != 8:  # 010 and 02x cities all have 8-digit numbers
        raise FieldError(field, f"区号 {area} 的号码应为 8 位")
    result = f"{area}-{local}"
    return f"{result}转{match['ext']}" if match["ext"] else result


def normalize_phone(value: str, *, field: str = "电话") -> str:
    """Mobile or landline; the shape decides which rules apply (and so which message the clerk sees)."""
    text, international = _strip_country_code(_compact_phone(value))
    text = text.replace("-", "")
    if not text:
        raise FieldError(field, "不能为空")
    if re.match(r"1[3-9]|861[3-9]", text):
        return normalize_mobile(value, field=field)
    if text.startswith("0") or international:  # +86 10 ... is Beijing, not a mobile
        return normalize_landline(value, field=field)
    raise FieldError(field, "应为 11 位手机号或带区号的座机号（如 0482-1234567）")
