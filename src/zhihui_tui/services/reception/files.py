"""Writing a report file whole or not at all: a synced temporary copy next to the target, renamed over it, and
errors of the file system worded for the clerk."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from zhihui_tui.services.errors import ServiceError

_IO_REASONS = {
    errno.ENOENT: "目录不存在",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "文件系统只读",
    errno.ENOSPC: "磁盘空间不足",
    errno.EISDIR: "该路径是一个目录",
    errno.ENOTDIR: "路径中有一段不是目录",
}


def io_reason(error: OSError) -> str:
    """Why a file operation failed, in Chinese where the cause is a common one."""
    return _IO_REASONS.get(error.errno or 0, error.strerror or str(error))


def io_error(target: Path, error: OSError) -> ServiceError:
    """A file-system error on ``target`` as one line the clerk can act on."""
    return ServiceError(f"无法写入 {target}：{io_reason(error)}")


def write_temp(target: Path, content: bytes) -> Path:
    """A complete, synced copy next to ``target`` (same file system, so the rename is atomic)."""
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise io_error(target, error) from None
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        temp.chmod(0o644)  # mkstemp makes it owner-only; a report is opened by other clerks
    except OSError as error:
        discard(temp)
        raise io_error(target, error) from None
    return temp


def place(temp: Path, target: Path) -> None:
    """Rename the finished copy over ``target`` in one step."""
    try:
        os.replace(temp, target)
    except OSError as error:
        raise io_error(target, error) from None


def discard(path: Path | None) -> None:
    """Remove a copy that must not stay (None: nothing was written)."""
    if path is not None:
        path.unlink(missing_ok=True)
