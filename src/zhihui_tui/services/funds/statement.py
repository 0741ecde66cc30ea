"""``zhihui import receipts FILE`` (SPEC §5.1) and 认领: the bank's statement of the court's case-funds account.

Columns 到账日期, 付款人, 付款账号 (may be empty), 金额 (yuan, > 0, two decimals at most), 附言. Every row is checked
first and every problem reported with its line; one bad row and nothing is written. A row whose 附言 carries the
number of an existing filed case is posted to that case's account; the others wait to be claimed within 3 days
(R-FND-2). Each line is keyed by a digest of its fields and its occurrence in the file (two identical transfers
on one day are two lines), and the key is unique: the same statement imported twice — or at the same time by
two runs — posts nothing twice.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, StatementLine
from zhihui_tui.domain.case_number import parse_case_number
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.funds import CLAIM_DAYS, account_number, case_numbers_in, positive_amount
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.validators import clean_text, parse_date
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.errors import NotFound, ServiceError
from zhihui_tui.services.funds.accounts import lock_account, post_receipt
from zhihui_tui.services.funds.rules import FundsAction, require_action
from zhihui_tui.services.importing.case_write import lock_imports
from zhihui_tui.services.importing.table import (
    Cell,
    ImportFileError,
    RowError,
    cell_text,
    data_rows,
    open_table,
    read_header,
    text_at,
)
from zhihui_tui.services.locking import load_for_update
from zhihui_tui.services.uow import unit_of_work

ACTION = "导入银行到账流水"
COLUMNS = ("到账日期", "付款人", "付款账号", "金额", "附言")
REQUIRED = ("到账日期", "付款人", "金额")
UNPOSTABLE = frozenset({Stage.RECEIVED.value, Stage.REJECTED.value})


@dataclass(frozen=True)
class StatementLineInput:
    """A checked statement row."""

    line: int
    key: str
    arrived: date
    payer: str
    account: str | None
    amount_fen: int
    memo: str


@dataclass(frozen=True)
class StatementResult:
    """What an import did: rows read, lines posted to a case, lines left to claim, lines imported before."""

    rows: int
    posted: int
    unclaimed: int
    skipped: int
    errors: tuple[RowError, ...] = ()
    dry_run: bool = False  # checked only: the counts are what a real run would post


def _cell(cells: list[Cell], positions: dict[str, int], column: str) -> str:
    return cell_text(text_at(cells, positions, column)).strip()


def _amount(cells: list[Cell], positions: dict[str, int]) -> int:
    value = text_at(cells, positions, "金额")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return positive_amount(value)
    return positive_amount(cell_text(value).strip())


def _parse(line: int, cells: list[Cell], positions: dict[str, int], today: date) -> StatementLineInput | list[RowError]:
    errors: list[RowError] = []

    def check(column: str, read: object) -> object:
        try:
            return read() if callable(read) else read
        except FieldError as error:
            errors.append(RowError(line, column, error.reason))
            return None

    arrived = check("到账日期", lambda: _arrival(_cell(cells, positions, "到账日期"), today))
    payer = check("付款人", lambda: clean_text(_cell(cells, positions, "付款人"), field="付款人", max_length=100))
    account = check("付款账号", lambda: account_number(_cell(cells, positions, "付款账号"), field="付款账号"))
    amount = check("金额", lambda: _amount(cells, positions))
    memo = check(
        "附言", lambda: clean_text(_cell(cells, positions, "附言"), field="附言", max_length=500, required=False)
    )
    if errors:
        return errors
    assert isinstance(arrived, date) and isinstance(payer, str) and isinstance(amount, int)
    fields = f"{arrived}|{payer}|{account or ''}|{amount}|{memo or ''}"
    return StatementLineInput(
        line, fields, arrived, payer, account if isinstance(account, str) else None, amount, str(memo or "")
    )


def _arrival(text: str, today: date) -> date:
    day = parse_date(text, field="到账日期")
    if day > today:
        raise FieldError("到账日期", f"{day:%Y-%m-%d} 尚未到来")
    return day


def _keyed(rows: list[StatementLineInput]) -> list[StatementLineInput]:
    """The digest of each line's fields and its occurrence among identical lines of the file."""
    seen: Counter[str] = Counter()
    keyed = []
    for row in rows:
        seen[row.key] += 1
        digest = hashlib.sha256(f"{row.key}|{seen[row.key]}".encode()).hexdigest()
        keyed.append(
            StatementLineInput(row.line, digest, row.arrived, row.payer, row.account, row.amount_fen, row.memo)
        )
    return keyed


def read_statement(path: Path, today: date) -> tuple[int, list[StatementLineInput], list[RowError]]:
    """Every row checked: (rows read, good lines keyed, problems by line)."""
    good: list[StatementLineInput] = []
    errors: list[RowError] = []
    count = 0
    with open_table(Path(path)) as rows:
        positions = read_header(rows, COLUMNS, REQUIRED).positions
        for line, cells in data_rows(rows):
            count += 1
            parsed = _parse(line, cells, positions, today)
            if isinstance(parsed, list):
                errors += parsed
            else:
                good.append(parsed)
    if count == 0:
        raise ImportFileError("文件中只有表头，没有到账记录")
    return count, _keyed(good), errors


def _case_for(memo: str, cases: dict[str, tuple[int, str]]) -> int | None:
    """The one filed case the 附言 names; None when it names none or several (a clerk decides then)."""
    named = {cases[str(n)][0] for n in case_numbers_in(memo) if str(n) in cases and cases[str(n)][1] not in UNPOSTABLE}
    return named.pop() if len(named) == 1 else None


def _known_cases(session: Session, rows: list[StatementLineInput]) -> dict[str, tuple[int, str]]:
    numbers = sorted({str(n) for row in rows for n in case_numbers_in(row.memo)})
    if not numbers:
        return {}
    found = session.exec(select(Case.case_number, Case.id, Case.stage).where(col(Case.case_number).in_(numbers))).all()
    return {number: (cid, stage) for number, cid, stage in found if number and cid is not None}


def _known_keys(session: Session, keys: list[str]) -> set[str]:
    """The lines of this statement already in the database (read under the import lock)."""
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        known |= set(session.exec(select(StatementLine.line_key).where(col(StatementLine.line_key).in_(chunk))).all())
    return known


def import_statement(path: Path, *, ctx: ServiceContext, dry_run: bool = False) -> StatementResult:
    """Check every row; then, in one short transaction under the import lock, write the lines not seen before
    and post those that name their case (a dry run counts them and writes nothing)."""
    require_action(ctx.actor, FundsAction.RECEIVE)
    today = ctx.now().date()
    count, rows, errors = read_statement(path, today)
    if errors:
        return StatementResult(count, 0, 0, 0, tuple(sorted(errors, key=lambda e: e.line)))
    if dry_run:
        return _planned(count, rows, ctx=ctx)
    posted = unclaimed = 0
    with unit_of_work(ctx.engine, actor=ctx.actor, action=ACTION, clock=ctx.clock) as session:
        lock_imports(session)
        known = _known_keys(session, [row.key for row in rows])
        fresh = [row for row in rows if row.key not in known]
        cases = _known_cases(session, fresh)
        for row in fresh:
            case_id = _case_for(row.memo, cases)
            line = StatementLine(
                line_key=row.key,
                arrived_on=row.arrived,
                payer=row.payer,
                payer_account=row.account,
                amount_fen=row.amount_fen,
                memo=row.memo,
                claim_due=ctx.calendar.due_date(row.arrived, CLAIM_DAYS),
                case_id=case_id,
                imported_at=ctx.now(),
            )
            session.add(line)
            session.flush()
            assert line.id is not None
            if case_id is None:
                unclaimed += 1
                continue
            posted += 1
            post_receipt(
                session,
                case_id,
                line_id=line.id,
                amount_fen=row.amount_fen,
                arrived=row.arrived,
                payer=row.payer,
                account=row.account,
                memo=row.memo,
                by=ctx.actor.id,
                at=ctx.now(),
            )
    return StatementResult(count, posted, unclaimed, len(rows) - len(fresh))


def _planned(count: int, rows: list[StatementLineInput], *, ctx: ServiceContext) -> StatementResult:
    """What a real run would post now, read without writing."""
    with read_session(ctx.engine) as session:
        known = _known_keys(session, [row.key for row in rows])
        fresh = [row for row in rows if row.key not in known]
        cases = _known_cases(session, fresh)
    posted = sum(1 for row in fresh if _case_for(row.memo, cases) is not None)
    return StatementResult(count, posted, len(fresh) - posted, len(rows) - len(fresh), dry_run=True)


def claim(line_id: int, case_number: str, *, expected_version: int | None = None, ctx: ServiceContext) -> int:
    """认领: post money nobody's case claimed yet into the named case's account; returns the case id."""
    require_action(ctx.actor, FundsAction.CLAIM)
    number = str(parse_case_number(case_number.strip()))
    with unit_of_work(ctx.engine, actor=ctx.actor, action="认领案款", clock=ctx.clock) as session:
        line = load_for_update(session, StatementLine, line_id, expected_version, what="该笔到账", advice="请刷新")
        if line.case_id is not None:
            owner = session.get(Case, line.case_id)
            raise ServiceError(f"该笔到账已记入 {owner.case_number if owner else '其他案件'}")
        case = session.exec(select(Case).where(Case.case_number == number)).first()
        if case is None or case.id is None:
            raise NotFound(f"没有案号为 {number} 的案件")
        if case.stage in UNPOSTABLE:
            raise ServiceError(f"{number} 尚未立案，没有案款账户")
        lock_account(session, case.id)
        line.case_id, line.claimed_by_id, line.claimed_at = case.id, ctx.actor.id, ctx.now()
        post_receipt(
            session,
            case.id,
            line_id=line_id,
            amount_fen=line.amount_fen,
            arrived=line.arrived_on,
            payer=line.payer,
            account=line.payer_account,
            memo=line.memo,
            by=ctx.actor.id,
            at=ctx.now(),
        )
        return case.id


def unclaimed_lines(*, ctx: ServiceContext) -> list[StatementLine]:
    """Money waiting to be claimed, oldest claim deadline first."""
    require_action(ctx.actor, FundsAction.VIEW)
    with read_session(ctx.engine) as session:
        return list(
            session.exec(
                select(StatementLine).where(col(StatementLine.case_id).is_(None)).order_by(col(StatementLine.claim_due))
            ).all()
        )
