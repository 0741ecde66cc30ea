"""One account per case (R-FND-1): money in at the counter, disbursements on approval, reversals, delays.

Every write locks the case's row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers), so
the balance read for a disbursement or a reversal cannot change before the entry is written: two clerks paying
out of one account at once cannot overdraw it. Entries are only ever inserted (a trigger refuses the rest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CaseParty, DisbursementDelay, FundsEntry, Party, Staff, StaffRole
from zhihui_tui.domain.errors import FieldError, FieldErrors, attempt
from zhihui_tui.domain.funds import (
    F_AMOUNT,
    F_PAYEE,
    Channel,
    DisbursementInput,
    EntryKind,
    account_number,
    check_disbursement,
    positive_amount,
    reason_text,
)
from zhihui_tui.domain.money import format_yuan
from zhihui_tui.domain.validators import clean_text, parse_date
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import NotFound, ServiceError
from zhihui_tui.services.funds.rules import APPROVERS, FundsAction, require_action
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work


@dataclass(frozen=True)
class ReceiptInput:
    """Money paid in at the counter or online, as typed."""

    payer: str
    payer_account: str
    channel: str
    arrived_on: str
    amount: str
    note: str = ""


@dataclass(frozen=True)
class Approver:
    """A leader who may approve a disbursement."""

    staff_id: int
    name: str


def balance_of(session: Session, case_id: int) -> int:
    """The account's balance in fen: the sum of its entries."""
    total = session.exec(select(func.coalesce(func.sum(FundsEntry.amount_fen), 0)).where(FundsEntry.case_id == case_id))
    return int(total.one())


def lock_account(session: Session, case_id: int) -> Case:
    """The case row, locked for this transaction: every write to its account goes through here first."""
    case = load_for_update(session, Case, case_id, None, what="该案件")
    if case.case_number is None:
        raise ServiceError("该案尚未立案，没有案款账户")
    return case


def record_receipt(case_id: int, raw: ReceiptInput, *, ctx: ServiceContext) -> int:
    """登记到账 at the counter or online (bank transfers come with the statement import); returns the entry id."""
    require_action(ctx.actor, FundsAction.RECEIVE)
    errors: list[FieldError] = []
    payer = attempt(errors, lambda: clean_text(raw.payer, field="付款人", max_length=100))
    account = attempt(errors, lambda: account_number(raw.payer_account))
    channel = attempt(errors, lambda: Channel.parse(raw.channel))
    arrived = attempt(errors, lambda: _past_day(raw.arrived_on, "到账日期", ctx.now().date()))
    amount = attempt(errors, lambda: positive_amount(raw.amount))
    note = attempt(errors, lambda: clean_text(raw.note, field="备注", max_length=200, required=False))
    if errors:
        raise FieldErrors(errors)
    assert payer and channel and arrived and amount
    with unit_of_work(ctx.engine, actor=ctx.actor, action="登记到账", clock=ctx.clock) as session:
        lock_account(session, case_id)
        entry = FundsEntry(
            case_id=case_id,
            kind=EntryKind.RECEIPT.value,
            amount_fen=amount,
            occurred_on=arrived,
            counterparty=payer,
            counterparty_account=account,
            channel=channel.value,
            note=note or None,
            recorded_by_id=ctx.actor.id,
            recorded_at=ctx.now(),
        )
        return _inserted(session, entry)


def _past_day(text: str, field: str, today: date) -> date:
    day = parse_date(text, field=field)
    if day > today:
        raise FieldError(field, f"{day:%Y-%m-%d} 尚未到来")
    return day


def disburse(case_id: int, raw: DisbursementInput, *, ctx: ServiceContext) -> int:
    """发放 to an applicant of the case on a leader's approval; never more than the balance. Returns the entry id."""
    require_action(ctx.actor, FundsAction.DISBURSE)
    checked = check_disbursement(raw, today=ctx.now().date())
    with unit_of_work(ctx.engine, actor=ctx.actor, action="发放案款", clock=ctx.clock) as session:
        lock_account(session, case_id)
        _check_approver(session, checked.approved_by_id)
        if checked.payee not in applicant_names(session, case_id):
            raise FieldError(F_PAYEE, f"“{checked.payee}”不是本案申请执行人")
        balance = balance_of(session, case_id)
        if checked.amount_fen > balance:
            raise FieldError(F_AMOUNT, f"超过账户余额 {format_yuan(balance)} 元")
        entry = FundsEntry(
            case_id=case_id,
            kind=EntryKind.DISBURSEMENT.value,
            amount_fen=-checked.amount_fen,
            occurred_on=checked.paid_on,
            counterparty=checked.payee,
            counterparty_bank=checked.bank,
            counterparty_account=checked.account,
            note=checked.note or None,
            approved_by_id=checked.approved_by_id,
            recorded_by_id=ctx.actor.id,
            recorded_at=ctx.now(),
        )
        return _inserted(session, entry)


def applicant_names(session: Session, case_id: int) -> set[str]:
    """The names of the case's applicants: the only payees of its account."""
    names = session.exec(
        select(Party.name)
        .join(CaseParty, col(CaseParty.party_id) == Party.id)
        .where(CaseParty.case_id == case_id, CaseParty.role == "applicant")
    ).all()
    return set(names)


def _check_approver(session: Session, staff_id: int) -> None:
    staff = session.get(Staff, staff_id)
    holds = session.exec(
        select(StaffRole.role).where(
            StaffRole.staff_id == staff_id, col(StaffRole.role).in_([r.value for r in APPROVERS])
        )
    ).first()
    if staff is None or not staff.active or holds is None:
        raise FieldError("审批人", "审批人应为在岗的局长、副局长或指挥中心主任")


def approvers(*, ctx: ServiceContext) -> list[Approver]:
    """The leaders who may approve a disbursement, by name."""
    require_action(ctx.actor, FundsAction.DISBURSE)
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(Staff.id, Staff.name)
            .join(StaffRole, col(StaffRole.staff_id) == Staff.id)
            .where(col(StaffRole.role).in_([r.value for r in APPROVERS]), col(Staff.active).is_(True))
            .distinct()
            .order_by(col(Staff.id))
        ).all()
    return [Approver(i, name) for i, name in rows if i is not None]


def reverse_entry(entry_id: int, reason: str, *, ctx: ServiceContext) -> int:
    """冲正: an entry of the opposite amount naming the one it corrects (once). Reversing money that was already
    paid out would overdraw the account, so it is refused with the balance."""
    require_action(ctx.actor, FundsAction.REVERSE)
    why = reason_text(reason)
    with unit_of_work(ctx.engine, actor=ctx.actor, action="冲正", clock=ctx.clock) as session:
        original = session.get(FundsEntry, entry_id)
        if original is None:
            raise NotFound(f"账目 {entry_id} 不存在")
        lock_account(session, original.case_id)
        if original.kind == EntryKind.REVERSAL.value:
            raise ServiceError("冲正记录不能再冲正；如有错误请重新登记")
        done = session.exec(select(FundsEntry.id).where(FundsEntry.reverses_id == entry_id)).first()
        if done is not None:
            raise ServiceError("该笔账目已冲正")
        balance = balance_of(session, original.case_id)
        if balance - original.amount_fen < 0:
            raise ServiceError(f"冲正后余额将为负（当前余额 {format_yuan(balance)} 元），请先冲正相应的发放")
        entry = FundsEntry(
            case_id=original.case_id,
            kind=EntryKind.REVERSAL.value,
            amount_fen=-original.amount_fen,
            occurred_on=ctx.now().date(),
            counterparty=original.counterparty,
            note=why,
            reverses_id=entry_id,
            recorded_by_id=ctx.actor.id,
            recorded_at=ctx.now(),
        )
        return _inserted(session, entry)


def register_delay(receipt_id: int, reason: str, expected_on: str = "", *, ctx: ServiceContext) -> int:
    """延期发放登记: why a receipt is not paid out in time, and when it should be (optional)."""
    require_action(ctx.actor, FundsAction.DELAY)
    errors: list[FieldError] = []
    why = attempt(errors, lambda: reason_text(reason))
    when = attempt(errors, lambda: parse_date(expected_on, field="预计发放日期") if expected_on.strip() else None)
    if errors:
        raise FieldErrors(errors)
    assert why is not None
    with unit_of_work(ctx.engine, actor=ctx.actor, action="登记延期发放", clock=ctx.clock) as session:
        receipt = session.get(FundsEntry, receipt_id)
        if receipt is None or receipt.kind != EntryKind.RECEIPT.value:
            raise NotFound("该笔到账不存在")
        lock_account(session, receipt.case_id)
        delay = DisbursementDelay(
            case_id=receipt.case_id,
            receipt_id=receipt_id,
            reason=why,
            expected_on=when,
            recorded_by_id=ctx.actor.id,
            recorded_at=ctx.now(),
        )
        return _inserted(session, delay)


def _inserted(session: Session, row: FundsEntry | DisbursementDelay) -> int:
    """Add ``row`` and return the id the database gave it."""
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def post_receipt(
    session: Session,
    case_id: int,
    *,
    line_id: int,
    amount_fen: int,
    arrived: date,
    payer: str,
    account: str | None,
    memo: str,
    by: int,
    at: datetime,
) -> None:
    """A statement line into its case account, inside the caller's unit of work (import or claim)."""
    session.add(
        FundsEntry(
            case_id=case_id,
            kind=EntryKind.RECEIPT.value,
            amount_fen=amount_fen,
            occurred_on=arrived,
            counterparty=payer,
            counterparty_account=account,
            channel=Channel.BANK.value,
            note=memo or None,
            statement_line_id=line_id,
            recorded_by_id=by,
            recorded_at=at,
        )
    )
