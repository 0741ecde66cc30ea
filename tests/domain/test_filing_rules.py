"""Filing rules (SPEC §3.1): the seed's checklists word for word, missing items, draft validation, duplicates."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing import (
    APPLICANT_SIDE,
    CHECKLISTS,
    RESPONDENT_SIDE,
    AgentForm,
    DraftInvalid,
    DuplicateCandidate,
    DuplicateProbe,
    FilingDraft,
    PartyForm,
    Requirement,
    acts_for_applicant,
    check_provided_codes,
    checklist_units,
    draft_errors,
    duplicate_hints,
    duplicate_probe,
    missing_items,
    normalize_document_number,
    validate_draft,
)
from zhihui_tui.domain.lifecycle import CaseType, FilingCategory, Stage

TODAY = date(2026, 11, 27)
PERSON_A = "152221199003070011"  # 15-digit form: 152221900307001
PERSON_B = "152221198512120027"
PERSON_C = "11010519491231002X"
AGENT_ID = "152221198808080044"
ORG_A = "91152221MA0N2X3Y4Q"
ORG_B = "91152221MA0N123456"

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "执行指挥中心实体化运行方案.txt"

# The seed §六(三) lists, copied by hand: the test fails if anyone "tidies" a word.
SEED_TEXTS = {
    FilingCategory.APPLICATION: [
        "执行申请书（申请书中具体标注是否申请对被执行人采取限制高消费及列失信人员名单措施）",
        "执行依据原件（诉讼案件承办人签字生效）、仲裁或公证债权类法律文书生效证明书",
        "申请执行人提供被执行人可供执行财产线索表",
        "诉讼费收据",
        "当事人身份证明材料及授权委托书材料（律师代理执行的应提交事务所函及律师证复印件、"
        "近属代理执行的应提交能够证明是亲属关系的材料如户口本或社区开具的亲属证明）",
        "申请执行人收取案款确认书、双方当事人送达地址确认书或下落不明证明",
    ],
    FilingCategory.OBJECTION: [
        "执行异议申请书（有明确的异议请求、事实、理由）",
        "异议人身份证明材料（内容同执行申请人）",
        "证据材料（含原执行裁定书）",
    ],
    FilingCategory.RESUMPTION: [
        "恢复执行申请书（应注明发现被执行人可供执行财产线索并有原承办人确认签字，原承办人离开工作岗位的，由局长确认签字）",
        "执行依据",
        "执行裁定书（终本或终结裁定书）",
        "恢复执行裁定书（由原承办人签字确认恢复，原承办人离开工作岗位的，由局长确认签字）",
        "恢复执行申请人身份证明材料",
        "申请人执行人收取案款确认书",
        "双方当事人送达地址确认书或下落不明证明",
    ],
    FilingCategory.TRANSFER: [
        "移送执行说明（内容包括被执行人、被害人的基本信息）",
        "生效裁判文书及其附件",
        "已查明的财产状况或者财产线索、随案移送的财产和已经处置财产的情况说明、查封、扣押、冻结财产情况说明",
    ],
}


# -- checklists ------------------------------------------------------------------------------------


def test_checklists_have_the_seed_counts() -> None:
    assert {category: len(items) for category, items in CHECKLISTS.items()} == {
        FilingCategory.APPLICATION: 6,
        FilingCategory.OBJECTION: 3,
        FilingCategory.RESUMPTION: 7,
        FilingCategory.TRANSFER: 3,
    }


@pytest.mark.parametrize("category", list(FilingCategory))
def test_checklist_texts_are_the_seeds_word_for_word(category: FilingCategory) -> None:
    items = CHECKLISTS[category]
    assert [item.text for item in items] == SEED_TEXTS[category]
    assert [item.number for item in items] == list(range(1, len(items) + 1))


@pytest.mark.skipif(not SEED.exists(), reason="the seed document is not beside the repository")
def test_checklist_texts_match_the_seed_file() -> None:
    section = SEED.read_text(encoding="utf-8").split("(三) 执行立案窗口", 1)[1].split("## 七、", 1)[0]
    lists = re.split(r"恢复执行材料：|### \d、", section)[1:]
    found = [re.findall(r"^\((\d)\) (.+)[；。]$", block, flags=re.MULTILINE) for block in lists]
    order = [FilingCategory.APPLICATION, FilingCategory.OBJECTION, FilingCategory.RESUMPTION, FilingCategory.TRANSFER]
    for category, rows in zip(order, found, strict=True):
        assert [(str(item.number), item.text) for item in CHECKLISTS[category]] == rows


def test_codes_are_unique_short_and_stable() -> None:
    codes = [unit.code for category in FilingCategory for unit in checklist_units(category)]
    assert len(codes) == len(set(codes))
    assert all(len(code) <= 32 for code in codes)  # CaseMaterial.item
    assert [u.code for u in checklist_units(FilingCategory.APPLICATION)] == [
        "app.1",
        "app.2",
        "app.3",
        "app.4",
        "app.5.identity",
        "app.5.agent",
        "app.6",
    ]


def test_application_item_5_is_ticked_in_two_parts() -> None:
    item = CHECKLISTS[FilingCategory.APPLICATION][4]
    identity, authorisation = item.parts
    assert f"{identity.text}及{authorisation.text}" == item.text
    assert identity.requirement is Requirement.REQUIRED
    assert authorisation.requirement is Requirement.WHEN_AGENT
    assert authorisation.label.startswith("（5）授权委托书材料（律师代理执行")


def test_every_other_item_is_required() -> None:
    conditional = [
        u.code for c in FilingCategory for u in checklist_units(c) if u.requirement is not Requirement.REQUIRED
    ]
    assert conditional == ["app.5.agent"]


def test_missing_items_without_an_agent_skip_the_power_of_attorney() -> None:
    missing = missing_items(FilingCategory.APPLICATION, set(), has_agent=False)
    assert [u.code for u in missing] == ["app.1", "app.2", "app.3", "app.4", "app.5.identity", "app.6"]


def test_missing_items_with_an_agent_include_the_power_of_attorney() -> None:
    provided = {"app.1", "app.2", "app.3", "app.4", "app.5.identity", "app.6"}
    assert missing_items(FilingCategory.APPLICATION, provided, has_agent=False) == []
    missing = missing_items(FilingCategory.APPLICATION, provided, has_agent=True)
    assert [(u.code, u.short_label) for u in missing] == [("app.5.agent", "（5）授权委托书")]


@pytest.mark.parametrize("category", list(FilingCategory))
def test_all_ticked_means_nothing_missing(category: FilingCategory) -> None:
    everything = {unit.code for unit in checklist_units(category)}
    assert missing_items(category, everything, has_agent=True) == []


def test_codes_of_another_category_are_refused() -> None:
    with pytest.raises(FieldError, match=r"执行异议.*app\.1"):
        check_provided_codes(FilingCategory.OBJECTION, {"obj.1", "app.1"})


# -- draft validation ------------------------------------------------------------------------------


def _draft(**changes: object) -> FilingDraft:
    base = FilingDraft(
        category=FilingCategory.APPLICATION,
        applicants=(PartyForm("张三", PERSON_A, phone="139 4820 1234", address="科右前旗大坝沟镇"),),
        respondents=(
            PartyForm("科右前旗某某商贸有限公司", ORG_A, address="科右前旗科尔沁镇"),
            PartyForm("李四", PERSON_B, whereabouts_unknown=True),
        ),
        agents=(AgentForm("王律师", AGENT_ID, "律师", "0482-8393383"),),
        basis_court="科尔沁右翼前旗人民法院",
        basis_number="(2026)内2221民初 1234号",
        basis_effective_date="2026-09-01",
        target_amount="152,000.50",
        consumption_restriction_requested=True,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _errors(draft: FilingDraft) -> dict[str, str]:
    with pytest.raises(DraftInvalid) as caught:
        validate_draft(draft, today=TODAY)
    return {error.field: error.reason for error in caught.value.errors}


def test_a_good_draft_is_validated_and_normalised() -> None:
    valid = validate_draft(_draft(), today=TODAY)
    assert [(p.kind, p.name, p.id_number) for p in valid.respondents] == [
        ("organisation", "科右前旗某某商贸有限公司", ORG_A),
        ("person", "李四", PERSON_B),
    ]
    assert valid.applicants[0].phone == "13948201234"
    assert valid.respondents[1].whereabouts_unknown
    assert valid.agents[0].represents == 0 and valid.agents[0].kind == "lawyer"
    assert valid.basis is not None and valid.basis.document_number == "（2026）内2221民初1234号"
    assert valid.basis.effective_date == date(2026, 9, 1)
    assert valid.target_amount_fen == 15_200_050
    assert valid.consumption_restriction_requested and not valid.dishonest_list_requested
    assert draft_errors(_draft(), today=TODAY) == []


@pytest.mark.parametrize(
    ("court", "number", "effective", "expected"),
    [
        # the number alone: the body from its court code, the kind not written
        ("", "（2026）内2221民初5000号", "2026-09-01", ("科尔沁右翼前旗人民法院", "（2026）内2221民初5000号", None)),
        # the kind after the number, as judgments are cited
        (
            "",
            "（2026）内2221民初5000号民事判决书",
            "2026-09-01",
            ("科尔沁右翼前旗人民法院", "（2026）内2221民初5000号", "民事判决书"),
        ),
        # an appellate judgment of the league court, with a 之一 number
        ("", "(2026)内22民终415号之一", "2026-09-01", ("兴安盟中级人民法院", "（2026）内22民终415号之一", None)),
        # an arbitration award: the body written before the number, the effective date written after it
        (
            "",
            "兴安仲裁委员会（2026）兴仲裁字第27号裁决书 2026-08-30",
            "",
            ("兴安仲裁委员会", "（2026）兴仲裁字第27号", "仲裁裁决书"),
        ),
        # the body in its own field and the number with its kind
        (
            "兴安仲裁委员会",
            "（2026）兴仲裁字第27号仲裁裁决书",
            "2026-09-01",
            ("兴安仲裁委员会", "（2026）兴仲裁字第27号", "仲裁裁决书"),
        ),
    ],
)
def test_the_basis_is_accepted_as_courts_write_it(
    court: str, number: str, effective: str, expected: tuple[str, str, str | None]
) -> None:
    valid = validate_draft(_draft(basis_court=court, basis_number=number, basis_effective_date=effective), today=TODAY)
    assert valid.basis is not None
    assert (valid.basis.issuing_court, valid.basis.document_number, valid.basis.document_kind) == expected
    assert valid.basis.effective_date == (date(2026, 8, 30) if not effective else date(2026, 9, 1))


def test_a_basis_without_court_code_or_body_is_refused_at_the_body_field() -> None:
    errors = _errors(_draft(basis_court="", basis_number="（2026）兴仲裁字第27号"))
    assert list(errors) == ["执行依据 出具法院"]
    assert "没有法院代字" in errors["执行依据 出具法院"]


def test_a_body_written_twice_differently_is_refused() -> None:
    errors = _errors(_draft(basis_court="兴安仲裁委员会", basis_number="乌兰浩特仲裁委员会（2026）兴仲裁字第27号"))
    assert errors == {"执行依据 出具法院": "作出机关写了两次且不一致：“兴安仲裁委员会”与“乌兰浩特仲裁委员会”"}


def test_an_unknown_court_code_is_kept_as_written_and_a_courts_table_names_it() -> None:
    valid = validate_draft(_draft(basis_court="", basis_number="（2026）京0105民初88号"), today=TODAY)
    assert valid.basis is not None and valid.basis.issuing_court == "京0105"
    codes = {"京0105": "北京市朝阳区人民法院"}
    valid = validate_draft(
        _draft(basis_court="", basis_number="（2026）京0105民初88号"), today=TODAY, court_codes=codes
    )
    assert valid.basis is not None and valid.basis.issuing_court == "北京市朝阳区人民法院"


def test_a_date_after_the_number_is_checked_like_the_date_field() -> None:
    errors = _errors(_draft(basis_number="（2026）内2221民初5000号 2026-12-30", basis_effective_date=""))
    assert errors["执行依据 文书号"] == "生效日期不能晚于今天（2026-11-27）"
    errors = _errors(_draft(basis_number="（2026）内2221民初5000号 1949-09-30", basis_effective_date=""))
    assert errors == {"执行依据 生效日期": "早于 1949-10-01，请核对"}


def test_a_15_digit_id_is_upgraded_to_18() -> None:
    valid = validate_draft(_draft(applicants=(PartyForm("张三", "152221900307001"),)), today=TODAY)
    assert valid.applicants[0].id_number == PERSON_A


def test_an_invalid_id_is_reported_at_its_row() -> None:
    bad = PERSON_B[:-1] + "8"
    errors = _errors(_draft(respondents=(PartyForm("某公司", ORG_A), PartyForm("李四", bad))))
    assert errors == {"被执行人2 证件号": "不是有效的居民身份证号：校验位错误（应为 7）"}


def test_an_organisation_marked_as_such_needs_a_credit_code() -> None:
    errors = _errors(_draft(respondents=(PartyForm("某某公司", PERSON_B, kind="单位"),)))
    assert set(errors) == {"被执行人1 证件号"}


def test_an_impossible_date_is_refused() -> None:
    assert _errors(_draft(basis_effective_date="2026-02-30")) == {"执行依据 生效日期": "日期无效：2026-02-30"}


def test_a_future_effective_date_is_refused() -> None:
    errors = _errors(_draft(basis_effective_date="2026-11-28"))
    assert errors == {"执行依据 生效日期": "不能晚于今天（2026-11-27）"}


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("-100", "不能为负数"),
        ("100.005", "最多两位小数"),
        ("", "不能为空"),
        ("1e5", "不能使用科学计数法"),
        ("0", "申请执行的执行标的应大于 0"),  # a category that carries money (an objection may be 0)
    ],
)
def test_bad_amounts_are_refused(amount: str, reason: str) -> None:
    assert _errors(_draft(target_amount=amount)) == {"执行标的": reason}


def test_a_500_character_name_is_refused() -> None:
    errors = _errors(_draft(applicants=(PartyForm("张" * 500, PERSON_A),), respondents=(PartyForm("公" * 500, ORG_A),)))
    assert errors == {"申请执行人1 姓名/名称": "不能超过 50 个字", "被执行人1 姓名/名称": "不能超过 100 个字"}


def test_control_characters_are_refused() -> None:
    errors = _errors(_draft(applicants=(PartyForm("张\t三", PERSON_A),), basis_court="科右前旗\x07人民法院"))
    assert errors == {
        "申请执行人1 姓名/名称": "不能包含控制字符（如制表符）",
        "执行依据 出具法院": "不能包含控制字符（如制表符）",
    }


def test_a_pasted_newline_is_refused() -> None:
    errors = _errors(_draft(applicants=(PartyForm("张三", PERSON_A, address="科右前旗\r\n大坝沟镇"),)))
    assert errors == {"申请执行人1 地址": "不能包含换行"}


def test_every_bad_field_is_reported_at_once_with_row_labels() -> None:
    draft = _draft(
        applicants=(PartyForm("张三", PERSON_A), PartyForm("王\n五", "12345")),
        respondents=(PartyForm("某公司", ORG_A), PartyForm("李四", PERSON_B, phone="12345")),
        agents=(AgentForm("赵六", "", represents=3),),
        basis_number="",
        basis_effective_date="2026-13-01",
        target_amount="-1",
    )
    with pytest.raises(DraftInvalid) as caught:
        validate_draft(draft, today=TODAY)
    assert [error.field for error in caught.value.errors] == [
        "申请执行人2 证件号",
        "申请执行人2 姓名/名称",
        "被执行人2 电话",
        "代理人1 证件号",
        "代理人1 代理对象",
        "执行依据 文书号",
        "执行依据 生效日期",
        "执行标的",
    ]
    assert caught.value.message.startswith("有 8 处填写有误：申请执行人2 证件号：")


def test_the_same_person_cannot_stand_twice() -> None:
    errors = _errors(_draft(respondents=(PartyForm("张三", "152221900307001"),)))
    assert errors == {"被执行人1 证件号": "与申请执行人1相同"}


def test_an_agent_cannot_be_a_party() -> None:
    errors = _errors(_draft(agents=(AgentForm("李四", PERSON_B, "近亲属"),)))
    assert errors == {"代理人1 证件号": "代理人不能是本案当事人"}


def test_several_agents_act_for_parties_on_either_side() -> None:
    agents = (
        AgentForm("王律师", AGENT_ID, "律师"),
        AgentForm("赵六", PERSON_C, "其他", represents=2, side=RESPONDENT_SIDE),
    )
    valid = validate_draft(_draft(agents=agents), today=TODAY)
    assert [(a.name, a.kind, a.side, a.represents) for a in valid.agents] == [
        ("王律师", "lawyer", APPLICANT_SIDE, 0),
        ("赵六", "other", RESPONDENT_SIDE, 1),
    ]


def test_blank_agent_rows_are_skipped_and_later_rows_keep_their_numbers() -> None:
    bad = AGENT_ID[:-1] + "5"
    errors = _errors(
        _draft(agents=(AgentForm(kind="律师"), AgentForm("赵六", bad, "其他"), AgentForm(" ", "", "律师")))
    )
    assert errors == {"代理人2 证件号": "不是有效的居民身份证号：校验位错误（应为 4）"}
    valid = validate_draft(_draft(agents=(AgentForm(), AgentForm("赵六", AGENT_ID, "其他"))), today=TODAY)
    assert [a.name for a in valid.agents] == ["赵六"]


def test_an_agent_acts_for_a_row_that_exists_on_its_side() -> None:
    errors = _errors(_draft(agents=(AgentForm("王律师", AGENT_ID, represents=3, side=RESPONDENT_SIDE),)))
    assert errors == {"代理人1 代理对象": "应为被执行人1 至 被执行人2 之一"}
    transfer = _draft(category=FilingCategory.TRANSFER, applicants=(), agents=(AgentForm("王律师", AGENT_ID),))
    assert _errors(transfer) == {"代理人1 代理对象": "本案没有申请执行人，不能登记其代理人"}


def test_one_agent_acts_for_one_side_and_is_registered_once_per_party() -> None:
    two_applicants = (PartyForm("张三", PERSON_A), PartyForm("王五", PERSON_C))
    for_both = (AgentForm("王律师", AGENT_ID), AgentForm("王律师", AGENT_ID, represents=2))
    valid = validate_draft(_draft(applicants=two_applicants, agents=for_both), today=TODAY)
    assert [a.represents for a in valid.agents] == [0, 1]  # one lawyer for two applicants is fine
    both_sides = (AgentForm("王律师", AGENT_ID), AgentForm("王律师", AGENT_ID, side=RESPONDENT_SIDE))
    assert _errors(_draft(agents=both_sides)) == {"代理人2 证件号": "与代理人1为同一人，不能同时代理双方当事人"}
    twice = (AgentForm("王律师", AGENT_ID), AgentForm("王律师", AGENT_ID, "其他"))
    assert _errors(_draft(agents=twice)) == {"代理人2 证件号": "与代理人1为同一人，且代理同一当事人"}


def test_only_an_applicants_agent_asks_for_the_power_of_attorney() -> None:
    assert acts_for_applicant([AgentForm(), AgentForm("王律师", AGENT_ID)])
    assert not acts_for_applicant([AgentForm("王律师", AGENT_ID, side=RESPONDENT_SIDE), AgentForm()])


def test_an_application_needs_an_applicant_and_a_respondent() -> None:
    errors = _errors(_draft(applicants=(), respondents=(), agents=()))
    assert errors == {"申请执行人": "至少填写 1 个", "被执行人": "至少填写 1 个"}


def test_a_transfer_has_no_applicant_and_an_objection_may_lack_basis_and_amount() -> None:
    transfer = validate_draft(_draft(category=FilingCategory.TRANSFER, applicants=(), agents=()), today=TODAY)
    assert transfer.applicants == ()
    objection = validate_draft(
        _draft(
            category=FilingCategory.OBJECTION,
            basis_court="",
            basis_number="",
            basis_effective_date="",
            target_amount="",
        ),
        today=TODAY,
    )
    assert objection.basis is None and objection.target_amount_fen == 0


def test_objection_rows_are_labelled_for_objections() -> None:
    errors = _errors(_draft(category=FilingCategory.OBJECTION, applicants=(PartyForm("张三", "1"),), agents=()))
    assert set(errors) == {"异议人1 证件号"}


def test_resumption_requires_the_original_case_number() -> None:
    resumption = _draft(category=FilingCategory.RESUMPTION)
    assert _errors(resumption) == {"原案号": "申请恢复执行必须填写原案号（终本或终结的原案）"}
    valid = validate_draft(replace(resumption, original_case_number="(2025)内2221执88号"), today=TODAY)
    assert valid.original_case_number is not None and str(valid.original_case_number) == "（2025）内2221执88号"
    assert valid.original_case_number.case_type is CaseType.IMPLEMENTATION


def test_only_implementation_cases_can_be_resumed() -> None:
    errors = _errors(_draft(category=FilingCategory.RESUMPTION, original_case_number="（2025）内2221执异3号"))
    assert list(errors) == ["原案号"] and "执异" in errors["原案号"]


def test_an_original_case_number_on_another_category_is_refused() -> None:
    assert _errors(_draft(original_case_number="（2025）内2221执88号")) == {"原案号": "只有申请恢复执行才填写原案号"}


def test_document_numbers_get_one_spelling() -> None:
    assert normalize_document_number("（２０２５）内2221民初 12号") == "（2025）内2221民初12号"
    assert normalize_document_number("〔2025〕兴仲裁字第7号") == "（2025）兴仲裁字第7号"
    with pytest.raises(FieldError, match="文书编号"):
        normalize_document_number("判决书")


# -- duplicate hints -------------------------------------------------------------------------------

BASIS = "（2026）内2221民初1234号"
PROBE = DuplicateProbe(BASIS, frozenset({PERSON_A}), frozenset({ORG_A}))


def _candidate(case_id: int, stage: Stage = Stage.FILED, **changes: object) -> DuplicateCandidate:
    base = DuplicateCandidate(
        case_id=case_id,
        case_number=f"（2026）内2221执{case_id}号",
        stage=stage,
        received_at=datetime(2026, 11, 1, 9),
        basis_number=None,
        applicants={PERSON_C: "王五"},
        respondents={ORG_B: "另一公司"},
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_same_basis_document_is_a_likely_duplicate() -> None:
    [hint] = duplicate_hints(PROBE, [_candidate(7, basis_number=BASIS)])
    assert hint.case_id == 7
    assert hint.reasons == (f"执行依据文书号相同（{BASIS}），该案已立案",)
    assert hint.message.startswith("疑似重复：（2026）内2221执7号——执行依据文书号相同")


def test_a_closed_case_on_the_same_basis_suggests_resumption() -> None:
    [hint] = duplicate_hints(PROBE, [_candidate(7, Stage.CLOSED, basis_number=BASIS)])
    assert hint.reasons[0].endswith("如系终本后发现财产，应申请恢复执行")


def test_a_rejected_case_on_the_same_basis_is_no_duplicate() -> None:
    assert duplicate_hints(PROBE, [_candidate(7, Stage.REJECTED, basis_number=BASIS)]) == []


def test_same_applicant_and_respondent_in_an_open_case() -> None:
    open_case = _candidate(
        8, Stage.RECEIVED, case_number=None, applicants={PERSON_A: "张三"}, respondents={ORG_A: "某公司"}
    )
    [hint] = duplicate_hints(PROBE, [open_case])
    assert hint.reasons == ("申请执行人（张三）与被执行人（某公司）相同，且该案尚未结案（材料接收）",)
    assert hint.case_label == "未立案（收案序号 8）"


def test_shared_parties_in_a_closed_case_or_only_one_side_shared_are_no_duplicate() -> None:
    closed = _candidate(8, Stage.CLOSED, applicants={PERSON_A: "张三"}, respondents={ORG_A: "某公司"})
    one_side = _candidate(9, applicants={PERSON_A: "张三"})
    assert duplicate_hints(PROBE, [closed, one_side]) == []


def test_both_reasons_make_one_hint_and_open_cases_come_first() -> None:
    both = _candidate(5, basis_number=BASIS, applicants={PERSON_A: "张三"}, respondents={ORG_A: "某公司"})
    closed = _candidate(9, Stage.ARCHIVED, basis_number=BASIS)
    hints = duplicate_hints(PROBE, [closed, both])
    assert [(h.case_id, len(h.reasons)) for h in hints] == [(5, 2), (9, 1)]


def test_a_case_is_not_its_own_duplicate() -> None:
    assert duplicate_hints(replace(PROBE, case_id=7), [_candidate(7, basis_number=BASIS)]) == []


def test_a_resumption_shares_its_basis_with_its_original_by_nature() -> None:
    probe = replace(PROBE, original_case_id=3)
    original = _candidate(3, Stage.ARCHIVED, basis_number=BASIS)
    earlier_resumption = _candidate(4, Stage.CLOSED, basis_number=BASIS, original_case_id=3)
    running_resumption = _candidate(6, Stage.FILED, basis_number=BASIS, original_case_id=3)
    hints = duplicate_hints(probe, [original, earlier_resumption, running_resumption])
    assert [h.case_id for h in hints] == [6]


def test_the_probe_of_a_half_typed_draft_keeps_what_is_valid() -> None:
    draft = _draft(
        applicants=(PartyForm("张三", PERSON_A), PartyForm("错号", "123")),
        respondents=(PartyForm("某公司", ORG_A),),
        basis_number="（2026）内2221民初 1234号",
    )
    assert duplicate_probe(draft) == DuplicateProbe(BASIS, frozenset({PERSON_A}), frozenset({ORG_A}))
    assert duplicate_probe(_draft(basis_number="无编号")).basis_number is None


def test_a_transfer_ignores_the_empty_applicant_row_the_form_shows() -> None:
    """A trial division's transfer has no applicant; the form's always-present first row, left empty, is none.
    A row with anything typed in it is still checked."""
    blank = (PartyForm(),)
    valid = validate_draft(_draft(category=FilingCategory.TRANSFER, applicants=blank, agents=()), today=TODAY)
    assert valid.applicants == ()
    typed = (PartyForm(name="张"),)
    assert "申请执行人1 证件号" in _errors(_draft(category=FilingCategory.TRANSFER, applicants=typed, agents=()))
    assert "申请执行人1 姓名/名称" in _errors(_draft(applicants=blank, agents=()))  # an application needs one
