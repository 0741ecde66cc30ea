"""每月发布台账 (R-FND-2) read from the database, on SQLite and PostgreSQL: the month's entries only, each account's
balance after each entry, the totals, and what was open at the month's end — money claimed after the month still
counted as unclaimed then, and later months' entries left out."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import context_for, make_staff
from tests.services.test_funds import statement
from tests.services.test_seized_property import Register
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.funds import DisbursementInput, EntryKind, FundsState
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import funds
from zhihui_tui.services.funds.ledger import monthly_ledger

FIRM = "科右前旗某某商贸有限公司"


@pytest.fixture
def reg(engine: Engine, clock: FixedClock) -> Register:
    return Register(engine, clock)


def test_the_month_its_balances_and_what_was_open_at_its_end(reg: Register, tmp_path: Path) -> None:
    chief = make_staff(reg.engine, reg.clock, "juzhang", Role.BUREAU_CHIEF, name="孟凡军")
    number = reg.number.replace("（", "(").replace("）", ")")
    file = statement(
        tmp_path / "flow.csv",
        [
            ["2026-10-20", "张三", "", "1,000", f"{number}"],
            ["2026-11-03", "张三", "", "200", f"{number}"],
            ["2026-11-25", "某公司", "", "50", "货款"],
        ],
    )
    funds.import_statement(file, ctx=reg.ctx())
    paid = DisbursementInput(FIRM, "农行", "6228480088123456789", "900", "2026-11-20", chief.id)
    funds.disburse(reg.case_id, paid, ctx=reg.ctx())
    (line,) = funds.unclaimed_lines(ctx=reg.ctx())
    december = context_for(reg.engine, reg.clerk, FixedClock(datetime(2026, 12, 2, 9)))
    funds.claim(line.id or 0, number, ctx=december)  # claimed after the month
    december_receipt = funds.ReceiptInput("张三", "", "现场缴纳", "2026-12-01", "7")
    funds.record_receipt(reg.case_id, december_receipt, ctx=december)

    ledger = monthly_ledger("2026-11", ctx=reg.ctx("director"))
    assert (ledger.first, ledger.last) == (date(2026, 11, 1), date(2026, 11, 30))
    assert [(x.occurred_on.day, x.kind, x.amount_fen, x.balance_after_fen) for x in ledger.lines] == [
        (3, EntryKind.RECEIPT, 20_000, 120_000),
        (20, EntryKind.DISBURSEMENT, -90_000, 30_000),
    ]
    assert (ledger.totals[EntryKind.RECEIPT], ledger.totals[EntryKind.DISBURSEMENT]) == (20_000, -90_000)
    assert [(s.amount_fen, s.state) for s in ledger.open_at_end] == [
        (10_000, FundsState.OVERDUE),  # what is left of October's 1,000 after November's 900
        (20_000, FundsState.OPEN),
        (5_000, FundsState.UNCLAIMED),  # claimed only in December
    ]
    december = monthly_ledger("2026-12", ctx=reg.ctx())
    assert [(x.occurred_on.day, x.amount_fen, x.balance_after_fen) for x in december.lines] == [
        (1, 700, 30_700),
        (2, 5_000, 35_700),  # the claim, on the day it was claimed
    ]
    october = monthly_ledger("2026-10", ctx=reg.ctx())
    assert [x.amount_fen for x in october.lines] == [100_000] and len(october.open_at_end) == 1


def test_a_bad_month_names_the_field(reg: Register) -> None:
    for bad in ("2026-13", "2026-00", "26-11", "2026/11", ""):
        with pytest.raises(FieldError, match="月份"):
            monthly_ledger(bad, ctx=reg.ctx())
