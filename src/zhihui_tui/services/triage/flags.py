"""分流事实 (R-TRI-2 facts no table holds), corrected by the director on the board before he rules.

The flag row is versioned: a save names the version the director read, and a save by someone else in between
(the inquiry clerk ticks the same facts) is refused with who and when, never overwritten. The case row is locked
first, so two first saves of a case without flags yet (no row to lock) are serialised too.
"""

from __future__ import annotations

from collections.abc import Iterable

from zhihui_tui.db.models import TriageFlags
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.triage import check_flags
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import ConcurrentEdit
from zhihui_tui.services.inquiry import write_flags
from zhihui_tui.services.locking import load_for_update, stale_message, table_of
from zhihui_tui.services.triage.facts import proposal_for
from zhihui_tui.services.triage.results import FlagsSaved
from zhihui_tui.services.triage.rules import TriageAction, lock_case, require_action
from zhihui_tui.services.uow import unit_of_work

WHAT = "分流事实"
ADVICE = "请刷新后重新标注"


def set_flags(case_id: int, flags: Iterable[str], *, expected_version: int | None, ctx: ServiceContext) -> FlagsSaved:
    """The director sets exactly ``flags`` on a case awaiting triage and gets the recomputed proposal.

    ``expected_version`` is the flag row's version the director saw (None: no row yet). After the ruling the
    facts are part of the record and stay as they were ruled on."""
    require_action(ctx.actor, TriageAction.SET_FLAGS)
    wanted = check_flags(flags)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="繁简分流：修改分流事实", clock=ctx.clock) as session:
        found = lock_case(session, case_id)
        if found.stage != Stage.INQUIRED.value:
            raise DomainError(f"该案状态为“{Stage(found.stage).label}”，不是待分流，分流事实不能再修改")
        if expected_version is not None:
            load_for_update(session, TriageFlags, case_id, expected_version, what=WHAT, advice=ADVICE)
        elif session.get(TriageFlags, case_id) is not None:  # saved first by someone else since it was read
            records = {table_of(TriageFlags): [case_id]}
            raise ConcurrentEdit(stale_message(session, records, what=WHAT, advice=ADVICE))
        row = write_flags(session, case_id, wanted)
        session.flush()  # bumps the version and makes the new facts visible to the proposal's queries
        proposal = proposal_for(session, case_id)
        return FlagsSaved(wanted, row.version, proposal)
