"""clean_text skips its character-by-character vetting for printable text below the emoji planes (issue 12: the
import's parse spent a fifth of its time there); the shortcut must refuse and accept exactly what the full
vetting does."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.validators import _LINE_BREAKS, _vet_characters, clean_text


def _full_vetting(value: str) -> str | None:
    """The message the character loop gives for the normalised, stripped text, or None."""
    text = unicodedata.normalize("NFC", value).strip()
    try:
        _vet_characters(text, "名称")
    except FieldError as error:
        return str(error)
    return None


@given(st.text(max_size=30))
def test_shortcut_agrees_with_the_full_vetting(value: str) -> None:
    text = unicodedata.normalize("NFC", value).strip()
    if not text or "\n" in text or any(brk in text for brk in _LINE_BREAKS):
        return  # empty and line breaks are refused before the vetting
    expected = _full_vetting(value)
    if expected is None:
        assert clean_text(value, field="名称", max_length=1000) == text
    else:
        with pytest.raises(FieldError) as refused:
            clean_text(value, field="名称", max_length=1000)
        assert str(refused.value) == expected


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("张三", True),
        ("𠮷野家", True),  # a rare CJK character (Extension B): past the shortcut, still a letter
        ("\ue000王", True),  # private use: kept
        ("王\u200b五", False),  # zero-width space (Cf)
        ("王\u202e五", False),  # bidi override
        ("王\t五", False),  # control
        ("王😀", False),  # emoji
    ],
)
def test_examples_either_side_of_the_shortcut(value: str, accepted: bool) -> None:
    if accepted:
        assert clean_text(value, field="名称", max_length=50) == value
    else:
        with pytest.raises(FieldError):
            clean_text(value, field="名称", max_length=50)
