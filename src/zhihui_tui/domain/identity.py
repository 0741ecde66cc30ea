"""A party's identity number, one rule and one set of messages for every entry point (issue 11): the 接待台账 (F2),
the filing form (F3) and both importers call :func:`identify`, so one bad number reads the same everywhere."""

from __future__ import annotations

import contextlib
import unicodedata
from datetime import date

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.validators import normalize_credit_code, normalize_resident_id

PERSON_ID, ORGANISATION_ID = "person", "organisation"
NOT_A_RESIDENT_ID = "不是有效的居民身份证号"
NOT_A_CREDIT_CODE = "不是有效的统一社会信用代码"


def _looks_personal(text: str) -> bool:
    """15 digits, or 18 characters with at most one slip among the first 17 (O for 0, Z for 2): a person's number
    mistyped. A credit code carries letters in its body; an all-digit one is still tried when this says person."""
    if text.isdigit():  # digits only, of whatever length: a person's number missing or gaining a digit
        return True
    return len(text) == 18 and sum(not c.isdigit() for c in text[:17]) <= 1


def identify(value: str, *, field: str, today: date | None = None, kind: str | None = None) -> tuple[str, str]:
    """(kind, number) of a party's identity number, with one set of messages for every entry point (F2, F3, both
    importers): a person's 居民身份证号 or an organisation's 统一社会信用代码.

    ``kind`` (``"person"``/``"organisation"``) is checked as given; None lets the number's shape decide — digits
    throughout but for a slip is a person's number, so a mistyped check digit is reported as
    an ID-number error, never as a bad credit code; an all-digit credit code (rare, legal) is still accepted."""
    text = unicodedata.normalize("NFKC", value).strip().upper()
    if not text:
        raise FieldError(field, "不能为空（自然人填居民身份证号，单位填统一社会信用代码）")
    if kind == PERSON_ID or (kind is None and _looks_personal(text)):
        try:
            return PERSON_ID, normalize_resident_id(text, field=field, today=today)
        except FieldError as as_person:
            if kind is None:
                with contextlib.suppress(FieldError):
                    return ORGANISATION_ID, normalize_credit_code(text, field=field)
            raise FieldError(field, f"{NOT_A_RESIDENT_ID}：{as_person.reason}") from None
    if kind is None and len(text) != 18:
        raise FieldError(field, f"“{value.strip()}”应为 18 位居民身份证号或统一社会信用代码")
    try:
        return ORGANISATION_ID, normalize_credit_code(text, field=field)
    except FieldError as as_code:
        raise FieldError(field, f"{NOT_A_CREDIT_CODE}：{as_code.reason}") from None
