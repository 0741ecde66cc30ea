"""What is owed out of the case accounts (R-FND-2): each receipt's undisbursed part with its disbursement deadline
(first in, first out), and the money not yet claimed with its 3-day claim deadline — for ``zhihui funds due``
twice a month and for the 款物 screen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CaseBalance, DisbursementDelay, FundsEntry, StatementLine
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.funds import EntryKind, FundsState, Receipt, funds_state, undisbursed
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import NotFound
from zhihui_tui.services.funds.accounts import applicant_names
from zhihui_tui.services.funds.rules import FundsAction, require_action

_CHUNK = 500


@dataclass(frozen=True)
class DueSum:
    """A sum to pay out (``case_number`` set) or to claim (``case_number`` None, ``state`` unclaimed)."""

    case_id: int | None
    case_number: str | None
    receipt_id: int | None  # the receipt it is left of
    statement_line_id: int | None  # unclaimed money: its statement line
    payer: str
    arrived: date
    due: date
    amount_fen: int
    state: FundsState
    delay_reason: str | None = None  # a registered delay (延期发放)


@dataclass(frozen=True)
class EntryLine:
    """One entry of an account as the screen lists it."""

    id: int
    kind: EntryKind
    amount_fen: int
    occurred_on: date
    counterparty: str
    note: str
    reversed: bool  # a later reversal cancels it
    recorded_at: datetime


@dataclass(frozen=True)
class AccountView:
    """A case account: its entries, balance, totals and what is due from it."""

    case_id: int
    case_number: str
    balance_fen: int
    received_fen: int  # receipts net of their reversals
    paid_fen: int  # disbursements net of their reversals
    entries: list[EntryLine]
    due: list[DueSum]
    applicants: tuple[str, ...] = ()  # who may be paid out of it (the disbursement form offers them)


def _entries(session: Session, case_ids: list[int]) -> dict[int, list[FundsEntry]]:
    found: dict[int, list[FundsEntry]] = defaultdict(list)
    for start in range(0, len(case_ids), _CHUNK):
        rows = session.exec(
            select(FundsEntry)
            .where(col(FundsEntry.case_id).in_(case_ids[start : start + _CHUNK]))
            .order_by(col(FundsEntry.id))
        ).all()
        for row in rows:
            found[row.case_id].append(row)
    return found


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the deadlines need of an entry: the due list reads thousands of them, ten times as fast as objects."""

    id: int
    case_id: int
    kind: str
    amount_fen: int
    occurred_on: date
    counterparty: str
    reverses_id: int | None


_ENTRY_COLUMNS = (
    col(FundsEntry.id),
    col(FundsEntry.case_id),
    col(FundsEntry.kind),
    col(FundsEntry.amount_fen),
    col(FundsEntry.occurred_on),
    col(FundsEntry.counterparty),
    col(FundsEntry.reverses_id),
)


def _entry_rows(session: Session, case_ids: list[int]) -> dict[int, list[_Entry]]:
    found: dict[int, list[_Entry]] = defaultdict(list)
    for start in range(0, len(case_ids), _CHUNK):
        query = (
            sa_select(*_ENTRY_COLUMNS)
            .where(col(FundsEntry.case_id).in_(case_ids[start : start + _CHUNK]))
            .order_by(col(FundsEntry.id))
        )
        for entry_id, case_id, kind, amount, occurred_on, counterparty, reverses in session.connection().execute(query):
            found[case_id].append(_Entry(entry_id or 0, case_id, kind, amount, occurred_on, counterparty, reverses))
    return found


def _delays(session: Session, case_ids: list[int]) -> dict[int, str]:
    rows = session.exec(
        select(DisbursementDelay.receipt_id, DisbursementDelay.reason)
        .where(col(DisbursementDelay.case_id).in_(case_ids))
        .order_by(col(DisbursementDelay.id))
    ).all()
    return dict(rows)  # the latest reason per receipt wins


def _case_due(
    case_id: int,
    number: str,
    entries: Sequence[FundsEntry | _Entry],
    delays: dict[int, str],
    today: date,
    due_on: DueRule,
) -> list[DueSum]:
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    live = [e for e in entries if e.id not in reversed_ids and e.kind != EntryKind.REVERSAL.value]
    receipts = [Receipt(e.id or 0, e.occurred_on, e.amount_fen) for e in live if e.kind == EntryKind.RECEIPT.value]
    paid = -sum(e.amount_fen for e in live if e.kind == EntryKind.DISBURSEMENT.value)
    payers = {e.id: e.counterparty for e in live}
    sums = []
    for left in undisbursed(receipts, paid):
        due = due_on(left.arrived)
        sums.append(
            DueSum(
                case_id=case_id,
                case_number=number,
                receipt_id=left.entry_id,
                statement_line_id=None,
                payer=payers.get(left.entry_id, ""),
                arrived=left.arrived,
                due=due,
                amount_fen=left.amount_fen,
                state=funds_state(due, today),
                delay_reason=delays.get(left.entry_id),
            )
        )
    return sums


class DueRule:
    """The disbursement deadline of money that arrived on a day (R-FND-2, counted by R-TIME-1)."""

    def __init__(self, calendar: WorkCalendar, days: int) -> None:
        self.calendar, self.days = calendar, days
        self._known: dict[date, date] = {}  # thousands of sums arrived on a few hundred days

    def __call__(self, arrived: date) -> date:
        due = self._known.get(arrived)
        if due is None:
            due = self._known[arrived] = self.calendar.due_date(arrived, self.days)
        return due


def account_view(case_id: int, *, ctx: ServiceContext) -> AccountView:
    """One case account, whole."""
    require_action(ctx.actor, FundsAction.VIEW)
    rule = DueRule(ctx.calendar, ctx.court.disburse_days)
    with read_session(ctx.engine) as session:
        case = session.get(Case, case_id)
        if case is None or case.case_number is None:
            raise NotFound("没有该案的案款账户")
        entries = _entries(session, [case_id]).get(case_id, [])
        delays = _delays(session, [case_id])
        applicants = tuple(sorted(applicant_names(session, case_id)))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    net = {kind: 0 for kind in EntryKind}
    for entry in entries:
        if entry.id not in reversed_ids and entry.kind != EntryKind.REVERSAL.value:
            net[EntryKind(entry.kind)] += entry.amount_fen
    return AccountView(
        case_id=case_id,
        case_number=case.case_number,
        balance_fen=sum(e.amount_fen for e in entries),
        received_fen=net[EntryKind.RECEIPT],
        paid_fen=-net[EntryKind.DISBURSEMENT],
        entries=[_line(e, e.id in reversed_ids) for e in entries],
        due=_case_due(case_id, case.case_number, entries, delays, ctx.now().date(), rule),
        applicants=applicants,
    )


def _line(entry: FundsEntry, reversed_: bool) -> EntryLine:
    return EntryLine(
        id=entry.id or 0,
        kind=EntryKind(entry.kind),
        amount_fen=entry.amount_fen,
        occurred_on=entry.occurred_on,
        counterparty=entry.counterparty,
        note=entry.note or "",
        reversed=reversed_,
        recorded_at=entry.recorded_at,
    )


def funds_due(*, ctx: ServiceContext) -> list[DueSum]:
    """Every undisbursed sum and every unclaimed one, overdue first, then by deadline (``zhihui funds due``)."""
    require_action(ctx.actor, FundsAction.VIEW)
    today = ctx.now().date()
    rule = DueRule(ctx.calendar, ctx.court.disburse_days)
    with read_session(ctx.engine) as session:
        # The accounts holding money, from the balances the database keeps (a partial index lists those not at
        # zero), not by summing the court's whole ledger.
        holding = session.exec(
            select(CaseBalance.case_id, Case.case_number)
            .join(Case, col(Case.id) == CaseBalance.case_id)
            .where(col(CaseBalance.balance_fen) != 0)
            .order_by(col(CaseBalance.case_id))
        ).all()
        ids = [case_id for case_id, _ in holding]
        entries = _entry_rows(session, ids)
        delays = _delays(session, ids)
        unclaimed = session.exec(
            select(StatementLine).where(col(StatementLine.case_id).is_(None)).order_by(col(StatementLine.claim_due))
        ).all()
    sums = [
        s
        for case_id, number in holding
        for s in _case_due(case_id, number or "", entries[case_id], delays, today, rule)
    ]
    sums += [_unclaimed(line, today) for line in unclaimed]
    order = {FundsState.OVERDUE: 0, FundsState.UNCLAIMED: 1, FundsState.DUE_SOON: 2, FundsState.OPEN: 3}
    return sorted(sums, key=lambda s: (s.due >= today, s.due, order[s.state], s.case_number or ""))


def _unclaimed(line: StatementLine, today: date) -> DueSum:
    return DueSum(
        case_id=None,
        case_number=None,
        receipt_id=None,
        statement_line_id=line.id,
        payer=line.payer,
        arrived=line.arrived_on,
        due=line.claim_due,
        amount_fen=line.amount_fen,
        state=FundsState.UNCLAIMED,
    )
