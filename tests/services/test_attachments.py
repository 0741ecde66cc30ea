"""The attachment store (R-CLU-1, R-Q-4): SHA-256 names, checksums verified, duplicates stored once, never
overwritten, nothing half-copied on failure, bad files refused before a byte is copied."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import AttachmentKind, FileType
from zhihui_tui.services import attachments
from zhihui_tui.services.attachments import blob_path, human_size, inspect_file, store_file, verify_blob
from zhihui_tui.services.errors import ServiceError

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def files_in(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob("*") if p.is_file())


def test_file_is_stored_under_its_checksum_and_verifies(tmp_path: Path) -> None:
    store = tmp_path / "attachments"
    source = write(tmp_path / "现场照片.jpg", JPEG)
    stored = store_file(source, store, AttachmentKind.PHOTO)
    digest = hashlib.sha256(JPEG).hexdigest()
    assert (stored.sha256, stored.size, stored.file_type) == (digest, len(JPEG), FileType.JPEG)
    assert stored.original_name == "现场照片.jpg" and not stored.already_stored
    assert blob_path(store, digest).read_bytes() == JPEG
    assert files_in(store) == [blob_path(store, digest)]  # no temporary left behind
    assert verify_blob(store, digest, expected_size=len(JPEG))
    assert not os.access(blob_path(store, digest), os.W_OK) or os.geteuid() == 0  # read-only evidence


def test_duplicate_content_is_stored_once_and_never_overwritten(tmp_path: Path) -> None:
    store = tmp_path / "attachments"
    first = store_file(write(tmp_path / "a.png", PNG), store, AttachmentKind.PHOTO)
    before = blob_path(store, first.sha256).stat()
    second = store_file(write(tmp_path / "copy of a.png", PNG), store, AttachmentKind.PHOTO)
    assert second.sha256 == first.sha256 and second.already_stored
    after = blob_path(store, first.sha256).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert len(files_in(store)) == 1


def test_tampered_blob_fails_verification(tmp_path: Path) -> None:
    store = tmp_path / "attachments"
    stored = store_file(write(tmp_path / "t.pdf", PDF), store, AttachmentKind.TRANSCRIPT)
    path = blob_path(store, stored.sha256)
    path.chmod(0o644)
    path.write_bytes(PDF + b"x")
    assert not verify_blob(store, stored.sha256)
    assert not verify_blob(store, "0" * 64)


def test_docx_and_video_are_recognised(tmp_path: Path) -> None:
    store = tmp_path / "attachments"
    assert store_file(write(tmp_path / "f.docx", docx_bytes()), store, AttachmentKind.SURVEY_FORM).file_type is (
        FileType.DOCX
    )
    video = write(tmp_path / "v.mp4", MP4_HEAD + os.urandom(3 * attachments.CHUNK + 17))
    seen: list[tuple[int, int]] = []
    stored = store_file(video, store, AttachmentKind.VIDEO, progress=lambda done, total: seen.append((done, total)))
    assert stored.file_type is FileType.MP4
    assert len(seen) == 4 and seen[-1] == (stored.size, stored.size)  # streamed in chunks, progress each time
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.parametrize(
    ("name", "content", "kind", "reason"),
    [
        ("空.jpg", b"", AttachmentKind.PHOTO, "空文件"),
        ("fake.jpg", PDF, AttachmentKind.PHOTO, "内容是 PDF，不是图片"),
        ("fake.mp4", JPEG, AttachmentKind.VIDEO, "不是视频"),
        ("notes.pdf", b"just text", AttachmentKind.TRANSCRIPT, "不是可识别的笔录"),
        ("bare.docx", b"PK\x03\x04" + b"\x00" * 40, AttachmentKind.SURVEY_FORM, "不是可识别的现场情况调查表"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    tmp_path: Path, name: str, content: bytes, kind: AttachmentKind, reason: str
) -> None:
    store = tmp_path / "attachments"
    with pytest.raises(FieldError, match=reason) as raised:
        store_file(write(tmp_path / name, content), store, kind)
    assert raised.value.field == "附件"
    assert files_in(store) == [] if store.exists() else True


def test_missing_file_and_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FieldError, match="找不到文件"):
        inspect_file(tmp_path / "nowhere.jpg", AttachmentKind.PHOTO)
    with pytest.raises(FieldError, match="是目录"):
        inspect_file(tmp_path, AttachmentKind.PHOTO)


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path / "locked.jpg", JPEG)
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self == source:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", refuse)  # chmod 000 does not stop root, who runs CI here
    with pytest.raises(FieldError, match="无权读取"):
        store_file(source, tmp_path / "attachments", AttachmentKind.PHOTO)
    assert not (tmp_path / "attachments").exists() or files_in(tmp_path / "attachments") == []


def test_failure_mid_copy_leaves_nothing_behind(tmp_path: Path) -> None:
    store = tmp_path / "attachments"
    video = write(tmp_path / "v.mov", b"\x00\x00\x00\x14ftypqt  " + os.urandom(3 * attachments.CHUNK))

    def disk_full(done: int, _total: int) -> None:
        if done >= 2 * attachments.CHUNK:
            raise OSError(28, "No space left on device")

    with pytest.raises(ServiceError, match="未保存任何内容"):
        store_file(video, store, AttachmentKind.VIDEO, progress=disk_full)
    assert files_in(store) == []


def test_cancelled_upload_leaves_nothing_behind(tmp_path: Path) -> None:
    store = tmp_path / "attachments"
    video = write(tmp_path / "v.avi", b"RIFF\x00\x00\x00\x00AVI LIST" + os.urandom(2 * attachments.CHUNK))
    with pytest.raises(FieldError, match="已取消"):
        store_file(video, store, AttachmentKind.VIDEO, cancelled=lambda: True)
    assert files_in(store) == []


def test_store_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    blocker = write(tmp_path / "not-a-dir", b"x")
    with pytest.raises(ServiceError, match="附件库"):
        store_file(write(tmp_path / "a.jpg", JPEG), blocker / "attachments", AttachmentKind.PHOTO)


def test_human_size() -> None:
    assert [human_size(n) for n in (512, 2048, 50 * 1024**2, 5 * 1024**3)] == ["512 B", "2.0 KB", "50.0 MB", "5.00 GB"]
