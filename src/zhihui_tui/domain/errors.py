"""Errors raised by pure rules; every message is Chinese and meant for the clerk."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from zhihui_tui.domain.text_hygiene import shown

T = TypeVar("T")


class DomainError(ValueError):
    """A rule refused its input. ``message`` is shown to the user as it is: made safe to show here, once, for
    every refusal (:func:`~zhihui_tui.domain.text_hygiene.shown`), since many echo the value typed."""

    def __init__(self, message: str) -> None:
        message = shown(message)
        super().__init__(message)
        self.message = message


class FieldError(DomainError):
    """A single field holds a bad value. ``field`` is the Chinese field label."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}：{message}")
        self.field = field
        self.reason = shown(message)  # shown at the field itself


class FieldErrors(DomainError):
    """Several fields are bad at once; ``errors`` lets a form mark every one of them (R-Q-4: all reported at once)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"有 {len(errors)} 处填写有误：" + "；".join(error.message for error in errors))
        self.errors = errors


def attempt(errors: list[FieldError], check: Callable[[], T]) -> T | None:
    """Run one field check, collecting its ``FieldError`` so that every bad field is reported at once."""
    try:
        return check()
    except FieldError as error:
        errors.append(error)
        return None
