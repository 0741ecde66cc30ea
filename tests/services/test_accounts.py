"""Accounts: argon2id hashes, 5 failures lock for 30 minutes, roles checked in the service layer."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.conftest import PASSWORD, make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Staff
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import LoginRefused, NewStaff, add_staff, authenticate, verify_password
from zhihui_tui.services.errors import PermissionDenied


def test_password_is_stored_as_argon2id(engine: Engine, clock: FixedClock) -> None:
    actor = make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")
    with read_session(engine) as session:
        staff = session.get(Staff, actor.id)
    assert staff is not None and staff.password_hash.startswith("$argon2id$")
    assert PASSWORD not in staff.password_hash


def test_login_returns_the_actor_with_roles(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "zhuren", Role.DIRECTOR, Role.HANDLER, name="巴特尔")
    actor = authenticate(engine, "zhuren", PASSWORD, clock=clock)
    assert actor.login == "zhuren" and actor.roles == {Role.DIRECTOR, Role.HANDLER}


def test_unknown_login_and_wrong_password_read_the_same(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    with pytest.raises(LoginRefused, match="登录名或密码错误"):
        authenticate(engine, "nobody", PASSWORD, clock=clock)
    with pytest.raises(LoginRefused, match="登录名或密码错误"):
        authenticate(engine, "lian1", "wrong", clock=clock)


def test_five_failures_lock_for_thirty_minutes(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    for attempt in range(1, 6):
        with pytest.raises(LoginRefused) as refused:
            authenticate(engine, "lian1", "wrong", clock=clock)
        if attempt == 4:
            assert "再错 1 次" in refused.value.message
    assert "锁定 30 分钟" in refused.value.message
    # Locked: even the right password is refused until the lock runs out.
    clock.advance(minutes=29, seconds=59)
    with pytest.raises(LoginRefused, match="已锁定"):
        authenticate(engine, "lian1", PASSWORD, clock=clock)
    clock.advance(seconds=1)
    assert authenticate(engine, "lian1", PASSWORD, clock=clock).login == "lian1"


def test_success_resets_the_failure_count(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    for _ in range(4):
        with pytest.raises(LoginRefused):
            authenticate(engine, "lian1", "wrong", clock=clock)
    authenticate(engine, "lian1", PASSWORD, clock=clock)
    with pytest.raises(LoginRefused, match="再错 4 次"):
        authenticate(engine, "lian1", "wrong", clock=clock)


def test_service_account_cannot_log_in(engine: Engine, clock: FixedClock) -> None:
    with pytest.raises(LoginRefused):
        authenticate(engine, "system", "!", clock=clock)


def test_wrong_role_is_refused_by_the_service(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")
    new = NewStaff(login="evil", name="某人", roles=(Role.DIRECTOR,), password=PASSWORD)
    with pytest.raises(PermissionDenied, match="无权创建账号"):
        add_staff(engine, new, actor=clerk, clock=clock)


@pytest.mark.parametrize(
    ("login", "name", "password", "field"),
    [
        ("lian 1", "王立案", PASSWORD, "登录名"),
        ("1abc", "王立案", PASSWORD, "登录名"),
        ("lian1", "王\n立案", PASSWORD, "姓名"),
        ("lian1", "王" * 60, PASSWORD, "姓名"),
        ("lian1", "王立案", "short", "密码"),
    ],
)
def test_bad_account_input_names_the_field(
    engine: Engine, clock: FixedClock, login: str, name: str, password: str, field: str
) -> None:
    admin = make_staff(engine, clock, "admin", Role.ADMIN)
    with pytest.raises(FieldError) as error:
        add_staff(
            engine, NewStaff(login=login, name=name, roles=(Role.HANDLER,), password=password), actor=admin, clock=clock
        )
    assert error.value.field == field


def test_duplicate_login_is_refused(engine: Engine, clock: FixedClock) -> None:
    make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    with pytest.raises(FieldError, match="已存在"):
        make_staff(engine, clock, "lian1", Role.HANDLER)


def test_unlock_checks_the_password_without_counting_failures(engine: Engine, clock: FixedClock) -> None:
    actor = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    assert verify_password(engine, actor, PASSWORD)
    for _ in range(6):
        assert not verify_password(engine, actor, "wrong")
    assert authenticate(engine, "lian1", PASSWORD, clock=clock).login == "lian1"
