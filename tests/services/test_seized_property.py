"""扣押物品登记造册 (R-FND-3): items registered with every bad field reported at once, statuses moving only along
the allowed transitions with an append-only history, a stale version refused with its writer, the role rules —
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from tests.conftest import context_for, make_staff
from tests.services.documents_court import FIRM, ZHANG, filed_case, register
from zhihui_tui.db.models import Case, SeizedItemStatus
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldErrors
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.seized_property import ItemInput, ItemStatus
from zhihui_tui.services import funds
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import ConcurrentEdit, PermissionDenied, ServiceError

CAR = ItemInput("小型轿车（蒙G·12345）", "1", "辆", "法院涉案物品仓库 A-03", "85,000", "2026-11-02")


class Register:
    def __init__(self, engine: Engine, clock: FixedClock) -> None:
        self.clerk = make_staff(engine, clock, "kuanwu1", Role.FUNDS, name="周晓燕")
        self.director = make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="韩立新")
        self.handler = make_staff(engine, clock, "kuai01", Role.HANDLER, name="王建国")
        (self.number,) = register(
            engine,
            system_actor(engine),
            clock,
            filed_case(applicants=(FIRM,), respondents=(ZHANG,), amount_fen=100_000),
        )
        with Session(engine) as session:
            self.case_id = session.exec(select(Case.id).where(Case.case_number == self.number)).one() or 0
        self.engine, self.clock = engine, clock

    def ctx(self, who: str = "clerk") -> ServiceContext:
        return context_for(self.engine, getattr(self, who), self.clock)


@pytest.fixture
def reg(engine: Engine, clock: FixedClock) -> Register:
    return Register(engine, clock)


def test_an_item_is_registered_held_and_listed(reg: Register) -> None:
    item = funds.register_item(reg.case_id, CAR, ctx=reg.ctx())
    (row,) = funds.items_of_case(reg.case_id, ctx=reg.ctx("director"))
    assert (row.id, row.case_number, row.status, row.valuation_fen) == (item, reg.number, ItemStatus.HELD, 8_500_000)
    assert (row.quantity, row.unit, row.status_on) == (1, "辆", date(2026, 11, 2))
    (line,) = funds.item_history(item, ctx=reg.ctx())
    assert (line.status.label, line.changed_by) == ("扣押在库", "周晓燕")
    assert [r.id for r in funds.property_register(ctx=reg.ctx())] == [item]


def test_every_bad_field_of_an_item_is_reported_at_once(reg: Register) -> None:
    bad = ItemInput(" ", "0.5", "辆", "", "-3", "2026-12-01")
    with pytest.raises(FieldErrors) as caught:
        funds.register_item(reg.case_id, bad, ctx=reg.ctx())
    assert {e.field for e in caught.value.errors} == {"物品名称", "数量", "保管地点", "估价", "扣押日期"}
    unvalued = ItemInput("挖掘机", "２", "", "某村院内", "", "2026-11-20")
    item = funds.register_item(reg.case_id, unvalued, ctx=reg.ctx())
    (row,) = funds.items_of_case(reg.case_id, ctx=reg.ctx())
    assert (row.id, row.quantity, row.unit, row.valuation_fen) == (item, 2, "件", None)


def test_statuses_move_along_the_transitions_and_the_history_only_grows(reg: Register) -> None:
    item = funds.register_item(reg.case_id, CAR, ctx=reg.ctx())
    version = funds.change_status(item, "评估中", "2026-11-10", ctx=reg.ctx(), expected_version=1)
    version = funds.change_status(
        item, "拍卖中", "2026-11-20", "淘宝司法拍卖一拍", ctx=reg.ctx(), expected_version=version
    )
    with pytest.raises(FieldErrors, match="不能为空"):  # a disposal says how
        funds.change_status(item, "已处置", "2026-11-26", ctx=reg.ctx(), expected_version=version)
    with pytest.raises(FieldErrors, match="不能早于上次变更日期"):
        funds.change_status(item, "已处置", "2026-11-19", "成交", ctx=reg.ctx(), expected_version=version)
    funds.change_status(item, "已处置", "2026-11-26", "一拍成交 81,000 元", ctx=reg.ctx(), expected_version=version)
    with pytest.raises(FieldErrors, match="已“已处置”，不能再变更"):
        funds.change_status(item, "扣押在库", "2026-11-27", ctx=reg.ctx(), expected_version=None)
    history = funds.item_history(item, ctx=reg.ctx("director"))
    assert [h.status.label for h in history] == ["扣押在库", "评估中", "拍卖中", "已处置"]
    assert funds.property_register(ctx=reg.ctx(), open_only=True) == []
    with reg.engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE seized_item_status SET note = 'x'"))
    with reg.engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("DELETE FROM seized_item_status"))


def test_a_transition_not_allowed_names_the_allowed_ones(reg: Register) -> None:
    item = funds.register_item(reg.case_id, CAR, ctx=reg.ctx())
    version = funds.change_status(item, "评估中", "2026-11-10", ctx=reg.ctx(), expected_version=1)
    with pytest.raises(FieldErrors, match="“评估中”只能变更为扣押在库、拍卖中、已发还"):
        funds.change_status(item, "已处置", "2026-11-20", "x", ctx=reg.ctx(), expected_version=version)
    with pytest.raises(FieldErrors, match="处置状态：应为"):
        funds.change_status(item, "丢失", "2026-11-20", ctx=reg.ctx(), expected_version=version)


def test_a_stale_version_is_refused_and_nothing_is_written(reg: Register) -> None:
    item = funds.register_item(reg.case_id, CAR, ctx=reg.ctx())
    funds.change_status(item, "评估中", "2026-11-10", ctx=reg.ctx(), expected_version=1)
    with pytest.raises(ConcurrentEdit, match="kuanwu1"):
        funds.change_status(item, "已发还", "2026-11-20", "发还被执行人", ctx=reg.ctx(), expected_version=1)
    with Session(reg.engine) as session:
        assert len(session.exec(select(SeizedItemStatus)).all()) == 2


def test_only_the_funds_team_writes_and_a_handler_cannot_read(reg: Register) -> None:
    with pytest.raises(PermissionDenied):
        funds.register_item(reg.case_id, CAR, ctx=reg.ctx("director"))
    item = funds.register_item(reg.case_id, CAR, ctx=reg.ctx())
    with pytest.raises(PermissionDenied):
        funds.change_status(item, "评估中", "2026-11-10", ctx=reg.ctx("director"), expected_version=None)
    with pytest.raises(PermissionDenied):
        funds.property_register(ctx=reg.ctx("handler"))
    assert funds.FundsAction.PROPERTY in funds.allowed_actions(reg.clerk)
    assert funds.FundsAction.PROPERTY not in funds.allowed_actions(reg.director)


def test_an_item_needs_a_filed_case(reg: Register) -> None:
    with pytest.raises(ServiceError):
        funds.register_item(999_999, CAR, ctx=reg.ctx())
