"""Validators: identity numbers, credit codes, phones, free text, names and dates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.phones import normalize_landline, normalize_mobile, normalize_phone
from zhihui_tui.domain.validators import (
    CREDIT_CODE_AUTHORITIES,
    CREDIT_CODE_PUBLISHED_CATEGORIES,
    clean_text,
    normalize_credit_code,
    normalize_person_name,
    normalize_resident_id,
    parse_date,
)

# --- independent check-digit helpers (written from the standards, not from the code under test) ---

ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # GB 11643: W_i = 2^(i-1) mod 11, right to left
ID_CHECK = "10X98765432"  # index = weighted sum mod 11

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # GB 32100: W_i = 3^(i-1) mod 31


def id_with_check(body17: str) -> str:
    assert len(body17) == 17 and body17.isdigit()
    total = sum(int(d) * w for d, w in zip(body17, ID_WEIGHTS, strict=True))
    return body17 + ID_CHECK[total % 11]


def uscc_with_check(body17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return body17 + USCC_ALPHABET[(31 - total % 31) % 31]


def reason(exc: pytest.ExceptionInfo[FieldError]) -> str:
    return exc.value.reason


def test_helpers_agree_with_published_examples() -> None:
    assert ID_WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert id_with_check("11010519491231002") == "11010519491231002X"  # GB 11643 example
    assert USCC_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert uscc_with_check("91110000600037341") == "91110000600037341L"


# --- 居民身份证号 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("  11010519491231002X  ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width from an IME
    ],
)
def test_resident_id_valid_with_x(raw: str, expected: str) -> None:
    assert normalize_resident_id(raw) == expected


def test_resident_id_inner_mongolia_keqianqi() -> None:
    number = id_with_check("15222119850101001")  # 152221 科尔沁右翼前旗
    assert normalize_resident_id(number) == number


def test_resident_id_legacy_15_digits_upgraded() -> None:
    expected = id_with_check("152221" + "19" + "800101" + "001")
    assert normalize_resident_id("152221800101001") == expected
    assert len(expected) == 18


def test_resident_id_code_rejected_by_stdnum_is_accepted() -> None:
    # 150702 (海拉尔区) dates from 2001; someone born 1985 got it when the 18-digit card was issued.
    number = id_with_check("15070219850101001")
    assert not ric.is_valid(number)
    assert normalize_resident_id(number) == number


@pytest.mark.parametrize("prefix", ["810000", "820000", "830000"])
def test_resident_id_hk_macao_taiwan_residence_permits(prefix: str) -> None:
    number = id_with_check(prefix + "19900101001")
    assert normalize_resident_id(number) == number


@pytest.mark.parametrize("birth", ["20000229", "19960229", "19000101"])
def test_resident_id_valid_birth_dates(birth: str) -> None:
    number = id_with_check("152221" + birth + "002")
    assert normalize_resident_id(number) == number


@pytest.mark.parametrize("birth", ["19000229", "20010229", "19850230", "19851301", "18991231"])
def test_resident_id_invalid_birth_dates(birth: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_resident_id(id_with_check("152221" + birth + "002"))
    assert reason(exc) == "出生日期无效"


def test_resident_id_gb_example_born_1880_is_before_1900() -> None:
    with pytest.raises(FieldError) as exc:
        normalize_resident_id("440524188001010014")
    assert reason(exc) == "出生日期无效"


def test_resident_id_birth_after_today() -> None:
    number = id_with_check("15222120260306001")
    assert normalize_resident_id(number, today=date(2026, 3, 6)) == number
    with pytest.raises(FieldError) as exc:
        normalize_resident_id(number, today=date(2026, 3, 5))
    assert reason(exc) == "出生日期无效"


def test_resident_id_legacy_feb_29_in_non_leap_year() -> None:
    with pytest.raises(FieldError) as exc:
        normalize_resident_id("152221810229001")
    assert reason(exc) == "出生日期无效"
    assert normalize_resident_id("152221800229001") == id_with_check("15222119800229001")


@pytest.mark.parametrize("prefix", ["000000", "160000", "240000", "990000", "910000"])
def test_resident_id_invalid_province(prefix: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_resident_id(id_with_check(prefix + "19900101001"))
    assert reason(exc) == "地区码无效"


def test_resident_id_legacy_number_needs_mainland_code() -> None:
    with pytest.raises(FieldError) as exc:
        normalize_resident_id("830000900101001")
    assert reason(exc) == "地区码无效"


@pytest.mark.parametrize("raw", ["1522211985010100", "1522211985010100171", "12345", "15222119850101001234"])
def test_resident_id_wrong_length(raw: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_resident_id(raw)
    assert reason(exc) == "长度应为 18 位（或 15 位旧号）"


@pytest.mark.parametrize(
    "raw", ["152221 19850101001X", "15222119850101X017", "15222119850101001Y", "15222180010100X", "١٥٢٢٢١"]
)
def test_resident_id_illegal_characters(raw: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_resident_id(raw)
    assert reason(exc) == "含非法字符"


def test_resident_id_check_digit_message_names_expected_digit() -> None:
    good = "11010519491231002X"
    with pytest.raises(FieldError) as exc:
        normalize_resident_id(good[:-1] + "1")
    assert reason(exc) == "校验位错误（应为 X）"
    assert exc.value.field == "身份证号"


def test_resident_id_custom_field_label_and_empty() -> None:
    with pytest.raises(FieldError) as exc:
        normalize_resident_id("  ", field="被执行人身份证号")
    assert str(exc.value) == "被执行人身份证号：不能为空"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_resident_id_property_check_digit(body: str) -> None:
    number = id_with_check(body)
    try:
        assert normalize_resident_id(number) == number
    except FieldError as err:  # region or date may be invalid, never the check digit
        assert err.reason in {"地区码无效", "出生日期无效"}


# --- 统一社会信用代码 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "91110000600037341",  # enterprise, Beijing
        "92152221MA0N12345",  # 个体工商户 in 科右前旗
        "N2152221MF1234567",  # 村级集体经济组织: letter authority
        "N3152221000000001",
        "Y1152221MJ0000001",  # 其他
        "A1100000MB1234567",  # 军队事业单位, national registration
        "11100000000013127",  # 机关, national division code 100000
        "54152221MEA12345B",  # 民政 category not in the 2015 table (基层群众性自治组织)
        "31150000MD0123456",  # law firm, Inner Mongolia
    ],
)
def test_credit_code_valid(body: str) -> None:
    code = uscc_with_check(body)
    assert normalize_credit_code(code) == code
    assert normalize_credit_code(f" {code.lower()} ") == code


def test_credit_code_rejected_by_stdnum_but_valid() -> None:
    code = uscc_with_check("N2152221MF1234567")
    assert not uscc.is_valid(code)
    assert normalize_credit_code(code) == code


def test_credit_code_published_table_covers_every_authority() -> None:
    assert set(CREDIT_CODE_PUBLISHED_CATEGORIES) == set(CREDIT_CODE_AUTHORITIES)
    for authority, categories in CREDIT_CODE_PUBLISHED_CATEGORIES.items():
        for category in categories:
            code = uscc_with_check(f"{authority}{category}152221MA0N12345")
            assert normalize_credit_code(code) == code


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z"])
def test_credit_code_forbidden_letters(bad: str) -> None:
    code = uscc_with_check("91152221MA0N12345")
    with pytest.raises(FieldError) as exc:
        normalize_credit_code(code[:10] + bad + code[11:])
    assert reason(exc).startswith("含非法字符")


@pytest.mark.parametrize("raw", ["9115222", "91152221MA0N123456789", "91152221MA0N1234"])
def test_credit_code_length(raw: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_credit_code(raw)
    assert reason(exc) == "长度应为 18 位"


@pytest.mark.parametrize("authority", ["0", "B", "C", "M", "X"])
def test_credit_code_unknown_authority(authority: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_credit_code(uscc_with_check(authority + "1152221MA0N12345"))
    assert "登记管理部门代码" in reason(exc)


def test_credit_code_category_zero() -> None:
    with pytest.raises(FieldError) as exc:
        normalize_credit_code(uscc_with_check("90152221MA0N12345"))
    assert "机构类别代码" in reason(exc)


@pytest.mark.parametrize("division", ["000000", "990000", "160000", "15222A", "830000"])
def test_credit_code_bad_division(division: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_credit_code(uscc_with_check("91" + division + "MA0N12345"))
    assert "行政区划码" in reason(exc)


def test_credit_code_check_digit() -> None:
    code = uscc_with_check("91152221MA0N12345")
    wrong = "0" if code[-1] != "0" else "1"
    with pytest.raises(FieldError) as exc:
        normalize_credit_code(code[:-1] + wrong)
    assert reason(exc) == f"校验位错误（应为 {code[-1]}）"


# --- phones ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+86-13812345678",
        "008613812345678",
        "8613812345678",
        "（+86）138１２３４５６７８",
        " 13812345678 ",
    ],
)
def test_mobile_valid(raw: str) -> None:
    assert normalize_mobile(raw) == "13812345678"
    assert normalize_phone(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "23812345678", "1381234567a"])
def test_mobile_invalid(raw: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_mobile(raw)
    assert reason(exc) == "应为 1 开头的 11 位手机号"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0482-8123456", "0482-8123456"),
        ("04828123456", "0482-8123456"),
        ("(0482)8123456", "0482-8123456"),
        ("0482 812 3456", "0482-8123456"),
        ("0482-88123456", "0482-88123456"),
        ("010-65521234", "010-65521234"),
        ("01065521234", "010-65521234"),
        ("010-6552-1234", "010-65521234"),
        ("021 6552 1234", "021-65521234"),
        ("0482-8123456转123", "0482-8123456转123"),
        ("0482-8123456-123", "0482-8123456转123"),
        ("0482-8123456 ext. 9", "0482-8123456转9"),
        ("0482-8123456分机12", "0482-8123456转12"),
        ("+86 482 8123456", "0482-8123456"),
        ("+86 10 6552 1234", "010-65521234"),
        ("０４８２－８１２３４５６", "0482-8123456"),
    ],
)
def test_landline_valid(raw: str, expected: str) -> None:
    assert normalize_landline(raw) == expected
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["8123456", "0482-812345", "0482-812345678", "0482-0123456", "0482-1123456", "011-65521234"]
)
def test_landline_invalid(raw: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_landline(raw)
    assert reason(exc).startswith("格式应为")


def test_landline_big_city_needs_eight_digits() -> None:
    with pytest.raises(FieldError) as exc:
        normalize_landline("010-6552123")
    assert reason(exc) == "区号 010 的号码应为 8 位"


@pytest.mark.parametrize("raw", ["12345", "abc", "95588"])
def test_phone_neither(raw: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_phone(raw, field="联系电话")
    assert exc.value.field == "联系电话"


def test_phone_empty() -> None:
    for fn in (normalize_phone, normalize_mobile, normalize_landline):
        with pytest.raises(FieldError) as exc:
            fn("  ")
        assert reason(exc) == "不能为空"


# --- clean_text -----------------------------------------------------------------------------------


def test_clean_text_strips_and_nfc() -> None:
    decomposed = "Jose\u0301"  # e + combining acute
    assert clean_text(f"  {decomposed}\n", field="备注", max_length=10) == "José"


def test_clean_text_required_and_optional() -> None:
    with pytest.raises(FieldError) as exc:
        clean_text(" \u3000 ", field="案由", max_length=10)
    assert str(exc.value) == "案由：不能为空"
    assert clean_text("   ", field="备注", max_length=10, required=False) == ""


def test_clean_text_pasted_newline_single_line() -> None:
    with pytest.raises(FieldError) as exc:
        clean_text("内蒙古\r\n兴安盟", field="地址", max_length=100)
    assert reason(exc) == "不能包含换行"
    for brk in ("\n", "\r", "\u2028", "\u2029", "\x85"):
        with pytest.raises(FieldError):
            clean_text(f"a{brk}b", field="地址", max_length=100)


def test_clean_text_multiline_normalises_breaks() -> None:
    assert clean_text("第一行\r\n第二行\r第三行\u2028第四行", field="备注", max_length=100, multiline=True) == (
        "第一行\n第二行\n第三行\n第四行"
    )


@pytest.mark.parametrize("ch", ["\x00", "\t", "\x1b", "\x7f", "\x9b", "\x0b", "\x0c"])
@pytest.mark.parametrize("multiline", [False, True])
def test_clean_text_control_characters(ch: str, multiline: bool) -> None:
    with pytest.raises(FieldError) as exc:
        clean_text(f"张{ch}三", field="备注", max_length=10, multiline=multiline)
    assert reason(exc).startswith("不能包含控制字符")


@pytest.mark.parametrize(
    "ch",
    [
        "\u200b",
        "\u200c",
        "\u200d",
        "\u2060",
        "\ufeff",
        "\u200e",
        "\u200f",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\u061c",
        "\u00ad",
    ],
)
def test_clean_text_zero_width_and_bidi(ch: str) -> None:
    with pytest.raises(FieldError) as exc:
        clean_text(f"张{ch}三", field="姓名", max_length=10)
    assert reason(exc).startswith("不能包含零宽或方向控制字符")


def test_clean_text_lone_surrogate() -> None:
    with pytest.raises(FieldError):
        clean_text("张\udc80", field="备注", max_length=10)


def test_clean_text_length_counts_characters() -> None:
    assert clean_text("字" * 50, field="名称", max_length=50) == "字" * 50
    assert clean_text("𠀀" * 50, field="名称", max_length=50) == "𠀀" * 50  # astral: still one each
    with pytest.raises(FieldError) as exc:
        clean_text("字" * 51, field="名称", max_length=50)
    assert reason(exc) == "不能超过 50 个字"


def test_clean_text_keeps_private_use_and_variation_selectors() -> None:
    assert clean_text("王\ue000", field="姓名", max_length=5) == "王\ue000"
    assert clean_text("葛\U000e0100", field="姓名", max_length=5) == "葛\U000e0100"


# --- person names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张三", "张三"),
        (" 欧阳娜娜 ", "欧阳娜娜"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽.买买提", "阿依古丽·买买提"),
        ("阿依古丽 · 买买提", "阿依古丽·买买提"),
        ("巴特尔·额尔敦仓", "巴特尔·额尔敦仓"),
        ("约翰·史密斯", "约翰·史密斯"),
        ("John  Smith", "John Smith"),
        ("Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"),
        ("Jean-Pierre O'Brien", "Jean-Pierre O'Brien"),
        ("Иван Петров", "Иван Петров"),
        ("𠀀𪚥", "𠀀𪚥"),  # extension B ideographs
        ("李〇", "李〇"),
    ],
)
def test_person_name_valid(raw: str, expected: str) -> None:
    assert normalize_person_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("张 三", "空格"),
        ("张三 Smith", "空格"),
        ("张三1", "非法字符"),
        ("张三@", "非法字符"),
        ("·张三", "间隔号"),
        ("张三·", "间隔号"),
        ("张··三", "间隔号"),
        ("-Smith", "“-”"),
        ("Smith'", "“'”"),
        ("张\u200b三", "零宽"),
        ("张\n三", "换行"),
        ("", "不能为空"),
    ],
)
def test_person_name_invalid(raw: str, fragment: str) -> None:
    with pytest.raises(FieldError) as exc:
        normalize_person_name(raw)
    assert fragment in reason(exc)
    assert exc.value.field == "姓名"


def test_person_name_500_characters() -> None:
    with pytest.raises(FieldError) as exc:
        normalize_person_name("王" * 500)
    assert reason(exc) == "不能超过 50 个字"


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2026-03-05",
        "2026/3/5",
        "2026/03/05",
        "2026.3.5",
        "20260305",
        "2026年3月5日",
        "2026年03月05日",
        " 2026 年 3 月 5 日 ",
        "２０２６－０３－０５",
    ],
)
def test_parse_date_formats(raw: str) -> None:
    assert parse_date(raw, field="立案日期") == date(2026, 3, 5)


def test_parse_date_leap_day() -> None:
    assert parse_date("2024-02-29", field="日期") == date(2024, 2, 29)


@pytest.mark.parametrize("raw", ["2026-02-30", "2025-02-29", "20261301", "2026年4月31日", "0000-01-01"])
def test_parse_date_impossible(raw: str) -> None:
    with pytest.raises(FieldError) as exc:
        parse_date(raw, field="立案日期")
    assert reason(exc) == f"日期无效：{raw}"
    assert exc.value.field == "立案日期"


@pytest.mark.parametrize("raw", ["2026-3", "26-03-05", "2026/03-05", "明天", "2026-03-05T10:00", "١٢"])
def test_parse_date_bad_format(raw: str) -> None:
    with pytest.raises(FieldError) as exc:
        parse_date(raw, field="日期")
    assert reason(exc).startswith("日期格式应为")


def test_parse_date_empty() -> None:
    with pytest.raises(FieldError) as exc:
        parse_date("  ", field="日期")
    assert reason(exc) == "不能为空"


@given(st.dates(min_value=date(1000, 1, 1)))
def test_parse_date_round_trip(day: date) -> None:
    assert parse_date(day.isoformat(), field="日期") == day
    assert parse_date(f"{day.year}年{day.month}月{day.day}日", field="日期") == day


@pytest.mark.parametrize("value", ["138\n0013 8000", "138\t00138000", "0482\r\n8123456"])
def test_phone_with_pasted_line_break_or_tab_is_refused(value: str) -> None:
    with pytest.raises(FieldError):
        normalize_phone(value)


@pytest.mark.parametrize("emoji", ["🙂", "👨‍👩‍👧", "🇨🇳", "🐄"])
def test_emoji_are_refused_in_free_text_as_in_names(emoji: str) -> None:
    """One text rule for every field (issue 11): 处理结果 and the ledger refuse what a name refuses."""
    with pytest.raises(FieldError) as refused:
        clean_text(f"已电话联系{emoji}", field="处理结果", max_length=200, multiline=True)
    assert refused.value.field == "处理结果" and "表情符号" in refused.value.reason


def test_rare_name_characters_are_letters_and_stay() -> None:
    assert clean_text("𠀾𪚥王", field="姓名", max_length=50) == "𠀾𪚥王"  # CJK Extension B: not emoji


@pytest.mark.parametrize("written", ["2026-03-05", "2026/3/5", "2026.3.5", "20260305", "2026年3月5日"])
def test_every_date_form_the_hint_names_is_accepted(written: str) -> None:
    """The refusal names exactly the forms the parser takes (issue 11): each one named parses."""
    from zhihui_tui.domain.validators import DATE_FORMS

    assert written in DATE_FORMS
    assert parse_date(written) == date(2026, 3, 5)
    with pytest.raises(FieldError) as refused:
        parse_date("3/5/2026")
    assert DATE_FORMS in refused.value.reason
