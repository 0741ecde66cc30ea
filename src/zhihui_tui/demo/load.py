"""Writing the demo court: staff, cases and the work around them, in one unit of work."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, text
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AuditRecord, Case, CaseMaterial, CaseParty, Staff, StaffRole
from zhihui_tui.demo.cases import CaseSpec, build_demo_cases
from zhihui_tui.demo.closing import watched_specs, write_case_end
from zhihui_tui.demo.common import DEFAULT_SEED, DEMO_ACTION, DEMO_LOCK_KEY, DEMO_PASSWORD, ORIGINAL_WINDOW_DAYS
from zhihui_tui.demo.field import field_candidates, write_field_searches, write_service_matters
from zhihui_tui.demo.funds import funds_candidates, write_funds
from zhihui_tui.demo.parties import MOBILE_PREFIXES
from zhihui_tui.demo.staff import DemoLogin, demo_logins, demo_roster
from zhihui_tui.demo.work import Crew, plan_work, signing, write_work
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.filing import checklist_units
from zhihui_tui.domain.lifecycle import STAGE_LABELS, Stage
from zhihui_tui.domain.phones import normalize_landline, normalize_mobile
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import (
    SYSTEM_LOGIN,
    NewStaff,
    _check_new_staff,
    hash_password,
    staff_row,
    system_actor,
)
from zhihui_tui.services.cases import NewCase, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import ServiceError
from zhihui_tui.services.uow import unit_of_work


@dataclass(frozen=True)
class DemoSummary:
    loaded: bool  # False: the demo was already there and nothing was written
    logins: tuple[DemoLogin, ...]
    password: str
    case_count: int
    stage_counts: dict[str, int] = field(default_factory=dict)  # Chinese stage label → cases


# ------------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------------


def demo_present(session: Session) -> bool:
    return session.exec(select(AuditRecord.id).where(AuditRecord.action == DEMO_ACTION).limit(1)).first() is not None


def _refuse_if_in_use(session: Session) -> None:
    """Demo data must never mix into a court's real database."""
    staff = session.exec(select(func.count()).select_from(Staff).where(Staff.login != SYSTEM_LOGIN)).one()
    cases = session.exec(select(func.count()).select_from(Case)).one()
    if staff or cases:
        raise ServiceError(
            f"数据库中已有 {staff} 个账号、{cases} 件案件，演示数据只能载入新建的空数据库（可用 --db 指定新文件）"
        )


def _summary(loaded: bool, session: Session) -> DemoSummary:
    rows = session.exec(select(Case.stage, func.count()).group_by(Case.stage)).all()
    by_stage = dict(rows)
    counts = {label: int(by_stage.get(stage.value, 0)) for stage, label in STAGE_LABELS.items()}
    return DemoSummary(loaded, demo_logins(), DEMO_PASSWORD, sum(counts.values()), counts)


def _add_staff(session: Session, rng: random.Random, now: datetime) -> dict[str, Actor]:
    """Staff rows in the demo's own transaction; one argon2 hash serves every account (same demo password)."""
    password_hash = hash_password(DEMO_PASSWORD)
    created = now - timedelta(days=ORIGINAL_WINDOW_DAYS + 30)
    actors: dict[str, Actor] = {}
    for number, spec in enumerate(demo_roster(), start=1):
        counter = spec.role is Role.COUNTER_CONTROL  # R-CTR-1: both cards recorded on the account
        new = NewStaff(
            login=spec.login,
            name=spec.name,
            roles=(spec.role,),
            password=DEMO_PASSWORD,
            team=spec.team,
            title=spec.title,
            office_phone=normalize_landline(f"0482-83{rng.randint(10000, 99999)}"),
            mobile=normalize_mobile(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"),
            work_card_no=f"内2221-{number:04d}" if counter else None,
            official_card_no=f"执公{rng.randint(15000000, 15999999)}" if counter else None,
        )
        _check_new_staff(new)
        staff = staff_row(new, password_hash=password_hash, created=created)
        session.add(staff)
        session.flush()
        assert staff.id is not None
        session.add(StaffRole(staff_id=staff.id, role=spec.role.value))
        actors[spec.login] = Actor(staff.id, staff.login, staff.name, frozenset({spec.role}))
    session.flush()
    return actors


def _new_case(spec: CaseSpec, actors: dict[str, Actor], case_ids: dict[int, int]) -> NewCase:
    return NewCase(
        category=spec.category,
        received_at=spec.times[Stage.RECEIVED],
        applicants=spec.applicants,
        respondents=spec.respondents,
        target_amount_fen=spec.amount_fen,
        basis=spec.basis,
        agents=spec.agents,
        consumption_restriction_requested=spec.restrict,
        dishonest_list_requested=spec.dishonest,
        stage=spec.stage,
        filed_at=spec.times.get(Stage.FILED),
        handler_id=actors[spec.handler].id if spec.handler else None,
        team=spec.team,
        original_case_id=case_ids[spec.original.order] if spec.original else None,
        disputed=spec.disputed,
        stage_times=dict(spec.times),
    )


def _add_checklist(session: Session, case_id: int, spec: CaseSpec, clerk: Actor, rng: random.Random) -> None:
    """A case at 材料接收 has its checklist as the receiving clerk ticked it: about half complete, the rest
    waiting for one or two required items (the queue's 缺少材料 column then has something to say)."""
    units = checklist_units(spec.category)
    required = [unit.code for unit in units if unit.required(has_agent=bool(spec.agents))]
    absent = set(rng.sample(required, rng.randint(1, 2))) if rng.random() < 0.5 else set()
    received = spec.times[Stage.RECEIVED]
    for unit in units:
        ticked = unit.code in required and unit.code not in absent
        session.add(
            CaseMaterial(
                case_id=case_id,
                item=unit.code,
                provided=ticked,
                checked_by_id=clerk.id if ticked else None,
                checked_at=received if ticked else None,
            )
        )


def _respondent_ids(session: Session, case_id: int) -> list[int]:
    rows = session.exec(
        select(CaseParty.party_id)
        .where(CaseParty.case_id == case_id, CaseParty.role == "respondent")
        .order_by(col(CaseParty.position))
    ).all()
    return list(rows)


def _write_case(
    session: Session,
    spec: CaseSpec,
    crew: Crew,
    actors: dict[str, Actor],
    case_ids: dict[int, int],
    work_rng: random.Random,
    materials_rng: random.Random,
    calendar: WorkCalendar,
    court_code: str,
) -> int:
    """One case with its stage history signed by the posts, its checklist and the work around it; its id."""
    work = plan_work(spec, crew, work_rng)
    # The clerk who took in the materials owns the filing step; each later stage change is signed by the post
    # that made it (demo.work.STAGE_POSTS).
    clerk = crew.receiving_clerk(spec)
    with signing(session) as signed:
        signed.signers.update(work.signers)
        signed.closure = (spec.closure, spec.times[Stage.CLOSED]) if spec.closure else None
        signed.pack_owner = work.pack_owner
        case = register_case(
            session, _new_case(spec, actors, case_ids), actor=clerk, calendar=calendar, court_code=court_code
        )
        session.flush()
    assert case.id is not None
    case_ids[spec.order] = case.id
    if spec.stage is Stage.RECEIVED:
        _add_checklist(session, case.id, spec, clerk, materials_rng)
    write_work(session, case.id, _respondent_ids(session, case.id), spec, work, crew)
    return case.id


def load_demo(
    engine: Engine,
    *,
    clock: Clock,
    calendar: WorkCalendar,
    court_code: str,
    seed: int = DEFAULT_SEED,
) -> DemoSummary:
    """Load the demo court in one transaction, or report that it is already there."""
    with read_session(engine) as session:
        if demo_present(session):
            return _summary(False, session)
    now = clock.now()
    rng = random.Random(seed)
    specs = build_demo_cases(rng, calendar, now)
    materials_rng = random.Random(f"{seed}:materials")  # its own stream: the rest of the court stays as it was
    work_rng = random.Random(f"{seed}:work")  # findings, rulings, field searches: another stream of their own
    system = system_actor(engine)
    with unit_of_work(engine, actor=system, action=DEMO_ACTION, clock=clock) as session:
        if session.connection().dialect.name == "postgresql":
            session.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DEMO_LOCK_KEY})
        if demo_present(session):  # a run that got here first while we were generating
            return _summary(False, session)
        _refuse_if_in_use(session)
        actors = _add_staff(session, rng, now)
        crew = Crew.from_actors(actors)
        case_ids: dict[int, int] = {}
        registered: list[tuple[int, CaseSpec]] = []
        numbers: list[tuple[int, CaseSpec, str]] = []
        for spec in specs:
            case_id = _write_case(session, spec, crew, actors, case_ids, work_rng, materials_rng, calendar, court_code)
            registered.append((case_id, spec))
            number = session.get(Case, case_id).case_number  # type: ignore[union-attr]
            if number:
                numbers.append((case_id, spec, number))
        write_field_searches(session, field_candidates(registered), crew, work_rng, calendar=calendar, now=now)
        write_service_matters(session, field_candidates(registered), crew, calendar=calendar, now=now)
        write_funds(session, funds_candidates(numbers), crew, calendar=calendar, now=now, seed=seed)
        # the end of the cases (measures, the 终本 watch, dossiers): a stream of its own, so nothing above shifts
        closing_rng = random.Random(f"{seed}:closing")
        for spec in watched_specs(closing_rng, calendar, now):
            _write_case(session, spec, crew, actors, case_ids, closing_rng, materials_rng, calendar, court_code)
        write_case_end(session, crew, closing_rng, calendar=calendar, now=now)
        session.flush()
        return _summary(True, session)
