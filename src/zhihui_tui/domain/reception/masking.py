"""Personal data masked for the ledger and the screens (R-Q-3)."""

from __future__ import annotations

# -- R-Q-3: masking personal data ----------------------------------------------------------------------------


def mask_id_number(value: str | None) -> str:
    """Keep the first 6 and last 4 characters of an ID number (region and check digits), star the rest."""
    if not value:
        return ""
    if len(value) > 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) > 4:
        return value[:1] + "*" * (len(value) - 2) + value[-1:]
    return "*" * len(value)


def mask_phone(value: str | None) -> str:
    """Keep the first 3 and last 4 digits (``138****8000``, ``048*-***3383``); separators are kept."""
    if not value:
        return ""
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) <= 7:
        return "*" * len(value)
    hidden = set(digits[3:-4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))
