"""一案一账户 (issue 14, R-FND-1..2): receipts, disbursements, reversals, delays, the statement import, claims,
what is due — on SQLite and PostgreSQL, with the arithmetic checked by hypothesis and the overdraft raced by two
real processes."""

from __future__ import annotations

import csv
import io
import multiprocessing
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from tests.conftest import context_for, make_staff
from tests.services.documents_court import FIRM, LI, ZHANG, filed_case, register
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.models import AuditRecord, Case, CaseBalance, FundsEntry, StatementLine
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError, FieldError, FieldErrors
from zhihui_tui.domain.funds import DisbursementInput, FundsState, Receipt, case_numbers_in, undisbursed
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import funds
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.errors import PermissionDenied, ServiceError

APPLICANT = "科右前旗某某商贸有限公司"  # FIRM's name: the applicant of both cases
ACCOUNT = "6228480088123456789"


@dataclass
class Court:
    engine: Engine
    clock: FixedClock
    clerk: Actor
    chief: Actor
    handler: Actor
    one: int
    two: int
    numbers: list[str]

    def ctx(self, actor: Actor | None = None) -> ServiceContext:
        return context_for(self.engine, actor or self.clerk, self.clock)


@pytest.fixture
def court(engine: Engine, clock: FixedClock) -> Court:
    clerk = make_staff(engine, clock, "kuanwu1", Role.FUNDS, name="周晓燕")
    chief = make_staff(engine, clock, "juzhang", Role.BUREAU_CHIEF, name="孟凡军")
    handler = make_staff(engine, clock, "kuai01", Role.HANDLER, name="王建国")
    numbers = register(
        engine,
        system_actor(engine),
        clock,
        filed_case(applicants=(FIRM,), respondents=(ZHANG,), amount_fen=1_000_000),
        filed_case(applicants=(FIRM,), respondents=(LI,), amount_fen=500_000),
    )
    with Session(engine) as session:
        ids = [session.exec(select(Case.id).where(Case.case_number == n)).one() for n in numbers]
    return Court(engine, clock, clerk, chief, handler, ids[0] or 0, ids[1] or 0, numbers)


def receive(c: Court, case_id: int, amount: str, day: str = "2026-11-20") -> int:
    raw = funds.ReceiptInput("张三", "", "现场缴纳", day, amount)
    return funds.record_receipt(case_id, raw, ctx=c.ctx())


def pay(c: Court, case_id: int, amount: str, *, payee: str = APPLICANT, approver: int | None = None) -> int:
    raw = DisbursementInput(payee, "中国农业银行科右前旗支行", ACCOUNT, amount, "2026-11-26", approver or c.chief.id)
    return funds.disburse(case_id, raw, ctx=c.ctx())


def balance(c: Court, case_id: int) -> int:
    """The account's balance summed from its ledger — and the balance the database keeps (migration 0027) agrees."""
    with Session(c.engine) as session:
        summed = funds.balance_of(session, case_id)
        kept = session.get(CaseBalance, case_id)
    assert (kept.balance_fen if kept is not None else 0) == summed
    return summed


# -- the account --------------------------------------------------------------------------------------------------


def test_money_in_and_out_in_fen_with_the_balance_its_sum(court: Court) -> None:
    receive(court, court.one, "1,000.10")
    receive(court, court.one, "0.01", day="2026-11-21")
    pay(court, court.one, "600")
    view = funds.account_view(court.one, ctx=court.ctx())
    assert (view.balance_fen, view.received_fen, view.paid_fen) == (40_011, 100_011, 60_000)
    assert [e.kind.label for e in view.entries] == ["到账", "到账", "发放"]
    with Session(court.engine) as session:
        audited = session.exec(select(AuditRecord.entity_id).where(AuditRecord.entity == "funds_entry")).all()
    assert sorted(audited) == sorted(str(e.id) for e in view.entries)  # every entry in the audit chain
    assert [(d.amount_fen, d.arrived) for d in view.due] == [(40_010, date(2026, 11, 20)), (1, date(2026, 11, 21))]


def test_a_disbursement_is_refused_beyond_the_balance_or_to_a_stranger(court: Court) -> None:
    receive(court, court.one, "100")
    with pytest.raises(FieldError, match=r"超过账户余额 100\.00 元"):
        pay(court, court.one, "100.01")
    with pytest.raises(FieldError, match="不是本案申请执行人"):
        pay(court, court.one, "10", payee="张三")
    with pytest.raises(FieldError, match="审批人应为"):
        pay(court, court.one, "10", approver=court.handler.id)
    with pytest.raises(FieldErrors) as caught:
        funds.disburse(court.one, DisbursementInput("", "", "12ab", "-5", "2026-13-01", None), ctx=court.ctx())
    assert {e.field for e in caught.value.errors} == {"收款人", "开户行", "账号", "金额", "发放日期", "审批人"}
    with pytest.raises(FieldErrors, match="小数"):
        pay(court, court.one, "10.001")
    assert balance(court, court.one) == 10_000
    with pytest.raises(PermissionDenied):
        funds.disburse(
            court.one,
            DisbursementInput(APPLICANT, "农行", ACCOUNT, "1", "2026-11-26", court.chief.id),
            ctx=court.ctx(court.handler),
        )


def test_a_mistake_is_reversed_once_and_never_edited(court: Court) -> None:
    first = receive(court, court.one, "300")
    paid = pay(court, court.one, "200")
    with pytest.raises(ServiceError, match="冲正后余额将为负"):
        funds.reverse_entry(first, "付款人填错", ctx=court.ctx())
    funds.reverse_entry(paid, "账号填错，款项退回", ctx=court.ctx())
    assert balance(court, court.one) == 30_000
    with pytest.raises(ServiceError, match="已冲正"):
        funds.reverse_entry(paid, "再次冲正", ctx=court.ctx())
    with pytest.raises(FieldError, match="不能为空"):
        funds.reverse_entry(first, " ", ctx=court.ctx())
    view = funds.account_view(court.one, ctx=court.ctx())
    assert [e.reversed for e in view.entries] == [False, True, False]
    assert view.paid_fen == 0
    with court.engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE funds_entry SET amount_fen = 1 WHERE id = :id"), {"id": first})
    with court.engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("DELETE FROM funds_entry WHERE id = :id"), {"id": first})


def test_due_thirty_days_after_arrival_and_a_delay_is_registered(court: Court) -> None:
    receipt = receive(court, court.one, "500", day="2026-10-20")
    receive(court, court.two, "80", day="2026-11-25")
    sums = funds.funds_due(ctx=court.ctx())
    assert [(s.case_number, s.due, s.state) for s in sums] == [
        (court.numbers[0], date(2026, 11, 19), FundsState.OVERDUE),
        (court.numbers[1], date(2026, 12, 25), FundsState.OPEN),
    ]
    funds.register_delay(receipt, "申请执行人账户冻结，待解冻后发放", "2026-12-10", ctx=court.ctx())
    assert funds.funds_due(ctx=court.ctx())[0].delay_reason == "申请执行人账户冻结，待解冻后发放"
    pay(court, court.one, "500")
    assert [s.case_number for s in funds.funds_due(ctx=court.ctx())] == [court.numbers[1]]


# -- the statement ------------------------------------------------------------------------------------------------


def statement(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["到账日期", "付款人", "付款账号", "金额", "附言"])
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def test_a_statement_posts_what_names_its_case_and_the_rest_waits_once(court: Court, tmp_path: Path) -> None:
    number = court.numbers[0].replace("（", "(").replace("）", ")")
    file = statement(
        tmp_path / "flow.csv",
        [
            ["2026-11-25", "张三", "6228 4800 8812 3456 780", "1,200.50", f"还款 {number}"],
            ["2026-11-25", "李四", "", "300", "执行款"],
            ["2026-11-25", "李四", "", "300", "执行款"],  # the same transfer twice that day: two lines
        ],
    )
    result = funds.import_statement(file, ctx=court.ctx())
    assert (result.rows, result.posted, result.unclaimed, result.skipped) == (3, 1, 2, 0)
    assert balance(court, court.one) == 120_050
    again = funds.import_statement(file, ctx=court.ctx())
    assert (again.posted, again.unclaimed, again.skipped) == (0, 0, 3)
    waiting = funds.unclaimed_lines(ctx=court.ctx())
    assert [(w.payer, w.claim_due) for w in waiting] == [("李四", date(2026, 11, 30))] * 2
    funds.claim(waiting[0].id or 0, court.numbers[1], ctx=court.ctx())
    with pytest.raises(ServiceError, match="已记入"):
        funds.claim(waiting[0].id or 0, court.numbers[0], ctx=court.ctx())
    assert balance(court, court.two) == 30_000
    due = funds.funds_due(ctx=court.ctx())
    unclaimed = [s for s in due if s.state is FundsState.UNCLAIMED]
    assert [(s.case_number, s.due, s.amount_fen) for s in unclaimed] == [(None, date(2026, 11, 30), 30_000)]


def test_a_bad_statement_reports_every_line_and_posts_nothing(court: Court, tmp_path: Path) -> None:
    file = statement(
        tmp_path / "bad.csv",
        [
            ["2026-11-25", "张三", "", "0.1", f"{court.numbers[0]}"],
            ["2026-11-31", "", "12", "-5", "x"],
            ["2026-11-26", "王五", "", "10.001", ""],
        ],
    )
    result = funds.import_statement(file, ctx=court.ctx())
    assert {(e.line, e.field) for e in result.errors} == {
        (3, "到账日期"),
        (3, "付款人"),
        (3, "付款账号"),
        (3, "金额"),
        (4, "金额"),
    }
    with Session(court.engine) as session:
        assert session.exec(select(StatementLine)).all() == []
        assert session.exec(select(FundsEntry)).all() == []


def test_case_numbers_are_found_in_a_memo_as_people_write_them() -> None:
    assert [str(n) for n in case_numbers_in("(2026)内2221执 12 号 还款；（2026）内2221执恢3号")] == [
        "（2026）内2221执12号",
        "（2026）内2221执恢3号",
    ]
    assert case_numbers_in("执行款") == []


# -- arithmetic and contention --------------------------------------------------------------------------------


@given(
    receipts=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=30),
    paid_share=st.floats(min_value=0, max_value=1),
)
def test_first_in_first_out_loses_and_creates_no_fen(receipts: list[int], paid_share: float) -> None:
    total = sum(receipts)
    paid = int(total * paid_share)
    rows = [Receipt(i, date(2026, 1, 1 + i % 28), fen) for i, fen in enumerate(receipts)]
    left = undisbursed(rows, paid)
    assert sum(row.amount_fen for row in left) == total - paid
    assert all(row.amount_fen > 0 for row in left)
    assert [r.arrived for r in left] == sorted(r.arrived for r in left)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.tuples(st.sampled_from(["in", "out", "undo"]), st.integers(1, 5_000_000)), max_size=12))
def test_random_postings_keep_the_balance_exact_and_never_negative(court: Court, moves: list[tuple[str, int]]) -> None:
    with Session(court.engine) as session:
        start = funds.balance_of(session, court.two)
    expected = start
    entries: list[tuple[int, int]] = []
    for move, fen in moves:
        amount = f"{fen // 100}.{fen % 100:02d}"
        try:
            if move == "in":
                entries.append((receive(court, court.two, amount), fen))
                expected += fen
            elif move == "out":
                entries.append((pay(court, court.two, amount), -fen))
                expected -= fen
            elif entries:
                entry, signed = entries.pop()
                funds.reverse_entry(entry, "测试冲正", ctx=court.ctx())
                expected -= signed
        except DomainError:
            pass  # refused: nothing may have changed
        assert balance(court, court.two) == expected >= 0


def due_of(c: Court, case_id: int) -> list[tuple[int | None, int, date, date]]:
    return sorted(
        (s.receipt_id, s.amount_fen, s.arrived, s.due) for s in funds.funds_due(ctx=c.ctx()) if s.case_id == case_id
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moves=st.lists(
        st.tuples(st.sampled_from(["in", "in", "out", "undo"]), st.integers(1, 3_000_000), st.integers(0, 9)),
        max_size=14,
    )
)
def test_the_due_list_reads_only_the_newest_receipts_and_agrees_with_the_whole_ledger(
    court: Court, moves: list[tuple[str, int, int]]
) -> None:
    """``funds_due`` reads of each account only the newest live receipts that cover its balance; what it lists
    is what first in, first out over the account's whole ledger (``account_view``) leaves, receipts arriving out
    of order and reversals included."""
    entries: list[int] = []
    for move, fen, day in moves:
        amount = f"{fen // 100}.{fen % 100:02d}"
        try:
            if move == "in":
                entries.append(receive(court, court.two, amount, day=f"2026-11-{11 + day}"))
            elif move == "out":
                entries.append(pay(court, court.two, amount))
            elif entries:
                funds.reverse_entry(entries.pop(), "测试冲正", ctx=court.ctx())
        except DomainError:
            pass
        whole = sorted(
            (s.receipt_id, s.amount_fen, s.arrived, s.due) for s in funds.account_view(court.two, ctx=court.ctx()).due
        )
        assert due_of(court, court.two) == whole
        assert sum(fen for _, fen, _, _ in whole) == balance(court, court.two)


def _pay_in_process(
    url: str, case_id: int, approver: int, clerk: Actor, clock: FixedClock, barrier: Any, queue: Any
) -> None:
    engine = make_engine(url)
    barrier.wait(timeout=60)
    try:
        raw = DisbursementInput(APPLICANT, "农行", ACCOUNT, "70", "2026-11-26", approver)
        funds.disburse(case_id, raw, ctx=context_for(engine, clerk, clock))
    except DomainError as error:
        queue.put(("refused", error.message))
    except Exception as error:
        queue.put(("raw", repr(error)[:300]))
    else:
        queue.put(("ok", ""))
    engine.dispose()


def test_two_clerks_paying_out_of_one_account_at_once_cannot_overdraw(db_url: str, court: Court) -> None:
    receive(court, court.one, "100")
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(2), context.Queue()
    args = (db_url, court.one, court.chief.id, court.clerk, court.clock, barrier, queue)
    workers = [context.Process(target=_pay_in_process, args=args) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = sorted(queue.get(timeout=90) for _ in workers)
    for worker in workers:
        worker.join(timeout=10)
    assert [kind for kind, _ in outcomes] == ["ok", "refused"], outcomes
    assert "超过账户余额 30.00 元" in outcomes[1][1]
    assert balance(court, court.one) == 3_000


def test_unclaimed_money_over_the_new_year_is_claimed_by_the_next_working_day(court: Court, tmp_path: Path) -> None:
    court.clock.at = datetime(2027, 1, 4, 10, 0)
    file = statement(tmp_path / "year-end.csv", [["2026-12-31", "王五", "", "88", "执行款"]])
    assert funds.import_statement(file, ctx=court.ctx()).unclaimed == 1
    (line,) = funds.unclaimed_lines(ctx=court.ctx())
    assert line.claim_due == date(2027, 1, 4)  # 1–3 January are the New Year holiday (R-TIME-1)
    assert funds.funds_due(ctx=court.ctx())[0].state is FundsState.UNCLAIMED


def _receive_in_process(url: str, case_id: int, clerk: Actor, clock: FixedClock, barrier: Any, queue: Any) -> None:
    engine = make_engine(url)
    barrier.wait(timeout=60)
    try:
        for n in range(5):
            raw = funds.ReceiptInput("张三", "", "现场缴纳", "2026-11-20", f"{n + 1}.01")
            funds.record_receipt(case_id, raw, ctx=context_for(engine, clerk, clock))
    except Exception as error:
        queue.put(("raw", repr(error)[:300]))
    else:
        queue.put(("ok", ""))
    engine.dispose()


def test_two_clerks_receiving_into_one_account_at_once_keep_its_balance_exact(db_url: str, court: Court) -> None:
    """The kept balance moves in each entry's own transaction: two processes posting to one account at once
    leave it equal to the ledger's sum, to the fen."""
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(2), context.Queue()
    args = (db_url, court.one, court.clerk, court.clock, barrier, queue)
    workers = [context.Process(target=_receive_in_process, args=args) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = [queue.get(timeout=90) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    assert outcomes == [("ok", ""), ("ok", "")], outcomes
    assert balance(court, court.one) == 2 * (101 + 201 + 301 + 401 + 501)


def test_the_due_list_names_exactly_the_accounts_holding_money(court: Court) -> None:
    receive(court, court.one, "100")
    receipt = receive(court, court.two, "50")
    funds.reverse_entry(receipt, "错记", ctx=court.ctx())  # back to zero: no longer holding money
    due = funds.funds_due(ctx=court.ctx())
    assert {s.case_id for s in due if s.case_id is not None} == {court.one}
    assert (balance(court, court.one), balance(court, court.two)) == (10_000, 0)


def test_migration_0027_fills_the_kept_balances_from_an_existing_ledger(court: Court) -> None:
    """Back to 0026 (no kept balances), entries and all; up again: every account's balance is its ledger's sum."""
    from alembic import command

    from zhihui_tui.db.migrate import _config

    receive(court, court.one, "100.50")
    receive(court, court.two, "7")
    pay(court, court.one, "0.50")

    def migrate(step: Any, revision: str) -> None:
        with court.engine.connect() as connection:
            config = _config()
            config.attributes["connection"] = connection
            step(config, revision)
            connection.commit()

    migrate(command.downgrade, "0026")
    with court.engine.connect() as connection:
        assert "case_balance" not in {name for (name,) in connection.execute(text(_TABLES[court.engine.dialect.name]))}
    migrate(command.upgrade, "head")
    assert (balance(court, court.one), balance(court, court.two)) == (10_000, 700)
    receive(court, court.two, "1")  # and the trigger is back
    assert balance(court, court.two) == 800


_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
}
