"""Every service item has a named owner (R-SUP-1, 责任倒查): a clerk takes an item from the queue (领取) or the
director assigns it (指派). The item's row is locked for the change, so two clerks taking one item at once get one
owner and one clear refusal; an assignment made on a stale line is refused naming who changed it first.

An item is a case's pack step (its open 生成文书并邮寄 deadline) or a handler's 送达/公告 matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, func, literal, union_all
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Deadline, DelegatedMatter, ServiceAttempt, Staff, StaffRole
from zhihui_tui.domain.field_work import MatterKind, MatterStatus
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import NotFound, ServiceError
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.service_desk.rules import ServiceAction, require_action
from zhihui_tui.services.uow import unit_of_work

SERVICE_MATTERS = (MatterKind.SERVICE.value, MatterKind.PUBLIC_NOTICE.value)
OPEN_MATTER = (MatterStatus.OPEN.value, MatterStatus.IN_PROGRESS.value)


def desk_matters() -> tuple[ColumnElement[bool], ...]:
    """The open 送达 and 公告 matters at the desk. ``post`` and ``closed_at`` say nothing more than kind and status
    (these kinds are the desk's post's, never urgent; an open matter has no closing time) but let SQLite read them
    from the queue index (``ix_delegated_matter_queue``) instead of every matter of the court."""
    return (
        col(DelegatedMatter.post) == Role.SERVICE.value,
        col(DelegatedMatter.closed_at).is_(None),
        col(DelegatedMatter.kind).in_(SERVICE_MATTERS),
        col(DelegatedMatter.status).in_(OPEN_MATTER),
    )


class ItemKind(StrEnum):
    """The two kinds of service item a clerk owns."""

    PACK = "pack"  # a filed case's 生成文书并邮寄 step (R-SRV-1)
    MATTER = "matter"  # a handler's 送达 or 公告 matter (R-SRV-2, R-SRV-3)


@dataclass(frozen=True)
class ItemKey:
    """Which item: the pack step's deadline id or the matter's id."""

    kind: ItemKind
    id: int


@dataclass(frozen=True)
class ClerkLoad:
    """A 集约送达组 clerk with the service items they hold open: pack steps, matters, and attempts awaiting a result
    they sent (they follow those up)."""

    staff_id: int
    login: str
    name: str
    open_items: int


def take_item(item: ItemKey, *, expected_version: int | None = None, ctx: ServiceContext) -> None:
    """领取: the clerk owns an unowned item. Refused when someone owns it already (named), nothing written."""
    require_action(ctx.actor, ServiceAction.TAKE)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="领取送达事项", clock=ctx.clock) as session:
        row = _lock_item(session, item, expected_version)
        if row.owner_id == ctx.actor.id:
            raise ServiceError("该事项已由您领取")
        if row.owner_id is not None:
            raise ServiceError(f"该事项已由{_name(session, row.owner_id)}领取，请刷新")
        _set_owner(row, ctx.actor.id)


def assign_item(item: ItemKey, staff_id: int, *, expected_version: int | None = None, ctx: ServiceContext) -> None:
    """指派: the director names the clerk who owns the item (also to move it from one clerk to another)."""
    require_action(ctx.actor, ServiceAction.ASSIGN)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="指派送达事项", clock=ctx.clock) as session:
        clerk = _active_clerk(session, staff_id)
        row = _lock_item(session, item, expected_version)
        if row.owner_id == staff_id:
            raise ServiceError(f"该事项已由{clerk.name}负责")
        _set_owner(row, staff_id)


def _lock_item(session: Session, item: ItemKey, expected_version: int | None) -> Deadline | DelegatedMatter:
    if item.kind is ItemKind.PACK:
        step = load_for_update(session, Deadline, item.id, expected_version, what="该送达事项", advice="请刷新")
        if step.step != Step.SERVICE_PACK.value or step.done_at is not None:
            raise ServiceError("该案的生成文书并邮寄环节已完成，请刷新")
        return step
    matter = load_for_update(session, DelegatedMatter, item.id, expected_version, what="该委托事项", advice="请刷新")
    if matter.kind not in SERVICE_MATTERS:
        raise ServiceError("该委托事项不由集约送达组办理")
    if matter.status not in OPEN_MATTER:
        raise ServiceError(f"该事项当前为“{MatterStatus(matter.status).label}”，不能领取或指派")
    return matter


def _set_owner(row: Deadline | DelegatedMatter, staff_id: int) -> None:
    row.owner_id = staff_id
    if isinstance(row, DelegatedMatter):
        row.status = MatterStatus.IN_PROGRESS.value


def _active_clerk(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    held = session.exec(
        select(StaffRole.staff_id).where(StaffRole.staff_id == staff_id, StaffRole.role == Role.SERVICE.value)
    ).first()
    if staff is None:
        raise NotFound("该人员不存在")
    if held is None or not staff.active:
        raise ServiceError(f"{staff.name}不是在岗的集约送达组人员，不能指派")
    return staff


def _name(session: Session, staff_id: int) -> str:
    staff = session.get(Staff, staff_id)
    return staff.name if staff is not None else f"人员 {staff_id}"


def open_items_by_owner(session: Session) -> dict[int, int]:
    """Open service items per owner: pack steps, matters, and attempts awaiting the result the clerk sent."""
    packs = select(Deadline.owner_id.label("owner"), literal(1).label("one")).where(  # type: ignore[union-attr]
        Deadline.step == Step.SERVICE_PACK.value, col(Deadline.done_at).is_(None)
    )
    matters = select(DelegatedMatter.owner_id.label("owner"), literal(1).label("one")).where(  # type: ignore[union-attr]
        *desk_matters()
    )
    waiting = select(ServiceAttempt.sent_by_id.label("owner"), literal(1).label("one")).where(  # type: ignore[attr-defined]
        col(ServiceAttempt.result).is_(None)
    )
    items = union_all(packs, matters, waiting).subquery()
    rows = session.exec(
        select(items.c.owner, func.count()).where(items.c.owner.is_not(None)).group_by(items.c.owner)
    ).all()
    return {int(owner): int(n) for owner, n in rows}


def service_clerks(*, ctx: ServiceContext) -> list[ClerkLoad]:
    """Active 集约送达组 clerks, lightest open load first: whom the director assigns to, and whom filing offers."""
    with read_session(ctx.engine) as session:
        staff = session.exec(
            select(Staff.id, Staff.login, Staff.name)
            .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
            .where(StaffRole.role == Role.SERVICE.value, col(Staff.active).is_(True))
        ).all()
        loads = open_items_by_owner(session)
    clerks = [ClerkLoad(i, login, name, loads.get(i, 0)) for i, login, name in staff if i is not None]
    return sorted(clerks, key=lambda clerk: (clerk.open_items, clerk.login))
