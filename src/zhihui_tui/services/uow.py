"""A unit of work: one write transaction, tagged with actor, action and clock, audited on every flush."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import Engine, event, inspect
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from zhihui_tui.db.models import AuditRecord
from zhihui_tui.domain.clock import Clock
from zhihui_tui.services import audit
from zhihui_tui.services.account_check import recheck_actor
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import ConcurrentEdit
from zhihui_tui.services.locking import stale_message


@event.listens_for(OrmSession, "after_flush")
def _audit_after_flush(session: OrmSession, _context: Any) -> None:
    actor: Actor | None = session.info.get("actor")
    if actor is None:
        # Reads and the migration's own session never change audited tables; a write without an actor would.
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("a write outside unit_of_work(): every change must name its actor")
        return
    clock: Clock = session.info["clock"]
    entries = list(audit.entries_from_flush(session, actor.login, session.info["action"]))
    audit.append(session, entries, as_of=clock.now())


@contextmanager
def unit_of_work(engine: Engine, *, actor: Actor, action: str, clock: Clock) -> Iterator[Session]:
    """Commit on success, roll back on any error; a lost optimistic-lock race becomes ConcurrentEdit."""
    with Session(engine, expire_on_commit=False) as session:
        session.info.update(actor=actor, action=action, clock=clock)
        try:
            with session.begin():
                recheck_actor(session, actor)  # a disabled account or a removed role writes nothing
                yield session
        except StaleDataError as error:
            raise ConcurrentEdit(_who_changed_first(engine, str(error), _records_saved(session))) from None
        except IntegrityError as error:
            table = _duplicate_in(error)
            if table is None:
                raise
            raise AlreadySaved(table, _who_saved_first(engine, table)) from None
        except DBAPIError as error:
            if _sqlite_busy(error):
                raise ConcurrentEdit(WRITE_BUSY) from None
            if _sqlstate(error) not in LOST_RACE_STATES:
                raise
            raise ConcurrentEdit("另一终端正在同时修改相关记录，请稍后重试") from None


# SQLite gave up waiting for the write lock (the busy timeout passed while other terminals kept saving): nothing was
# written and the database is fine, so the clerk is told to save again, not that the database is unreachable.
WRITE_BUSY = "其他终端正在集中保存，本次未保存，请稍后重新保存"


def _sqlite_busy(error: DBAPIError) -> bool:
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def _who_changed_first(engine: Engine, detail: str, saving: dict[str, set[str]]) -> str:
    """Name the last writer of the very record whose save lost the race, so the clerk can see who saved first."""
    table = detail.split("table '", 1)[-1].split("'", 1)[0] if "table '" in detail else None
    records = {table: saving.get(table, set())} if table else saving
    with Session(engine) as session:
        return stale_message(session, records)


def _records_saved(session: Session) -> dict[str, set[str]]:
    """The records the failed flush updated or deleted; for a stale copy refused before any flush (``merge``),
    the records the session held."""
    saving: dict[str, set[str]] = session.info.get(SAVING, {})
    if saving:
        return saving
    held: dict[str, set[str]] = {}
    for state in session.identity_map.all_states():
        if state.identity is not None:
            table = state.mapper.local_table.name  # type: ignore[attr-defined]
            held.setdefault(table, set()).add("/".join(str(part) for part in state.identity))
    return held


# session.info key: table -> primary keys (as the audit trail writes them) of the rows this flush updates or deletes
SAVING = "saving"


@event.listens_for(OrmSession, "before_flush")
def _remember_saving(session: OrmSession, _context: Any, _instances: Any) -> None:
    """Note which records this flush updates, so a lost optimistic-lock race names that record's last writer."""
    if session.info.get("actor") is None:
        return
    saving: dict[str, set[str]] = session.info.setdefault(SAVING, {})
    for obj in chain(session.dirty, session.deleted):
        state = inspect(obj)
        if state.identity is not None:
            table = state.mapper.local_table.name
            saving.setdefault(table, set()).add("/".join(str(part) for part in state.identity))


class AlreadySaved(ConcurrentEdit):
    """Another terminal saved the one row a rule allows (a unique key) first: a conflict, told as such."""

    def __init__(self, table: str, message: str) -> None:
        super().__init__(message)
        self.table = table


# What the other terminal did first, per table whose unique keys carry an "at most one" rule, and what to do now.
REFRESH, SAVE_AGAIN = "请刷新后查看", "本次未保存，请刷新后重新保存"
SAVED_FIRST: dict[str, tuple[str, str]] = {
    "filing_rejection": ("提交了该案的不予立案申请", REFRESH),
    "deadline": ("开启了该案的同一办理环节", REFRESH),
    "network_inquiry": ("开始了该案的网络查控", SAVE_AGAIN),
    "triage_flags": ("标注了该案的分流事实", "本次未保存，请刷新后重新标注"),
    "triage_decision": ("对该案作出了分流决定", REFRESH),
    "field_search": ("登记了该事项的查人找物", REFRESH),
    "counter_task": ("登记了该事项的临柜业务", REFRESH),
    "ledger_report": ("报送了该日的接待台账", REFRESH),
    "party": ("登记了证件号码相同的当事人", SAVE_AGAIN),
    "enforcement_case": ("使用了该案号", SAVE_AGAIN),
    "enforcement_basis": ("登记了该案的执行依据", REFRESH),
    "case_material": ("登记了该案的同一项材料", SAVE_AGAIN),
    "staff": ("创建了同一登录名的账号", REFRESH),
    "service_attempt": ("登记了该受送达人的送达或同一邮件号", SAVE_AGAIN),
}
UNIQUE_VIOLATION = "23505"
LOST_RACE_STATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock detected: nothing was saved
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (\w+)\.")


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _duplicate_in(error: IntegrityError) -> str | None:
    """The table whose unique key refused the row, when it is one of ours; else None (a bug, not a race)."""
    if _sqlstate(error) == UNIQUE_VIOLATION:
        diag = getattr(error.orig, "diag", None)
        table = getattr(diag, "table_name", None)
    else:
        match = _SQLITE_UNIQUE.search(str(error.orig))
        table = match.group(1) if match else None
    return table if table in SAVED_FIRST else None


def _who_saved_first(engine: Engine, table: str) -> str:
    """The conflict as the clerk reads it: which terminal saved that one row first, and when."""
    with Session(engine) as session:
        last = session.exec(
            select(AuditRecord)
            .where(AuditRecord.entity == table, col(AuditRecord.before).is_(None))
            .order_by(col(AuditRecord.id).desc())
            .limit(1)
        ).first()
    done, advice = SAVED_FIRST[table]
    if last is None:
        return f"另一终端刚刚{done}，{advice}"
    return f"另一终端（{last.actor_login}）已于 {last.recorded_at:%H:%M:%S} {done}，{advice}"
