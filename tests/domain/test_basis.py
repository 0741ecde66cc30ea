"""执行依据 as courts write it: number alone (body from the court code), explicit body, kind after, 之一, dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhihui_tui.domain.basis import (
    DEFAULT_COURT_CODES,
    Basis,
    court_code_of,
    court_codes_with,
    normalize_number,
    parse_basis,
)
from zhihui_tui.domain.errors import FieldError

CODES = court_codes_with("内2221", "科尔沁右翼前旗人民法院")
TODAY = date(2026, 11, 27)
HERE = "科尔沁右翼前旗人民法院"


def parse(text: str, **options: object) -> Basis:
    return parse_basis(text, court_codes=CODES, today=TODAY, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（2026）内2221民初5000号", Basis(HERE, "（2026）内2221民初5000号", None, None, True)),
        ("（2026）内2221民初5000号民事判决书", Basis(HERE, "（2026）内2221民初5000号", "民事判决书", None, True)),
        (
            "科尔沁右翼前旗人民法院（2026）内2221民初5000号民事判决书",
            Basis(HERE, "（2026）内2221民初5000号", "民事判决书", None, False),
        ),
        (
            "兴安仲裁委员会（2026）兴仲裁字第27号裁决书",
            Basis("兴安仲裁委员会", "（2026）兴仲裁字第27号", "仲裁裁决书", None, False),
        ),
        ("（2026）内22民终415号", Basis("兴安盟中级人民法院", "（2026）内22民终415号", None, None, True)),
        ("（2026）内民终3号", Basis("内蒙古自治区高级人民法院", "（2026）内民终3号", None, None, True)),
        ("（2025）最高法民申12号民事裁定书", Basis("最高人民法院", "（2025）最高法民申12号", "民事裁定书", None, True)),
        ("（2026）内2221民初5000号之一", Basis(HERE, "（2026）内2221民初5000号之一", None, None, True)),
        (
            "（2026）内2221民初5000号之二民事裁定书 2026-03-05",
            Basis(HERE, "（2026）内2221民初5000号之二", "民事裁定书", date(2026, 3, 5), True),
        ),
        (
            "(2026)内2221民初 5000号 民事调解书，生效日期：2026年3月5日",
            Basis(HERE, "（2026）内2221民初5000号", "民事调解书", date(2026, 3, 5), True),
        ),
        (
            "（2026）内2221民初5000号 2026.3.5生效",
            Basis(HERE, "（2026）内2221民初5000号", None, date(2026, 3, 5), True),
        ),
        ("〔2026〕京0105民初77号民事判决书", Basis("京0105", "（2026）京0105民初77号", "民事判决书", None, True)),
        (
            "兴安盟公证处（2026）内兴证经字第12号具有强制执行效力的公证债权文书",
            Basis("兴安盟公证处", "（2026）内兴证经字第12号", "公证债权文书", None, False),
        ),
        ("（２０２６）内２２２１刑初８号刑事判决书", Basis(HERE, "（2026）内2221刑初8号", "刑事判决书", None, True)),
        ("（2026）内2221民初9号执行和解协议书", Basis(HERE, "（2026）内2221民初9号", "执行和解协议书", None, True)),
    ],
)
def test_the_forms_courts_write_are_read(text: str, expected: Basis) -> None:
    assert parse(text) == expected


def test_a_separately_typed_body_is_used_when_the_line_has_none() -> None:
    basis = parse("（2026）兴仲裁字第27号", body="兴安仲裁委员会")
    assert basis.issuing_body == "兴安仲裁委员会" and not basis.body_implied


def test_the_body_written_in_the_line_wins_over_the_court_code() -> None:
    assert parse("内蒙古自治区高级人民法院（2026）内2221民初1号").issuing_body == "内蒙古自治区高级人民法院"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("科尔沁右翼前旗人民法院民事判决书", "缺少文书编号"),
        ("（2026）兴仲裁字第27号裁决书", "没有法院代字，请写明作出机关"),
        ("（2026）内2221民初5000号 xyz", "文书号后的“xyz”无法识别"),
        ("（2026）内2221民初5000号 2026-13-01", "文书号后的“2026-13-01”无法识别"),
        ("（2026）内2221民初5000号 2026-12-01", "生效日期不能晚于今天（2026-11-27）"),
        ("（2026）内2221民初\x005000号", "控制字符"),
    ],
)
def test_what_cannot_be_read_is_named_at_the_field(text: str, reason: str) -> None:
    with pytest.raises(FieldError) as refused:
        parse(text)
    assert refused.value.field == "执行依据" and reason in refused.value.message, refused.value.message


def test_the_court_code_of_a_number() -> None:
    assert court_code_of("（2026）内22民终415号") == "内22"
    assert court_code_of("（2026）内2221执123号") == "内2221"
    assert court_code_of("（2026）兴仲裁字第27号") is None


def test_the_courts_own_file_extends_and_overrides_the_table() -> None:
    codes = court_codes_with("内2221", "本院", {"内0105": "赛罕区人民法院", "内22": "兴安盟中院"})
    assert codes["内2221"] == "本院" and codes["内0105"] == "赛罕区人民法院" and codes["内22"] == "兴安盟中院"
    assert DEFAULT_COURT_CODES["内22"] == "兴安盟中级人民法院"


@given(year=st.integers(1990, 2099), serial=st.integers(1, 99_999), code=st.sampled_from(sorted(DEFAULT_COURT_CODES)))
def test_every_spelling_of_a_number_normalises_to_one(year: int, serial: int, code: str) -> None:
    canonical = f"（{year}）{code}民初{serial}号"
    for spelling in (f"({year}){code}民初 {serial}号", f"〔{year}〕{code}民初{serial}号", canonical):
        assert normalize_number(spelling) == canonical
        assert parse_basis(spelling, court_codes=CODES).document_number == canonical
