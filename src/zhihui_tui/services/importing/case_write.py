"""The case import's write (issue 12): everything built outside the lock, then one short serialised transaction.

A clean file is planned (``case_plan``), checked against the database and built into final rows — ids,
case numbers, links to the parties already registered, deadline owners, audit entries as JSON — in a read
snapshot, with no lock held. The write transaction then takes the import lock and the counters, and asks whether
anything the build depended on moved since the snapshot: a case number drawn differently, an audit record on
the tables the build read (``_WATCHED``), on SQLite a new id in a written table. If nothing moved (a clerk's
visits, calls, findings do not), the built rows go in as they are: bulk inserts, the staged search keys, the
audit entries hashed onto the chain's head. If something did, the checks and the build run again under the
lock — slower, never wrong. Lock order (docs/locking.md): the writer queue (SQLite), the import lock, case-number
counters, then the audit head.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from zhihui_tui.db.bulk import insert_rows
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    AuditRecord,
    CaseSequence,
    Party,
    SearchTerm,
)
from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.lifecycle import CaseType, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import audit
from zhihui_tui.services.case_numbers import allocate_case_numbers, reserve_case_number
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.deadlines import sole_member
from zhihui_tui.services.importing.case_build import IMPORT_ACTION, WRITTEN, Built, Snapshot, build
from zhihui_tui.services.importing.case_plan import ImportRow, Plan, plan_rows
from zhihui_tui.services.importing.case_stage import ImportStage, stages_import
from zhihui_tui.services.search import sorted_terms
from zhihui_tui.services.uow import unit_of_work

# PostgreSQL: imports (cases and findings) queue on this transaction-scoped advisory lock, taken first in the
# write transaction. SQLite's BEGIN IMMEDIATE already serialises them.
IMPORT_LOCK_KEY = 0x7A68_696D  # "zhim"
_RACE = "导入时另一终端同时登记了相同的案号或当事人，未导入任何案件：请核对后重新导入"
_CHUNK = 500  # IN-list size for database look-ups
# An audit record on one of these since the snapshot means the checks or the build may be stale.
_WATCHED = ("party", "enforcement_case", "case_party", "staff", "staff_role")
_TERM_COLUMNS = ("kind", "term", "sort_key", "case_id")
_BULK_CACHE_KIB = 256 * 1024

Recheck = Callable[[Session], list[Any]]
CounterKey = tuple[str, int, CaseType]


class Refused(Exception):
    """The duplicate checks found rows already in the database: nothing is written."""

    def __init__(self, errors: list[Any]) -> None:
        super().__init__(f"{len(errors)} rows already imported")
        self.errors = errors


def lock_imports(session: Session) -> None:
    """Serialise imports: the first lock of an import's write transaction (PostgreSQL; SQLite holds the write
    lock from BEGIN IMMEDIATE on)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK_KEY})


def write_cases(
    rows: Sequence[ImportRow],
    *,
    ctx: ServiceContext,
    recheck: Recheck,
    also: Callable[[Connection], None] | None = None,
    plan: Plan | None = None,
) -> bool:
    """Write every row or none; ``recheck`` returns the database's objections (duplicates) for these rows and
    any makes the run :class:`Refused`; ``also`` writes in the same transaction (the import ledger's entry);
    ``plan``: the rows planned already (:class:`Planner`), else planned here.
    Returns True when the rows went in as built before the lock."""
    engine, actor = ctx.engine, ctx.actor
    as_of = ctx.clock.now()  # one moment for the run: the trail's rows store the as_of their hashes were made with
    plan = plan or plan_rows(rows, actor=actor, calendar=ctx.calendar)
    # SQLite: the search keys go to the scratch file from a second process while this one carries on.
    stage = ImportStage(engine, plan.keys) if stages_import(engine) else None
    with stage if stage is not None else nullcontext():
        try:
            return _write(plan, rows, stage, ctx=ctx, as_of=as_of, recheck=recheck, also=also)
        except IntegrityError:  # a clerk filed the same party or number between the check and the write (PostgreSQL)
            raise DomainError(_RACE) from None


def _write(
    plan: Plan,
    rows: Sequence[ImportRow],
    stage: ImportStage | None,
    *,
    ctx: ServiceContext,
    as_of: datetime,
    recheck: Recheck,
    also: Callable[[Connection], None] | None,
) -> bool:
    """The checks and the build in a read snapshot, then the write transaction (through the stage's connection
    when there is one)."""
    engine, actor, clock, court_code = ctx.engine, ctx.actor, ctx.clock, ctx.court.court_code
    snapshot, pg_ids = _checked_snapshot(engine, plan, rows, court_code, recheck)
    built = build(plan, rows, snapshot, actor=actor, pg_ids=pg_ids, dialect=engine.dialect)
    # The audit entries are needed only at the audit head. SQLite with a stage: one forked process dumps and stages
    # them while another writes the rows (both forked before any thread starts). PostgreSQL: they are dumped on a
    # second thread while the server takes the rows in. An unstaged SQLite import dumps them here (a thread would
    # fight the driver's executemany for the GIL and slow both down).
    prepared: Future[list[audit.PreparedEntry]] | None = None
    if stage is not None:
        stage.stage_rows([(t.name, c, v) for t, c, v in built.tables])
        stage.stage_audit(built.entries, as_of=as_of)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-audit") as dumper:
        if engine.dialect.name == "postgresql":
            prepared = dumper.submit(audit.prepare, built.entries, as_of=as_of)
        elif stage is None:
            prepared = Future()
            prepared.set_result(audit.prepare(built.entries, as_of=as_of))
        write = _Write(
            plan,
            rows,
            snapshot,
            built,
            prepared,
            actor=actor,
            as_of=as_of,
            court_code=court_code,
            recheck=recheck,
            also=also,
        )
        if stage is not None:
            connection = stage.attach()
            with unit_of_work(connection, actor=actor, action=IMPORT_ACTION, clock=clock) as session:  # type: ignore[arg-type]
                return _locked_write(session, write, stage=stage, pg_ids=pg_ids)
        with unit_of_work(engine, actor=actor, action=IMPORT_ACTION, clock=clock) as session:
            return _locked_write(session, write, stage=None, pg_ids=pg_ids)


def _checked_snapshot(
    engine: Engine, plan: Plan, rows: Sequence[ImportRow], court_code: str, recheck: Recheck
) -> tuple[Snapshot, dict[str, list[int]] | None]:
    """The database's objections (any makes the run :class:`Refused`) and what the build reads, in one read
    snapshot; PostgreSQL: the ids are drawn on a second connection meanwhile (both wait on the server)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-ids") as drawer:
        drawing = drawer.submit(_ids_ahead, engine, plan) if engine.dialect.name == "postgresql" else None
        with read_session(engine) as session:
            top = _audit_top(session)  # first: anything committed after it shows in the trail
            errors = recheck(session)
            if errors:
                raise Refused(errors)
            snapshot = _snapshot(session, plan, rows, court_code, top, numbers=None)
        return snapshot, drawing.result() if drawing is not None else None


@dataclass
class _Write:
    plan: Plan
    rows: Sequence[ImportRow]
    snapshot: Snapshot
    built: Built
    prepared: Future[list[audit.PreparedEntry]] | None  # ``built``'s audit entries, dumped (None: staged)
    actor: Actor
    as_of: datetime
    court_code: str
    recheck: Recheck
    also: Callable[[Connection], None] | None = None


def _locked_write(
    session: Session, write: _Write, *, stage: ImportStage | None, pg_ids: dict[str, list[int]] | None
) -> bool:
    """Under the locks, in lock order: import lock, counters, (if stale) checks and build again, rows, audit."""
    lock_imports(session)
    numbers = _draw_numbers(session, write.rows, write.court_code)
    built, planned = write.built, numbers == write.snapshot.numbers and _unchanged(session, write.snapshot)
    if not planned:
        errors = write.recheck(session)
        if errors:
            raise Refused(errors)
        snapshot = _snapshot(session, write.plan, write.rows, write.court_code, 0, numbers=numbers)
        built = build(
            write.plan,
            write.rows,
            snapshot,
            actor=write.actor,
            pg_ids=pg_ids,
            dialect=session.connection().dialect,
        )
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    # SQLite holds one write lock for all of it, so the audit head can be taken before the rows go in: the staged
    # entries are hashed onto it meanwhile. Nothing in between appends to the trail (the rows are plain inserts).
    chain = audit.chain_start(session) if stage is not None and planned else None
    links = stage.hash_audit(chain) if stage is not None and chain is not None else None
    if sqlite:  # room for search_term, its keys land all over the index
        connection.exec_driver_sql(f"PRAGMA cache_size=-{_BULK_CACHE_KIB}")
    try:
        _insert_built(connection, write, built, stage, staged=planned)
        if write.also is not None:
            write.also(connection)
        if stage is not None and chain is not None and links is not None:
            stage.copy_audit(chain, links.result())
        else:  # the audit head: the last lock
            prepared = write.prepared if planned else None
            entries = prepared.result() if prepared else audit.prepare(built.entries, as_of=write.as_of)
            audit.append_prepared(session, entries, as_of=write.as_of)
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's default, for the pooled connection
    return planned


def _insert_built(
    connection: Connection, write: _Write, built: Built, stage: ImportStage | None, *, staged: bool
) -> None:
    """The rows: copied from the scratch file when they were staged as built, else inserted in bulk."""
    if stage is not None and staged:
        stage.copy_tables()
    else:
        for table, columns, values in built.tables:
            insert_rows(connection, table, columns, values, bound=True)
    if stage is None:
        case_ids = built.case_ids
        terms = [(kind, term, key, case_ids[ref - 1]) for kind, term, key, ref in sorted_terms(write.plan.keys)]
        _insert_terms(connection, sorted(terms + built.number_terms))
    else:
        stage.swap(case_offset=built.case_ids[0] - 1 if built.case_ids else 0)
        _insert_terms(connection, sorted(built.number_terms))


def _insert_terms(connection: Connection, rows: list[tuple[str, str, int, int]]) -> None:
    insert_rows(connection, SearchTerm.__table__, _TERM_COLUMNS, rows)  # type: ignore[attr-defined]


# -- What the build reads ------------------------------------------------------------------------------------


def _audit_top(session: Session) -> int:
    return int(session.connection().execute(text("SELECT coalesce(max(id), 0) FROM audit_record")).scalar_one())


def _unchanged(session: Session, snapshot: Snapshot) -> bool:
    """Nothing the build read has moved: no audit record on a watched table since the snapshot (every change
    is audited, in commit order), and on SQLite no new id in a table the import writes."""
    moved = session.exec(
        select(AuditRecord.id)
        .where(col(AuditRecord.id) > snapshot.audit_top, col(AuditRecord.entity).in_(_WATCHED))
        .limit(1)
    ).first()
    return moved is None and _id_tops(session.connection()) == snapshot.id_tops


def _snapshot(
    session: Session,
    plan: Plan,
    rows: Sequence[ImportRow],
    court_code: str,
    top: int,
    *,
    numbers: list[CaseNumber | None] | None,
) -> Snapshot:
    roles = sorted({row["owner_role"] for row in plan.deadlines if row["owner_id"] is None})
    return Snapshot(
        audit_top=top,
        existing=_existing_parties(session, [p.id_number or "" for p in plan.wanted]),
        numbers=numbers if numbers is not None else _predict_numbers(session, rows, court_code),
        owners={role: sole_member(session, Role(role)) for role in roles},
        id_tops=_id_tops(session.connection()),
    )


def _existing_parties(session: Session, id_numbers: list[str]) -> dict[str, int]:
    """ID number → id of the parties already registered (one registered under another name was refused)."""
    found: dict[str, int] = {}
    for start in range(0, len(id_numbers), _CHUNK):
        chunk = id_numbers[start : start + _CHUNK]
        for party_id, id_number in session.exec(
            select(Party.id, Party.id_number).where(col(Party.id_number).in_(chunk))
        ):
            assert party_id is not None and id_number is not None
            found[id_number] = party_id
    return found


def _id_tops(connection: Connection) -> dict[str, int]:
    """SQLite: max(id) of each written table (new ids follow it: one writer, no AUTOINCREMENT). PostgreSQL
    draws ids from sequences instead: nothing to compare."""
    if connection.dialect.name == "postgresql":
        return {}
    tops: dict[str, int] = {}
    for model in WRITTEN:
        table = str(model.__tablename__)
        tops[table] = connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    return tops


def _ids_ahead(engine: Engine, plan: Plan) -> dict[str, list[int]]:
    """PostgreSQL: every id the rows may need, drawn from the sequences before any lock (a draw is never rolled
    back, so a refused run leaves a gap, as any failed insert does). Parties: one per wanted party at most."""
    counts = {
        "party": len(plan.wanted),
        "enforcement_case": len(plan.cases),
        "case_party": len(plan.links),
        "enforcement_basis": len(plan.bases),
        "stage_change": len(plan.stages),
        "deadline": len(plan.deadlines),
    }
    drawn: dict[str, list[int]] = {}
    with engine.connect() as connection:
        for table, count in counts.items():
            drawn[table] = sorted(
                connection.execute(
                    text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
                    {"table": table, "n": count},
                ).scalars()
            )
        connection.commit()
    return drawn


def _number_keys(
    rows: Sequence[ImportRow], court_code: str
) -> tuple[dict[CounterKey, int], dict[CounterKey, list[int]]]:
    """Per counter: the highest number the file gives, and the rows (indexes) that draw one in file order."""
    given: dict[CounterKey, int] = {}
    wanted: dict[CounterKey, list[int]] = {}
    for index, row in enumerate(rows):
        if row.number is not None:
            key = (row.number.court_code, row.number.year, row.number.case_type)
            given[key] = max(given.get(key, 0), row.number.sequence)
        elif row.case.filed_at is not None and row.case.stage is not Stage.REJECTED:
            key = (court_code, row.case.filed_at.year, row.case.category.case_type)
            wanted.setdefault(key, []).append(index)
    return given, wanted


def _sorted_keys(keys: set[CounterKey]) -> list[CounterKey]:
    return sorted(keys, key=lambda k: (k[0], k[1], k[2].value))


def _draw_numbers(session: Session, rows: Sequence[ImportRow], court_code: str) -> list[CaseNumber | None]:
    """Every row's case number, with one counter UPDATE per (court, year, type), the counters in sorted order.
    Given numbers move their counter past themselves first; filed rows without one then draw the next numbers
    in file order: the numbers ``reserve_case_number``/``allocate_case_number`` row by row would give."""
    given, wanted = _number_keys(rows, court_code)
    numbers: list[CaseNumber | None] = [row.number for row in rows]
    for key in _sorted_keys(given.keys() | wanted.keys()):
        court, year, case_type = key
        if key in given:
            reserve_case_number(
                session, CaseNumber(year=year, court_code=court, case_type=case_type, sequence=given[key])
            )
        indexes = wanted.get(key, [])
        drawn = allocate_case_numbers(session, court_code=court, year=year, case_type=case_type, count=len(indexes))
        for index, number in zip(indexes, drawn, strict=True):
            numbers[index] = number
    return numbers


def _predict_numbers(session: Session, rows: Sequence[ImportRow], court_code: str) -> list[CaseNumber | None]:
    """The numbers :func:`_draw_numbers` will draw if no one files in between, read from the counters."""
    given, wanted = _number_keys(rows, court_code)
    numbers: list[CaseNumber | None] = [row.number for row in rows]
    counter = CaseSequence.__table__  # type: ignore[attr-defined]
    for key in _sorted_keys(given.keys() | wanted.keys()):
        court, year, case_type = key
        last = (
            session.connection()
            .execute(
                select(counter.c.last).where(
                    counter.c.court_code == court, counter.c.year == year, counter.c.case_type == case_type.value
                )
            )
            .scalar()
        )
        last = max(last or 0, given.get(key, 0))
        for offset, index in enumerate(wanted.get(key, []), start=1):
            numbers[index] = CaseNumber(year=year, court_code=court, case_type=case_type, sequence=last + offset)
    return numbers
