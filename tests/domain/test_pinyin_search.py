"""Pinyin initials of names (every reading of a polyphonic surname) and how the search box reads a query."""

from __future__ import annotations

import subprocess
import sys

import pytest
from stdnum.cn import uscc

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import CaseType
from zhihui_tui.domain.pinyin import name_initials, split_surname
from zhihui_tui.domain.search_query import (
    CaseNumberQuery,
    TermKind,
    bigrams,
    case_number_terms,
    id_number_key,
    like_pattern,
    name_terms,
    parse_query,
    search_text,
)

# -- pinyin ----------------------------------------------------------------------------------------------------


def test_zs_is_zhang_san() -> None:
    assert name_initials("张三") == {"zs"}
    assert name_initials("张三丰") == {"zsf"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("单明", {"sm", "dm", "cm"}),  # Shàn as a surname; Dān and Chán as clerks also say it
        ("曾华", {"zh", "ch"}),  # Zēng / Céng
        ("解放", {"xf", "jf"}),  # Xiè / Jiě
        ("仇英", {"qy", "cy"}),  # Qiú / Chóu
        ("区永", {"oy", "qy"}),  # Ōu / Qū
        ("查良镛", {"zly", "cly"}),  # Zhā / Chá
        ("朴槿", {"pj"}),  # Piáo: the initial is p whichever reading
        ("盖聂", {"gn"}),  # Gě / Gài: g either way
    ],
)
def test_heteronym_surnames_match_every_reading(name: str, expected: set[str]) -> None:
    assert expected <= name_initials(name)


def test_compound_surnames_take_both_characters_readings() -> None:
    assert split_surname("尉迟恭") == ("尉迟", "恭")
    assert {"ycg", "wcg"} <= name_initials("尉迟恭")  # Yùchí is right, Wèichí is what people say
    assert "mqx" in name_initials("万俟卨")  # Mòqí
    assert name_initials("欧阳修") == {"oyx"}
    assert split_surname("欧阳") == ("欧", "阳")  # two characters only: a surname 欧 and a given name 阳


def test_given_name_heteronyms_are_kept_but_bounded() -> None:
    assert {"zcj", "zzj"} <= name_initials("张长江")  # 长: Cháng or Zhǎng
    assert {"wly", "wll"} <= name_initials("王乐乐") or {"wyy", "wll"} <= name_initials("王乐乐")
    many = name_initials("单长乐重行")  # every character polyphonic
    assert len(many) <= 3 * 4  # all surname readings × at most 4 spellings of the given name
    assert {"s", "d", "c"} == {variant[0] for variant in many}


def test_mixed_and_unknown_names_get_no_initials() -> None:
    assert name_initials("阿依古丽·买买提")  # middle dot dropped: still a Han name
    assert all(len(v) == 7 for v in name_initials("阿依古丽·买买提"))
    assert name_initials("John Smith") == frozenset()
    assert name_initials("张John") == frozenset()
    assert name_initials("张") == frozenset()
    assert name_initials("") == frozenset()


def test_pinyin_is_not_imported_with_the_module() -> None:
    """The terminal's first frame must not pay the 0.3 s import."""
    code = "import sys, zhihui_tui.domain.pinyin, zhihui_tui.domain.search_query; print('pypinyin' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


# -- index keys ------------------------------------------------------------------------------------------------


def test_name_terms_are_bigrams_and_the_whole_name() -> None:
    assert name_terms("张三") == {(TermKind.NAME_BIGRAM, "张三")}
    assert name_terms("张三丰") == {
        (TermKind.NAME_BIGRAM, "张三"),
        (TermKind.NAME_BIGRAM, "三丰"),
        (TermKind.NAME_FULL, "张三丰"),
    }
    assert (TermKind.NAME_FULL, "阿依古丽买买提") in name_terms("阿依古丽·买买提")
    assert (TermKind.NAME_BIGRAM, "ab") in name_terms("ＡＢ商贸")  # width and case folded


def test_case_number_terms() -> None:
    assert case_number_terms(case_type="执恢", sequence=12) == {"12", "执恢12"}


def test_search_text_and_like_pattern() -> None:
    assert search_text(" 阿依古丽 • 买买提 ") == "阿依古丽买买提"
    assert search_text("ABC（北京）") == "abc(北京)"
    assert like_pattern("5%_!") == "%5!%!_!!%"
    assert bigrams("张三张三") == ["张三", "三张"]


def test_id_number_key_upgrades_legacy_numbers() -> None:
    assert id_number_key(" 15222119900307001x ") == "15222119900307001X"
    assert id_number_key("152221900307001") == "152221199003070011"


# -- reading a query -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("（2026）内2221执123号", CaseNumberQuery(123, CaseType.IMPLEMENTATION, 2026, "内2221")),
        ("(2026)内2221执恢7号", CaseNumberQuery(7, CaseType.RESUMPTION, 2026, "内2221")),
        ("〔2026〕执异3号", CaseNumberQuery(3, CaseType.OBJECTION, 2026)),
        ("2026执123", CaseNumberQuery(123, CaseType.IMPLEMENTATION, 2026)),
        ("执123", CaseNumberQuery(123, CaseType.IMPLEMENTATION)),
        ("执51172", CaseNumberQuery(51172, CaseType.IMPLEMENTATION)),  # not court "执5117" + sequence 2
        ("2017执恢12345", CaseNumberQuery(12345, CaseType.RESUMPTION, 2017)),
        ("（2026）内2221执123456号", CaseNumberQuery(123456, CaseType.IMPLEMENTATION, 2026, "内2221")),
        ("执 123 号", CaseNumberQuery(123, CaseType.IMPLEMENTATION)),
        ("内2221执123", CaseNumberQuery(123, CaseType.IMPLEMENTATION, None, "内2221")),
        ("123", CaseNumberQuery(123)),
        ("１２３", CaseNumberQuery(123)),  # full-width digits from an IME
        ("2026", CaseNumberQuery(2026)),  # a bare number is a sequence; a year needs brackets or a type
        ("(2026)123", CaseNumberQuery(123, None, 2026)),
    ],
)
def test_case_numbers_full_and_partial(text: str, expected: CaseNumberQuery) -> None:
    query = parse_query(text)
    assert query.case_number == expected
    assert (query.name, query.pinyin, query.id_number) == (None, None, None)


def test_case_number_terms_and_filters() -> None:
    assert CaseNumberQuery(123, CaseType.IMPLEMENTATION, 2026, "内2221").term == "执123"
    assert CaseNumberQuery(123, CaseType.RESUMPTION).term == "执恢123"
    assert CaseNumberQuery(123, None, 2026).term == "123"


def test_id_numbers_and_credit_codes() -> None:
    assert parse_query("152221199003070011").id_number == "152221199003070011"
    assert parse_query("15222119900307001x").id_number == "15222119900307001X"
    assert parse_query("152221900307001").id_number == "152221199003070011"  # 15-digit legacy number
    body = "91152221MA0N2X3Y4"
    code = body + uscc.calc_check_digit(body)
    query = parse_query(code.lower())
    assert (query.id_number, query.notice) == (code, None)


def test_an_id_number_with_a_bad_check_digit_is_still_looked_up_with_a_hint() -> None:
    query = parse_query("152221199003070012")
    assert query.id_number == "152221199003070012"
    assert query.notice is not None and "校验位" in query.notice


def test_letters_are_pinyin_initials_and_name_text() -> None:
    query = parse_query("ZS")
    assert (query.pinyin, query.name) == ("zs", "zs")
    assert parse_query("zhangsanfengzhangsanfeng").pinyin is None  # longer than any name's initials


def test_names() -> None:
    assert parse_query("张三").name == "张三"
    assert parse_query(" 阿依古丽·买买提 ").name == "阿依古丽买买提"
    assert parse_query("科右前旗金鼎商贸").name == "科右前旗金鼎商贸"
    assert parse_query("张%").name == "张%"  # wildcards are ordinary characters


def test_one_character_gets_a_hint_not_a_search() -> None:
    query = parse_query("张")
    assert query.is_empty and query.notice == "按名称查找请至少输入两个字"


def test_other_digit_strings_match_nothing_and_say_so() -> None:
    query = parse_query("13812345678")
    assert query.is_empty and query.notice is not None


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_blank_query_is_empty(text: str) -> None:
    assert parse_query(text).is_empty
    assert parse_query(text).notice is None


def test_overlong_or_control_characters_are_field_errors() -> None:
    with pytest.raises(FieldError, match="查询条件：不能超过 100 个字"):
        parse_query("张" * 500)
    with pytest.raises(FieldError, match=r"查询条件：.*控制字符"):
        parse_query("张\t三")
