"""``zhihui docs print``: one merged .docx per document kind of a day's documents, each starting on a new page.

The merged file is always built from the recorded versions (the files whose checksums the records hold), so a
reprint days later gives the same documents; a file that is missing or changed since it was generated stops the
print run before anything is written. Each print run is recorded (append-only), and a document's first print
sets its ``printed_at``.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, PrintRun, ServiceDocument
from zhihui_tui.domain.documents import PACK, DocumentKind
from zhihui_tui.services.context import ServiceContext, require_role
from zhihui_tui.services.documents.files import check_writable, file_sha256, remove_quietly, sha256_of, write_atomically
from zhihui_tui.services.documents.generate import GENERATE_ROLES
from zhihui_tui.services.errors import ServiceError
from zhihui_tui.services.uow import unit_of_work


@dataclass(frozen=True)
class PrintedFile:
    """A merged print file of one document kind, with the cases it holds and whether it is a reprint."""

    kind: DocumentKind
    path: Path
    sha256: str
    case_numbers: tuple[str, ...]
    reprint: bool  # these documents had all been printed before


def _day_documents(engine: Engine, day: date) -> dict[DocumentKind, list[tuple[ServiceDocument, str]]]:
    """The latest version generated on ``day`` of each case's documents, by kind, in case-number order."""
    start = datetime.combine(day, time())
    with read_session(engine) as session:
        rows = session.exec(
            select(ServiceDocument, Case.case_number)
            .join(Case, col(Case.id) == ServiceDocument.case_id)
            .where(col(ServiceDocument.generated_at) >= start, col(ServiceDocument.generated_at) < start + timedelta(1))
            .order_by(
                col(ServiceDocument.case_id), col(ServiceDocument.kind), col(ServiceDocument.document_version).desc()
            )
        ).all()
    latest: dict[tuple[int, str], tuple[ServiceDocument, str]] = {}
    for document, number in rows:
        latest.setdefault((document.case_id, document.kind), (document, number or ""))
    by_kind: dict[DocumentKind, list[tuple[ServiceDocument, str]]] = {kind: [] for kind in PACK}
    for document, number in latest.values():
        by_kind[DocumentKind(document.kind)].append((document, number))
    for entries in by_kind.values():
        entries.sort(key=lambda entry: entry[0].case_id)
    return {kind: entries for kind, entries in by_kind.items() if entries}


def _check_recorded(entries: list[tuple[ServiceDocument, str]]) -> None:
    for document, number in entries:
        if file_sha256(Path(document.file_path)) != document.file_sha256:
            raise ServiceError(
                f"{number} 的{DocumentKind(document.kind).label}（第 {document.document_version} 版）文件"
                f"已丢失或被改动：{document.file_path}；请用 zhihui docs generate --case 重新生成后再打印"
            )


def merge(paths: list[Path]) -> bytes:
    """One .docx holding each document in order, a page break before each after the first."""
    from docx import Document
    from docxcompose.composer import Composer

    master = Document(str(paths[0]))
    composer = Composer(master)
    for path in paths[1:]:
        master.add_page_break()  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated
        composer.append(Document(str(path)))
    out = io.BytesIO()
    composer.save(out)
    return out.getvalue()


def plan_print_day(*, ctx: ServiceContext, day: date) -> dict[DocumentKind, list[str]]:
    """What :func:`print_day` would merge — each kind's case numbers — checked the same way, nothing written."""
    require_role(ctx.actor, GENERATE_ROLES, "打印送达文书")
    groups = _day_documents(ctx.engine, day)
    for entries in groups.values():
        _check_recorded(entries)
    return {kind: [number for _, number in entries] for kind, entries in groups.items()}


def print_day(*, ctx: ServiceContext, day: date, out_dir: Path) -> list[PrintedFile]:
    """Merge the day's documents, one file per kind, into ``out_dir`` (``<kind>-<day>.docx``)."""
    engine, actor, clock = ctx.engine, ctx.actor, ctx.clock
    require_role(actor, GENERATE_ROLES, "打印送达文书")
    groups = _day_documents(engine, day)
    for entries in groups.values():
        _check_recorded(entries)
    if not groups:
        return []
    check_writable(out_dir, create=True)
    merged: list[tuple[DocumentKind, Path, bytes, list[tuple[ServiceDocument, str]]]] = []
    for kind, entries in groups.items():
        data = merge([Path(document.file_path) for document, _ in entries])
        merged.append((kind, out_dir / f"{kind.label}-{day:%Y-%m-%d}.docx", data, entries))
    printed: list[PrintedFile] = []
    with unit_of_work(engine, actor=actor, action="打印送达文书", clock=clock) as session:
        now = clock.now()
        for kind, path, data, entries in merged:
            digest = sha256_of(data)
            session.add(
                PrintRun(
                    day=day,
                    kind=kind.value,
                    document_ids=json.dumps([document.id for document, _ in entries]),
                    file_path=str(path.resolve()),
                    file_sha256=digest,
                    printed_at=now,
                    printed_by_id=actor.id,
                )
            )
            reprint = all(document.printed_at is not None for document, _ in entries)
            for document, _ in entries:
                if document.printed_at is None:
                    current = session.get(ServiceDocument, document.id)
                    assert current is not None
                    current.printed_at = now
            printed.append(PrintedFile(kind, path.resolve(), digest, tuple(n for _, n in entries), reprint))
        session.flush()
        written: list[Path] = []
        try:
            for _kind, path, data, _entries in merged:
                write_atomically(path, data)
                written.append(path)
        except BaseException:
            remove_quietly(written)
            raise
    return printed
