"""Accounts: argon2id hashes, 5 failures lock for 30 minutes, roles checked in the service layer."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tests.conftest import FIXED_NOW, PASSWORD, context_for, make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Staff
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import LoginRefused, NewStaff, add_staff, authenticate, verify_password
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.errors import PermissionDenied


def search_ctx(engine: Engine, actor: Actor) -> ServiceContext:
    """The context a search runs in: this actor on the test's database at the fixed moment."""
    return context_for(engine, actor, FixedClock(FIXED_NOW))


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
    assert verify_password(PASSWORD, ctx=context_for(engine, actor, clock))
    for _ in range(6):
        assert not verify_password("wrong", ctx=context_for(engine, actor, clock))
    assert authenticate(engine, "lian1", PASSWORD, clock=clock).login == "lian1"


class _CountingHasher:
    """The real argon2 hasher, recording which hashes it verified."""

    def __init__(self, real: object) -> None:
        self.real, self.verified = real, []

    def verify(self, hash_: str, password: str) -> bool:
        self.verified.append(hash_)
        return self.real.verify(hash_, password)  # type: ignore[attr-defined, no-any-return]

    def hash(self, password: str) -> str:
        return self.real.hash(password)  # type: ignore[attr-defined, no-any-return]


def test_an_unknown_login_costs_one_real_verification(
    engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So the answer's timing does not tell a real login from an unknown one."""
    from zhihui_tui.services import accounts

    make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    counting = _CountingHasher(accounts._hasher)
    monkeypatch.setattr(accounts, "_hasher", counting)
    for login in ("nobody", "system", "lian1"):
        with pytest.raises(LoginRefused, match="登录名或密码错误"):
            authenticate(engine, login, "wrong-password", clock=clock)
    dummy, _, real = counting.verified
    assert len(counting.verified) == 3 and dummy == accounts._dummy_hash() != real
    assert dummy.split("$")[:4] == real.split("$")[:4]  # same algorithm, version and cost parameters


@pytest.mark.parametrize(("login", "password"), [("\x00", PASSWORD), ("lian\x001", PASSWORD), ("lian1", "pa\x00ss")])
def test_control_characters_in_a_login_are_refused_before_the_database(
    engine: Engine, clock: FixedClock, login: str, password: str
) -> None:
    make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    with pytest.raises(LoginRefused, match="不能包含控制字符"):
        authenticate(engine, login, password, clock=clock)
    with read_session(engine) as session:
        assert session.exec(select(Staff.failed_logins).where(Staff.login == "lian1")).one() == 0


def test_a_compatibility_character_name_is_measured_after_folding(engine: Engine, clock: FixedClock) -> None:
    """50 × ㍿ is 50 characters typed but 200 after NFKC (株式会社 each): refused, the same on both databases."""
    from zhihui_tui.services.accounts import system_actor

    new = NewStaff(login="wang", name="㍿" * 50, roles=(Role.HANDLER,), password=PASSWORD)
    with pytest.raises(FieldError, match="不能超过 50 个字"):
        add_staff(engine, new, actor=system_actor(engine), clock=clock)
    short = NewStaff(login="wang", name="㍿" * 12, roles=(Role.HANDLER,), password=PASSWORD)
    add_staff(engine, short, actor=system_actor(engine), clock=clock)
    with read_session(engine) as session:
        assert session.exec(select(Staff.name).where(Staff.login == "wang")).one() == "株式会社" * 12


@pytest.mark.parametrize(("query", "restrict"), [("张三", "\x00"), ("张\x00三", None), ("张三", "1507\x00")])
def test_a_nul_in_a_search_is_a_message_not_a_database_error(
    engine: Engine, clock: FixedClock, query: str, restrict: str | None
) -> None:
    from zhihui_tui.services.search import search_cases

    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    with pytest.raises(FieldError, match="不能包含控制字符"):
        search_cases(query, ctx=search_ctx(engine, clerk), restrict_to_id_number=restrict)


def test_a_nul_in_a_command_line_login_is_a_message(engine: Engine, clock: FixedClock) -> None:
    from zhihui_tui.services.accounts import actor_for, set_staff_active, system_actor

    with pytest.raises(FieldError, match="不能包含控制字符"):
        actor_for(engine, "\x00")
    with pytest.raises(FieldError, match="不能包含控制字符"):
        set_staff_active("a\x00", False, ctx=context_for(engine, system_actor(engine), clock))
