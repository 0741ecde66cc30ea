"""Staff accounts: creation, argon2id passwords, login with lock-out (5 failures → 30 minutes)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import Session, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Staff, StaffRole
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.domain.text_hygiene import has_control_characters
from zhihui_tui.services.account_check import AccountChanged, recheck_actor
from zhihui_tui.services.context import Actor, ServiceContext, require_role
from zhihui_tui.services.errors import NotFound, ServiceError
from zhihui_tui.services.uow import unit_of_work

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=30)
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256  # argon2 hashes any length; a megabyte paste would only burn CPU
SYSTEM_LOGIN = "system"

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def use_password_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash new passwords with ``hasher`` from now on and return the one it replaces (tests use cheap parameters).

    Verification reads the parameters from each stored hash, so hashes made either way keep verifying — in this
    process and in any other."""
    global _hasher
    previous, _hasher = _hasher, hasher
    _dummy_hash.cache_clear()  # an unknown login must cost what a real one does under the new parameters
    return previous


class LoginRefused(ServiceError):
    """Sign-in refused (wrong login or password, locked, disabled); never says which of the two was wrong."""

    pass


@dataclass(frozen=True)
class NewStaff:
    """An account to create: login, name, roles, first password and the optional contact details."""

    login: str
    name: str
    roles: tuple[Role, ...]
    password: str
    team: Team | None = None
    title: Title | None = None
    office_phone: str | None = None
    mobile: str | None = None
    work_card_no: str | None = None
    official_card_no: str | None = None


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` with the current hasher (what the staff table stores)."""
    return _hasher.hash(password)


def _check_new_staff(new: NewStaff) -> NewStaff:
    """The account as it will be stored: every text normalised, checked for length and control characters."""
    from zhihui_tui.domain.phones import normalize_landline, normalize_mobile
    from zhihui_tui.domain.validators import clean_text, normalize_person_name

    login = clean_text(new.login, field="登录名", max_length=32)
    if not login.isascii() or not login.replace("_", "").replace(".", "").isalnum() or not login[0].isalpha():
        raise FieldError("登录名", "只能由字母开头，含字母、数字、下划线或点")
    name = normalize_person_name(new.name, field="姓名")
    if not new.roles:
        raise FieldError("角色", "至少需要一个角色")
    if has_control_characters(new.password):
        raise FieldError("密码", "不能包含控制字符")
    if len(new.password) < MIN_PASSWORD_LENGTH:
        raise FieldError("密码", f"至少 {MIN_PASSWORD_LENGTH} 位")
    if len(new.password) > MAX_PASSWORD_LENGTH:
        raise FieldError("密码", f"不能超过 {MAX_PASSWORD_LENGTH} 位")

    def card(value: str | None, field: str) -> str | None:
        return (clean_text(value, field=field, max_length=32, required=False) or None) if value else None

    return replace(
        new,
        login=login,
        name=name,
        office_phone=normalize_landline(new.office_phone, field="办公座机") if new.office_phone else None,
        mobile=normalize_mobile(new.mobile) if new.mobile else None,
        work_card_no=card(new.work_card_no, "工作证号"),
        official_card_no=card(new.official_card_no, "执行公务证号"),
    )


def staff_row(new: NewStaff, *, password_hash: str, created: datetime) -> Staff:
    """The account row of a checked ``NewStaff`` (``add_staff``; the demo court, which hashes one password once)."""
    return Staff(
        login=new.login,
        name=new.name,
        password_hash=password_hash,
        team=new.team.value if new.team else None,
        title=new.title.value if new.title else None,
        office_phone=new.office_phone,
        mobile=new.mobile,
        work_card_no=new.work_card_no,
        official_card_no=new.official_card_no,
        created_at=created,
    )


def add_staff(engine: Engine, new: NewStaff, *, actor: Actor, clock: Clock) -> int:
    """Create an account (``zhihui user add``). Only the administrator or the batch account may."""
    require_role(actor, (Role.ADMIN, Role.SYSTEM), "创建账号")
    new = _check_new_staff(new)
    with unit_of_work(engine, actor=actor, action="创建账号", clock=clock) as session:
        if session.exec(select(Staff.id).where(Staff.login == new.login)).first():
            raise FieldError("登录名", f"“{new.login}”已存在")
        staff = staff_row(new, password_hash=hash_password(new.password), created=clock.now())
        session.add(staff)
        session.flush()
        assert staff.id is not None
        session.add_all(StaffRole(staff_id=staff.id, role=role.value) for role in dict.fromkeys(new.roles))
        return staff.id


def _roles_of(session: Session, staff_id: int) -> frozenset[Role]:
    rows = session.exec(select(StaffRole.role).where(StaffRole.staff_id == staff_id))
    return frozenset(Role(role) for role in rows)


def _login_key(login: str) -> str:
    """A login typed on a command line, checked before it reaches a query (NUL breaks PostgreSQL)."""
    if has_control_characters(login):
        raise FieldError("登录名", "不能包含控制字符")
    return login.strip()


def actor_for(engine: Engine, login: str) -> Actor:
    """The Actor behind a login (CLI commands act as ``system``)."""
    login = _login_key(login)
    with read_session(engine) as session:
        staff = session.exec(select(Staff).where(Staff.login == login)).first()
        if staff is None:
            raise NotFound(f"没有登录名为“{login}”的账号")
        assert staff.id is not None
        return Actor(id=staff.id, login=staff.login, name=staff.name, roles=_roles_of(session, staff.id))


def system_actor(engine: Engine) -> Actor:
    """The batch account commands and cron act as."""
    return actor_for(engine, SYSTEM_LOGIN)


def current_actor(session: Session, actor: Actor) -> Actor:
    """The actor, if its account is still active and still holds its roles (reads of personal data call this)."""
    recheck_actor(session, actor)
    return actor


@cache
def _dummy_hash() -> str:
    """A hash of no one's password, made once with the same parameters, so an unknown login costs a real verify."""
    return _hasher.hash("zhihui-no-such-account")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(engine: Engine, login: str, password: str, *, clock: Clock) -> Actor:
    """Check a password; count failures and lock the account for 30 minutes after the fifth.

    The attempt is counted (atomically, under the row's write lock) *before* the hash is verified, so parallel
    wrong passwords cannot all pass the "not locked" check: at most five verifications per lock period.
    """
    dummy = _dummy_hash()  # made on the first call of either path, so that call costs the same on both
    refused = "登录名或密码错误"
    if has_control_characters(login):
        raise LoginRefused("登录名不能包含控制字符")
    if has_control_characters(password):
        raise LoginRefused("密码不能包含控制字符")
    with read_session(engine) as session:
        staff = session.exec(select(Staff).where(Staff.login == login.strip())).first()
    if staff is None or staff.login == SYSTEM_LOGIN:
        _verify(dummy, password)  # as long as a wrong password, so the answer's timing names no login
        raise LoginRefused(refused)
    if not staff.active:
        raise LoginRefused(_DISABLED)
    failures = _reserve_attempt(engine, staff, clock)
    if not _verify(staff.password_hash, password):
        raise LoginRefused(_failure_message(failures))
    actor = actor_for(engine, staff.login)
    _record_success(engine, staff, actor, clock)
    return actor


_DISABLED = "该账号已停用，请联系系统管理员"


def _reserve_attempt(engine: Engine, staff: Staff, clock: Clock) -> int:
    """Count this attempt as a failure before verifying; refuse while locked. Returns failures so far (1-5)."""
    now = clock.now()
    try:
        with unit_of_work(engine, actor=_staff_actor(staff), action="登录尝试", clock=clock) as session:
            # SQLite: BEGIN IMMEDIATE already serialises writers; PostgreSQL: the row lock does.
            current = session.exec(select(Staff).where(Staff.id == staff.id).with_for_update()).one()
            if current.locked_until and current.locked_until > now:
                locked_until = current.locked_until
            else:
                locked_until = None
                if current.locked_until:  # a lock that has run out starts a fresh count
                    current.failed_logins, current.locked_until = 0, None
                current.failed_logins += 1
                if current.failed_logins >= MAX_FAILED_LOGINS:
                    current.locked_until = now + LOCK_DURATION
                failures = current.failed_logins
    except AccountChanged:
        raise LoginRefused(_DISABLED) from None
    if locked_until is not None:
        raise LoginRefused(_locked_message(locked_until, now))
    return failures


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return f"连续输错密码 {MAX_FAILED_LOGINS} 次，账号已锁定，约 {minutes} 分钟后（{until:%H:%M}）可再试"


def _failure_message(failures: int) -> str:
    left = MAX_FAILED_LOGINS - failures
    if left <= 0:
        return f"连续输错密码 {MAX_FAILED_LOGINS} 次，账号已锁定 30 分钟"
    return f"登录名或密码错误（再错 {left} 次将锁定 30 分钟）"


def _staff_actor(staff: Staff) -> Actor:
    assert staff.id is not None
    return Actor(id=staff.id, login=staff.login, name=staff.name, roles=frozenset())


def _record_success(engine: Engine, staff: Staff, actor: Actor, clock: Clock) -> None:
    with unit_of_work(engine, actor=actor, action="登录", clock=clock) as session:
        current = session.get(Staff, staff.id)
        assert current is not None
        current.failed_logins, current.locked_until, current.last_login_at = 0, None, clock.now()


def set_staff_active(login: str, active: bool, *, ctx: ServiceContext) -> None:
    """Disable or re-enable an account; a disabled person's next action is refused (see account_check)."""
    engine, actor, clock = ctx.engine, ctx.actor, ctx.clock
    require_role(actor, (Role.ADMIN, Role.SYSTEM), "停用或启用账号")
    with unit_of_work(engine, actor=actor, action="启用账号" if active else "停用账号", clock=clock) as session:
        staff = session.exec(select(Staff).where(Staff.login == _login_key(login))).first()
        if staff is None or staff.login == SYSTEM_LOGIN:
            raise NotFound(f"没有登录名为“{login}”的账号")
        staff.active = active


def revoke_role(login: str, role: Role, *, ctx: ServiceContext) -> None:
    """Take a role away; the person's next action with the old Actor is refused until they sign in again."""
    engine, actor, clock = ctx.engine, ctx.actor, ctx.clock
    require_role(actor, (Role.ADMIN, Role.SYSTEM), "变更账号角色")
    with unit_of_work(engine, actor=actor, action="撤销角色", clock=clock) as session:
        staff = session.exec(select(Staff).where(Staff.login == _login_key(login))).first()
        if staff is None or staff.login == SYSTEM_LOGIN:
            raise NotFound(f"没有登录名为“{login}”的账号")
        held = session.get(StaffRole, (staff.id, role.value))
        if held is None:
            raise FieldError("角色", f"“{login}”没有{role.label}角色")
        session.delete(held)


def verify_password(password: str, *, ctx: ServiceContext) -> bool:
    """Unlock an idle terminal: the signed-in person's own password, without touching the fail counter."""
    with read_session(ctx.engine) as session:
        staff = session.get(Staff, ctx.actor.id)
    if staff is None or not staff.active or has_control_characters(password):
        return False
    return _verify(staff.password_hash, password)


@dataclass(frozen=True)
class StaffSummary:
    """One account as lists show it: who, which roles and team, the office phone."""

    id: int
    login: str
    name: str
    roles: frozenset[Role]
    team: Team | None
    office_phone: str | None


def list_staff(*, ctx: ServiceContext, roles: Iterable[Role] | None = None) -> list[StaffSummary]:
    """Every account but the batch one, by login; only those holding one of ``roles`` when given."""
    wanted = {r.value for r in roles} if roles else None
    with read_session(ctx.engine) as session:
        staff_rows = session.exec(select(Staff).where(Staff.login != SYSTEM_LOGIN).order_by(Staff.login)).all()
        role_rows = session.exec(select(StaffRole.staff_id, StaffRole.role)).all()
    by_staff: dict[int, set[Role]] = {}
    for staff_id, role in role_rows:
        by_staff.setdefault(staff_id, set()).add(Role(role))
    result = []
    for staff in staff_rows:
        assert staff.id is not None  # read from the table
        staff_roles = frozenset(by_staff.get(staff.id, set()))
        if wanted is None or {r.value for r in staff_roles} & wanted:
            team = Team(staff.team) if staff.team else None
            result.append(StaffSummary(staff.id, staff.login, staff.name, staff_roles, team, staff.office_phone))
    return result
