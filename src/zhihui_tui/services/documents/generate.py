"""``zhihui docs generate``: the filing pack of every case whose 生成文书并邮寄 step is open (R-SRV-1, R-CLI-2).

Order of a run, so that a refused run leaves nothing behind:
1. the court settings, all five templates and the output folder are checked — any problem stops the run;
2. cases are read in chunks and each case's documents are rendered in memory (in a process pool with ``workers``);
3. per case, one short unit of work re-reads the versions under the write lock (a concurrent run's documents are
   seen, not duplicated), inserts one audited row per document, writes each file atomically and commits; if that
   transaction fails, the files it wrote are removed. A case with a missing field is reported and not produced;
   the other cases go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, Deadline, ServiceDocument
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.documents import PACK, DocumentKind
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.atomic_files import FileWriteError
from zhihui_tui.services.context import Actor, ServiceContext, require_role
from zhihui_tui.services.documents.config import DocumentSettings
from zhihui_tui.services.documents.context import CaseFacts, build_context, read_facts
from zhihui_tui.services.documents.files import check_writable, remove_quietly, safe_name, sha256_of, write_atomically
from zhihui_tui.services.documents.templates import Template
from zhihui_tui.services.errors import NotFound, ServiceError
from zhihui_tui.services.uow import unit_of_work

GENERATE_ROLES = (Role.SERVICE, Role.SYSTEM)
CHUNK = 200
NOT_PACKED_STAGES = frozenset({Stage.RECEIVED.value, Stage.REJECTED.value})


class Outcome(StrEnum):
    """What happened to one case in a generation run."""

    GENERATED = "generated"
    SKIPPED = "skipped"  # already generated (and not --force)
    PLANNED = "planned"  # --dry-run: would be generated
    FAILED = "failed"


@dataclass(frozen=True)
class WrittenDocument:
    """One document file written, with its version and checksum."""

    kind: DocumentKind
    document_version: int
    path: Path
    sha256: str


@dataclass(frozen=True)
class CaseResult:
    """One case's outcome in a generation run: what was written or why nothing was."""

    case_id: int
    case_number: str
    outcome: Outcome
    documents: tuple[WrittenDocument, ...] = ()
    kinds: tuple[DocumentKind, ...] = ()  # what was (or would be) produced
    missing: tuple[str, ...] = ()  # fields the case lacks
    error: str = ""

    @property
    def reason(self) -> str:
        """Why the case was skipped or failed, in one line."""
        return ("缺少" + "、".join(self.missing)) if self.missing else self.error


@dataclass
class GenerateReport:
    """The outcome of every case of a run and the templates it used."""

    results: list[CaseResult] = field(default_factory=list)
    templates: dict[DocumentKind, Template] = field(default_factory=dict)
    dry_run: bool = False

    def of(self, outcome: Outcome) -> list[CaseResult]:
        """The cases with this outcome."""
        return [r for r in self.results if r.outcome is outcome]

    @property
    def documents_written(self) -> int:
        """How many document files the run wrote."""
        return sum(len(r.documents) for r in self.results)


@dataclass(frozen=True)
class GenerateRequest:
    """What to generate: where, from which templates and settings, for one case or all that are due."""

    out_dir: Path
    templates: dict[DocumentKind, Template]
    settings: DocumentSettings
    case_number: str | None = None
    force: bool = False
    dry_run: bool = False
    workers: int = 1


Progress = Callable[[int, int], None]  # (done, total)


def due_case_ids(session: Session) -> list[int]:
    """Filed cases whose 生成文书并邮寄 step is open, oldest deadline first."""
    rows = session.exec(
        select(Deadline.case_id)
        .join(Case, col(Case.id) == Deadline.case_id)
        .where(Deadline.step == Step.SERVICE_PACK.value, col(Deadline.done_at).is_(None))
        .where(col(Case.case_number).is_not(None))
        .order_by(col(Deadline.due_date), col(Deadline.case_id))
    ).all()
    return list(rows)


def _selected(session: Session, case_number: str | None) -> list[int]:
    if case_number is None:
        return due_case_ids(session)
    case = session.exec(select(Case).where(Case.case_number == case_number.strip())).first()
    if case is None or case.id is None:
        raise NotFound(f"没有案号为 {case_number} 的案件")
    if case.stage in NOT_PACKED_STAGES:
        raise ServiceError(f"{case_number} 尚未立案，不能生成送达文书")
    return [case.id]


def _latest_versions(session: Session, case_ids: list[int]) -> dict[tuple[int, str], int]:
    rows = session.exec(
        select(ServiceDocument.case_id, ServiceDocument.kind, func.max(ServiceDocument.document_version))
        .where(col(ServiceDocument.case_id).in_(case_ids))
        .group_by(col(ServiceDocument.case_id), col(ServiceDocument.kind))
    ).all()
    return {(case_id, kind): int(version) for case_id, kind, version in rows}


def _kinds_to_make(case_id: int, latest: dict[tuple[int, str], int], force: bool) -> tuple[DocumentKind, ...]:
    return tuple(kind for kind in PACK if force or (case_id, kind.value) not in latest)


def generate_packs(
    request: GenerateRequest, *, ctx: ServiceContext, progress: Progress | None = None
) -> GenerateReport:
    """Generate every due pack (or one case's); see the module docstring for the order of checks and writes."""
    engine, actor, clock, calendar = ctx.engine, ctx.actor, ctx.clock, ctx.calendar
    require_role(actor, GENERATE_ROLES, "生成送达文书")
    check_writable(request.out_dir, create=not request.dry_run)
    now = clock.now()
    report = GenerateReport(templates=request.templates, dry_run=request.dry_run)
    with read_session(engine) as session:
        case_ids = _selected(session, request.case_number)
    total, done = len(case_ids), 0
    for start in range(0, total, CHUNK):
        chunk = case_ids[start : start + CHUNK]
        jobs = _plan_chunk(engine, chunk, request, report, calendar=calendar, now=now)
        try:
            for facts, kinds, rendered in _render_all(jobs, request):
                report.results.append(_record(engine, facts, kinds, rendered, request, actor=actor, clock=clock))
        except FileWriteError as error:  # disk full, say: every later case would fail the same way
            made = len(report.of(Outcome.GENERATED))
            raise FileWriteError(f"{error.message}；本次已生成 {made} 件案件的文书，其余未生成", error.errno) from None
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return report


Job = tuple[CaseFacts, tuple[DocumentKind, ...], list[dict[str, Any]]]


def _plan_chunk(
    engine: Engine,
    chunk: list[int],
    request: GenerateRequest,
    report: GenerateReport,
    *,
    calendar: WorkCalendar,
    now: datetime,
) -> list[Job]:
    """Sort a chunk's cases into skipped, failed (missing fields), planned (dry run) and jobs to render."""
    with read_session(engine) as session:
        facts = read_facts(session, chunk)
        latest = _latest_versions(session, chunk)
    jobs: list[Job] = []
    for case_id in chunk:
        case = facts[case_id]
        kinds = _kinds_to_make(case_id, latest, request.force)
        if not kinds:
            report.results.append(CaseResult(case_id, case.case_number, Outcome.SKIPPED))
            continue
        missing = case.missing()
        if missing:
            report.results.append(CaseResult(case_id, case.case_number, Outcome.FAILED, missing=tuple(missing)))
            continue
        if request.dry_run:
            report.results.append(CaseResult(case_id, case.case_number, Outcome.PLANNED, kinds=kinds))
            continue
        contexts = [build_context(case, kind, settings=request.settings, calendar=calendar, now=now) for kind in kinds]
        jobs.append((case, kinds, contexts))
    return jobs


# -- rendering, in this process or in a pool ------------------------------------------------------------------

_worker_templates: dict[DocumentKind, Template] = {}


def _init_worker(templates: dict[DocumentKind, Template]) -> None:
    _worker_templates.clear()
    _worker_templates.update(templates)


def _render_case(kinds: tuple[DocumentKind, ...], contexts: list[dict[str, Any]]) -> list[bytes] | str:
    """One case's documents as bytes, or the reason they could not be rendered (kept per case, not fatal)."""
    try:
        return [_worker_templates[kind].render(context) for kind, context in zip(kinds, contexts, strict=True)]
    except Exception as error:  # a template construct that fails on this case's data
        return f"生成失败：{type(error).__name__}: {error}"


def _render_all(jobs: list[Job], request: GenerateRequest) -> Iterator[tuple[CaseFacts, tuple[DocumentKind, ...], Any]]:
    if request.workers <= 1 or len(jobs) < 2:
        _init_worker(request.templates)
        for facts, kinds, contexts in jobs:
            yield facts, kinds, _render_case(kinds, contexts)
        return
    with ProcessPoolExecutor(
        max_workers=request.workers, initializer=_init_worker, initargs=(request.templates,)
    ) as pool:
        window = request.workers * 4  # bounded: memory stays flat however many cases a run has
        pending: list[tuple[Job, Future[list[bytes] | str]]] = []
        for job in jobs:
            pending.append((job, pool.submit(_render_case, job[1], job[2])))
            if len(pending) >= window:
                (facts, kinds, _), future = pending.pop(0)
                yield facts, kinds, future.result()
        for (facts, kinds, _), future in pending:
            yield facts, kinds, future.result()


# -- recording ----------------------------------------------------------------------------------------------


def document_path(out_dir: Path, case_number: str, kind: DocumentKind, version: int) -> Path:
    """Where version ``version`` of a case's document of ``kind`` is written."""
    return out_dir / safe_name(case_number) / f"{kind.label}-v{version}.docx"


def _record(
    engine: Engine,
    facts: CaseFacts,
    kinds: tuple[DocumentKind, ...],
    rendered: list[bytes] | str,
    request: GenerateRequest,
    *,
    actor: Actor,
    clock: Clock,
) -> CaseResult:
    if isinstance(rendered, str):
        return CaseResult(facts.case_id, facts.case_number, Outcome.FAILED, error=rendered)
    written: list[Path] = []
    try:
        with unit_of_work(engine, actor=actor, action="生成送达文书", clock=clock) as session:
            latest = _latest_versions(session, [facts.case_id])  # under the write lock: another run's work counts
            if not request.force and all((facts.case_id, kind.value) in latest for kind in kinds):
                return CaseResult(facts.case_id, facts.case_number, Outcome.SKIPPED)
            pairs = _insert_rows(session, facts, kinds, rendered, latest, request, actor=actor, now=clock.now())
            session.flush()  # the unique version claims the file name before any byte is written
            for document, data in pairs:
                write_atomically(document.path, data)
                written.append(document.path)
            documents = tuple(document for document, _ in pairs)
    except FileWriteError:
        remove_quietly(written)  # this case's rows are rolled back with them: no row names a missing file
        raise
    except IntegrityError:
        remove_quietly(written)
        return CaseResult(facts.case_id, facts.case_number, Outcome.SKIPPED, error="另一进程同时生成了该案文书")
    except (OSError, ServiceError) as error:
        remove_quietly(written)
        message = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return CaseResult(facts.case_id, facts.case_number, Outcome.FAILED, error=f"写入失败：{message}")
    except BaseException:
        remove_quietly(written)
        raise
    made = tuple(document.kind for document in documents)
    return CaseResult(facts.case_id, facts.case_number, Outcome.GENERATED, documents=documents, kinds=made)


def _insert_rows(
    session: Session,
    facts: CaseFacts,
    kinds: tuple[DocumentKind, ...],
    rendered: list[bytes],
    latest: dict[tuple[int, str], int],
    request: GenerateRequest,
    *,
    actor: Actor,
    now: datetime,
) -> list[tuple[WrittenDocument, bytes]]:
    documents: list[tuple[WrittenDocument, bytes]] = []
    for kind, data in zip(kinds, rendered, strict=True):
        if not request.force and (facts.case_id, kind.value) in latest:
            continue
        version = latest.get((facts.case_id, kind.value), 0) + 1
        path = document_path(request.out_dir, facts.case_number, kind, version).resolve()
        template = request.templates[kind]
        digest = sha256_of(data)
        session.add(
            ServiceDocument(
                case_id=facts.case_id,
                kind=kind.value,
                document_version=version,
                template_name=template.name,
                template_source=template.source,
                template_sha256=template.sha256,
                template_version=template.version,
                file_path=str(path),
                file_sha256=digest,
                file_size=len(data),
                generated_at=now,
                generated_by_id=actor.id,
            )
        )
        documents.append((WrittenDocument(kind, version, path, digest), data))
    return documents
