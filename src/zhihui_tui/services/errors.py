"""Errors a service raises; the TUI shows ``message`` at the field, the CLI prints it on one line."""

from __future__ import annotations

from zhihui_tui.domain.errors import DomainError, FieldError

__all__ = ["ConcurrentEdit", "DomainError", "FieldError", "NotFound", "PermissionDenied", "ServiceError"]


class ServiceError(DomainError):
    """A use case refused to run; nothing was changed."""


class PermissionDenied(ServiceError):
    """The acting user's roles do not allow this (R-USER-1: checked here, not only hidden in the UI)."""


class NotFound(ServiceError):
    """The record asked for does not exist."""

    pass


class ConcurrentEdit(ServiceError):
    """Someone saved the same record first; the clerk sees who and when, and can reapply."""
