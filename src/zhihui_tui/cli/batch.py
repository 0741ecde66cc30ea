"""What every cron command shares (R-CLI-2): one run at a time, and a log an operator can read.

- **One at a time.** ``exclusive(name)`` holds an exclusive ``flock`` on a lock file per command and database for
  the whole run; a second run started meanwhile exits 75 (EX_TEMPFAIL: "try again later", what cron wrappers
  understand) with one line naming the run that holds it. The kernel drops the lock when a run dies, kill -9
  included, so a crash never leaves a stale lock behind.
- **A log without personal data.** Each run's start, end and exit code go to a rotating file
  (``$ZHIHUI_LOG_FILE``, default ``<data>/logs/zhihui.log``, 5 × 5 MB). A failure is logged as its type and the
  frames it passed through — file, line, function — never the exception's text or local values, which may carry a
  party's name or ID number; a refusal's own Chinese message is logged with every run of digits masked.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer

from zhihui_tui.cli.common import fail
from zhihui_tui.runtime import Runtime

P = ParamSpec("P")
R = TypeVar("R")
BUSY = 75  # EX_TEMPFAIL
LOG_ENV = "ZHIHUI_LOG_FILE"
_LOGGER = "zhihui.batch"


def lock_path(database_url: str, name: str) -> Path:
    """The lock file of one command against one database (so two courts' databases never block each other)."""
    folder = Path(tempfile.gettempdir()) / "zhihui-locks"
    folder.mkdir(mode=0o700, exist_ok=True)
    key = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return folder / f"{key}-{name.replace(' ', '-')}.lock"


@contextmanager
def held(database_url: str, name: str) -> Iterator[None]:
    """Hold the command's lock for the block, or exit 75 naming who holds it."""
    try:
        path = lock_path(database_url, name)
        handle = path.open("a+", encoding="utf-8")
    except OSError as error:  # another account's lock folder or file: say so instead of a traceback
        fail(f"无法打开运行锁文件（{error.strerror or error}）：批处理命令应以同一服务账户运行")
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "另一进程"
            fail(f"zhihui {name} 已在运行（{holder}），本次未执行；请稍后再试", code=BUSY)
        handle.seek(0)
        handle.truncate()
        handle.write(f"进程 {os.getpid()}，{datetime.now():%Y-%m-%d %H:%M:%S} 开始")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def exclusive(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the command under its lock and log its run (see the module)."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            rt = _current_runtime()
            log = batch_logger(rt.data_dir)
            started = time.monotonic()
            with held(rt.database_url, name):
                log.info("%s 开始", name)
                code = 0
                try:
                    return func(*args, **kwargs)
                except typer.Exit as done:
                    code = done.exit_code
                    raise
                except BaseException as error:
                    code = 1
                    log.error("%s 异常 %s\n%s", name, type(error).__name__, frames(error))
                    raise
                finally:
                    log.info("%s 结束，退出码 %s，用时 %.1f 秒", name, code, time.monotonic() - started)

        return wrapper

    return decorate


def _current_runtime() -> Runtime:
    """The running command's runtime, from the context Typer keeps for it (``ctx`` may be passed by position)."""
    from typer._click.globals import get_current_context

    root = get_current_context().find_root().obj
    assert isinstance(root, Runtime)
    return root


def frames(error: BaseException) -> str:
    """Where an exception went, frame by frame, without its message or any value."""
    summary = traceback.extract_tb(error.__traceback__)
    return "\n".join(f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in summary)


_DIGITS = re.compile(r"\d{6,}")


def redact(text: str) -> str:
    """Mask every run of six or more digits (ID numbers, phones, accounts) but its first and last two."""
    return _DIGITS.sub(lambda m: m[0][:2] + "*" * (len(m[0]) - 4) + m[0][-2:], text)


def batch_logger(data_dir: Path) -> logging.Logger:
    """The rotating run log (configured once per process)."""
    log = logging.getLogger(_LOGGER)
    if not log.handlers:
        path = Path(os.environ.get(LOG_ENV) or data_dir / "logs" / "zhihui.log")
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8")
        handler.setFormatter(_Redacting("%(asctime)s %(process)d %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    return log


class _Redacting(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
