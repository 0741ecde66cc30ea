"""The one test for characters no person types (kept free of heavy imports: the login path uses it)."""

from __future__ import annotations

import unicodedata

_REFUSED_CATEGORIES = ("Cc", "Cf", "Cs")
SHOWN_MAX = 1000  # a refusal longer than this echoes a huge value: its head and tail say enough
_SHOWN_HEAD = 300
REPLACEMENT = "\ufffd"


def has_control_characters(text: str, *, allow_newline: bool = False) -> bool:
    """Cc (NUL, tab, escape …), Cf (zero-width, bidi) or lone surrogates: never typed, never sent to a database."""
    return any(unicodedata.category(ch) in _REFUSED_CATEGORIES and not (allow_newline and ch == "\n") for ch in text)


def shown(message: str) -> str:
    """A message as a person may read it on one line: clipped to :data:`SHOWN_MAX` characters, and every control,
    format or lone surrogate character shown as U+FFFD.

    Refusals echo what was typed (“（收到：…）”); echoed raw, an escape sequence would drive the clerk's terminal, a
    bidi override would reorder the line, a line break would split the one line cron mails, a lone surrogate
    cannot be encoded for output at all, and a pasted megabyte would fill the screen.
    """
    if len(message) > SHOWN_MAX:
        message = message[:_SHOWN_HEAD] + "…" + message[len(message) - (SHOWN_MAX - _SHOWN_HEAD - 1) :]
    if not has_control_characters(message):
        return message
    return "".join(REPLACEMENT if unicodedata.category(ch) in _REFUSED_CATEGORIES else ch for ch in message)
