"""``zhihui funds ledger --month`` (R-FND-2 每月发布台账): the month's entries with each account's balance after,
amounts as yuan numbers shown with two decimals, the totals, the sums open at the month's end; a bad month is one
line and exit 1; nothing half-written is left beside the file."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.cli.test_funds_cli import court, run
from tests.conftest import FIXED_NOW, context_for, make_staff
from tests.services.test_funds import statement
from zhihui_tui.db.engine import make_engine
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.funds import DisbursementInput
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import funds

FIRM = "科右前旗某某商贸有限公司"


def test_the_month_is_written_with_balances_totals_and_what_is_open(tmp_path: Path) -> None:
    url, number = court(tmp_path)
    file = statement(
        tmp_path / "flow.csv",
        [
            ["2026-10-20", "张三", "", "1,000", f"案号{number}"],
            ["2026-11-03", "张三", "", "234.56", f"{number}"],
            ["2026-11-26", "某公司", "", "99.9", "货款"],
        ],
    )
    assert run(url, "import", "receipts", str(file)).exit_code == 0
    engine = make_engine(url)
    clock = FixedClock(FIXED_NOW)
    clerk = make_staff(engine, clock, "kuanwu1", Role.FUNDS, name="周晓燕")
    chief = make_staff(engine, clock, "juzhang", Role.BUREAU_CHIEF, name="孟凡军")
    ctx = context_for(engine, clerk, clock)
    case_id = funds.funds_due(ctx=ctx)[0].case_id
    assert case_id is not None
    paid = DisbursementInput(FIRM, "中国农业银行科右前旗支行", "6228480088123456789", "800", "2026-11-20", chief.id)
    funds.disburse(case_id, paid, ctx=ctx)
    engine.dispose()

    out = tmp_path / "out" / "ledger.xlsx"
    out.parent.mkdir()
    result = run(url, "funds", "ledger", "--month", "2026-11", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "账目 2 笔" in result.output
    assert [p.name for p in out.parent.iterdir()] == ["ledger.xlsx"]  # no temporary copy left
    book = openpyxl.load_workbook(out)
    entries = book["案款台账"]
    rows = [tuple(c.value for c in row) for row in entries.iter_rows(min_row=3, max_col=6) if row[1].value]
    assert rows == [
        ("2026-11-03", number, "到账", "张三", 234.56, 1234.56),
        ("2026-11-20", number, "发放", FIRM, -800, 434.56),
    ]
    assert entries.cell(3, 5).number_format == "#,##0.00"
    totals = {row[0].value: row[4].value for row in entries.iter_rows(min_row=5) if row[0].value}
    assert (totals["本月到账合计"], totals["本月发放合计"], totals["本月净额"]) == (234.56, -800, -565.44)
    still = book["月末未发放"]
    open_rows = [tuple(c.value for c in row) for row in still.iter_rows(min_row=3, max_col=6) if row[2].value]
    assert open_rows == [  # first in, first out: the 800 paid settled October's receipt first
        (number, "张三", "2026-10-20", "2026-11-19", 200, "已超期"),
        (number, "张三", "2026-11-03", "2026-12-03", 234.56, "未到期"),
        ("（待认领）", "某公司", "2026-11-26", "2026-11-30", 99.9, "待认领"),
    ]


def test_a_bad_month_is_one_line_and_exit_1(tmp_path: Path) -> None:
    url, _ = court(tmp_path)
    result = run(url, "funds", "ledger", "--month", "2026-13", "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["错误：月份：“2026-13”不是有效的月份（应为 YYYY-MM，如 2026-11）"]
    assert not (tmp_path / "x.xlsx").exists()


def test_an_empty_month_still_gives_a_workbook(tmp_path: Path) -> None:
    url, _ = court(tmp_path)
    out = tmp_path / "empty.xlsx"
    assert run(url, "funds", "ledger", "--month", "2026-01", "--out", str(out)).exit_code == 0
    assert openpyxl.load_workbook(out)["案款台账"].cell(3, 1).value == "本月无账目"
