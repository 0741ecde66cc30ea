"""SQLite's write lock held past the busy timeout (found by the issue-16 soak: eight clerks and the batch commands
on two loaded cores made one save wait 15 s): the clerk is told to save again — a conflict, nothing written — not
"数据库暂时无法访问", and never "database is locked"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.conftest import context_for, make_staff
from tests.services.test_open_once_races import _cases
from zhihui_tui.db import engine as engine_module
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import FundsEntry
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import funds
from zhihui_tui.services.errors import ConcurrentEdit
from zhihui_tui.services.uow import WRITE_BUSY
from zhihui_tui.tui.service_calls import FailureKind, describe


def test_a_save_that_outwaits_the_busy_timeout_is_a_conflict_message(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "zhihui.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    clerk = make_staff(engine, clock, "kuanwu1", Role.FUNDS)
    (case_id,) = _cases(engine, clock, Stage.SERVED, count=1)
    engine.dispose()
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 300)  # the 15 s of production, shortened
    impatient = make_engine(f"sqlite:///{path}")
    other_terminal = sqlite3.connect(path, isolation_level=None)
    other_terminal.execute("BEGIN IMMEDIATE")  # another terminal in the middle of its save
    try:
        with pytest.raises(ConcurrentEdit) as told:
            raw = funds.ReceiptInput("张三", "", "现场缴纳", "2026-11-20", "10.00")
            funds.record_receipt(case_id, raw, ctx=context_for(impatient, clerk, clock))
    finally:
        other_terminal.rollback()
        other_terminal.close()
    failure = describe(told.value, "登记到账")
    assert (failure.kind, failure.text) == (FailureKind.CONFLICT, WRITE_BUSY)
    with read_session(impatient) as session:
        assert session.exec(select(func.count()).select_from(FundsEntry)).one() == 0
    impatient.dispose()
