"""What is owed out of the case accounts (R-FND-2): each receipt's undisbursed part with its disbursement deadline
(first in, first out), and the money not yet claimed with its 3-day claim deadline — for ``zhihui funds due``
twice a month and for the 款物 screen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Integer, String, column, text
from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, DisbursementDelay, FundsEntry, StatementLine
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.funds import EntryKind, FundsState, Receipt, Undisbursed, funds_state, undisbursed
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


# The receipts still (partly) to pay out of every account holding money, newest first, and nothing older: FIFO
# pays the oldest receipts first, so of an account's live receipts only the newest ones whose sum reaches its
# balance can have anything left, and the rest need not leave the database (at 1,000,000 cases: 2,600 of 3,700
# entries read, and 3 ms of Python instead of 35). ``undisbursed`` still decides what is left of each. CROSS JOIN
# makes SQLite start from the accounts holding money (``ix_case_balance_holding``); without statistics it scanned
# the whole ledger instead. PostgreSQL plans it as any inner join.
_HOLDING_RECEIPTS = text(
    """
    SELECT case_id, case_number, balance_fen, id, occurred_on, amount_fen, counterparty FROM (
        SELECT e.case_id, c.case_number, b.balance_fen, e.id, e.occurred_on, e.amount_fen, e.counterparty,
               SUM(e.amount_fen) OVER (
                   PARTITION BY e.case_id ORDER BY e.occurred_on DESC, e.id DESC ROWS UNBOUNDED PRECEDING
               ) AS newer_fen
        FROM case_balance b
        CROSS JOIN funds_entry e
        JOIN enforcement_case c ON c.id = b.case_id
        WHERE e.case_id = b.case_id AND b.balance_fen != 0 AND e.kind = :receipt
          AND NOT EXISTS (SELECT 1 FROM funds_entry r WHERE r.reverses_id = e.id)
    ) AS live
    WHERE newer_fen - amount_fen < balance_fen
    ORDER BY case_id, occurred_on, id
    """
).columns(
    column("case_id", Integer),
    column("case_number", String),
    column("balance_fen", BigInteger),
    column("id", Integer),
    column("occurred_on", Date),
    column("amount_fen", BigInteger),
    column("counterparty", String),
)


@dataclass
class _Holding:
    """An account holding money: its newest live receipts, enough to cover its balance."""

    number: str
    balance_fen: int
    receipts: list[Receipt]
    payers: dict[int, str]


def _holding(session: Session) -> dict[int, _Holding]:
    found: dict[int, _Holding] = {}
    rows = session.connection().execute(_HOLDING_RECEIPTS, {"receipt": EntryKind.RECEIPT.value})
    for case_id, number, balance, entry_id, occurred_on, amount, payer in rows:
        account = found.get(case_id)
        if account is None:
            account = found[case_id] = _Holding(number or "", balance, [], {})
        account.receipts.append(Receipt(entry_id, occurred_on, amount))
        account.payers[entry_id] = payer
    return found


# The delays registered on the receipts of the accounts holding money, started from those accounts as above.
_HOLDING_DELAYS = text(
    "SELECT d.receipt_id, d.reason FROM case_balance b CROSS JOIN disbursement_delay d "
    "WHERE d.case_id = b.case_id AND b.balance_fen != 0 ORDER BY d.id"
)


def _holding_delays(session: Session) -> dict[int, str]:
    return {receipt: reason for receipt, reason in session.connection().execute(_HOLDING_DELAYS)}  # latest wins


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
    entries: Sequence[FundsEntry],
    delays: dict[int, str],
    today: date,
    due_on: DueRule,
) -> list[DueSum]:
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    live = [e for e in entries if e.id not in reversed_ids and e.kind != EntryKind.REVERSAL.value]
    receipts = [Receipt(e.id or 0, e.occurred_on, e.amount_fen) for e in live if e.kind == EntryKind.RECEIPT.value]
    paid = -sum(e.amount_fen for e in live if e.kind == EntryKind.DISBURSEMENT.value)
    payers = {e.id or 0: e.counterparty for e in live}
    return [_due_sum(case_id, number, left, payers, delays, today, due_on) for left in undisbursed(receipts, paid)]


def _due_sum(
    case_id: int,
    number: str,
    left: Undisbursed,
    payers: dict[int, str],
    delays: dict[int, str],
    today: date,
    due_on: DueRule,
) -> DueSum:
    due = due_on(left.arrived)
    return DueSum(
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
        holding = _holding(session)
        delays = _holding_delays(session)
        unclaimed = session.exec(
            select(StatementLine).where(col(StatementLine.case_id).is_(None)).order_by(col(StatementLine.claim_due))
        ).all()
    sums = [
        _due_sum(case_id, account.number, left, account.payers, delays, today, rule)
        for case_id, account in holding.items()
        # what the older receipts (not read) and these settled, first in first out: all but the balance
        for left in undisbursed(account.receipts, sum(r.amount_fen for r in account.receipts) - account.balance_fen)
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
