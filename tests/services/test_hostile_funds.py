"""Hostile values through 款物 (issue 16): counter receipts, disbursements, reversals, delays, seized property, claims.

Each property replaces one field of a valid form with a hostile value (see ``hostile_kit``) and holds the outcome
rule of ``test_hostile_services.attempt`` on SQLite and PostgreSQL: a Chinese refusal with every table unchanged,
or a clean save whose text reads back as the normalised input.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from tests.services.hostile_kit import run_properties
from tests.services.test_funds import ACCOUNT, APPLICANT, Court
from tests.services.test_funds import court as funds_court  # noqa: F401  (the fixture, by this name)
from tests.services.test_hostile_services import Target
from zhihui_tui.db.models import DisbursementDelay, FundsEntry, SeizedItem, SeizedItemStatus
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.funds import DisbursementInput
from zhihui_tui.domain.seized_property import ItemInput
from zhihui_tui.services import funds

RECEIPT = funds.ReceiptInput("张三", "6228480088123456789", "现场缴纳", "2026-11-20", "100.00", "当面缴纳")
PAYMENT = DisbursementInput(APPLICANT, "中国农业银行科右前旗支行", ACCOUNT, "1.00", "2026-11-26", None, "发放执行款")
ITEM = ItemInput("丰田凯美瑞轿车一辆", "1", "辆", "法院扣押物品库", "80000", "2026-11-20", "钥匙两把")


def _receive(c: Court, _: Any, field: str, value: str) -> int:
    return funds.record_receipt(c.one, replace(RECEIPT, **{field: value}), ctx=c.ctx())


def _entry_text(c: Court, _: Any, entry_id: int, field: str) -> str | None:
    if field in ("payer_account", "account"):  # whatever was typed, an account number is saved as ASCII digits
        with Session(c.engine) as session:
            entry = session.get(FundsEntry, entry_id)
            assert entry is not None and re.fullmatch(r"[0-9]{12,30}", entry.counterparty_account or "0" * 12)
        return None
    column = {"payer": "counterparty", "payee": "counterparty", "note": "note", "reason": "note"}.get(field)
    if column is None:
        return None
    with Session(c.engine) as session:
        entry = session.get(FundsEntry, entry_id)
        assert entry is not None
        return str(getattr(entry, column) or "")


def _funded(c: Court) -> None:
    """One yuan more in the account for every disbursement example."""
    funds.record_receipt(c.one, RECEIPT, ctx=c.ctx())


def _disburse(c: Court, _: Any, field: str, value: str) -> int:
    return funds.disburse(c.one, replace(PAYMENT, approved_by_id=c.chief.id, **{field: value}), ctx=c.ctx())


def _new_receipt(c: Court) -> int:
    return funds.record_receipt(c.one, RECEIPT, ctx=c.ctx())


def _delay(c: Court, receipt: int, field: str, value: str) -> int:
    texts = {"reason": "申请执行人账户冻结", "expected_on": "2026-12-30"} | {field: value}
    return funds.register_delay(receipt, texts["reason"], texts["expected_on"], ctx=c.ctx())


def _read_delay(c: Court, _: Any, delay_id: int, field: str) -> str | None:
    with Session(c.engine) as session:
        row = session.get(DisbursementDelay, delay_id)
        assert row is not None
        return row.reason if field == "reason" else None


def _register_item(c: Court, _: Any, field: str, value: str) -> int:
    return funds.register_item(c.one, replace(ITEM, **{field: value}), ctx=c.ctx())


def _read_item(c: Court, _: Any, item_id: int, field: str) -> str | None:
    if field not in ("description", "unit", "custody_place", "note"):
        return None
    with Session(c.engine) as session:
        item = session.get(SeizedItem, item_id)
        assert item is not None
        stored = str(getattr(item, field) or "")
        return None if field == "unit" and stored == "件" else stored  # an empty unit is recorded as 件


def _new_item(c: Court) -> int:
    return funds.register_item(c.one, ITEM, ctx=c.ctx())


def _change(c: Court, item_id: int, field: str, value: str) -> int:
    texts = {"status": "已发还", "changed_on": "2026-11-26", "note": "发还被执行人张三本人"} | {field: value}
    funds.change_status(item_id, texts["status"], texts["changed_on"], texts["note"], expected_version=1, ctx=c.ctx())
    return item_id


def _read_change(c: Court, item_id: int, _: Any, field: str) -> str | None:
    if field != "note":
        return None
    with Session(c.engine) as session:
        newest = select(SeizedItemStatus.note).where(SeizedItemStatus.item_id == item_id)
        return str(session.exec(newest.order_by(col(SeizedItemStatus.id).desc())).first() or "")


_lines = itertools.count()


def _unclaimed(c: Court) -> int:
    """A fresh statement line that names no case: each example claims its own."""
    serial = next(_lines)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["到账日期", "付款人", "付款账号", "金额", "附言"], ["2026-11-25", "李四", "", "3", f"款{serial}"]]
    )
    path = c.folder / f"flow{serial}.csv"  # type: ignore[attr-defined]
    path.write_text(buffer.getvalue(), encoding="utf-8")
    funds.import_statement(path, ctx=c.ctx())
    return funds.unclaimed_lines(ctx=c.ctx())[-1].id or 0


TARGETS: dict[str, Target] = {
    "record_receipt": Target(
        lambda e, k: None,
        ("payer", "payer_account", "channel", "arrived_on", "amount", "note"),
        _receive,
        read=_entry_text,
        plain=("payer", "李四"),
    ),
    "disburse": Target(
        lambda e, k: None,
        ("payee", "bank", "account", "amount", "paid_on", "note"),
        _disburse,
        prepare=_funded,
        read=_entry_text,
        plain=("note", "第一笔"),
    ),
    "reverse_entry": Target(
        lambda e, k: None,
        ("reason",),
        lambda c, entry, f, v: funds.reverse_entry(entry, v, ctx=c.ctx()),
        prepare=_new_receipt,
        read=_entry_text,
        plain=("reason", "金额录入错误"),
    ),
    "register_delay": Target(
        lambda e, k: None,
        ("reason", "expected_on"),
        _delay,
        prepare=_new_receipt,
        read=_read_delay,
        plain=("reason", "账户冻结"),
    ),
    "register_item": Target(
        lambda e, k: None,
        ("description", "quantity", "unit", "custody_place", "valuation", "seized_on", "note"),
        _register_item,
        read=_read_item,
        plain=("description", "摩托车一辆"),
    ),
    "change_item_status": Target(
        lambda e, k: None,
        ("status", "changed_on", "note"),
        _change,
        prepare=_new_item,
        read=_read_change,
        plain=("note", "发还本人"),
    ),
    "claim": Target(
        lambda e, k: None,
        ("case_number",),
        lambda c, line, f, v: funds.claim(line, c.numbers[0] if v == "本案" else v, ctx=c.ctx()),
        prepare=_unclaimed,
        plain=("case_number", "本案"),
    ),
}

# Values that once broke a service, kept as explicit examples of its property.
FOUND: dict[str, list[tuple[str, str]]] = {
    # a quantity of more than 4,300 digits, or of a digit int() cannot read ("᧚"), raised ValueError
    "register_item": [("quantity", "9" * 5000), ("quantity", "᧚")],
    # digits of another script passed str.isdigit() and were saved as the payer's account number
    "record_receipt": [("payer_account", "٦٢٢٨٤٨٠٠٨٨١٢٣٤٥٦٧٨٩"), ("arrived_on", "\x1b]0;x\x07 2026")],
    # the refusal echoed the typed number raw: an escape sequence into the terminal, a megabyte onto the screen
    "claim": [("case_number", "\x1b[31m（2026）内2221执1号"), ("case_number", "执" * 1_000_000)],
}


def test_hostile_values_through_the_funds_services(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    court: Court = request.getfixturevalue("funds_court")  # on ``engine``: SQLite, then PostgreSQL
    court.folder = tmp_path  # type: ignore[attr-defined]
    run_properties(TARGETS, lambda _: court, engine, FOUND)


def test_a_case_number_typed_with_an_imes_full_width_digits_is_claimed(
    engine: Engine, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The claim property's plain value, typed as a Chinese IME gives it: once refused as "not a case number"; and
    digits of another script are refused rather than kept in the court code (``\\d`` took them)."""
    court: Court = request.getfixturevalue("funds_court")
    court.folder = tmp_path  # type: ignore[attr-defined]
    full_width = court.numbers[0].translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    assert full_width != court.numbers[0]
    assert funds.claim(_unclaimed(court), full_width, ctx=court.ctx())
    arabic = court.numbers[0].translate({ord(d): 0x0660 + int(d) for d in "0123456789"})
    with pytest.raises(DomainError, match="不是有效的案号"):
        funds.claim(_unclaimed(court), arabic, ctx=court.ctx())
    assert funds.account_view(court.one, ctx=court.ctx()).received_fen == 300
