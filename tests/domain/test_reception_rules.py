"""Reception rules (R-REC-1, R-REC-4, R-REC-5): visit input, late entries, appointment times, masking."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from zhihui_tui.domain.calendar import ReceptionState
from zhihui_tui.domain.errors import FieldError, FieldErrors
from zhihui_tui.domain.reception import (
    AppointmentChannel,
    AppointmentInput,
    AppointmentKind,
    Channel,
    IdKind,
    VisitInput,
    VisitPurpose,
    check_appointment_input,
    check_id_document,
    check_visit_input,
    late_entry_required,
    mask_id_number,
    mask_phone,
    parse_when,
    reception_notice,
)
from zhihui_tui.services.calendar_data import load_calendar

CAL = load_calendar()
FRIDAY = datetime(2026, 11, 27, 9, 30)
SATURDAY = datetime(2026, 11, 28, 10, 0)
ID = "152221198501010025"
CREDIT = "91152221MA0N2X3Y4Q"


def visit(**changes: object) -> VisitInput:
    base: dict[str, object] = {"id_number": ID, "outcome": "告知案件已立案，正在送达", "case_id": 7}
    return VisitInput(**{**base, **changes})  # type: ignore[arg-type]


def field_of(raw: VisitInput, now: datetime = FRIDAY) -> str:
    with pytest.raises(FieldError) as caught:
        check_visit_input(raw, now=now, cal=CAL)
    return caught.value.field


# -- the common case and normalisation ---------------------------------------------------------------------


def test_common_case_needs_only_id_case_and_outcome() -> None:
    checked = check_visit_input(visit(), now=FRIDAY, cal=CAL)
    assert checked.visited_at == FRIDAY
    assert checked.channel is Channel.WINDOW and checked.purpose is VisitPurpose.CASE_QUERY
    assert checked.visitor_name is None  # the service takes the name on file
    assert (checked.id_kind, checked.id_number, checked.case_id) == (IdKind.RESIDENT_ID, ID, 7)
    assert checked.phone is None and checked.late_entry_reason is None


def test_values_are_normalised() -> None:
    checked = check_visit_input(
        visit(
            visitor_name=" 阿依古丽 • 买买提 ",
            id_number="１５２２２１１９８５０１０１００２５",  # full-width digits from an IME
            phone="138 0013 8000",
            outcome="  第一行\r\n第二行  ",
            purpose="信访",
            channel="hotline",
        ),
        now=FRIDAY,
        cal=CAL,
    )
    assert checked.visitor_name == "阿依古丽·买买提"
    assert checked.id_number == ID
    assert checked.phone == "13800138000"
    assert checked.outcome == "第一行\n第二行"
    assert checked.purpose is VisitPurpose.PETITION and checked.channel is Channel.HOTLINE


def test_legacy_15_digit_id_is_upgraded() -> None:
    assert check_id_document(IdKind.RESIDENT_ID, "152221850101002") == "152221198501010025"


def test_organisation_representative_uses_the_credit_code() -> None:
    checked = check_visit_input(visit(id_kind=IdKind.CREDIT_CODE, id_number=CREDIT.lower()), now=FRIDAY, cal=CAL)
    assert checked.id_number == CREDIT


def test_other_document_is_free_text_of_limited_length() -> None:
    assert check_id_document(IdKind.OTHER, " e12345678 ") == "E12345678"
    with pytest.raises(FieldError, match="32"):
        check_id_document(IdKind.OTHER, "A" * 33)


# -- bad input: a clear message at the field ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id_number": "152221198501010026"}, "证件号码"),  # wrong check digit
        ({"id_number": "152221198502300025"}, "证件号码"),  # 30 February
        ({"id_number": "1522211985010100"}, "证件号码"),  # wrong length
        ({"id_number": "152221198501\n010025"}, "证件号码"),  # pasted line break
        ({"id_kind": IdKind.CREDIT_CODE, "id_number": "91152221MA0N2X3Y4P"}, "证件号码"),
        ({"id_kind": "passport"}, "证件类型"),
        ({"visitor_name": "张" * 500}, "来访人"),
        ({"visitor_name": "张三\n李四"}, "来访人"),
        ({"visitor_name": "张\x07三"}, "来访人"),
        ({"visitor_name": "张\u200b三"}, "来访人"),  # zero-width space
        ({"visitor_name": "Robert'); DROP TABLE visit;--"}, "来访人"),
        ({"phone": "12345"}, "电话"),
        ({"phone": "138\t0013 8000"}, "电话"),
        ({"phone": "13800138000\n13900139000"}, "电话"),
        ({"outcome": ""}, "处理结果"),
        ({"outcome": "很" * 501}, "处理结果"),
        ({"outcome": "告知\x1b[31m红字"}, "处理结果"),
        ({"purpose": "闲聊"}, "事由"),
        ({"channel": "fax"}, "渠道"),
        ({"visited_at": datetime(2026, 11, 27, 9, 31)}, "时间"),  # a minute in the future
        ({"visited_at": datetime(2026, 10, 27, 9, 0)}, "时间"),  # beyond the 30-day backfill
        ({"late_entry_reason": "系统\n故障", "visited_at": datetime(2026, 11, 26, 9, 0)}, "补录原因"),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, object], field: str) -> None:
    assert field_of(visit(**changes)) == field


def test_id_is_required_at_the_window_and_for_case_questions() -> None:
    with pytest.raises(FieldError, match="有效身份证明"):
        check_visit_input(visit(id_number="", visitor_name="张三", purpose=VisitPurpose.MATERIALS), now=FRIDAY, cal=CAL)
    with pytest.raises(FieldError, match="案件查询须核对证件号"):
        check_visit_input(
            visit(id_number="", visitor_name="张三", channel=Channel.HOTLINE, phone="13800138000"), now=FRIDAY, cal=CAL
        )


def test_anonymous_hotline_petition_needs_a_name_and_the_callers_number() -> None:
    raw = visit(id_number="", case_id=None, channel=Channel.HOTLINE, purpose=VisitPurpose.PETITION)
    with pytest.raises(FieldErrors) as both:  # every bad field at once (issue 11)
        check_visit_input(raw, now=FRIDAY, cal=CAL)
    assert [error.field for error in both.value.errors] == ["来访人", "电话"]
    assert field_of(replace(raw, visitor_name="李四")) == "电话"
    checked = check_visit_input(replace(raw, visitor_name="李四", phone="0482-8393383"), now=FRIDAY, cal=CAL)
    assert checked.id_number is None and checked.phone == "0482-8393383"


# -- parsing the time -----------------------------------------------------------------------------------------


def test_time_defaults_to_now_and_accepts_clock_or_full_forms() -> None:
    assert parse_when("", field="时间", now=FRIDAY) == FRIDAY
    assert parse_when("9:05", field="时间", now=FRIDAY) == datetime(2026, 11, 27, 9, 5)
    assert parse_when("2026-11-26 16:30", field="时间", now=FRIDAY) == datetime(2026, 11, 26, 16, 30)
    assert parse_when("2026年11月26日 16：30", field="时间", now=FRIDAY) == datetime(2026, 11, 26, 16, 30)


@pytest.mark.parametrize("text", ["25:00", "9:60", "2026-02-30 10:00", "明天上午", "2026-11-26\n10:00", "10:00\x00"])
def test_impossible_times_are_refused(text: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_when(text, field="时间", now=FRIDAY)
    assert caught.value.field == "时间"


# -- R-REC-5: reception hours and late entries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "state", "reason_needed"),
    [
        (datetime(2026, 11, 27, 16, 44, 59), ReceptionState.OPEN, False),
        (datetime(2026, 11, 27, 16, 45), ReceptionState.CLOSING_SOON, False),
        (datetime(2026, 11, 27, 16, 59, 59), ReceptionState.CLOSING_SOON, False),
        (datetime(2026, 11, 27, 17, 0), ReceptionState.CLOSED, True),
        (SATURDAY, ReceptionState.CLOSED, True),
    ],
)
def test_late_entry_edges(now: datetime, state: ReceptionState, reason_needed: bool) -> None:
    assert reception_notice(now, CAL)[0] is state
    assert (late_entry_required(now, now, CAL) is not None) is reason_needed
    if reason_needed:
        with pytest.raises(FieldError, match="补录原因：不能为空"):
            check_visit_input(visit(), now=now, cal=CAL)
        assert check_visit_input(visit(late_entry_reason="值班接待"), now=now, cal=CAL).late_entry_reason == "值班接待"
    else:
        assert check_visit_input(visit(), now=now, cal=CAL).late_entry_reason is None


def test_warning_from_16_45_and_closed_messages() -> None:
    assert "不足 15 分钟" in reception_notice(datetime(2026, 11, 27, 16, 45), CAL)[1]
    assert "17:00" in reception_notice(datetime(2026, 11, 27, 17, 0), CAL)[1]
    assert "非工作日" in reception_notice(SATURDAY, CAL)[1]


def test_backfilling_an_earlier_day_needs_a_reason_even_in_hours() -> None:
    assert late_entry_required(datetime(2026, 11, 26, 16, 0), FRIDAY, CAL) == "补录 2026-11-26 的来访"
    assert late_entry_required(datetime(2026, 11, 27, 8, 0), FRIDAY, CAL) is None


def test_a_year_without_calendar_data_is_a_field_error() -> None:
    with pytest.raises(FieldError, match="2030"):
        check_visit_input(visit(), now=datetime(2030, 3, 1, 10, 0), cal=CAL)


# -- R-REC-4: appointment input -------------------------------------------------------------------------------


def booking(**changes: object) -> AppointmentInput:
    base: dict[str, object] = {
        "case_id": 7,
        "kind": AppointmentKind.MEETING,
        "channel": AppointmentChannel.IN_PERSON,
        "scheduled_at": datetime(2026, 11, 30, 10, 0),  # Monday
        "party_name": "张三",
    }
    return AppointmentInput(**{**base, **changes})  # type: ignore[arg-type]


def test_a_meeting_on_a_working_day_in_hours_is_accepted() -> None:
    checked = check_appointment_input(booking(note=" 带齐材料 "), now=FRIDAY, cal=CAL)
    assert checked.kind is AppointmentKind.MEETING and checked.note == "带齐材料" and checked.party_phone is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"scheduled_at": datetime(2026, 11, 27, 9, 0)}, "预约时间", "须晚于当前时间"),
        ({"scheduled_at": FRIDAY}, "预约时间", "须晚于当前时间"),
        ({"scheduled_at": datetime(2026, 11, 28, 10, 0)}, "预约时间", "不是工作日"),
        ({"scheduled_at": datetime(2026, 11, 30, 7, 59)}, "预约时间", "工作时间"),
        ({"scheduled_at": datetime(2026, 11, 30, 17, 0)}, "预约时间", "工作时间"),
        ({"scheduled_at": datetime(2027, 3, 1, 10, 0)}, "预约时间", "90 天"),
        ({"channel": AppointmentChannel.PHONE}, "反馈方式", "约见只能采用面谈或视频"),
        ({"kind": AppointmentKind.CALLBACK, "channel": AppointmentChannel.IN_PERSON}, "反馈方式", "回电"),
        ({"kind": AppointmentKind.CALLBACK, "channel": AppointmentChannel.PHONE}, "当事人电话", "不能为空"),
        ({"party_name": ""}, "当事人", "不能为空"),
        ({"party_name": "张" * 101}, "当事人", "100"),
        ({"party_name": "张三\n李四"}, "当事人", "换行"),
        ({"note": "x" * 501}, "备注", "500"),
    ],
)
def test_bad_bookings_are_refused_at_the_field(changes: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(FieldError, match=message) as caught:
        check_appointment_input(booking(**changes), now=FRIDAY, cal=CAL)
    assert caught.value.field == field


def test_the_last_bookable_minute_is_16_59() -> None:
    check_appointment_input(booking(scheduled_at=datetime(2026, 11, 30, 16, 59)), now=FRIDAY, cal=CAL)
    check_appointment_input(booking(scheduled_at=datetime(2026, 11, 30, 8, 0)), now=FRIDAY, cal=CAL)


# -- R-Q-3: masking -----------------------------------------------------------------------------------------------


def test_masking_keeps_the_first_six_and_last_four_of_an_id() -> None:
    assert mask_id_number(ID) == "152221********0025"
    assert mask_id_number(CREDIT) == "911522********3Y4Q"
    assert mask_id_number("E1234567") == "E******7"
    assert mask_id_number(None) == "" and mask_id_number("AB") == "**"


def test_masking_phones() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("0482-8393383") == "048*-***3383"
    assert mask_phone(None) == ""


def test_labels_are_chinese() -> None:
    assert [p.label for p in VisitPurpose] == ["案件查询", "首次约谈", "材料递交", "信访", "预约承办人", "其他"]
    assert [c.label for c in Channel] == ["窗口", "电话"]
    assert [k.label for k in AppointmentKind] == ["约见", "回电"]
    assert [c.label for c in AppointmentChannel] == ["面谈", "电话", "视频"]
    assert date(2026, 11, 27).weekday() == 4  # the fixtures' Friday
