"""The lists the end-of-case screens read (issue 14): the rounds waiting for a resumption's confirmation, for the
original handler or, when they are gone, the chief; the dossier list read-only by the leaders, and the archived
dossiers (a 终本 case's supplements go to those) — SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import make_staff
from tests.services.test_case_end import Court, closed_zhongben, court  # noqa: F401 (the fixture)
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import closing
from zhihui_tui.services.accounts import set_staff_active, system_actor
from zhihui_tui.services.closing import ClosingAction
from zhihui_tui.services.errors import PermissionDenied


def found_property(c: Court) -> int:
    closed_zhongben(c)
    c.clock.at = datetime(2027, 6, 1, 9, 0)
    (due,) = closing.watch_due(ctx=c.ctx(c.inquiry))
    closing.record_watch(due.id, "发现存款 12 万元", found_property=True, ctx=c.ctx(c.inquiry))
    return due.id


def test_a_found_round_waits_on_the_original_handler_until_resumed(court: Court) -> None:  # noqa: F811
    assert closing.resumptions_awaiting(ctx=court.ctx(court.handler)) == []
    watch_id = found_property(court)
    (row,) = closing.resumptions_awaiting(ctx=court.ctx(court.handler))
    assert (row.watch_id, row.round, row.result, row.handler) == (watch_id, 1, "发现存款 12 万元", "王建国")
    assert closing.resumptions_awaiting(ctx=court.ctx(court.chief)) == []  # the handler is still at work
    other = make_staff(court.engine, court.clock, "kuai02", Role.HANDLER)
    assert closing.resumptions_awaiting(ctx=court.ctx(other)) == []
    closing.resume_case(watch_id, ctx=court.ctx(court.handler))
    assert closing.resumptions_awaiting(ctx=court.ctx(court.handler)) == []


def test_when_the_handler_is_gone_it_waits_on_the_chief(court: Court) -> None:  # noqa: F811
    found_property(court)
    set_staff_active("kuai01", False, ctx=court.ctx(system_actor(court.engine)))
    (row,) = closing.resumptions_awaiting(ctx=court.ctx(court.chief))
    assert row.handler == "王建国"
    with pytest.raises(PermissionDenied):
        closing.resumptions_awaiting(ctx=court.ctx(court.inquiry))


def test_leaders_read_the_dossier_list_and_archived_ones_are_listed_apart(court: Court) -> None:  # noqa: F811
    assert ClosingAction.VIEW_DOSSIERS in closing.allowed_actions(court.director)
    assert ClosingAction.KEEP_DOSSIER not in closing.allowed_actions(court.director)
    closed_zhongben(court)
    closing.transfer_dossier(court.case_id, "88", "YJ-2026-002", ctx=court.ctx(court.handler))
    (row,) = closing.dossier_queue(ctx=court.ctx(court.director))
    assert (row.state, row.zhongben, row.archive_no) == (closing.DossierState.TRANSFERRED, True, None)
    with pytest.raises(PermissionDenied):
        closing.receive_dossier(court.case_id, ctx=court.ctx(court.director))
    keeper = court.ctx(court.keeper)
    closing.receive_dossier(court.case_id, ctx=keeper)
    closing.mark_scanned(court.case_id, ctx=keeper)
    closing.archive_case(court.case_id, "2026-执-0002", ctx=keeper)
    assert closing.dossier_queue(ctx=keeper) == []
    (done,) = closing.dossier_queue(ctx=keeper, archived=True)
    assert (done.state, done.archive_no, done.due) == (closing.DossierState.ARCHIVED, "2026-执-0002", None)
