"""A dropped terminal (the SSH link gone): the app keeps a draft of each form in progress, then ends in order.

Kept apart from the App's posts, keys and palette so that class stays small; :class:`HangUpApp` is its base.
"""

from __future__ import annotations

import asyncio
import os
import signal
from dataclasses import replace

from textual.app import App

from zhihui_tui.domain.drafts import FormDraft
from zhihui_tui.tui.compat import screens_by_mode

EXIT_HANGUP = 128 + 1  # the shell convention for "ended by SIGHUP"
TERMINAL_CHECK_SECONDS = 2.0


class HangUpApp(App[None]):
    """An app that ends in order when its terminal goes away: on SIGHUP, or when its tty stops being one."""

    def __init__(self, *, handle_hangup: bool = False, terminal_fd: int | None = None) -> None:
        super().__init__()
        self.handle_hangup = handle_hangup
        self.terminal_fd = terminal_fd  # the tty to watch for a hang-up that sends no signal
        self.hung_up = False
        self._hangup_pending = False

    def _install_hangup_handler(self) -> None:
        """From mount on, SIGHUP goes through the event loop (its wake-up fd: handled at once, on any thread).

        Some wrappers (``nohup``, a session leader that ignores SIGHUP) never pass the signal on; Textual then
        polls the dead terminal for ever. So the app also checks that its terminal is still one."""
        if self.handle_hangup and hasattr(signal, "SIGHUP"):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.hang_up)
        if self.terminal_fd is not None:
            self.set_interval(TERMINAL_CHECK_SECONDS, self._check_terminal)
            self._check_terminal()
        if self._hangup_pending:
            self.hang_up()

    def _check_terminal(self) -> None:
        # A hung-up tty answers every ioctl with EIO, so isatty() turns False.
        if self.terminal_fd is not None and not os.isatty(self.terminal_fd):
            self.hang_up()

    def note_hangup(self) -> None:
        """SIGHUP before the app is mounted (``run.py`` installs this early): hang up as soon as it is."""
        self._hangup_pending = True

    def on_unmount(self) -> None:
        if self.handle_hangup and hasattr(signal, "SIGHUP"):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    def hang_up(self) -> None:
        """The terminal is gone (SIGHUP, or a tty that hung up): keep a draft of every form in progress (each
        screen's ``save_draft()``), then leave in order: workers cancelled, screens unmounted, the engine
        disposed by the caller. Nothing here may keep the app from ending."""
        if self.hung_up:
            return
        self.hung_up = True
        try:
            drafts = self.collect_drafts()
            if drafts:
                self.store_drafts(drafts)
        except Exception as error:  # the database gone too, say: the exit still happens
            self.log.error(f"drafts not kept: {error!r}")
        self.exit(return_code=EXIT_HANGUP)

    def collect_drafts(self) -> list[FormDraft]:
        """Every post's screens are asked, not only the current one's: a form left half-typed on F3 while on
        F2 counts too. A screen answers a :class:`FormDraft` (or None: nothing typed); the post it was typed on
        is filled in from its mode."""
        drafts: list[FormDraft] = []
        for mode, screen in screens_by_mode(self):
            save_draft = getattr(screen, "save_draft", None)
            if not callable(save_draft):
                continue
            try:
                draft = save_draft()
            except Exception as error:  # one failing form must not cost the others their drafts
                self.log.error(f"draft of {screen!r} not kept: {error!r}")
                continue
            if isinstance(draft, FormDraft):
                drafts.append(draft if draft.post else replace(draft, post=mode))
        return drafts

    def store_drafts(self, drafts: list[FormDraft]) -> None:
        """Keep the drafts (synchronously: the process is about to end). The app with a database overrides it."""
