"""``zhihui`` without a subcommand: build the runtime, run the terminal app, return its exit code."""

from __future__ import annotations

import gc
import os
import signal
import sys

from zhihui_tui.domain.errors import DomainError
from zhihui_tui.runtime import Runtime

READY_FILE_ENV = "ZHIHUI_READY_FILE"
EXIT_BAD_OPTION = 2


def run_terminal_app(db: str | None, as_of: str | None) -> int:
    """0 after a normal quit; 1 when the database could not be used; 129 after SIGHUP; 2 for a bad option."""
    stdin = sys.__stdin__
    terminal_fd = stdin.fileno() if stdin is not None and stdin.isatty() else None  # before the slow imports
    try:
        runtime = Runtime.from_options(db=db, as_of=as_of)
    except DomainError as error:
        print(error.message, file=sys.stderr)
        return EXIT_BAD_OPTION
    except ValueError as error:  # e.g. a non-numeric ZHIHUI_IDLE_LOCK_MINUTES
        print(f"配置有误：{error}", file=sys.stderr)
        return EXIT_BAD_OPTION
    from zhihui_tui.tui.app import EXIT_HANGUP, ZhihuiApp

    ready_file = os.environ.get(READY_FILE_ENV) or None
    app = ZhihuiApp(runtime, ready_file=ready_file, handle_hangup=True, terminal_fd=terminal_fd)
    # A dropped link during start-up must still end the app: Textual would otherwise keep polling a dead terminal.
    previous = signal.signal(signal.SIGHUP, lambda *_: app.note_hangup())
    try:
        app.run()
    finally:
        signal.signal(signal.SIGHUP, previous)
        gc.enable()  # if the app ended before its first frame (``zhihui_tui.__main__`` turned it off)
        runtime.dispose()
    if terminal_fd is not None and not os.isatty(terminal_fd):
        return EXIT_HANGUP  # the terminal went away, whatever Textual made of writing to it
    return app.return_code or 0
