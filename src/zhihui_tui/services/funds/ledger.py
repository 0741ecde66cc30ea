"""每月发布台账 (R-FND-2): every entry of the case accounts in one month with each account's balance after it, the
month's totals, and what was still to pay out or to claim at the month's end — read for ``zhihui funds ledger``,
written as .xlsx by :mod:`zhihui_tui.services.funds.ledger_book`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import or_
from sqlmodel import col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, DisbursementDelay, FundsEntry, StatementLine
from zhihui_tui.domain.funds import EntryKind, parse_month
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.funds.due import DueRule, DueSum, _case_due, _unclaimed
from zhihui_tui.services.funds.rules import FundsAction, require_action


@dataclass(frozen=True)
class LedgerLine:
    """One entry of the month: its day, case, kind, counterparty, signed amount and the account's balance after."""

    occurred_on: date
    case_number: str
    kind: EntryKind
    counterparty: str
    amount_fen: int
    balance_after_fen: int
    note: str


@dataclass(frozen=True)
class MonthLedger:
    """The month's ledger: its lines, totals by kind, and the sums open at its end."""

    first: date
    last: date
    lines: list[LedgerLine]
    totals: dict[EntryKind, int]
    open_at_end: list[DueSum]


def monthly_ledger(month: str, *, ctx: ServiceContext) -> MonthLedger:
    """The ledger of ``month`` (``YYYY-MM``): entries by the day they happened (money that arrived in the month
    counts there even if the statement was imported later) except claimed money, which enters its case account on
    the day it was claimed — until then it is unclaimed; a delay counts from when it was registered. A bad month
    is a field error naming 月份."""
    require_action(ctx.actor, FundsAction.VIEW)
    first, last = parse_month(month)
    end = datetime.combine(last, time.max)
    rule = DueRule(ctx.calendar, ctx.court.disburse_days)
    with read_session(ctx.engine) as session:
        rows = session.exec(
            select(FundsEntry, Case.case_number, StatementLine.claimed_at)
            .join(Case, col(Case.id) == FundsEntry.case_id)
            .outerjoin(StatementLine, col(StatementLine.id) == FundsEntry.statement_line_id)
            .where(FundsEntry.occurred_on <= last)
            .order_by(col(FundsEntry.id))
        ).all()
        delays = session.exec(
            select(DisbursementDelay.receipt_id, DisbursementDelay.reason)
            .where(col(DisbursementDelay.recorded_at) <= end)
            .order_by(col(DisbursementDelay.id))
        ).all()
        unclaimed = session.exec(
            select(StatementLine)
            .where(
                StatementLine.arrived_on <= last,
                or_(col(StatementLine.case_id).is_(None), col(StatementLine.claimed_at) > end),
            )
            .order_by(col(StatementLine.claim_due))
        ).all()
    balances: dict[int, int] = defaultdict(int)
    by_case: dict[int, list[FundsEntry]] = defaultdict(list)
    numbers: dict[int, str] = {}
    lines: list[LedgerLine] = []
    totals = {kind: 0 for kind in EntryKind}
    # by the day it happened (a late import still counts there), but claimed money from the day it was claimed;
    # balances run in that order, as the sheet lists the entries
    dated = sorted(
        (
            (claimed_at.date() if claimed_at is not None else entry.occurred_on, entry, number)
            for entry, number, claimed_at in rows
        ),
        key=lambda row: (row[0], row[1].id or 0),
    )
    for on, entry, number in dated:
        if on > last:
            continue
        balances[entry.case_id] += entry.amount_fen
        by_case[entry.case_id].append(entry)
        numbers[entry.case_id] = number or ""
        if on >= first:
            kind = EntryKind(entry.kind)
            totals[kind] += entry.amount_fen
            lines.append(
                LedgerLine(
                    on,
                    number or "",
                    kind,
                    entry.counterparty,
                    entry.amount_fen,
                    balances[entry.case_id],
                    entry.note or "",
                )
            )
    reasons = dict(delays)
    open_sums = [
        s
        for case_id, entries in by_case.items()
        for s in _case_due(case_id, numbers[case_id], entries, reasons, last, rule)
    ]
    open_sums.sort(key=lambda s: (s.due, s.case_number or ""))
    open_sums += [_unclaimed(line, last) for line in unclaimed]
    return MonthLedger(first, last, lines, totals, open_sums)
