"""The end of the demo court's cases (SPEC §3.10–3.11), written after the cases from their own random stream, so
nothing written before shifts:

- measures on the handlers' 承办中 cases (限制消费令 on most, 失信 where asked, …): some meet every 终本 condition,
  others name what is missing;
- the watch of every 终本 case, rounds every 6 months from its closing: those well past done (nothing found),
  recent ones overdue, the next due soon; each 执恢 case's original found property in the round that led to it
  (linked), and one more found property and waits for its handler (kuai01 where possible) to confirm;
- dossiers: every archived case's whole path; the closed cases' at each step (transferred, received, scanned),
  and those whose transfer is overdue left for their handler to transfer.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from zhihui_tui.db.models import Case, Deadline, Dossier, EnforcementMeasure, StageChange, ZhongbenWatch
from zhihui_tui.demo.cases import CaseFactory, CaseSpec
from zhihui_tui.demo.staff import demo_roster
from zhihui_tui.demo.timeline import stage_path
from zhihui_tui.demo.work import Crew
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.closing import Closure, MeasureKind, watch_schedule
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Team
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.context import Actor
from zhihui_tui.services.deadlines import close_deadline, open_deadline

NOTHING_FOUND = ("未发现可供执行的财产", "银行账户余额为零，无其他财产", "名下无车辆、不动产登记，存款不足百元")
FOUND = "发现被执行人名下新登记车辆一辆，已查封"
FOUND_PENDING = "发现被执行人新开立银行账户，存款 8.6 万元"
OVERDUE_WINDOW = timedelta(days=20)  # rounds due within the last 20 days are left undone (shown overdue)
PENDING_HANDLER = "kuai01"


def write_case_end(session: Session, crew: Crew, rng: random.Random, *, calendar: WorkCalendar, now: datetime) -> None:
    """All of the above, in the demo's transaction."""
    session.flush()
    _measures(session, crew, rng, now)
    _watch(session, crew, rng, now)
    _dossiers(session, crew, rng, calendar, now)
    session.flush()


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))


def _between(start: datetime, end: datetime, share: float) -> datetime:
    return (start + (end - start) * share).replace(second=0, microsecond=0)


# -- three older 终本 cases whose watch is under way ------------------------------------------------------------------

# (handler, filed, closed, archived): the demo's own 终本 cases closed too recently for a round to be due, so these
# three are older — one round found property (kuai01 confirms), one overdue, one due within weeks.
WATCHED = (
    ("kuai01", datetime(2026, 1, 5, 10), datetime(2026, 4, 20, 15), datetime(2026, 5, 14, 10)),
    ("jing01", datetime(2026, 1, 12, 10), datetime(2026, 5, 18, 16), datetime(2026, 6, 19, 10)),
    ("kuai02", datetime(2026, 2, 2, 9), datetime(2026, 6, 5, 11), datetime(2026, 7, 8, 15)),
)
WATCHED_ORDER = 100_000  # their spec orders, clear of the main plan's


def watched_specs(rng: random.Random, calendar: WorkCalendar, now: datetime) -> list[CaseSpec]:
    """The three cases as specs of the demo's own factory (parties, basis, amounts), with their times fixed, so
    they are written, signed and worked like every other demo case."""
    factory = CaseFactory(rng, calendar, now, demo_roster())
    specs = []
    for n, (login, filed, closed, archived) in enumerate(WATCHED, start=1):
        spec = factory.case(FilingCategory.APPLICATION, Stage.ARCHIVED, original_window=True)
        path = stage_path(FilingCategory.APPLICATION, Stage.ARCHIVED)
        early = [stage for stage in path if stage not in (Stage.CLOSED, Stage.ARCHIVED)]
        # received two days before filing; each later step a couple of days after the one before
        spec.times = {stage: filed + timedelta(days=2 * (i - 1)) for i, stage in enumerate(early)}
        spec.times |= {Stage.CLOSED: closed, Stage.ARCHIVED: archived}
        spec.order, spec.handler, spec.team = WATCHED_ORDER + n, login, Team.FAST if "kuai" in login else Team.INTENSIVE
        specs.append(spec)
    return specs


# -- measures -----------------------------------------------------------------------------------------------------


def _measures(session: Session, crew: Crew, rng: random.Random, now: datetime) -> None:
    cases = session.exec(
        select(Case)
        .where(Case.stage == Stage.ASSIGNED.value, Case.filing_category != FilingCategory.OBJECTION.value)
        .order_by(col(Case.id))
    ).all()
    today = now.date()
    for case in cases:
        if case.id is None or case.handler_id is None or case.filed_at is None:
            continue
        kinds: list[MeasureKind] = []
        if rng.random() < 0.7:
            kinds.append(MeasureKind.CONSUMPTION_RESTRICTION)
        if case.dishonest_list_requested and rng.random() < 0.6:
            kinds.append(MeasureKind.DISHONEST_LIST)
        if rng.random() < 0.3:
            kinds.append(MeasureKind.PROPERTY_SETTLED)
        if rng.random() < 0.08:
            kinds.append(MeasureKind.OBSTRUCTION_FOUND)
            if rng.random() < 0.5:
                kinds.append(MeasureKind.OBSTRUCTION_PUNISHED)
        filed = case.filed_at.date()
        for kind in kinds:
            day = min(filed + timedelta(days=rng.randint(15, 60)), today - timedelta(days=1))
            session.add(
                EnforcementMeasure(
                    case_id=case.id,
                    kind=kind.value,
                    done_on=max(day, filed),
                    recorded_by_id=case.handler_id,
                    recorded_at=_at(max(day, filed), rng),
                )
            )


# -- the watch after 终本 ---------------------------------------------------------------------------------------------


def _watch(session: Session, crew: Crew, rng: random.Random, now: datetime) -> None:
    originals = session.exec(
        select(Case)
        .where(col(Case.closure) == Closure.PROCEDURE_TERMINATED.value, col(Case.closed_at).is_not(None))
        .order_by(col(Case.id))
    ).all()
    resumed: dict[int, Case] = {
        case.original_case_id: case
        for case in session.exec(select(Case).where(col(Case.original_case_id).is_not(None))).all()
        if case.original_case_id is not None
    }
    plain: list[ZhongbenWatch] = []  # rounds done with nothing found, not on a resumed case
    for case in originals:
        assert case.id is not None and case.closed_at is not None
        resumption = resumed.get(case.id)
        for number, due in enumerate(watch_schedule(case.closed_at.date()), start=1):
            row = ZhongbenWatch(case_id=case.id, round=number, due_on=due)
            if resumption is not None:
                if due > resumption.received_at.date() and number > 1:
                    break  # the watch ends with the resumption
                # the round that found property led to the 执恢 case: done before it was received
                done_at = min(_at(due, rng), resumption.received_at - timedelta(days=2))
                row.done_at, row.done_by_id, row.result = done_at, crew.inquiry.id, FOUND
                row.found_property, row.resumed_case_id = True, resumption.id
                session.add(row)
                break
            if due < now.date() - OVERDUE_WINDOW:
                row.done_at = _at(due + timedelta(days=rng.randint(0, 10)), rng)
                row.done_by_id, row.result = crew.inquiry.id, rng.choice(NOTHING_FOUND)
                plain.append(row)
            session.add(row)
    _one_found(session, crew, plain)


def _one_found(session: Session, crew: Crew, done: list[ZhongbenWatch]) -> None:
    """The latest round done of a 终本 case of kuai01 (else of anyone) found property: it waits for confirmation."""
    if not done:
        return
    ids = {w.case_id for w in done}
    handlers = dict(session.exec(select(Case.id, Case.handler_id).where(col(Case.id).in_(ids))).all())
    pending = crew.by_login[PENDING_HANDLER].id
    mine = [w for w in done if handlers.get(w.case_id) == pending] or done
    row = max(mine, key=lambda w: (w.done_at or datetime.min, w.case_id))
    row.found_property, row.result = True, FOUND_PENDING


# -- dossiers -----------------------------------------------------------------------------------------------------


def _dossiers(session: Session, crew: Crew, rng: random.Random, calendar: WorkCalendar, now: datetime) -> None:
    archived_at: dict[int, datetime] = dict(
        session.exec(
            select(StageChange.case_id, StageChange.at).where(StageChange.to_stage == Stage.ARCHIVED.value)
        ).all()
    )
    cases = session.exec(
        select(Case)
        .where(col(Case.stage).in_([Stage.CLOSED.value, Stage.ARCHIVED.value]), col(Case.handler_id).is_not(None))
        .order_by(col(Case.id))
    ).all()
    step = 0
    for case in cases:
        assert case.id is not None and case.handler_id is not None
        closed = case.closed_at or now - timedelta(days=1)
        clerk = crew.dossier[case.id % len(crew.dossier)]
        if case.stage == Stage.ARCHIVED.value:
            end = archived_at.get(case.id, closed + timedelta(days=20))
            _dossier(session, case, rng, closed, end, clerk, (0.3, 0.45, 0.7), archive_no=f"{end:%Y}-执-{case.id:04d}")
            continue
        open_deadline(session, case_id=case.id, step=Step.ARCHIVE, triggered_at=closed, calendar=calendar)
        due = _transfer_due(session, case.id)
        if due is not None and due < now.date():
            continue  # overdue: left for the handler to transfer (F6, T)
        step += 1
        stage = step % 4  # 0: not transferred yet; 1: transferred; 2: received; 3: scanned
        if stage == 0:
            continue
        shares = (0.4, 0.6, 0.8)[:stage]
        _dossier(session, case, rng, closed, now, clerk, shares, archive_no=None, calendar=calendar)


def _transfer_due(session: Session, case_id: int) -> date | None:
    return session.exec(
        select(col(Deadline.due_date)).where(
            Deadline.case_id == case_id, Deadline.step == Step.DOSSIER_TRANSFER.value, col(Deadline.done_at).is_(None)
        )
    ).first()


def _dossier(
    session: Session,
    case: Case,
    rng: random.Random,
    start: datetime,
    end: datetime,
    clerk: Actor,
    shares: tuple[float, ...],
    *,
    archive_no: str | None,
    calendar: WorkCalendar | None = None,
) -> None:
    """The dossier's steps at these shares of the time from closing to ``end`` (archived at ``end`` when numbered)."""
    assert case.id is not None and case.handler_id is not None
    handler = Actor(case.handler_id, "", "", frozenset())
    times = [_between(start, end, share) for share in shares]
    dossier = Dossier(
        case_id=case.id,
        pages=rng.randint(40, 420),
        transfer_form_no=f"YJ-{times[0]:%Y%m}-{case.id:04d}",
        transferred_by_id=case.handler_id,
        transferred_at=times[0],
    )
    close_deadline(session, case_id=case.id, step=Step.DOSSIER_TRANSFER, actor=handler, at=times[0])
    if len(times) > 1:
        dossier.received_at, dossier.received_by_id = times[1], clerk.id
        if calendar is not None:
            open_deadline(
                session,
                case_id=case.id,
                step=Step.DOSSIER_SCAN,
                triggered_at=times[1],
                calendar=calendar,
                owner_id=clerk.id,
            )
            session.flush()
    if len(times) > 2:
        dossier.scanned_at, dossier.scanned_by_id = times[2], clerk.id
        close_deadline(session, case_id=case.id, step=Step.DOSSIER_SCAN, actor=clerk, at=times[2])
    if archive_no is not None:
        dossier.archive_no, dossier.archived_at = archive_no, end
    session.add(dossier)
