"""Files a run writes: a folder checked before anything is rendered, and each file written whole or not at all."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

from zhihui_tui.services.atomic_files import write_atomically
from zhihui_tui.services.errors import ServiceError

__all__ = ["check_writable", "file_sha256", "remove_quietly", "safe_name", "sha256_of", "write_atomically"]

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')  # also what Windows/WPS refuse when the folder is shared


def safe_name(text: str) -> str:
    """A case number as a folder name: （2026）内2221执1号 stays as it is; a path separator never gets through."""
    cleaned = _UNSAFE.sub("_", text).strip(" .")
    return cleaned or "_"


def check_writable(folder: Path, *, create: bool) -> None:
    """Refuse an output folder that cannot take files, before any document is rendered.

    With ``create`` the folder is made and a probe file written and removed; without (dry run) nothing is
    touched and the nearest existing folder must be writable."""
    if not create:
        probe = folder
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
            raise ServiceError(f"输出目录不可写：{folder}")
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-", delete=True):
            pass
    except OSError as error:
        raise ServiceError(f"输出目录不可写：{folder}（{error.strerror or error}）") from None


def sha256_of(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex (recorded for every document written)."""
    return hashlib.sha256(data).hexdigest()


def remove_quietly(paths: list[Path]) -> None:
    """Delete files written by a run that failed, ignoring the ones already gone."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of the file at ``path``, or None when it cannot be read."""
    try:
        return sha256_of(path.read_bytes())
    except OSError:
        return None
