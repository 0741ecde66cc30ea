"""The pack's documents at the desk: generate one case's pack now (the nightly ``zhihui docs generate`` does all
that are due), read the current versions as text in the terminal, and mark them printed.

Generation goes through :func:`zhihui_tui.services.documents.generate_packs` — the same checks (court settings,
every template) before any file is written, the same records — with the court's templates and output folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx import Document
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, ServiceDocument
from zhihui_tui.domain.documents import PACK, DocumentKind
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.documents import (
    CaseResult,
    DocumentSettings,
    GenerateRequest,
    generate_packs,
    load_templates,
    template_folders,
)
from zhihui_tui.services.documents.config import DOCUMENTS_SUBDIR
from zhihui_tui.services.documents.files import file_sha256
from zhihui_tui.services.errors import NotFound, ServiceError
from zhihui_tui.services.service_desk.rules import ServiceAction, require_action
from zhihui_tui.services.uow import unit_of_work


@dataclass(frozen=True)
class DocumentText:
    """One current document of a case's pack, as text for the terminal preview."""

    kind: DocumentKind
    document_version: int
    file_name: str
    printed: bool
    lines: tuple[str, ...]


def generate_case_pack(case_id: int, *, force: bool = False, ctx: ServiceContext) -> CaseResult:
    """Generate one case's pack now, from the court's templates into ``<data>/documents``."""
    require_action(ctx.actor, ServiceAction.GENERATE)
    number = _case_number(case_id, ctx)
    request = GenerateRequest(
        out_dir=(ctx.data_dir / DOCUMENTS_SUBDIR).resolve(),
        templates=load_templates(template_folders(ctx.data_dir, None)),
        settings=DocumentSettings.from_env(ctx.court.court_name),
        case_number=number,
        force=force,
    )
    report = generate_packs(request, ctx=ctx)
    return report.results[0]


def _case_number(case_id: int, ctx: ServiceContext) -> str:
    with read_session(ctx.engine) as session:
        case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"案件 {case_id} 不存在")
    if case.case_number is None:
        raise ServiceError("该案尚未立案，不能生成送达文书")
    return case.case_number


def _current(session: Session, case_id: int, *, lock: bool = False) -> list[ServiceDocument]:
    """The latest version of each kind, in mailing order (locked for update when ``lock``)."""
    query = (
        select(ServiceDocument)
        .where(ServiceDocument.case_id == case_id)
        .order_by(col(ServiceDocument.kind), col(ServiceDocument.document_version).desc())
    )
    rows = session.exec(query.with_for_update() if lock else query).all()
    latest: dict[str, ServiceDocument] = {}
    for row in rows:
        latest.setdefault(row.kind, row)
    return [latest[kind.value] for kind in PACK if kind.value in latest]


def preview_pack(case_id: int, *, ctx: ServiceContext) -> list[DocumentText]:
    """The current documents' paragraphs and table cells, read back from the recorded files (checksums checked:
    what the clerk reads is what was generated)."""
    require_action(ctx.actor, ServiceAction.VIEW)
    with read_session(ctx.engine) as session:
        documents = _current(session, case_id)
    if not documents:
        raise ServiceError("该案尚未生成送达文书")
    return [_read(document) for document in documents]


def _read(document: ServiceDocument) -> DocumentText:
    path = Path(document.file_path)
    if not path.is_file():
        raise ServiceError(f"{DocumentKind(document.kind).label}的文件已不在：{path}")
    if file_sha256(path) != document.file_sha256:
        raise ServiceError(f"{DocumentKind(document.kind).label}的文件在生成后被改动过：{path}")
    doc = Document(str(path))
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    for table in doc.tables:
        for row in table.rows:
            lines.append("  ".join(cell.text for cell in row.cells))
    return DocumentText(
        kind=DocumentKind(document.kind),
        document_version=document.document_version,
        file_name=path.name,
        printed=document.printed_at is not None,
        lines=tuple(lines),
    )


def mark_printed(case_id: int, *, ctx: ServiceContext) -> int:
    """Mark the case's current documents printed (printed at the desk, not through ``zhihui docs print``); returns
    how many were newly marked."""
    require_action(ctx.actor, ServiceAction.PRINT)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="标记文书已打印", clock=ctx.clock) as session:
        rows = _current(session, case_id, lock=True)  # in this transaction: no second session inside it
        if not rows:
            raise ServiceError("该案尚未生成送达文书")
        fresh = [row for row in rows if row.printed_at is None]
        for row in fresh:
            row.printed_at = ctx.now()
        return len(fresh)
