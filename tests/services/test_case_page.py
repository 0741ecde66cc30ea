"""The case page (issue 11): a case's particulars read at one moment, IDs masked per post, refused to outsiders."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tests.conftest import context_for, make_staff
from tests.services.test_filing import APPLICATION_ITEMS, DRAFT, PERSON_A
from zhihui_tui.db.models import AssetFinding, CaseParty
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.case_page import case_page
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import PermissionDenied
from zhihui_tui.services.filing import receive_materials
from zhihui_tui.services.uow import unit_of_work


@pytest.fixture
def clerk(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")


def _received(engine: Engine, clerk: Actor, clock: FixedClock) -> int:
    draft = replace(DRAFT, basis_court="", basis_number="（2026）内2221民初5000号民事判决书")
    return receive_materials(draft, APPLICATION_ITEMS - {"app.6"}, ctx=context_for(engine, clerk, clock))


def _add_finding(engine: Engine, clock: FixedClock, actor: Actor, case_id: int) -> None:
    with unit_of_work(engine, actor=actor, action="测试：录入查控结果", clock=clock) as session:
        link = session.exec(
            select(CaseParty).where(
                CaseParty.case_id == case_id, CaseParty.role == "respondent", CaseParty.position == 0
            )
        ).one()
        session.add(
            AssetFinding(
                case_id=case_id,
                party_id=link.party_id,
                asset_type="deposit",
                institution="科右前旗农商银行",
                amount_fen=1_234_567,
                frozen=True,
                entered_by_id=actor.id,
                entered_at=clock.now(),
            )
        )


def test_the_page_shows_the_case_as_received(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = _received(engine, clerk, clock)
    page = case_page(case_id, ctx=context_for(engine, clerk, clock))
    assert (page.case_number, page.stage, page.category) == ("（未立案）", Stage.RECEIVED, "申请执行")
    assert page.basis == "科尔沁右翼前旗人民法院（2026）内2221民初5000号民事判决书"
    assert page.basis_effective == date(2026, 9, 1)
    assert page.target_amount == "152,000.50"
    assert [(p.side, p.name) for p in page.parties] == [
        ("申请执行人", "张三"),
        ("被执行人", "科右前旗某某商贸有限公司"),
        ("被执行人", "李四"),
    ]
    # 立案审查 does not work with full ID numbers: a person's is masked, a company's credit code is public
    assert page.parties[0].id_number == PERSON_A[:6] + "********" + PERSON_A[-4:]
    assert page.parties[1].id_number == DRAFT.respondents[0].id_number
    assert [(a.name, a.kind, a.represents) for a in page.agents] == [("王律师", "律师", "张三")]
    assert page.materials_missing and page.materials_provided == len(APPLICATION_ITEMS) - 1
    [filing] = page.open_deadlines
    assert (filing.step, filing.due, filing.done) == ("立案", date(2026, 11, 30), "")


def test_a_post_that_works_with_full_numbers_sees_them_and_the_findings(
    engine: Engine, clock: FixedClock, clerk: Actor
) -> None:
    case_id = _received(engine, clerk, clock)
    inquirer = make_staff(engine, clock, "cha1", Role.NETWORK_INQUIRY, name="查控员")
    _add_finding(engine, clock, inquirer, case_id)
    page = case_page(case_id, ctx=context_for(engine, inquirer, clock))
    assert page.parties[0].id_number == PERSON_A
    [finding] = page.findings
    assert (finding.respondent, finding.institution, finding.amount, finding.frozen) == (
        "科右前旗某某商贸有限公司",
        "科右前旗农商银行",
        "12,345.67",
        True,
    )


def test_a_handler_reads_only_his_own_cases(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = _received(engine, clerk, clock)
    handler = make_staff(engine, clock, "cb1", Role.HANDLER, name="承办人甲")
    with pytest.raises(PermissionDenied, match="只能查看本人承办的案件"):
        case_page(case_id, ctx=context_for(engine, handler, clock))
