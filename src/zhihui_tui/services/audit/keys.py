"""The audit key file outside the database: where it lives, how it is read, created and refused."""

import os
import secrets
import stat
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from zhihui_tui.db.models import AuditChainKey, AuditHead
from zhihui_tui.services.errors import ServiceError

KEY_BYTES = 32
# Tests and embedding callers may put the key bytes here instead of a file.
SESSION_KEY = "audit_key"


class AuditKeyError(ServiceError):
    """The key file is missing where it is needed, unsafe or damaged; nothing was written."""


def key_file_path() -> Path:
    """``$ZHIHUI_AUDIT_KEY_FILE``, else ``audit.key`` in the data folder (outside the database, owner-only)."""
    from zhihui_tui import settings

    configured = os.environ.get("ZHIHUI_AUDIT_KEY_FILE")
    return Path(configured).expanduser().resolve() if configured else settings.data_dir() / "audit.key"


def seal_log_path() -> Path:
    """``$ZHIHUI_AUDIT_SEAL_LOG``, else ``audit-seal.log`` in the data folder."""
    from zhihui_tui import settings

    configured = os.environ.get("ZHIHUI_AUDIT_SEAL_LOG")
    return Path(configured).expanduser().resolve() if configured else settings.data_dir() / "audit-seal.log"


# (inode, mtime, mode, size) -> key, per path: one stat per write instead of an open and a read.
_key_cache: dict[Path, tuple[tuple[int, int, int, int], bytes]] = {}


def read_key(path: Path) -> bytes | None:
    """The key in ``path``, or None when there is no file. Refuses a key others can read: it would prove
    nothing, and a warning in a cron mail is easily missed."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    signature = (info.st_ino, info.st_mtime_ns, info.st_mode, info.st_size)
    cached = _key_cache.get(path)
    if cached and cached[0] == signature:
        return cached[1]
    if not stat.S_ISREG(info.st_mode):
        raise AuditKeyError(f"审计密钥文件 {path} 不是普通文件")
    if info.st_mode & 0o077:
        raise AuditKeyError(
            f"审计密钥文件 {path} 的权限为 {stat.S_IMODE(info.st_mode):04o}，其他账户可读，密钥已不可信；"
            f"请运行 chmod 600 {path}（只许运行本系统的服务账户读取）"
        )
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise AuditKeyError(f"审计密钥文件 {path} 已损坏（应为 {KEY_BYTES} 字节，实际 {len(key)} 字节），请从备份恢复")
    _key_cache[path] = (signature, key)
    return key


def ensure_key(path: Path) -> tuple[bytes, bool]:
    """The key in ``path``, creating it (32 random bytes, mode 0600) when absent; True when it was created."""
    existing = read_key(path)
    if existing is not None:
        return existing, False
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    # Written whole under a private name, then linked into place: no process ever reads a half-written key,
    # and of two processes creating it at once, one wins and the other uses its key.
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(draft, path)
    except FileExistsError:
        theirs = read_key(path)
        assert theirs is not None
        return theirs, False
    finally:
        draft.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return key, True


def _fsync_dir(folder: Path) -> None:
    """Make a new file's name durable too (POSIX; skipped where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prepare_key(engine: Engine) -> tuple[Path, bool]:
    """At ``db upgrade``: the key file, created while no keyed row exists yet; True when it was created."""
    with engine.execution_options(sqlite_begin="DEFERRED").connect() as connection:
        last_id = connection.execute(select(AuditHead.last_id)).scalar() or 0  # type: ignore[call-overload]
        keyed_from = connection.execute(select(AuditChainKey.keyed_from)).scalar() or 1  # type: ignore[call-overload]
    path = key_file_path()
    if read_key(path) is not None:
        return path, False
    _file_key(path, last_id, keyed_from)
    return path, True


def _keyed_from(session: Session) -> int | None:
    return session.connection().execute(select(AuditChainKey.keyed_from)).scalar()  # type: ignore[call-overload]


def _write_key(session: Session, last_id: int, keyed_from: int) -> bytes:
    """The key for new rows: from the session if injected, else the key file, created while no keyed row
    exists yet. A missing key once keyed rows exist is refused: a new key would break the chain."""
    injected = session.info.get(SESSION_KEY)
    if injected is not None:
        return bytes(injected)
    return _file_key(key_file_path(), last_id, keyed_from)


def _file_key(path: Path, last_id: int, keyed_from: int) -> bytes:
    """The key file's key; created when absent only while the chain has no keyed row."""
    if last_id < keyed_from:
        return ensure_key(path)[0]
    key = read_key(path)
    if key is None:
        raise AuditKeyError(
            f"审计密钥文件 {path} 不存在，而第 {keyed_from} 条起的审计记录是用它签名的：请从备份恢复该文件"
            "（或用 ZHIHUI_AUDIT_KEY_FILE 指向它）；在此之前不能写入"
        )
    return key
