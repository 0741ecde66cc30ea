"""Hostile cells in the bank statement import (``zhihui import receipts``), via real .csv and real .xlsx files.

The third importer, held to the rule of the other two (``test_hostile_import``): whatever the cells hold, the
import ends with the importer's own refusal, or a report whose every error names a data line and which wrote
nothing, or every row read — each line written once, those naming a case posted to it with the amount the money
parser reads from the cell independently. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import example, given
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from tests.services.hostile_kit import SETTINGS
from tests.services.test_funds import Court
from tests.services.test_funds import court as funds_court  # noqa: F401  (the fixture, by this name)
from tests.services.test_hostile_import import amounts_in, csv_cells, rows_of, write_csv, write_xlsx, xlsx_cells
from zhihui_tui.db.models import AuditRecord, FundsEntry, StatementLine
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.text_hygiene import SHOWN_MAX, has_control_characters
from zhihui_tui.services import funds
from zhihui_tui.services.funds.statement import COLUMNS

LINE: dict[str, Any] = {"到账日期": "2026-11-25", "付款人": "张三", "付款账号": "", "金额": "12.50", "附言": "执行款"}


def counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            int(session.exec(select(func.count()).select_from(model)).one())
            for model in (StatementLine, FundsEntry, AuditRecord)
        )


def statement_property(c: Court, rows: list[dict[str, Any]], writer: Any, suffix: str) -> None:
    rows = [row | {"附言": f"{row['附言']} {c.numbers[0]}"} if row.get("附言") == "执行款" else row for row in rows]
    before = counts(c.engine)
    with TemporaryDirectory() as folder:
        path = writer(Path(folder) / f"flow{suffix}", COLUMNS, rows)
        try:
            outcome: Any = funds.import_statement(path, ctx=c.ctx())
        except DomainError as error:  # ImportFileError included: the file itself is refused
            assert error.message and counts(c.engine) == before
            return
        lines, entries, _ = counts(c.engine)
        if outcome.errors:
            assert counts(c.engine) == before, "a refused statement wrote something"
            assert all(e.line >= 2 and e.field and e.reason for e in outcome.errors), outcome.errors
            assert not any(has_control_characters(e.reason) or len(e.reason) > SHOWN_MAX for e in outcome.errors)
            return
        assert outcome.posted + outcome.unclaimed + outcome.skipped == outcome.rows
        assert lines == before[0] + outcome.posted + outcome.unclaimed and entries == before[1] + outcome.posted
        fresh = outcome.posted + outcome.unclaimed
        if fresh:
            newest = select(StatementLine.amount_fen).order_by(col(StatementLine.id).desc()).limit(fresh)
            with Session(c.engine) as session:
                saved = sorted(session.exec(newest).all())
            if not outcome.skipped:
                assert saved == sorted(amounts_in(path, "金额"))


@SETTINGS
@given(rows=rows_of(LINE, COLUMNS, csv_cells))
@example(rows=[LINE | {"付款人": "\x00"}])
@example(rows=[LINE | {"到账日期": "\x1b[2J2026-11-25"}])  # a refusal once echoed the escape sequence raw
def test_hostile_csv_cells_in_a_statement(
    engine: Engine, request: pytest.FixtureRequest, rows: list[dict[str, Any]]
) -> None:
    statement_property(request.getfixturevalue("funds_court"), rows, write_csv, ".csv")


@SETTINGS
@given(rows=rows_of(LINE, COLUMNS, xlsx_cells))
def test_hostile_xlsx_cells_in_a_statement(
    engine: Engine, request: pytest.FixtureRequest, rows: list[dict[str, Any]]
) -> None:
    statement_property(request.getfixturevalue("funds_court"), rows, write_xlsx, ".xlsx")
