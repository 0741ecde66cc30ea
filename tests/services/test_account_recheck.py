"""A disabled account or a removed role stops working at the next unit of work, not when the terminal quits."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from tests.conftest import FIXED_NOW, PASSWORD, context_for, make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AuditRecord, Staff
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.account_check import AccountChanged
from zhihui_tui.services.accounts import (
    LoginRefused,
    NewStaff,
    add_staff,
    authenticate,
    revoke_role,
    set_staff_active,
    system_actor,
    verify_password,
)
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.errors import PermissionDenied
from zhihui_tui.services.search import search_cases
from zhihui_tui.services.workbench import case_history


def search_ctx(engine: Engine, actor: Actor) -> ServiceContext:
    """The context a search runs in: this actor on the test's database at the fixed moment."""
    return context_for(engine, actor, FixedClock(FIXED_NOW))


def _counts(engine: Engine) -> tuple[int, int]:
    with read_session(engine) as session:
        staff = session.exec(select(func.count()).select_from(Staff)).one()
        audits = session.exec(select(func.count()).select_from(AuditRecord)).one()
    return staff, audits


def _new(login: str) -> NewStaff:
    return NewStaff(login=login, name="新同事", roles=(Role.HANDLER,), password=PASSWORD)


def test_a_disabled_account_writes_nothing(engine: Engine, clock: FixedClock) -> None:
    admin = make_staff(engine, clock, "guanli", Role.ADMIN, name="管理员")
    add_staff(engine, _new("first"), actor=admin, clock=clock)  # works while active
    set_staff_active("guanli", False, ctx=context_for(engine, system_actor(engine), clock))
    before = _counts(engine)
    with pytest.raises(AccountChanged, match="账号已停用，请联系管理员"):
        add_staff(engine, _new("second"), actor=admin, clock=clock)
    assert _counts(engine) == before
    assert isinstance(AccountChanged("x"), PermissionDenied)


def test_a_disabled_account_reads_no_personal_data(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW, Role.DIRECTOR)
    assert search_cases("张三", ctx=search_ctx(engine, clerk)).hits == ()
    set_staff_active("lian1", False, ctx=context_for(engine, system_actor(engine), clock))
    with pytest.raises(AccountChanged, match="账号已停用"):
        search_cases("张三", ctx=search_ctx(engine, clerk))
    with pytest.raises(AccountChanged, match="账号已停用"):
        search_cases("张三", ctx=search_ctx(engine, clerk), restrict_to_id_number="150702198501010013")
    with pytest.raises(AccountChanged, match="账号已停用"):
        case_history(1, ctx=context_for(engine, clerk, clock))
    with pytest.raises(LoginRefused, match="停用"):
        authenticate(engine, "lian1", PASSWORD, clock=clock)
    assert not verify_password(PASSWORD, ctx=context_for(engine, clerk, clock))  # the idle lock does not reopen either


def test_a_removed_role_is_refused_until_signing_in_again(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "guanli", Role.ADMIN, Role.DIRECTOR, name="管理员")
    admin = authenticate(engine, "guanli", PASSWORD, clock=clock)
    revoke_role("guanli", Role.DIRECTOR, ctx=context_for(engine, system_actor(engine), clock))
    before = _counts(engine)
    with pytest.raises(AccountChanged, match="您的权限已变更，请重新登录"):
        add_staff(engine, _new("second"), actor=admin, clock=clock)
    with pytest.raises(AccountChanged, match="权限已变更"):
        search_cases("张三", ctx=search_ctx(engine, admin))
    assert _counts(engine) == before
    again = authenticate(engine, "guanli", PASSWORD, clock=clock)  # a fresh Actor carries the roles held now
    assert again.roles == {Role.ADMIN}
    add_staff(engine, _new("second"), actor=again, clock=clock)


def test_the_batch_account_is_checked_too(engine: Engine, clock: FixedClock) -> None:
    system = system_actor(engine)
    with read_session(engine) as session:
        assert session.exec(select(Staff.active).where(Staff.id == system.id)).one()
    # A forged Actor (an id with no staff row) never writes, whatever roles it claims.
    from zhihui_tui.services.context import Actor

    ghost = Actor(id=987_654, login="ghost", name="无此人", roles=frozenset({Role.SYSTEM}))
    with pytest.raises(AccountChanged, match="账号已停用"):
        add_staff(engine, _new("second"), actor=ghost, clock=clock)


def test_enabling_again_restores_the_account(engine: Engine, clock: FixedClock) -> None:
    admin = make_staff(engine, clock, "guanli", Role.ADMIN)
    system = system_actor(engine)
    set_staff_active("guanli", False, ctx=context_for(engine, system, clock))
    set_staff_active("guanli", True, ctx=context_for(engine, system, clock))
    add_staff(engine, _new("second"), actor=admin, clock=clock)
    with pytest.raises(PermissionDenied, match="无权停用或启用账号"):
        set_staff_active(
            "second", False, ctx=context_for(engine, make_staff(engine, clock, "lian1", Role.FILING_REVIEW), clock)
        )
