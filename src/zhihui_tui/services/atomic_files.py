"""Every report and document file is written through here: whole or not at all.

The bytes go to a hidden temporary file in the target's folder (same file system, so the rename is atomic), are
flushed to disk, and only then renamed over the target. A failure on the way — the disk full (ENOSPC) above all,
but any ``OSError`` — removes the temporary file and raises :class:`FileWriteError`, one Chinese line: no partial
file is ever left under the target's name, and the caller's transaction is rolled back by the raise.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from zhihui_tui.services.errors import ServiceError

__all__ = ["FileWriteError", "discard", "io_error", "io_reason", "place", "write_atomically", "write_temp"]

_IO_REASONS = {
    errno.ENOENT: "目录不存在",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EISDIR: "该路径是一个目录",
    errno.ENOTDIR: "路径中有一段不是目录",
}
READABLE_BY_CLERKS = 0o644  # mkstemp makes files owner-only; a report or document is opened by other clerks


class FileWriteError(ServiceError):
    """A file could not be written whole; nothing is left under its name. ``errno`` is the OS's reason."""

    def __init__(self, message: str, errno_: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno_


def io_reason(error: OSError) -> str:
    """Why a file operation failed, in Chinese where the cause is a common one."""
    return _IO_REASONS.get(error.errno or 0, error.strerror or str(error))


def io_error(target: Path, error: OSError) -> FileWriteError:
    """A file-system error on ``target`` as one line the clerk can act on."""
    return FileWriteError(f"无法写入 {target}：{io_reason(error)}", error.errno)


def write_temp(target: Path, content: bytes) -> Path:
    """A complete, synced copy next to ``target``, to be renamed with :func:`place` (or removed with
    :func:`discard`) once the caller's other work succeeded. On failure nothing is left behind."""
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as error:
        raise io_error(target, error) from None
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        temp.chmod(READABLE_BY_CLERKS)
    except OSError as error:
        discard(temp)
        raise io_error(target, error) from None
    except BaseException:
        discard(temp)
        raise
    return temp


def place(temp: Path, target: Path) -> None:
    """Rename the finished copy over ``target`` in one step, and make the rename itself durable."""
    try:
        os.replace(temp, target)
    except OSError as error:
        discard(temp)
        raise io_error(target, error) from None
    _sync_folder(target.parent)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (see the module docstring), making its folder first;
    raises :class:`FileWriteError`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise io_error(path, error) from None
    place(write_temp(path, data), path)


def discard(path: Path | None) -> None:
    """Remove a copy that must not stay (None: nothing was written; a file already gone is fine)."""
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    # The rename is in the folder's entry list: without this a power cut could bring back the old file.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
