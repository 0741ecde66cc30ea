"""Small parsers the reception checks share: a choice by code or label, a one-line field, a time typed."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, time
from enum import StrEnum
from typing import TypeVar

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.validators import (
    clean_text,
    parse_date,
)

E = TypeVar("E", bound=StrEnum)


def choice(kind: type[E], value: E | str, field: str) -> E:
    """An enum member from a member, its code or its Chinese label."""
    if isinstance(value, kind):
        return value
    text = str(value).strip()
    for member in kind:
        if text in (member.value, getattr(member, "label", None)):
            return member
    choices = "、".join(getattr(m, "label", m.value) for m in kind)
    raise FieldError(field, f"无效的选项“{text}”；可选：{choices}")


def one_line(value: str, field: str, max_length: int, *, required: bool = False) -> str | None:
    """A one-line field: control characters, pasted line breaks and over-long text are refused."""
    text = clean_text(value, field=field, max_length=max_length, required=required)
    return text or None


_CLOCK_TIME = re.compile(r"(?P<h>[0-9]{1,2})[:：](?P<m>[0-9]{2})")


def parse_when(text: str, *, field: str, now: datetime) -> datetime:
    """Parse ``HH:MM`` (today) or ``YYYY-MM-DD HH:MM`` (also ``T``, ``/``, ``年月日``); empty means ``now``."""
    one_line(text, field, 40)
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return now
    day_part, _, time_part = value.replace("T", " ").rpartition(" ")
    day = parse_date(day_part, field=field) if day_part else now.date()
    match = _CLOCK_TIME.fullmatch(time_part.strip())
    if match is None:
        raise FieldError(field, f"格式应为 HH:MM 或 YYYY-MM-DD HH:MM（收到：{text.strip()}）")
    hour, minute = int(match["h"]), int(match["m"])
    if hour > 23 or minute > 59:
        raise FieldError(field, f"时间无效：{time_part.strip()}")
    return datetime.combine(day, time(hour, minute))
