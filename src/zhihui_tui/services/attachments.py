"""Attachment store (R-CLU-1, R-Q-4): files copied under their SHA-256, never overwritten, stored once.

The store is a directory handed in by the caller (``Runtime.data_dir / "attachments"``). A file's bytes live at
``<store>/<sha[:2]>/<sha>``. Copying streams in chunks while hashing, into a temporary name in the store, synced,
then renamed into place — a failure leaves no half-copied file under a final name. If the final name exists the
content is already stored and the copy is dropped (the existing file is never touched).

Storing the bytes and recording the row are two steps: :func:`store_file` (slow; run it in a worker) and
:func:`record_attachment` (inside the caller's unit of work). A stored file whose row was never written is
harmless: content-addressed, it is reused by the next upload of the same bytes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Attachment
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import (
    F_FILE,
    HEAD_BYTES,
    AttachmentKind,
    FileType,
    check_file_type,
    sniff_file_type,
)
from zhihui_tui.domain.text_hygiene import has_control_characters
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import ServiceError

CHUNK = 1024 * 1024  # 1 MiB: a 50 MB video reports progress ~50 times
MAX_SIZE = 4 * 1024**3  # 4 GiB: larger is not a court exhibit the store should take
Progress = Callable[[int, int], None]  # (bytes done, total bytes)


@dataclass(frozen=True)
class StoredFile:
    """A file copied into the attachment store: its checksum and size, type, original name and kind."""

    sha256: str
    size: int
    file_type: FileType
    original_name: str
    kind: AttachmentKind
    already_stored: bool  # the same content was in the store before this upload


@dataclass(frozen=True)
class AttachmentView:
    """One attachment as a screen lists it, with what its record says the stored bytes are."""

    id: int
    kind: AttachmentKind
    original_name: str
    file_type: str
    size: int
    sha256: str
    added_at: datetime

    @property
    def size_text(self) -> str:
        """The size for people (B, KB, MB, GB)."""
        return human_size(self.size)


def human_size(size: int) -> str:
    """``size`` bytes for people: B, KB, MB or GB with one decimal."""
    if size < 1024:
        return f"{size} B"
    if size < 1024**2:
        return f"{size / 1024:.1f} KB"
    if size < 1024**3:
        return f"{size / 1024**2:.1f} MB"
    return f"{size / 1024**3:.2f} GB"


def blob_path(store: Path, sha256: str) -> Path:
    """Where the bytes with this checksum live in the store (two-character fan-out folders)."""
    return store / sha256[:2] / sha256


# -- checks before copying ---------------------------------------------------------------------------------


def _open_error(name: str, error: OSError) -> FieldError:
    if isinstance(error, FileNotFoundError):
        return FieldError(F_FILE, f"找不到文件“{name}”")
    if isinstance(error, IsADirectoryError):
        return FieldError(F_FILE, f"“{name}”是目录，不是文件")
    if isinstance(error, PermissionError):
        return FieldError(F_FILE, f"无权读取“{name}”")
    return FieldError(F_FILE, f"无法读取“{name}”：{error.strerror or error}")


ORIGINAL_NAME_MAX = 255  # Attachment.original_name


def file_name(source: Path) -> str:
    """The name recorded and shown for a file: NFC, checked like typed text. A name with control or bidi characters
    (``照片\u202egpj.exe``), or with bytes that are not UTF-8 (a GBK-named file off a USB stick, which Python hands
    over as lone surrogates that PostgreSQL cannot store), is refused before any byte is copied."""
    name = unicodedata.normalize("NFC", source.name or str(source))
    if has_control_characters(name):
        raise FieldError(F_FILE, "文件名含控制字符、方向控制字符或无法识别的编码，请重命名后再上传")
    if len(name) > ORIGINAL_NAME_MAX:
        raise FieldError(F_FILE, f"文件名不能超过 {ORIGINAL_NAME_MAX} 个字，请重命名后再上传")
    return name


def inspect_file(source: Path, kind: AttachmentKind) -> tuple[FileType, int]:
    """Refuse a file that is missing, unreadable, empty or not what its kind claims; return (type, size)."""
    name = file_name(source)
    try:
        if not source.exists():
            raise FileNotFoundError(errno.ENOENT, "not found")
        if source.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory")
        with source.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
            size = os.fstat(stream.fileno()).st_size
    except OSError as error:
        raise _open_error(name, error) from None
    if size == 0 or not head:
        raise FieldError(F_FILE, f"“{name}”是空文件")
    if size > MAX_SIZE:
        raise FieldError(F_FILE, f"“{name}”超过 {human_size(MAX_SIZE)}")
    found = sniff_file_type(head, zip_names=_zip_names(source) if head.startswith(b"PK\x03\x04") else ())
    return check_file_type(kind, found, name=name), size


def _zip_names(source: Path) -> list[str]:
    try:
        with zipfile.ZipFile(source) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return []


# -- copying -------------------------------------------------------------------------------------------------


def store_file(
    source: Path,
    store: Path,
    kind: AttachmentKind,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] = lambda: False,
) -> StoredFile:
    """Copy ``source`` into the store, hashing as it streams; returns what was stored.

    Raises ``FieldError`` for a bad file (nothing copied) and ``ServiceError`` when the store cannot be written
    (the temporary copy is removed).
    """
    file_type, size = inspect_file(source, kind)
    try:
        store.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=store, prefix=".incoming-", suffix=".tmp")
    except OSError as error:
        raise ServiceError(f"附件库 {store} 无法写入：{error.strerror or error}") from None
    temp = Path(temp_name)
    try:
        digest, copied = _copy_hashing(source, handle, size, progress, cancelled)
        target = blob_path(store, digest)
        already = target.exists()
        if already:
            temp.unlink()
        else:
            target.parent.mkdir(exist_ok=True)
            temp.chmod(0o444)  # stored evidence is read-only
            _place_new(temp, target)
    except FieldError:
        temp.unlink(missing_ok=True)
        raise
    except OSError as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, FileNotFoundError | PermissionError) and not temp.parent.exists():
            raise ServiceError(f"附件库 {store} 无法写入：{error.strerror or error}") from None
        raise ServiceError(f"复制“{source.name}”失败：{error.strerror or error}；未保存任何内容") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return StoredFile(digest, copied, file_type, file_name(source), kind, already)


def _copy_hashing(
    source: Path, handle: int, size: int, progress: Progress | None, cancelled: Callable[[], bool]
) -> tuple[str, int]:
    digest = hashlib.sha256()
    copied = 0
    with os.fdopen(handle, "wb") as out:
        try:
            stream = source.open("rb")
        except OSError as error:
            raise _open_error(source.name, error) from None
        with stream:
            while chunk := stream.read(CHUNK):
                if cancelled():
                    raise FieldError(F_FILE, "已取消上传；未保存任何内容")
                out.write(chunk)
                digest.update(chunk)
                copied += len(chunk)
                if progress is not None:
                    progress(copied, max(size, copied))
        out.flush()
        os.fsync(out.fileno())
    if copied == 0:
        raise FieldError(F_FILE, f"“{source.name}”是空文件")
    return digest.hexdigest(), copied


def _place_new(temp: Path, target: Path) -> None:
    """Move into place without ever replacing an existing blob (a concurrent upload of the same bytes wins)."""
    try:
        os.link(temp, target)
    except FileExistsError:
        pass  # the same content arrived meanwhile: keep the one already there
    except OSError:
        # File systems without hard links: a rename is still atomic; recheck first so nothing is overwritten.
        if not target.exists():
            os.replace(temp, target)
            return
    temp.unlink(missing_ok=True)


def verify_blob(store: Path, sha256: str, *, expected_size: int | None = None) -> bool:
    """Recompute a stored file's checksum: True when the bytes still match their name (and size)."""
    path = blob_path(store, sha256)
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError:
        return False
    return digest.hexdigest() == sha256 and (expected_size is None or size == expected_size)


# -- rows ------------------------------------------------------------------------------------------------------


def record_attachment(
    session: Session, stored: StoredFile, *, owner_kind: str, owner_id: int, actor_id: int, at: datetime
) -> Attachment:
    """Write the attachment row inside the caller's unit of work (audited there)."""
    row = Attachment(
        owner_kind=owner_kind,
        owner_id=owner_id,
        kind=stored.kind.value,
        file_type=stored.file_type.value,
        original_name=stored.original_name,  # file_name() already refused longer names
        sha256=stored.sha256,
        size=stored.size,
        added_by_id=actor_id,
        added_at=at,
    )
    session.add(row)
    return row


def list_attachments(*, owner_kind: str, owner_id: int, ctx: ServiceContext) -> list[AttachmentView]:
    """The files of one owner record, in upload order."""
    with read_session(ctx.engine) as session:
        return attachments_for(session, [(owner_kind, owner_id)])


def attachments_for(session: Session, owners: Sequence[tuple[str, int]]) -> list[AttachmentView]:
    """The files of several owners ((owner_kind, owner_id) pairs), in upload order; read through the owner index."""
    if not owners:
        return []
    kind_of, owner_of = col(Attachment.owner_kind), col(Attachment.owner_id)
    rows = session.exec(
        select(Attachment)
        .where(or_(*(and_(kind_of == kind, owner_of == owner) for kind, owner in owners)))
        .order_by(col(Attachment.id))
    ).all()
    return [
        AttachmentView(
            id=row.id or 0,
            kind=AttachmentKind(row.kind),
            original_name=row.original_name,
            file_type=row.file_type,
            size=row.size,
            sha256=row.sha256,
            added_at=row.added_at,
        )
        for row in rows
    ]
