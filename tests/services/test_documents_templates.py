"""Templates are checked before any document is written (issue 13): an unknown placeholder, a file that is not a
.docx or a broken tag stops the run naming the file; a court's folder overrides the packaged templates per file;
the packaged templates are what the committed build script makes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest

from zhihui_tui.document_templates.build import build
from zhihui_tui.domain.documents import PACK, DocumentKind
from zhihui_tui.services.documents import TemplateError, load_templates, template_folders
from zhihui_tui.services.documents.templates import PACKAGED
from zhihui_tui.services.errors import ServiceError

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "src" / "zhihui_tui" / "document_templates"


def _court_template(folder: Path, kind: DocumentKind, extra: str) -> Path:
    document = docx.Document(str(PACKAGE_DIR / kind.template_name))
    document.add_paragraph(extra)
    folder.mkdir(exist_ok=True)
    path = folder / kind.template_name
    document.save(str(path))
    return path


def test_packaged_templates_are_all_found_and_checked() -> None:
    templates = load_templates(())
    assert list(templates) == list(PACK)
    assert {t.source for t in templates.values()} == {PACKAGED}
    assert all(len(t.sha256) == 64 and t.version == "2026.1" for t in templates.values())


def test_a_court_folder_overrides_per_file(tmp_path: Path) -> None:
    _court_template(tmp_path / "court", DocumentKind.SUMMONS, "本院自定：{{ case_number }}")
    templates = load_templates((tmp_path / "court",))
    assert templates[DocumentKind.SUMMONS].source == str(tmp_path / "court")
    assert all(templates[k].source == PACKAGED for k in PACK if k is not DocumentKind.SUMMONS)


def test_unknown_placeholder_is_named(tmp_path: Path) -> None:
    _court_template(tmp_path / "court", DocumentKind.NOTICE, "{{ respondant_name }}")
    with pytest.raises(TemplateError, match=r"执行通知书\.docx 含有系统不认识的占位符：\{\{ respondant_name \}\}"):
        load_templates((tmp_path / "court",))


def test_broken_tag_is_refused(tmp_path: Path) -> None:
    _court_template(tmp_path / "court", DocumentKind.RULING, "{{ case_number ")
    with pytest.raises(TemplateError, match=r"执行裁定书\.docx.*占位符写法有误"):
        load_templates((tmp_path / "court",))


@pytest.mark.parametrize(
    "content",
    [b"{\\rtf1 not a docx}", b"PK\x03\x04 truncated", b""],
    ids=["rtf", "broken-zip", "empty"],
)
def test_a_file_that_is_not_a_docx_is_refused(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "传票.docx").write_bytes(content)
    with pytest.raises(TemplateError, match=r"传票\.docx 不是有效的 Word \.docx 文件"):
        load_templates((tmp_path,))


def test_a_zip_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    (tmp_path / "缴款通知书.docx").write_bytes(buffer.getvalue())
    with pytest.raises(TemplateError, match="不是有效的 Word"):
        load_templates((tmp_path,))


def test_template_folder_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    (data / "templates").mkdir(parents=True)
    monkeypatch.delenv("ZHIHUI_TEMPLATE_DIR", raising=False)
    assert template_folders(data, None) == (data / "templates",)
    monkeypatch.setenv("ZHIHUI_TEMPLATE_DIR", str(tmp_path))
    assert template_folders(data, None) == (tmp_path,)
    assert template_folders(data, data) == (data,)
    with pytest.raises(ServiceError, match="模板目录不存在"):
        template_folders(data, tmp_path / "nowhere")
    monkeypatch.setenv("ZHIHUI_TEMPLATE_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ServiceError, match="ZHIHUI_TEMPLATE_DIR"):
        template_folders(data, None)


def test_committed_templates_are_what_the_script_builds(tmp_path: Path) -> None:
    """The .docx files are reproducible from build.py: same document body, same styles (zip timestamps aside)."""
    for path in build(tmp_path):
        with zipfile.ZipFile(path) as fresh, zipfile.ZipFile(PACKAGE_DIR / path.name) as committed:
            for part in ("word/document.xml", "word/styles.xml"):
                assert fresh.read(part) == committed.read(part), (path.name, part)
