"""What an attached file must be (R-CLU-1, R-Q-4): kinds, the types each allows, and sniffing the real type."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work.labels import F_FILE
from zhihui_tui.domain.validators import choice_text


class AttachmentKind(StrEnum):
    """What an attached file is evidence of; each kind allows its own file types."""

    TRANSCRIPT = "transcript"
    VIDEO = "video"
    PHOTO = "photo"
    SURVEY_FORM = "survey_form"
    RECEIPT = "receipt"

    @property
    def label(self) -> str:
        """The kind in Chinese, as the form and messages show it."""
        return {
            "transcript": "笔录",
            "video": "视频",
            "photo": "图片",
            "survey_form": "现场情况调查表",
            "receipt": "回执",
        }[self.value]


class FileType(StrEnum):
    """A file type told from the file's content, never from its name."""

    JPEG = "jpeg"
    PNG = "png"
    MP4 = "mp4"
    MOV = "mov"
    AVI = "avi"
    PDF = "pdf"
    DOCX = "docx"


ALLOWED_TYPES: dict[AttachmentKind, frozenset[FileType]] = {
    AttachmentKind.PHOTO: frozenset({FileType.JPEG, FileType.PNG}),
    AttachmentKind.VIDEO: frozenset({FileType.MP4, FileType.MOV, FileType.AVI}),
    AttachmentKind.TRANSCRIPT: frozenset({FileType.PDF, FileType.DOCX}),
    AttachmentKind.SURVEY_FORM: frozenset({FileType.PDF, FileType.DOCX}),
    AttachmentKind.RECEIPT: frozenset({FileType.PDF, FileType.DOCX, FileType.JPEG, FileType.PNG}),
}

HEAD_BYTES = 64  # enough of the file's start to tell every allowed type


def sniff_file_type(head: bytes, *, zip_names: Iterable[str] = ()) -> FileType | None:
    """The type the file's first bytes show. A ZIP is a .docx only if it holds ``word/document.xml``
    (``zip_names``: the service lists the archive's members; a bare ZIP is not a document)."""
    if head.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if head.startswith(b"%PDF-"):
        return FileType.PDF
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return FileType.AVI
    if head[4:8] == b"ftyp":
        return FileType.MOV if head[8:12] == b"qt  " else FileType.MP4
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return FileType.MOV  # old QuickTime files start with an atom other than ftyp
    if head.startswith(b"PK\x03\x04") and "word/document.xml" in set(zip_names):
        return FileType.DOCX
    return None


def check_file_type(kind: AttachmentKind, found: FileType | None, *, name: str) -> FileType:
    """Refuse a file whose sniffed type is unknown or not allowed for ``kind``; return the type."""
    allowed = "、".join(t.value.upper() for t in sorted(ALLOWED_TYPES[kind]))
    if found is None:
        raise FieldError(F_FILE, f"“{name}”不是可识别的{kind.label}文件（应为 {allowed}）")
    if found not in ALLOWED_TYPES[kind]:
        raise FieldError(F_FILE, f"“{name}”的内容是 {found.value.upper()}，不是{kind.label}（应为 {allowed}）")
    return found


def parse_attachment_kind(text: str) -> AttachmentKind:
    """The attachment kind typed as its value or its Chinese label."""
    value = choice_text(text, field="附件类别")
    for kind in AttachmentKind:
        if value in (kind.value, kind.label):
            return kind
    labels = "、".join(k.label for k in AttachmentKind)
    raise FieldError("附件类别", f"没有“{value}”；可选：{labels}")
