"""The one test for characters no person types (kept free of heavy imports: the login path uses it)."""

from __future__ import annotations

import unicodedata

_REFUSED_CATEGORIES = ("Cc", "Cf", "Cs")


def has_control_characters(text: str, *, allow_newline: bool = False) -> bool:
    """Cc (NUL, tab, escape …), Cf (zero-width, bidi) or lone surrogates: never typed, never sent to a database."""
    return any(unicodedata.category(ch) in _REFUSED_CATEGORIES and not (allow_newline and ch == "\n") for ch in text)
