"""The triage facts of R-TRI-2 that no table holds (重大, coercive measures, …), marked on the 网络查控 post or by
the director; the names and labels live in :mod:`zhihui_tui.domain.triage`. A save is versioned: the director's
flag saved in between is never overwritten, the clerk is told who saved it and when."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from zhihui_tui.db.models import TriageFlags
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.triage import FLAG_LABELS, check_flags
from zhihui_tui.services.context import ServiceContext, require_role
from zhihui_tui.services.errors import ConcurrentEdit
from zhihui_tui.services.inquiry.queries import get_case
from zhihui_tui.services.inquiry.rules import FLAG_ROLES
from zhihui_tui.services.locking import load_for_update, stale_message, table_of
from zhihui_tui.services.uow import unit_of_work

FLAGS = "分流事实"
RE_MARK = "请刷新后重新标注"


def set_triage_flags(case_id: int, flags: Iterable[str], *, expected_version: int | None, ctx: ServiceContext) -> None:
    """Record the facts of R-TRI-2 that no table holds (exactly ``flags`` set, the others cleared).

    ``expected_version`` is the flag row's version the clerk saw (None: no row yet): the director's 重大 flag
    saved in between is never overwritten; the clerk is told who saved it and when."""
    require_role(ctx.actor, FLAG_ROLES, "标注分流事实")
    wanted = check_flags(flags)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="标注分流事实", clock=ctx.clock) as session:
        case = get_case(session, case_id, for_update=True)  # two first saves (no flag row yet) take turns
        if case.stage not in (Stage.SERVED.value, Stage.INQUIRED.value):
            raise DomainError(f"该案状态为“{Stage(case.stage).label}”，已分流，不能再修改分流事实")
        check_flags_version(session, case_id, expected_version)
        write_flags(session, case_id, wanted)


def check_flags_version(session: Session, case_id: int, expected_version: int | None) -> None:
    """Refuse a save over flags someone else saved after the caller read them, naming who and when.

    The row is locked for the transaction (:func:`load_for_update`); "no row yet" (None) is a version too: a row
    created since the caller read is someone else's save."""
    if expected_version is not None:
        load_for_update(
            session,
            TriageFlags,
            case_id,
            expected_version,
            what=FLAGS,
            advice=RE_MARK,
            missing=f"{FLAGS}已被他人修改，{RE_MARK}",
        )
        return
    if session.get(TriageFlags, case_id, with_for_update=True) is not None:
        raise ConcurrentEdit(stale_message(session, {table_of(TriageFlags): [case_id]}, what=FLAGS, advice=RE_MARK))


def write_flags(session: Session, case_id: int, wanted: frozenset[str]) -> TriageFlags:
    """Set exactly ``wanted`` on the case's flag row (created on first use); the caller checks who and when."""
    row = session.get(TriageFlags, case_id) or TriageFlags(case_id=case_id)
    for name in FLAG_LABELS:
        setattr(row, name, name in wanted)
    session.add(row)
    return row
