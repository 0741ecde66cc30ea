"""Pure rules of issue 5: the 15:00 cut-off (R-DEL-2), request checks (R-DEL-1), the duty roster (R-CLU-2),
registration and receipt checks (R-CLU-1, R-CTR-1), and what an attached file's bytes say it is (R-Q-4)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work import (
    F_DEADLINE,
    F_INSTITUTION,
    F_INVESTIGATORS,
    F_QUANTITY,
    F_RECEIPT_SIGNED,
    F_REQUIREMENTS,
    F_URGENT,
    AttachmentKind,
    FileType,
    Institution,
    MatterKind,
    MatterRequest,
    Receipt,
    RosterRefused,
    SearchCategory,
    SearchRegistration,
    check_file_type,
    check_matter_request,
    check_receipt,
    check_registration,
    check_roster,
    missing_cards,
    parse_category,
    parse_matter_kind,
    parse_quantity,
    request_timing,
    roster_after,
    sniff_file_type,
)
from zhihui_tui.services.calendar_data import load_calendar


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return load_calendar(None)


# -- R-DEL-2: the 15:00 edge ----------------------------------------------------------------------------------

EDGES = [
    # Friday before Qingming (04-04..04-06 off): 15:00 counts from Tuesday 04-07
    pytest.param(datetime(2026, 4, 3, 14, 59, 59), date(2026, 4, 3), False, id="qingming-14:59:59"),
    pytest.param(datetime(2026, 4, 3, 15, 0, 0), date(2026, 4, 7), True, id="qingming-15:00:00"),
    # Wednesday before National Day (10-01..10-07 off): 15:00 counts from 10-08
    pytest.param(datetime(2026, 9, 30, 14, 59, 59), date(2026, 9, 30), False, id="national-day-14:59:59"),
    pytest.param(datetime(2026, 9, 30, 15, 0, 0), date(2026, 10, 8), True, id="national-day-15:00:00"),
    # Friday 10-09 before an adjusted working Saturday (10-10)
    pytest.param(datetime(2026, 10, 9, 15, 0, 0), date(2026, 10, 10), True, id="adjusted-saturday"),
    # Mid-Autumn Friday 09-25 is a rest day: even the morning counts from Monday
    pytest.param(datetime(2026, 9, 25, 9, 0), date(2026, 9, 28), True, id="rest-day-morning"),
]


@pytest.mark.parametrize(("now", "day", "late"), EDGES)
def test_request_counts_from_the_next_working_day_from_15_00(
    cal: WorkCalendar, now: datetime, day: date, late: bool
) -> None:
    timing = request_timing(now, cal)
    assert (timing.effective_day, timing.late) == (day, late)
    if late:
        assert f"{day:%Y-%m-%d}" in timing.message and "下一工作日" in timing.message
    else:
        assert "15:00 前" in timing.message


def test_rest_day_message_says_so(cal: WorkCalendar) -> None:
    assert request_timing(datetime(2026, 9, 25, 9), cal).message.startswith("今日非工作日")
    assert request_timing(datetime(2026, 4, 3, 15), cal).message.startswith("已过 15:00")


def test_urgent_compelled_appearance_ignores_the_cut_off(cal: WorkCalendar) -> None:
    timing = request_timing(datetime(2026, 4, 3, 16, 30), cal, urgent=True)
    assert timing.effective_day == date(2026, 4, 3)
    assert not timing.late and "局长审批" in timing.message


def _request(**changes: object) -> MatterRequest:
    fields: dict[str, object] = {
        "case_id": 1,
        "kind": MatterKind.SITE_INVESTIGATION,
        "requirements": "查明被执行人经营场所现状，拍照留存",
        "deadline": "2026-04-10",
    }
    fields.update(changes)
    return MatterRequest(**fields)  # type: ignore[arg-type]


def test_late_request_is_checked_against_the_next_working_day(cal: WorkCalendar) -> None:
    checked = check_matter_request(_request(), now=datetime(2026, 4, 3, 15), cal=cal)
    assert checked.effective_day == date(2026, 4, 7)
    with pytest.raises(FieldError) as raised:
        check_matter_request(_request(deadline="2026-04-06"), now=datetime(2026, 4, 3, 15), cal=cal)
    assert raised.value.field == F_DEADLINE and "2026-04-07" in raised.value.message


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"requirements": "   "}, F_REQUIREMENTS),
        ({"requirements": "查\u200b找"}, F_REQUIREMENTS),
        ({"requirements": "要" * 2001}, F_REQUIREMENTS),
        ({"deadline": "2026-04-02"}, F_DEADLINE),
        ({"deadline": "2026-02-30"}, F_DEADLINE),
        ({"deadline": ""}, F_DEADLINE),
        ({"case_id": None}, "案号"),
        ({"kind": None}, "委托事项"),
        ({"urgent": True}, F_URGENT),
        ({"kind": MatterKind.COUNTER}, F_INSTITUTION),
    ],
)
def test_bad_requests_name_the_field(cal: WorkCalendar, changes: dict[str, object], field: str) -> None:
    with pytest.raises(FieldError) as raised:
        check_matter_request(_request(**changes), now=datetime(2026, 4, 3, 10), cal=cal)
    assert raised.value.field == field


def test_counter_request_names_its_institution(cal: WorkCalendar) -> None:
    raw = _request(kind=MatterKind.COUNTER, institution=Institution.BANK, institution_name="")
    checked = check_matter_request(raw, now=datetime(2026, 4, 3, 10), cal=cal)
    assert checked.institution is Institution.BANK and checked.institution_name == "银行"


def test_kinds_parse_from_chinese_labels() -> None:
    assert parse_matter_kind("拘传") is MatterKind.COMPELLED_APPEARANCE
    assert parse_matter_kind("公告") is MatterKind.PUBLIC_NOTICE
    assert MatterKind.COMPELLED_APPEARANCE.is_field_search and not MatterKind.SERVICE.is_field_search
    with pytest.raises(FieldError):
        parse_matter_kind("评估")


# -- R-CLU-2: roster ---------------------------------------------------------------------------------------------

TEAM = {1: "李海军", 2: "其木格", 3: "吴宝山", 4: "那仁满都拉", 5: "韩立新"}


def test_three_out_of_five_leaves_two_at_the_bureau() -> None:
    check = roster_after(date(2026, 11, 27), TEAM, [1], [2, 3])
    assert check.ok and check.at_bureau == ("那仁满都拉", "韩立新")
    check_roster(check)


def test_fourth_out_is_refused_with_names() -> None:
    check = roster_after(date(2026, 11, 27), TEAM, [1, 2], [3, 4])
    with pytest.raises(RosterRefused) as raised:
        check_roster(check)
    message = raised.value.message
    assert raised.value.field == F_INVESTIGATORS
    assert "韩立新" in message and "李海军" in message and "至少 2 人" in message


def test_someone_already_out_may_go_again_the_same_day() -> None:
    check = roster_after(date(2026, 11, 27), TEAM, [1, 2, 3], [1])
    assert check.ok and len(check.out) == 3


def test_a_team_of_two_cannot_send_anyone() -> None:
    assert not roster_after(date(2026, 11, 27), {1: "甲", 2: "乙"}, [], [1]).ok


# -- R-CLU-1: registration ---------------------------------------------------------------------------------------


def _registration(**changes: object) -> SearchRegistration:
    fields: dict[str, object] = {
        "matter_id": 1,
        "planned_at": "2026-11-27 14:00",
        "place": "科右前旗大坝沟镇",
        "category": "物",
        "quantity": "2",
        "target_names": "蒙K12345 轿车、蒙K67890 货车",
        "investigator_ids": (1, 2),
    }
    fields.update(changes)
    return SearchRegistration(**fields)  # type: ignore[arg-type]


def test_registration_is_parsed() -> None:
    checked = check_registration(_registration(investigator_ids=(2, 1, 2)), now=datetime(2026, 11, 27, 9, 30))
    assert checked.category is SearchCategory.PROPERTY and checked.quantity == 2
    assert checked.investigator_ids == (2, 1) and checked.duty_day == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": "0"}, F_QUANTITY),
        ({"quantity": "-1"}, F_QUANTITY),
        ({"quantity": "1.5"}, F_QUANTITY),
        ({"quantity": "１０００"}, F_QUANTITY),
        ({"place": ""}, "地点"),
        ({"category": "车"}, "查找类别"),
        ({"target_names": " "}, "查找对象名称"),
        ({"investigator_ids": ()}, F_INVESTIGATORS),
        ({"planned_at": "2026-11-26 14:00"}, "查找时间"),
        ({"planned_at": "明天下午"}, "查找时间"),
    ],
)
def test_bad_registrations_name_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(FieldError) as raised:
        check_registration(_registration(**changes), now=datetime(2026, 11, 27, 9, 30))
    assert raised.value.field == field


def test_quantity_and_category_parse() -> None:
    assert parse_quantity(" 3 ") == 3
    assert parse_category("人") is SearchCategory.PERSON and parse_category("查物") is SearchCategory.PROPERTY


# -- R-CTR-1: cards and receipts --------------------------------------------------------------------------------


def test_both_cards_are_needed() -> None:
    assert missing_cards("内2221-0001", "执公15000001") == []
    assert missing_cards(None, "执公15000001") == ["人民法院工作证"]
    assert missing_cards(" ", None) == ["人民法院工作证", "人民法院执行公务证"]


def test_receipt_must_be_complete_and_signed_by_the_taker() -> None:
    good = Receipt("HZ-2026-001", "王丽", "已冻结账户存款 12,345.67 元", "赵志刚")
    assert check_receipt(good, taker_name="赵志刚").signed_by == "赵志刚"
    for bad, field in [
        (Receipt("", "王丽", "已冻结", "赵志刚"), "回执编号"),
        (Receipt("HZ-1", "", "已冻结", "赵志刚"), "协执单位经办人"),
        (Receipt("HZ-1", "王丽", "  ", "赵志刚"), "办理结果"),
        (Receipt("HZ-1", "王丽", "已冻结", ""), F_RECEIPT_SIGNED),
        (Receipt("HZ-1", "王丽", "已冻结", "额尔敦"), F_RECEIPT_SIGNED),
    ]:
        with pytest.raises(FieldError) as raised:
            check_receipt(bad, taker_name="赵志刚")
        assert raised.value.field == field


# -- R-Q-4: file types by their bytes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", FileType.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", FileType.PNG),
        (b"%PDF-1.7\n", FileType.PDF),
        (b"\x00\x00\x00\x18ftypmp42\x00", FileType.MP4),
        (b"\x00\x00\x00\x14ftypqt  \x00", FileType.MOV),
        (b"RIFF\x00\x00\x00\x00AVI LIST", FileType.AVI),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
        (b"PK\x03\x04\x14\x00", None),  # a bare zip is not a document
        (b"GIF89a", None),
        (b"hello", None),
    ],
)
def test_sniff(head: bytes, expected: FileType | None) -> None:
    assert sniff_file_type(head) is expected


def test_docx_is_a_zip_with_a_word_document() -> None:
    assert sniff_file_type(b"PK\x03\x04", zip_names=["[Content_Types].xml", "word/document.xml"]) is FileType.DOCX


def test_mislabelled_file_is_refused() -> None:
    assert check_file_type(AttachmentKind.PHOTO, FileType.PNG, name="a.png") is FileType.PNG
    with pytest.raises(FieldError, match="内容是 PDF，不是图片"):
        check_file_type(AttachmentKind.PHOTO, FileType.PDF, name="a.jpg")
    with pytest.raises(FieldError, match="不是可识别的视频"):
        check_file_type(AttachmentKind.VIDEO, None, name="a.mp4")
