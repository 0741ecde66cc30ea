"""卷宗 (R-ARC-1): within 20 days of closing the handler transfers the dossier (page count, transfer form); within
7 days of receiving it the dossier group catalogues, scans and uploads it; within 90 days of closing it is
archived. Each step closes its deadline and opens the next; 终本 supplements are added to the evidence bag and the
e-dossier afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, Deadline, Dossier, DossierSupplement, Staff
from zhihui_tui.domain.closing import Closure
from zhihui_tui.domain.lifecycle import Stage, check_transition
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.validators import clean_text, whole_number
from zhihui_tui.services.closing.rules import ClosingAction, require_action
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.deadlines import close_deadline, open_deadline
from zhihui_tui.services.errors import NotFound, PermissionDenied, ServiceError
from zhihui_tui.services.inquiry.writes import move_stage
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

MAX_PAGES = 100_000


class DossierState(StrEnum):
    """Where a dossier stands on its way to the archive."""

    TRANSFERRED = "transferred"  # handed over, not yet received
    RECEIVED = "received"  # with the dossier group, to catalogue and scan
    SCANNED = "scanned"  # catalogued, scanned and uploaded; to archive
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return {"transferred": "已移交待接收", "received": "待扫描上传", "scanned": "待归档", "archived": "已归档"}[
            self.value
        ]


@dataclass(frozen=True)
class DossierRow:
    """A dossier as the dossier group's list shows it, with the deadline of its next step."""

    case_id: int
    case_number: str
    pages: int
    transfer_form_no: str
    transferred_by: str
    state: DossierState
    due: date | None
    version: int
    zhongben: bool = False  # a 终本 case: material may be added to its dossier (补充材料)
    archive_no: str | None = None


def _pages(text: str) -> int:
    return whole_number(text, field="页数", low=1, high=MAX_PAGES)


def transfer_dossier(case_id: int, pages: str, form_no: str, *, ctx: ServiceContext) -> None:
    """The handler hands the closed case's dossier to the dossier group."""
    require_action(ctx.actor, ClosingAction.TRANSFER_DOSSIER)
    count = _pages(pages)
    form = clean_text(form_no, field="移交单号", max_length=40)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="移交卷宗", clock=ctx.clock) as session:
        case = load_for_update(session, Case, case_id, None, what="该案件")
        if case.handler_id != ctx.actor.id:
            raise PermissionDenied("只能移交本人承办案件的卷宗")
        if Stage(case.stage) is not Stage.CLOSED:
            raise ServiceError(f"该案状态为“{Stage(case.stage).label}”，结案后才能移交卷宗")
        if session.exec(select(Dossier.id).where(Dossier.case_id == case_id)).first() is not None:
            raise ServiceError("该案卷宗已移交")
        session.add(
            Dossier(
                case_id=case_id,
                pages=count,
                transfer_form_no=form,
                transferred_by_id=ctx.actor.id,
                transferred_at=ctx.now(),
            )
        )
        close_deadline(session, case_id=case_id, step=Step.DOSSIER_TRANSFER, actor=ctx.actor, at=ctx.now())


def _dossier(session: Session, case_id: int, expected_version: int | None) -> Dossier:
    found = session.exec(select(Dossier.id).where(Dossier.case_id == case_id)).first()
    if found is None:
        raise NotFound("该案卷宗尚未移交")
    return load_for_update(session, Dossier, found, expected_version, what="该卷宗", advice="请刷新")


def receive_dossier(case_id: int, *, expected_version: int | None = None, ctx: ServiceContext) -> None:
    """The dossier group receives it; its 7 days to catalogue, scan and upload start."""
    require_action(ctx.actor, ClosingAction.KEEP_DOSSIER)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="接收卷宗", clock=ctx.clock) as session:
        dossier = _dossier(session, case_id, expected_version)
        if dossier.received_at is not None:
            raise ServiceError(f"该卷宗已于 {dossier.received_at:%Y-%m-%d} 接收")
        dossier.received_at, dossier.received_by_id = ctx.now(), ctx.actor.id
        open_deadline(
            session,
            case_id=case_id,
            step=Step.DOSSIER_SCAN,
            triggered_at=ctx.now(),
            calendar=ctx.calendar,
            owner_id=ctx.actor.id,
        )


def mark_scanned(case_id: int, *, expected_version: int | None = None, ctx: ServiceContext) -> None:
    """Catalogued, scanned and uploaded as the e-dossier."""
    require_action(ctx.actor, ClosingAction.KEEP_DOSSIER)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="卷宗扫描上传", clock=ctx.clock) as session:
        dossier = _dossier(session, case_id, expected_version)
        if dossier.received_at is None:
            raise ServiceError("请先接收卷宗")
        if dossier.scanned_at is not None:
            raise ServiceError(f"该卷宗已于 {dossier.scanned_at:%Y-%m-%d} 扫描上传")
        dossier.scanned_at, dossier.scanned_by_id = ctx.now(), ctx.actor.id
        close_deadline(session, case_id=case_id, step=Step.DOSSIER_SCAN, actor=ctx.actor, at=ctx.now())


def archive_case(case_id: int, archive_no: str, *, expected_version: int | None = None, ctx: ServiceContext) -> None:
    """归档 with the trial management office's archive number: 已结案 → 已归档."""
    require_action(ctx.actor, ClosingAction.KEEP_DOSSIER)
    number = clean_text(archive_no, field="档案号", max_length=40)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="归档", clock=ctx.clock) as session:
        dossier = _dossier(session, case_id, expected_version)
        if dossier.scanned_at is None:
            raise ServiceError("卷宗尚未扫描上传，不能归档")
        case = load_for_update(session, Case, case_id, None, what="该案件")
        check_transition(Stage(case.stage), Stage.ARCHIVED)
        dossier.archive_no, dossier.archived_at = number, ctx.now()
        move_stage(session, case, Stage.ARCHIVED, actor=ctx.actor, now=ctx.now(), note=f"档案号 {number}")
        close_deadline(session, case_id=case_id, step=Step.ARCHIVE, actor=ctx.actor, at=ctx.now())


def add_supplement(case_id: int, description: str, pages: str, *, ctx: ServiceContext) -> None:
    """A 终本 case's later material, into the evidence bag and the e-dossier."""
    require_action(ctx.actor, ClosingAction.KEEP_DOSSIER)
    what = clean_text(description, field="材料", max_length=500)
    count = _pages(pages)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="终本案件补充材料", clock=ctx.clock) as session:
        case = load_for_update(session, Case, case_id, None, what="该案件")
        if case.closure != Closure.PROCEDURE_TERMINATED.value:
            raise ServiceError("只有终本案件可以补充卷宗材料")
        session.add(
            DossierSupplement(
                case_id=case_id, description=what, pages=count, added_by_id=ctx.actor.id, added_at=ctx.now()
            )
        )


def dossier_queue(*, ctx: ServiceContext, limit: int = 200, archived: bool = False) -> list[DossierRow]:
    """Dossiers not yet archived, with the deadline of their next step, soonest first; ``archived``: the archived
    ones instead, most recent first (a 终本 case's supplements are added to those)."""
    require_action(ctx.actor, ClosingAction.VIEW_DOSSIERS)
    done = col(Dossier.archived_at)
    # A dossier not yet archived is a 已结案 case's (transferred after closing; archiving moves the case on): read
    # through the closed cases, not through every dossier the court ever archived.
    which = (done.is_not(None),) if archived else (done.is_(None), col(Case.stage) == Stage.CLOSED.value)
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(Dossier, Case.case_number, Staff.name, Case.closure)
            .join(Case, col(Case.id) == Dossier.case_id)
            .join(Staff, col(Staff.id) == Dossier.transferred_by_id)
            .where(*which)
            .order_by(done.desc() if archived else col(Dossier.id))
            .limit(limit)
        ).all()
        # The steps of the page's cases, open or done (a few each), kept open here: with "done_at IS NULL" in the
        # query SQLite walked every open step of the court through ix_deadline_open_due instead of the cases'.
        steps = session.exec(
            select(col(Deadline.case_id), col(Deadline.due_date), col(Deadline.done_at))
            .where(
                col(Deadline.case_id).in_([d.case_id for d, _, _, _ in rows]),
                col(Deadline.step).in_([Step.DOSSIER_SCAN.value, Step.ARCHIVE.value]),
            )
            .order_by(col(Deadline.due_date).desc())
        ).all()
        dues: dict[int, date] = {case_id: due for case_id, due, done_at in steps if done_at is None}
    lines = [
        DossierRow(
            d.case_id,
            number or "",
            d.pages,
            d.transfer_form_no,
            name,
            _state(d),
            dues.get(d.case_id),
            d.version,
            closure == Closure.PROCEDURE_TERMINATED.value,
            d.archive_no,
        )
        for d, number, name, closure in rows
    ]
    if archived:
        return lines
    return sorted(lines, key=lambda r: (r.due or date.max, r.case_number))


def _state(dossier: Dossier) -> DossierState:
    if dossier.archived_at is not None:
        return DossierState.ARCHIVED
    if dossier.scanned_at is not None:
        return DossierState.SCANNED
    return DossierState.RECEIVED if dossier.received_at is not None else DossierState.TRANSFERRED
