"""The five templates of a run: found per file (court folder first, then the packaged one) and checked before any
document is written — an unknown placeholder, a file that is not a .docx, or a broken ``{{ }}`` stops the run."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, TemplateSyntaxError

from zhihui_tui.domain.documents import PACK, DocumentKind
from zhihui_tui.services.documents.context import KNOWN_KEYS, sample_context
from zhihui_tui.services.errors import ServiceError

PACKAGED = "packaged"
_PACKAGE = "zhihui_tui.document_templates"


class TemplateError(ServiceError):
    """A template cannot be used; nothing has been written."""


def jinja_env() -> Environment:
    """Autoescape: a party named ``A&B<公司>`` must not break the document's XML. Strict: a context that lacks a
    key the check let through is a bug, and must not print as an empty gap in a ruling."""
    return Environment(autoescape=True, undefined=StrictUndefined)


@dataclass(frozen=True)
class Template:
    """A checked document template: where it came from, its checksum and version."""

    kind: DocumentKind
    name: str  # file name, e.g. 执行通知书.docx
    source: str  # PACKAGED or the court folder it came from
    sha256: str
    version: str  # the template's own version (core properties), "" when it has none
    data: bytes

    def render(self, context: dict[str, Any]) -> bytes:
        """The filled document as .docx bytes."""
        from docxtpl import DocxTemplate

        document = DocxTemplate(io.BytesIO(self.data))
        document.render(context, jinja_env=jinja_env())
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _packaged(kind: DocumentKind) -> bytes:
    return resources.files(_PACKAGE).joinpath(kind.template_name).read_bytes()


def load_templates(folders: tuple[Path, ...]) -> dict[DocumentKind, Template]:
    """Every kind's template, checked; the first problem found in any of them stops the run with its file named."""
    templates: dict[DocumentKind, Template] = {}
    for kind in PACK:
        found = next(
            (folder / kind.template_name for folder in folders if (folder / kind.template_name).exists()), None
        )
        if found is None:
            data, source, shown = _packaged(kind), PACKAGED, f"程序自带模板 {kind.template_name}"
        else:
            try:
                data = found.read_bytes()
            except OSError as error:
                raise TemplateError(f"无法读取模板 {found}：{error.strerror or error}") from None
            source, shown = str(found.parent), str(found)
        templates[kind] = check_template(kind, data, source=source, shown=shown)
    return templates


def check_template(kind: DocumentKind, data: bytes, *, source: str, shown: str) -> Template:
    """The template in ``data`` if it is a readable .docx using only known fields; a clear error otherwise."""
    version = _docx_version(data, shown)
    from docxtpl import DocxTemplate

    try:
        names = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(jinja_env())
    except TemplateSyntaxError as error:
        raise TemplateError(f"模板 {shown} 第 {error.lineno} 行的占位符写法有误：{error.message}") from None
    unknown = sorted(set(names) - KNOWN_KEYS)
    if unknown:
        listed = "、".join("{{ " + name + " }}" for name in unknown)
        raise TemplateError(f"模板 {shown} 含有系统不认识的占位符：{listed}（可用的占位符见 data/templates/README.md）")
    template = Template(
        kind=kind,
        name=kind.template_name,
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        version=version,
        data=data,
    )
    try:
        template.render(sample_context(kind))
    except TemplateSyntaxError as error:
        raise TemplateError(f"模板 {shown} 的占位符写法有误：{error.message}") from None
    except Exception as error:
        raise TemplateError(f"模板 {shown} 无法填写：{type(error).__name__}: {error}") from None
    return template


def _docx_version(data: bytes, shown: str) -> str:
    """Refuse anything that is not a Word .docx (a renamed .doc or .wps, a PDF, a damaged file)."""
    not_docx = f"模板 {shown} 不是有效的 Word .docx 文件（.doc、.wps 请在 Word 或 WPS 中另存为 .docx）"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise TemplateError(not_docx)
            core = archive.read("docProps/core.xml") if "docProps/core.xml" in names else b""
    except (zipfile.BadZipFile, OSError):
        raise TemplateError(not_docx) from None
    return _core_version(core)


def _core_version(core: bytes) -> str:
    if not core:
        return ""
    from lxml import etree

    try:
        root = etree.fromstring(core)
    except etree.XMLSyntaxError:
        return ""
    node = root.find("{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}version")
    return (node.text or "").strip()[:32] if node is not None else ""
