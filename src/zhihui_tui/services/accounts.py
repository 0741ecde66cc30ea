"""Staff accounts: creation, argon2id passwords, login with lock-out (5 failures → 30 minutes)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import Session, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Staff, StaffRole
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services.context import Actor, require_role
from zhihui_tui.services.errors import NotFound, ServiceError
from zhihui_tui.services.uow import unit_of_work

MAX_FAILED_LOGINS = 5
LOCK_DURATION = timedelta(minutes=30)
MIN_PASSWORD_LENGTH = 8
SYSTEM_LOGIN = "system"

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class LoginRefused(ServiceError):
    pass


@dataclass(frozen=True)
class NewStaff:
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
    return _hasher.hash(password)


def _check_new_staff(new: NewStaff) -> None:
    from zhihui_tui.domain.validators import clean_text, normalize_person_name

    login = clean_text(new.login, field="登录名", max_length=32)
    if not login.isascii() or not login.replace("_", "").replace(".", "").isalnum() or not login[0].isalpha():
        raise FieldError("登录名", "只能由字母开头，含字母、数字、下划线或点")
    normalize_person_name(new.name, field="姓名")
    if not new.roles:
        raise FieldError("角色", "至少需要一个角色")
    if len(new.password) < MIN_PASSWORD_LENGTH:
        raise FieldError("密码", f"至少 {MIN_PASSWORD_LENGTH} 位")


def add_staff(engine: Engine, new: NewStaff, *, actor: Actor, clock: Clock) -> int:
    """Create an account (``zhihui user add``). Only the administrator or the batch account may."""
    require_role(actor, (Role.ADMIN, Role.SYSTEM), "创建账号")
    _check_new_staff(new)
    with unit_of_work(engine, actor=actor, action="创建账号", clock=clock) as session:
        if session.exec(select(Staff.id).where(Staff.login == new.login)).first():
            raise FieldError("登录名", f"“{new.login}”已存在")
        staff = Staff(
            login=new.login,
            name=new.name.strip(),
            password_hash=hash_password(new.password),
            team=new.team.value if new.team else None,
            title=new.title.value if new.title else None,
            office_phone=new.office_phone,
            mobile=new.mobile,
            work_card_no=new.work_card_no,
            official_card_no=new.official_card_no,
            created_at=clock.now(),
        )
        session.add(staff)
        session.flush()
        assert staff.id is not None
        session.add_all(StaffRole(staff_id=staff.id, role=role.value) for role in dict.fromkeys(new.roles))
        return staff.id


def _roles_of(session: Session, staff_id: int) -> frozenset[Role]:
    rows = session.exec(select(StaffRole.role).where(StaffRole.staff_id == staff_id))
    return frozenset(Role(role) for role in rows)


def actor_for(engine: Engine, login: str) -> Actor:
    """The Actor behind a login (CLI commands act as ``system``)."""
    with read_session(engine) as session:
        staff = session.exec(select(Staff).where(Staff.login == login)).first()
        if staff is None:
            raise NotFound(f"没有登录名为“{login}”的账号")
        assert staff.id is not None
        return Actor(id=staff.id, login=staff.login, name=staff.name, roles=_roles_of(session, staff.id))


def system_actor(engine: Engine) -> Actor:
    return actor_for(engine, SYSTEM_LOGIN)


def authenticate(engine: Engine, login: str, password: str, *, clock: Clock) -> Actor:
    """Check a password; count failures and lock the account for 30 minutes after the fifth."""
    now = clock.now()
    refused = "登录名或密码错误"
    with read_session(engine) as session:
        staff = session.exec(select(Staff).where(Staff.login == login.strip())).first()
    if staff is None or staff.login == SYSTEM_LOGIN:
        raise LoginRefused(refused)
    if not staff.active:
        raise LoginRefused("该账号已停用，请联系系统管理员")
    if staff.locked_until and staff.locked_until > now:
        raise LoginRefused(_locked_message(staff.locked_until, now))
    try:
        _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        _record_failure(engine, staff, clock)
        raise LoginRefused(_failure_message(staff)) from None
    actor = actor_for(engine, staff.login)
    _record_success(engine, staff, actor, clock)
    return actor


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return f"连续输错密码 {MAX_FAILED_LOGINS} 次，账号已锁定，约 {minutes} 分钟后（{until:%H:%M}）可再试"


def _failure_message(staff: Staff) -> str:
    left = MAX_FAILED_LOGINS - (staff.failed_logins + 1)
    if left <= 0:
        return f"连续输错密码 {MAX_FAILED_LOGINS} 次，账号已锁定 30 分钟"
    return f"登录名或密码错误（再错 {left} 次将锁定 30 分钟）"


def _staff_actor(staff: Staff) -> Actor:
    assert staff.id is not None
    return Actor(id=staff.id, login=staff.login, name=staff.name, roles=frozenset())


def _record_failure(engine: Engine, staff: Staff, clock: Clock) -> None:
    with unit_of_work(engine, actor=_staff_actor(staff), action="登录失败", clock=clock) as session:
        current = session.get(Staff, staff.id)
        assert current is not None
        # A lock that has run out starts a fresh count.
        if current.locked_until and current.locked_until <= clock.now():
            current.failed_logins, current.locked_until = 0, None
        current.failed_logins += 1
        if current.failed_logins >= MAX_FAILED_LOGINS:
            current.locked_until = clock.now() + LOCK_DURATION
        staff.failed_logins = current.failed_logins - 1  # for the message: failures before this one


def _record_success(engine: Engine, staff: Staff, actor: Actor, clock: Clock) -> None:
    with unit_of_work(engine, actor=actor, action="登录", clock=clock) as session:
        current = session.get(Staff, staff.id)
        assert current is not None
        current.failed_logins, current.locked_until, current.last_login_at = 0, None, clock.now()


def verify_password(engine: Engine, actor: Actor, password: str) -> bool:
    """Unlock an idle terminal: the signed-in person's own password, without touching the fail counter."""
    with read_session(engine) as session:
        staff = session.get(Staff, actor.id)
    if staff is None:
        return False
    try:
        return _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class StaffSummary:
    id: int
    login: str
    name: str
    roles: frozenset[Role]
    team: Team | None
    office_phone: str | None


def list_staff(engine: Engine, *, roles: Iterable[Role] | None = None) -> list[StaffSummary]:
    wanted = {r.value for r in roles} if roles else None
    with read_session(engine) as session:
        staff_rows = session.exec(select(Staff).where(Staff.login != SYSTEM_LOGIN).order_by(Staff.login)).all()
        role_rows = session.exec(select(StaffRole.staff_id, StaffRole.role)).all()
    by_staff: dict[int, set[Role]] = {}
    for staff_id, role in role_rows:
        by_staff.setdefault(staff_id, set()).add(Role(role))
    result = []
    for staff in staff_rows:
        staff_roles = frozenset(by_staff.get(staff.id, set()))
        if wanted is None or {r.value for r in staff_roles} & wanted:
            team = Team(staff.team) if staff.team else None
            result.append(StaffSummary(staff.id, staff.login, staff.name, staff_roles, team, staff.office_phone))
    return result
