"""人民币大写 as documents print it, against a hand-checked table, and rounding to the fen before writing it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhihui_tui.domain.documents import enforcement_fee_fen
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.money import format_yuan, round_to_fen, to_chinese_capitals, yuan_in_capitals

# (fen, capitals) — each checked by hand against 《正确填写票据和结算凭证的基本规定》
TABLE = [
    (0, "零元整"),
    (1, "壹分"),
    (5, "伍分"),
    (10, "壹角"),
    (1_000, "壹拾元整"),
    (1_050, "壹拾元伍角"),
    (1_005, "壹拾元零伍分"),
    (10_000, "壹佰元整"),
    (100_001, "壹仟元零壹分"),
    (10_001_050, "壹拾万零壹拾元伍角"),
    (10_000_000, "壹拾万元整"),
    (100_000_000, "壹佰万元整"),
    (100_000_100, "壹佰万零壹元整"),
    (1_000_000_000, "壹仟万元整"),
    (10_000_000_000, "壹亿元整"),
    (10_001_000_000, "壹亿零壹万元整"),
    (10_100_000_000, "壹亿零壹佰万元整"),
    (10_010_000_000, "壹亿零壹拾万元整"),
    (11_000_000_000, "壹亿壹仟万元整"),
    (100_000_000_001, "壹拾亿元零壹分"),
    (100_000_000_100, "壹拾亿零壹元整"),
    (100_100_000_000, "壹拾亿零壹佰万元整"),
    (200_020_002_000, "贰拾亿零贰拾万零贰拾元整"),
    (12_345_678, "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
    (175_185, "壹仟柒佰伍拾壹元捌角伍分"),
]


@pytest.mark.parametrize(("fen", "capitals"), TABLE, ids=[format_yuan(f) for f, _ in TABLE])
def test_capitals_table(fen: int, capitals: str) -> None:
    assert to_chinese_capitals(fen) == capitals
    assert yuan_in_capitals(fen) == "人民币" + capitals


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [("0.125", 13), ("0.124", 12), ("0.005", 1), ("0.0049", 0), ("1751.8517", 175185), ("10", 1000), ("0", 0)],
)
def test_round_to_fen_half_up(yuan: str, fen: int) -> None:
    assert round_to_fen(Decimal(yuan)) == fen


def test_round_to_fen_refuses_bad_values() -> None:
    for bad in (Decimal("-0.01"), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(DomainError):
            round_to_fen(bad)
    with pytest.raises(DomainError):
        round_to_fen(0.1)  # type: ignore[arg-type]


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_figures_and_capitals_come_from_one_rounded_amount(yuan: Decimal) -> None:
    fen = round_to_fen(yuan)
    assert abs(Decimal(fen) - yuan * 100) <= Decimal("0.5")
    assert Decimal(format_yuan(fen).replace(",", "")) * 100 == fen
    assert to_chinese_capitals(fen).endswith("整") == (fen % 100 == 0)


@pytest.mark.parametrize(
    ("target_fen", "fee_fen"),
    [
        (0, None),  # no amount: the court sets 50–500 yuan itself
        (1, 5_000),
        (1_000_000, 5_000),  # 1 万元: 50 元
        (1_000_001, 5_000),  # 0.01 元 × 1.5% rounds to nothing
        (1_000_034, 5_001),  # 0.34 元 × 1.5% = 0.0051 元 → 0.01 元
        (50_000_000, 740_000),  # 50 万: 50 + 490,000 × 1.5%
        (100_000_000, 1_240_000),  # 100 万: 7,400 + 500,000 × 1%
        (500_000_000, 5_240_000),  # 500 万: 7,400 + 45,000
        (1_000_000_000, 7_740_000),  # 1000 万: 52,400 + 25,000
        (2_000_000_000, 8_740_000),  # 2000 万: 77,400 + 10,000
        (12_345_678, 175_185),
    ],
)
def test_enforcement_fee(target_fen: int, fee_fen: int | None) -> None:
    assert enforcement_fee_fen(target_fen) == fee_fen
