"""Idle-lock bookkeeping on a monotonic clock (wall-clock jumps and ``--as-of`` runs do not affect it)."""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_CHECK_INTERVAL = 5.0


class IdleWatch:
    """Remembers when the last key was pressed and says when the terminal has been idle too long."""

    def __init__(self, timeout: float, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        if timeout <= 0:
            raise ValueError("idle timeout must be positive")
        self.timeout = timeout
        self._monotonic = monotonic
        self._last = monotonic()

    def touch(self) -> None:
        self._last = self._monotonic()

    def expired(self) -> bool:
        return self._monotonic() - self._last >= self.timeout

    @property
    def check_every(self) -> float:
        """How often to look: often enough to lock within a few seconds of the limit, rarely enough to be free."""
        return max(0.05, min(self.timeout / 4, MAX_CHECK_INTERVAL))
