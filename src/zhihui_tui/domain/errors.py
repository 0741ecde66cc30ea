"""Errors raised by pure rules; every message is Chinese and meant for the clerk."""

from __future__ import annotations


class DomainError(ValueError):
    """A rule refused its input. ``message`` is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FieldError(DomainError):
    """A single field holds a bad value. ``field`` is the Chinese field label."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}：{message}")
        self.field = field
        self.reason = message
