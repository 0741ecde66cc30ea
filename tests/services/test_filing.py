"""Filing review services (SPEC §3.1): receive → file, refusals, objections, resumptions, duplicates, 不予立案."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from tests.conftest import context_for, make_staff
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import (
    Agent,
    AuditRecord,
    Case,
    CaseMaterial,
    CaseParty,
    Deadline,
    EnforcementBasis,
    FilingRejection,
    Party,
    StageChange,
)
from zhihui_tui.domain.case_number import parse_case_number
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.filing import (
    RESPONDENT_SIDE,
    AgentForm,
    DraftInvalid,
    FilingDraft,
    PartyForm,
    validate_draft,
)
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import DeadlineState, Step
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import ConcurrentEdit, PermissionDenied, ServiceError
from zhihui_tui.services.filing import (
    Decision,
    FiledCase,
    FilingAction,
    MaterialsMissing,
    allowed_actions,
    case_draft,
    check_fileable,
    file_case,
    filing_queue,
    first_assignment_options,
    likely_duplicates,
    pending_rejections,
    propose_rejection,
    receive_materials,
    resumption_draft,
    rule_on_rejection,
    save_draft,
    update_draft,
    update_materials,
)
from zhihui_tui.services.uow import unit_of_work

CALENDAR = load_calendar(None)
COURT = "内2221"
PERSON_A = "152221199003070011"
PERSON_B = "152221198512120027"
PERSON_C = "11010519491231002X"
AGENT_ID = "152221198808080044"
ORG_A = "91152221MA0N2X3Y4Q"
ORG_B = "91152221MA0N123456"
APPLICATION_ITEMS = {"app.1", "app.2", "app.3", "app.4", "app.5.identity", "app.5.agent", "app.6"}
OBJECTION_ITEMS = {"obj.1", "obj.2", "obj.3"}
RESUMPTION_ITEMS = {f"res.{n}" for n in range(1, 8)}

DRAFT = FilingDraft(
    category=FilingCategory.APPLICATION,
    applicants=(PartyForm("张三", PERSON_A, phone="13948201234", address="科右前旗大坝沟镇"),),
    respondents=(PartyForm("科右前旗某某商贸有限公司", ORG_A, address="科右前旗科尔沁镇"), PartyForm("李四", PERSON_B)),
    agents=(AgentForm("王律师", AGENT_ID, "律师"),),
    basis_court="科尔沁右翼前旗人民法院",
    basis_number="（2026）内2221民初1234号",
    basis_effective_date="2026-09-01",
    target_amount="152000.50",
    consumption_restriction_requested=True,
    dishonest_list_requested=True,
)


@pytest.fixture
def clerk(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")


@pytest.fixture
def server(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "songda1", Role.SERVICE, name="其木格")


@pytest.fixture
def director(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="包主任")


def _receive(
    engine: Engine, actor: Actor, clock: FixedClock, draft: FilingDraft = DRAFT, provided: set[str] | None = None
) -> int:
    items = APPLICATION_ITEMS if provided is None else provided
    return receive_materials(draft, items, ctx=context_for(engine, actor, clock))


def _file(
    engine: Engine,
    actor: Actor,
    clock: FixedClock,
    case_id: int,
    *,
    expected_version: int | None = None,
    first_assignee_id: int | None = None,
) -> FiledCase:
    version = expected_version or _version(engine, case_id)
    ctx = context_for(engine, actor, clock)
    return file_case(case_id, expected_version=version, first_assignee_id=first_assignee_id, ctx=ctx)


def _propose(engine: Engine, actor: Actor, clock: FixedClock, case_id: int, reasons: str) -> int:
    """Propose 不予立案 on the case as it stands (the version the clerk just read)."""
    ctx = context_for(engine, actor, clock)
    return propose_rejection(case_id, reasons, expected_version=_version(engine, case_id), ctx=ctx)


def _rule(engine: Engine, actor: Actor, clock: FixedClock, rejection_id: int, decision: Decision, note: str) -> None:
    """Rule on the proposal as it stands (the version the director just read)."""
    version = _proposal_version(engine, rejection_id)
    rule_on_rejection(rejection_id, decision, note, expected_version=version, ctx=context_for(engine, actor, clock))


def _proposal_version(engine: Engine, rejection_id: int) -> int:
    with read_session(engine) as session:
        proposal = session.get(FilingRejection, rejection_id)
        assert proposal is not None
        return proposal.version


def _version(engine: Engine, case_id: int) -> int:
    with read_session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case.version


def _case(engine: Engine, case_id: int) -> Case:
    with read_session(engine) as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def _deadlines(engine: Engine, case_id: int) -> list[tuple[str, date, int | None, bool]]:
    with read_session(engine) as session:
        rows = session.exec(select(Deadline).where(Deadline.case_id == case_id).order_by(Deadline.id)).all()
    return [(row.step, row.due_date, row.owner_id, row.done_at is not None) for row in rows]


def _history(engine: Engine, case_id: int) -> list[tuple[str | None, str, str | None]]:
    with read_session(engine) as session:
        rows = session.exec(select(StageChange).where(StageChange.case_id == case_id).order_by(StageChange.id)).all()
    return [(row.from_stage, row.to_stage, row.note) for row in rows]


def _closed_original(engine: Engine, actor: Actor, clock: FixedClock, closure: str | None, stage: Stage) -> int:
    """A 2025 case at ``stage`` with ``closure``, as an import would have left it."""
    new = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=datetime(2025, 3, 3, 9),
        applicants=(NewParty(PartyKind.PERSON, "张三", PERSON_A),),
        respondents=(NewParty(PartyKind.PERSON, "李四", PERSON_B),),
        target_amount_fen=5_000_000,
        stage=stage,
        filed_at=datetime(2025, 3, 4, 9),
        case_number=parse_case_number("（2025）内2221执88号"),
    )
    with unit_of_work(engine, actor=actor, action="导入", clock=clock) as session:
        case = register_case(session, new, actor=actor, calendar=CALENDAR, court_code=COURT)
        case.closure = closure
        session.flush()
        assert case.id is not None
        return case.id


# -- receive → file --------------------------------------------------------------------------------


def test_receipt_opens_the_two_day_filing_step_and_the_checklist(
    engine: Engine, clock: FixedClock, clerk: Actor
) -> None:
    case_id = _receive(engine, clerk, clock, provided={"app.1", "app.2"})
    case = _case(engine, case_id)
    assert (case.stage, case.case_number, case.received_at) == ("received", None, clock.now())
    # Received Friday 11-27: two days end on Sunday 11-29, which rolls to Monday (R-TIME-1).
    assert _deadlines(engine, case_id) == [("filing", date(2026, 11, 30), clerk.id, False)]
    with read_session(engine) as session:
        rows = session.exec(select(CaseMaterial).where(CaseMaterial.case_id == case_id)).all()
    assert sorted((r.item, r.provided) for r in rows) == sorted(
        (code, code in {"app.1", "app.2"}) for code in APPLICATION_ITEMS
    )
    [row] = filing_queue(ctx=context_for(engine, clerk, clock)).rows
    assert (row.case_id, row.due, row.state, row.owner_name) == (
        case_id,
        date(2026, 11, 30),
        DeadlineState.OPEN,
        "王立案",
    )
    assert (row.applicants, row.respondents) == ("张三", "科右前旗某某商贸有限公司、李四")
    assert [item.code for item in row.missing] == ["app.3", "app.4", "app.5.identity", "app.5.agent", "app.6"]


def test_filing_numbers_the_case_and_hands_it_to_batch_service(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    case_id = _receive(engine, clerk, clock)
    clock.at = datetime(2026, 11, 30, 10, 15)  # filed on the last day of the filing step
    filed = _file(engine, clerk, clock, case_id)
    assert (filed.case_number, filed.first_assignee_id, filed.first_assignee_name) == (
        "（2026）内2221执1号",
        server.id,
        "其木格",
    )
    # R-SRV-1: 5 days from the receipt of the materials (11-27), not from filing.
    assert (filed.next_step, filed.next_due) == (Step.SERVICE_PACK, date(2026, 12, 2))
    case = _case(engine, case_id)
    assert (case.stage, case.case_number, case.filed_at, case.first_assignee_id) == (
        "filed",
        "（2026）内2221执1号",
        datetime(2026, 11, 30, 10, 15),
        server.id,
    )
    assert (case.year, case.sequence, case.case_type, case.version) == (2026, 1, "执", filed.version)
    assert _history(engine, case_id) == [(None, "received", None), ("received", "filed", "初次分案：其木格")]
    assert _deadlines(engine, case_id) == [
        ("filing", date(2026, 11, 30), clerk.id, True),
        ("service_pack", date(2026, 12, 2), server.id, False),
    ]
    with read_session(engine) as session:
        actions = session.exec(select(AuditRecord.action).where(AuditRecord.entity == "enforcement_case")).all()
    assert list(actions) == ["接收立案材料", "立案"]


def test_the_case_reads_back_as_the_same_draft(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = _receive(engine, clerk, clock)
    shown = case_draft(case_id, ctx=context_for(engine, clerk, clock))
    today = clock.now().date()
    assert validate_draft(shown.draft, today=today) == validate_draft(DRAFT, today=today)
    assert (shown.stage, shown.filing_due, shown.missing, shown.pending_rejection) == (
        Stage.RECEIVED,
        date(2026, 11, 30),
        (),
        None,
    )
    assert [(m.item.code, m.required, m.checked_by) for m in shown.materials][4:6] == [
        ("app.5.identity", True, "王立案"),
        ("app.5.agent", True, "王立案"),
    ]


def test_an_award_is_received_with_its_body_and_kind_and_reads_back(
    engine: Engine, clock: FixedClock, clerk: Actor
) -> None:
    draft = replace(DRAFT, basis_court="", basis_number="兴安仲裁委员会（2026）兴仲裁字第27号裁决书")
    case_id = _receive(engine, clerk, clock, draft)
    with read_session(engine) as session:
        basis = session.exec(select(EnforcementBasis).where(EnforcementBasis.case_id == case_id)).one()
    assert (basis.issuing_court, basis.document_number, basis.document_kind) == (
        "兴安仲裁委员会",
        "（2026）兴仲裁字第27号",
        "仲裁裁决书",
    )
    shown = case_draft(case_id, ctx=context_for(engine, clerk, clock))
    assert (shown.draft.basis_court, shown.draft.basis_number) == ("兴安仲裁委员会", "（2026）兴仲裁字第27号仲裁裁决书")


def test_the_courts_code_table_names_the_body_of_a_number_alone(
    engine: Engine, clock: FixedClock, clerk: Actor, tmp_path: Path
) -> None:
    (tmp_path / "court_codes.toml").write_text('[codes]\n"京0105" = "北京市朝阳区人民法院"\n', encoding="utf-8")
    draft = replace(DRAFT, basis_court="", basis_number="（2026）京0105民初88号民事调解书")
    case_id = receive_materials(draft, APPLICATION_ITEMS, ctx=context_for(engine, clerk, clock, data_dir=tmp_path))
    with read_session(engine) as session:
        basis = session.exec(select(EnforcementBasis).where(EnforcementBasis.case_id == case_id)).one()
    assert (basis.issuing_court, basis.document_kind) == ("北京市朝阳区人民法院", "民事调解书")


def test_a_broken_code_table_is_refused_by_name_and_nothing_is_received(
    engine: Engine, clock: FixedClock, clerk: Actor, tmp_path: Path
) -> None:
    (tmp_path / "court_codes.toml").write_text("[codes\n", encoding="utf-8")
    with pytest.raises(DomainError, match="法院代字表"):
        receive_materials(DRAFT, APPLICATION_ITEMS, ctx=context_for(engine, clerk, clock, data_dir=tmp_path))
    with read_session(engine) as session:
        assert session.exec(select(Case)).first() is None


def test_filing_with_a_missing_item_is_refused_and_nothing_changes(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    case_id = _receive(engine, clerk, clock, provided=APPLICATION_ITEMS - {"app.4", "app.5.agent"})
    with pytest.raises(MaterialsMissing) as refused:
        _file(engine, clerk, clock, case_id)
    assert refused.value.message == "缺少必备材料，不能立案：（4）诉讼费收据；（5）授权委托书"
    case = _case(engine, case_id)
    assert (case.stage, case.case_number, case.version) == ("received", None, 1)
    assert _history(engine, case_id) == [(None, "received", None)]
    assert _deadlines(engine, case_id) == [("filing", date(2026, 11, 30), clerk.id, False)]
    version = update_materials(case_id, APPLICATION_ITEMS, expected_version=1, ctx=context_for(engine, clerk, clock))
    assert version == 2
    # The refused filing gave no number away: this one is still 执1号.
    assert _file(engine, clerk, clock, case_id).case_number == "（2026）内2221执1号"


def test_a_checklist_saved_unchanged_keeps_its_version_so_no_one_meets_a_false_conflict(
    engine: Engine, clock: FixedClock, clerk: Actor
) -> None:
    """Enter on an untouched checklist writes nothing: another clerk's save on the version she read still lands."""
    case_id = _receive(engine, clerk, clock, provided=APPLICATION_ITEMS - {"app.4"})
    ctx = context_for(engine, clerk, clock)
    with read_session(engine) as session:
        audited = len(session.exec(select(AuditRecord)).all())
    assert update_materials(case_id, APPLICATION_ITEMS - {"app.4"}, expected_version=1, ctx=ctx) == 1
    with read_session(engine) as session:
        assert len(session.exec(select(AuditRecord)).all()) == audited
    assert update_materials(case_id, APPLICATION_ITEMS, expected_version=1, ctx=ctx) == 2  # a real change
    with pytest.raises(ConcurrentEdit):
        update_materials(case_id, APPLICATION_ITEMS - {"app.4"}, expected_version=1, ctx=ctx)


def _drop_checklist(engine: Engine, actor: Actor, clock: FixedClock, case_id: int) -> None:
    """As a case registered before its checklist was kept (an import, an older demo) has it: no row at all."""
    with unit_of_work(engine, actor=actor, action="导入", clock=clock) as session:
        for row in session.exec(select(CaseMaterial).where(CaseMaterial.case_id == case_id)).all():
            session.delete(row)


def _checklist(engine: Engine, case_id: int) -> dict[str, tuple[bool, int | None, str | None]]:
    with read_session(engine) as session:
        rows = session.exec(select(CaseMaterial).where(CaseMaterial.case_id == case_id)).all()
    return {row.item: (row.provided, row.checked_by_id, row.note) for row in rows}


def _checklist_actions(engine: Engine, case_id: int) -> list[tuple[str, bool]]:
    """(action, row created) of the audit records of the case's checklist rows, oldest first."""
    with read_session(engine) as session:
        ids = [str(i) for i in session.exec(select(CaseMaterial.id).where(CaseMaterial.case_id == case_id)).all()]
        records = session.exec(
            select(AuditRecord)
            .where(AuditRecord.entity == "case_material", col(AuditRecord.entity_id).in_(ids))
            .order_by(col(AuditRecord.id))
        ).all()
    return [(record.action, record.before is None) for record in records]


def test_ticking_a_case_without_checklist_rows_creates_them_and_it_files(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    case_id = _receive(engine, clerk, clock)
    _drop_checklist(engine, clerk, clock, case_id)
    with pytest.raises(MaterialsMissing):
        check_fileable(case_id, ctx=context_for(engine, clerk, clock))
    ticked = APPLICATION_ITEMS - {"app.6"}
    notes = {"app.6": "申请人下周补交"}
    version = update_materials(case_id, ticked, expected_version=1, notes=notes, ctx=context_for(engine, clerk, clock))
    assert version == 2
    assert _checklist(engine, case_id) == {
        **{code: (True, clerk.id, None) for code in ticked},
        "app.6": (False, clerk.id, "申请人下周补交"),
    }
    # Created in the clerk's unit of work, audited as every write is (row ids may be reused: select by action).
    created = [record for record in _checklist_actions(engine, case_id) if record[0] == "修改立案材料清单"]
    assert created == [("修改立案材料清单", True)] * len(APPLICATION_ITEMS)
    assert [item.code for item in case_draft(case_id, ctx=context_for(engine, clerk, clock)).missing] == ["app.6"]

    update_materials(case_id, APPLICATION_ITEMS, expected_version=2, ctx=context_for(engine, clerk, clock))
    check_fileable(case_id, ctx=context_for(engine, clerk, clock))
    assert _file(engine, clerk, clock, case_id).case_number == "（2026）内2221执1号"


def test_the_form_is_saved_whole_in_one_transaction_and_one_version(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    """save_draft: the corrected amount and the checklist as ticked, one version bump, one action; a stale
    version saves neither."""
    case_id = _receive(engine, clerk, clock, provided={"app.1"})
    _drop_checklist(engine, clerk, clock, case_id)  # rows missing too: they are created, not skipped
    corrected = replace(DRAFT, target_amount="123,456.78")
    with pytest.raises(ConcurrentEdit):
        save_draft(case_id, corrected, APPLICATION_ITEMS, expected_version=0, ctx=context_for(engine, clerk, clock))
    assert (_case(engine, case_id).target_amount_fen, _checklist(engine, case_id)) == (15_200_050, {})

    version = save_draft(
        case_id, corrected, APPLICATION_ITEMS, expected_version=1, ctx=context_for(engine, clerk, clock)
    )
    assert version == _version(engine, case_id) == 2
    assert _case(engine, case_id).target_amount_fen == 12_345_678
    assert set(_checklist(engine, case_id)) == APPLICATION_ITEMS
    assert case_draft(case_id, ctx=context_for(engine, clerk, clock)).missing == ()
    assert [created for action, created in _checklist_actions(engine, case_id) if action == "修改立案信息"] == [
        True
    ] * len(APPLICATION_ITEMS)
    filed = _file(engine, clerk, clock, case_id, expected_version=version)
    assert filed.version == 3


def test_a_changed_category_is_saved_with_the_new_checklist_ticked(
    engine: Engine, clock: FixedClock, clerk: Actor
) -> None:
    case_id = _receive(engine, clerk, clock)
    transfer = replace(DRAFT, category=FilingCategory.TRANSFER, applicants=(), agents=())
    save_draft(case_id, transfer, {"trf.1", "trf.3"}, expected_version=1, ctx=context_for(engine, clerk, clock))
    assert {code: provided for code, (provided, _, _) in _checklist(engine, case_id).items()} == {
        "trf.1": True,
        "trf.2": False,
        "trf.3": True,
    }
    with pytest.raises(MaterialsMissing, match="（2）"):
        check_fileable(case_id, ctx=context_for(engine, clerk, clock))


def test_the_power_of_attorney_is_needed_only_when_an_agent_acts(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    without_agent = replace(DRAFT, agents=())
    case_id = _receive(engine, clerk, clock, without_agent, provided=APPLICATION_ITEMS - {"app.5.agent"})
    assert _file(engine, clerk, clock, case_id).case_number == "（2026）内2221执1号"


SEVERAL_AGENTS = (
    AgentForm("王律师", AGENT_ID, "律师"),
    AgentForm("赵六", PERSON_C, "其他", "13904820000"),
    AgentForm("李明", "152221197002020013", "近亲属", represents=2, side=RESPONDENT_SIDE),
)


def _agent_rows(engine: Engine, case_id: int) -> list[tuple[str, str, str, str]]:
    """(agent, kind, the party acted for, that party's side) in entry order."""
    acted_for = (col(CaseParty.case_id) == Agent.case_id) & (col(CaseParty.party_id) == Agent.party_id)
    with read_session(engine) as session:
        rows = session.exec(
            select(Agent.name, Agent.kind, Party.name, CaseParty.role)
            .join(Party, col(Party.id) == Agent.party_id)
            .join(CaseParty, acted_for)
            .where(Agent.case_id == case_id)
            .order_by(col(Agent.id))
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def test_several_agents_are_saved_for_the_parties_they_act_for_and_read_back(
    engine: Engine, clock: FixedClock, clerk: Actor
) -> None:
    case_id = _receive(engine, clerk, clock, replace(DRAFT, agents=SEVERAL_AGENTS))
    assert _agent_rows(engine, case_id) == [
        ("王律师", "lawyer", "张三", "applicant"),
        ("赵六", "other", "张三", "applicant"),
        ("李明", "relative", "李四", "respondent"),
    ]
    assert case_draft(case_id, ctx=context_for(engine, clerk, clock)).draft.agents == SEVERAL_AGENTS

    kept = (SEVERAL_AGENTS[2], SEVERAL_AGENTS[0])  # corrected before filing: one dropped, the order changed
    update_draft(
        case_id,
        replace(DRAFT, agents=kept),
        expected_version=_version(engine, case_id),
        ctx=context_for(engine, clerk, clock),
    )
    assert [row[0] for row in _agent_rows(engine, case_id)] == ["李明", "王律师"]


def test_a_respondents_agent_does_not_make_the_applicant_owe_a_power_of_attorney(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    draft = replace(DRAFT, agents=(SEVERAL_AGENTS[2],))
    case_id = _receive(engine, clerk, clock, draft, provided=APPLICATION_ITEMS - {"app.5.agent"})
    assert case_draft(case_id, ctx=context_for(engine, clerk, clock)).missing == ()
    assert _file(engine, clerk, clock, case_id).case_number == "（2026）内2221执1号"


def test_two_service_clerks_mean_the_first_assignment_is_chosen(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    other = make_staff(engine, clock, "songda2", Role.SERVICE, name="萨仁")
    busy = _receive(engine, clerk, clock)
    _file(engine, clerk, clock, busy, first_assignee_id=server.id)
    case_id = _receive(engine, clerk, clock, replace(DRAFT, basis_number="（2026）内2221民初999号"))
    with pytest.raises(FieldError, match="集约送达组有 2 人，请选择"):
        _file(engine, clerk, clock, case_id)
    assert [(o.login, o.open_steps) for o in first_assignment_options(ctx=context_for(engine, clerk, clock))] == [
        ("songda2", 0),
        ("songda1", 1),
    ]
    with pytest.raises(FieldError, match="不是在岗的集约送达组人员"):
        _file(engine, clerk, clock, case_id, first_assignee_id=clerk.id)
    filed = _file(engine, clerk, clock, case_id, first_assignee_id=other.id)
    assert (filed.case_number, filed.first_assignee_name) == ("（2026）内2221执2号", "萨仁")


# -- objection and resumption ----------------------------------------------------------------------


def test_an_objection_goes_to_its_handler_within_two_days_of_filing(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    objection = replace(
        DRAFT,
        category=FilingCategory.OBJECTION,
        agents=(),
        basis_court="",
        basis_number="",
        basis_effective_date="",
        target_amount="",
    )
    case_id = _receive(engine, clerk, clock, objection, provided=OBJECTION_ITEMS)
    clock.at = datetime(2026, 11, 30, 9)  # filed Monday; two days → Wednesday 12-02
    filed = _file(engine, clerk, clock, case_id)
    assert (filed.case_number, filed.next_step, filed.next_due, filed.first_assignee_id) == (
        "（2026）内2221执异1号",
        Step.OBJECTION_TRANSFER,
        date(2026, 12, 2),
        None,
    )
    assert _deadlines(engine, case_id) == [
        ("filing", date(2026, 11, 30), clerk.id, True),
        ("objection_transfer", date(2026, 12, 2), clerk.id, False),
    ]


def test_a_resumption_links_its_original_and_is_numbered_zhihui(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    original = _closed_original(engine, clerk, clock, "procedure_terminated", Stage.ARCHIVED)
    resumption = replace(DRAFT, category=FilingCategory.RESUMPTION, original_case_number="(2025)内2221执88号")
    case_id = _receive(engine, clerk, clock, resumption, provided=RESUMPTION_ITEMS)
    assert _case(engine, case_id).original_case_id == original
    filed = _file(engine, clerk, clock, case_id)
    assert filed.case_number == "（2026）内2221执恢1号"
    assert (
        case_draft(case_id, ctx=context_for(engine, clerk, clock)).draft.original_case_number == "（2025）内2221执88号"
    )


def test_a_resumption_form_is_prefilled_from_its_original(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    _closed_original(engine, clerk, clock, "procedure_terminated", Stage.CLOSED)
    draft = resumption_draft("（2025）内2221执88号", ctx=context_for(engine, clerk, clock))
    assert (draft.category, draft.original_case_number, draft.target_amount) == (
        FilingCategory.RESUMPTION,
        "（2025）内2221执88号",
        "50000.00",
    )
    assert [(p.name, p.id_number) for p in (*draft.applicants, *draft.respondents)] == [
        ("张三", PERSON_A),
        ("李四", PERSON_B),
    ]


@pytest.mark.parametrize(
    ("number", "closure", "stage", "message"),
    [
        ("（2025）内2221执77号", None, Stage.CLOSED, "本院没有案号为（2025）内2221执77号的案件"),
        ("（2025）内2221执88号", None, Stage.ASSIGNED, "尚未结案（承办中）"),
        ("（2025）内2221执88号", "fulfilled", Stage.CLOSED, "不是以终本或终结方式结案"),
    ],
)
def test_a_resumption_needs_a_closed_original(
    engine: Engine, clock: FixedClock, clerk: Actor, number: str, closure: str | None, stage: Stage, message: str
) -> None:
    _closed_original(engine, clerk, clock, closure, stage)
    resumption = replace(DRAFT, category=FilingCategory.RESUMPTION, original_case_number=number)
    with pytest.raises(DraftInvalid) as refused:
        _receive(engine, clerk, clock, resumption, provided=RESUMPTION_ITEMS)
    [error] = refused.value.errors
    assert error.field == "原案号" and message in error.reason
    with read_session(engine) as session:
        assert len(session.exec(select(Case)).all()) == 1


# -- duplicates ------------------------------------------------------------------------------------


def test_duplicate_hints_for_the_same_basis_and_for_the_same_parties(
    engine: Engine, clock: FixedClock, clerk: Actor
) -> None:
    first = _receive(engine, clerk, clock)
    same_basis = replace(
        DRAFT, applicants=(PartyForm("王五", PERSON_C),), respondents=(PartyForm("另一公司", ORG_B),), agents=()
    )
    [hint] = likely_duplicates(same_basis, ctx=context_for(engine, clerk, clock))
    assert (hint.case_id, hint.reasons) == (first, ("执行依据文书号相同（（2026）内2221民初1234号），该案材料接收",))
    same_parties = replace(DRAFT, basis_number="(2026)内2221民初 5678号", respondents=(PartyForm("李四", PERSON_B),))
    [hint] = likely_duplicates(same_parties, ctx=context_for(engine, clerk, clock))
    assert hint.reasons == ("申请执行人（张三）与被执行人（李四）相同，且该案尚未结案（材料接收）",)
    second = _receive(engine, clerk, clock, same_parties)
    # A stored case is checked the same way, not against itself.
    [hint] = likely_duplicates(second, ctx=context_for(engine, clerk, clock))
    assert hint.case_id == first
    unrelated = replace(same_basis, basis_number="（2026）内2221民初1号")
    assert likely_duplicates(unrelated, ctx=context_for(engine, clerk, clock)) == []


# -- 不予立案 ----------------------------------------------------------------------------------------


def test_rejection_is_proposed_by_review_and_ruled_by_the_director(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    case_id = _receive(engine, clerk, clock)
    proposal = _propose(engine, clerk, clock, case_id, "执行依据文书号与原件不符")
    with pytest.raises(ServiceError, match="待指挥中心主任裁定"):
        _file(engine, clerk, clock, case_id)
    [pending] = pending_rejections(ctx=context_for(engine, director, clock))
    assert (pending.rejection_id, pending.case_id, pending.proposed_by, pending.reasons) == (
        proposal,
        case_id,
        "王立案",
        "执行依据文书号与原件不符",
    )
    assert filing_queue(ctx=context_for(engine, clerk, clock)).rows[0].pending_rejection
    other_reviewer = make_staff(engine, clock, "lian2", Role.FILING_REVIEW, name="乌日娜")
    for who in (clerk, other_reviewer):
        with pytest.raises(PermissionDenied, match="需要指挥中心主任的权限"):
            _rule(engine, who, clock, proposal, "reject", "")
        with pytest.raises(PermissionDenied):
            pending_rejections(ctx=context_for(engine, who, clock))
    clock.advance(hours=2)
    _rule(engine, director, clock, proposal, "reject", "信息有误")
    assert _case(engine, case_id).stage == "rejected"
    assert _history(engine, case_id)[-1] == (
        "received",
        "rejected",
        "不予立案。理由：执行依据文书号与原件不符；主任意见：信息有误",
    )
    assert _deadlines(engine, case_id) == [("filing", date(2026, 11, 30), clerk.id, True)]
    with read_session(engine) as session:
        ruling = session.get(FilingRejection, proposal)
    assert ruling is not None
    assert (ruling.status, ruling.ruled_by_id, ruling.ruled_at, ruling.ruling_note) == (
        "rejected",
        director.id,
        datetime(2026, 11, 27, 11, 30),
        "信息有误",
    )
    assert pending_rejections(ctx=context_for(engine, director, clock)) == []
    assert filing_queue(ctx=context_for(engine, clerk, clock)).rows == []
    with pytest.raises(ServiceError, match="已裁定"):
        _rule(engine, director, clock, proposal, "return", "再看看")


def test_the_director_may_return_the_file_to_the_reviewer(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor, server: Actor
) -> None:
    case_id = _receive(engine, clerk, clock)
    proposal = _propose(engine, clerk, clock, case_id, "申请人姓名疑有误")
    with pytest.raises(FieldError, match="主任意见：不能为空"):
        _rule(engine, director, clock, proposal, "return", "  ")
    _rule(engine, director, clock, proposal, "return", "已核对身份证原件，姓名无误，请立案")
    [row] = filing_queue(ctx=context_for(engine, clerk, clock)).rows
    assert (row.pending_rejection, row.returned_note) == (False, "已核对身份证原件，姓名无误，请立案")
    assert [r.status_label for r in case_draft(case_id, ctx=context_for(engine, clerk, clock)).rejections] == [
        "主任退回"
    ]
    assert _case(engine, case_id).stage == "received"
    assert _file(engine, clerk, clock, case_id).case_number == "（2026）内2221执1号"


# -- refusals --------------------------------------------------------------------------------------


def test_illegal_transitions_are_refused_with_the_lifecycle_message(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor, server: Actor
) -> None:
    filed = _file(engine, clerk, clock, _receive(engine, clerk, clock))
    with pytest.raises(DomainError, match="该案已是“已立案”状态，不能重复办理"):
        _file(engine, clerk, clock, filed.case_id, expected_version=filed.version)
    with pytest.raises(DomainError, match="案件状态不能从“已立案”变为“不予立案”"):
        _propose(engine, clerk, clock, filed.case_id, "重复")
    rejected = _receive(engine, clerk, clock, replace(DRAFT, basis_number="（2026）内2221民初2号"))
    _rule(engine, director, clock, _propose(engine, clerk, clock, rejected, "重复"), "reject", "")
    with pytest.raises(DomainError, match="案件状态不能从“不予立案”变为“已立案”"):
        _file(engine, clerk, clock, rejected)
    with pytest.raises(ServiceError, match="只有“材料接收”的案件可以修改材料清单"):
        update_materials(
            rejected, set(), expected_version=_version(engine, rejected), ctx=context_for(engine, clerk, clock)
        )
    # Nothing moved: one number handed out, the rejected case has none.
    assert _case(engine, rejected).case_number is None
    assert _file(engine, clerk, clock, _receive(engine, clerk, clock)).case_number == "（2026）内2221执2号"


def test_a_stale_version_is_refused_and_names_who_saved_first(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    other = make_staff(engine, clock, "lian2", Role.FILING_REVIEW, name="乌日娜")
    case_id = _receive(engine, clerk, clock)
    assert (
        update_materials(
            case_id, APPLICATION_ITEMS - {"app.3"}, expected_version=1, ctx=context_for(engine, other, clock)
        )
        == 2
    )
    with pytest.raises(ConcurrentEdit, match=r"lian2.*修改立案材料清单"):
        _file(engine, clerk, clock, case_id, expected_version=1)
    with pytest.raises(ConcurrentEdit):
        update_draft(case_id, DRAFT, expected_version=1, ctx=context_for(engine, clerk, clock))
    with pytest.raises(ConcurrentEdit):
        update_materials(case_id, APPLICATION_ITEMS, expected_version=1, ctx=context_for(engine, clerk, clock))
    case = _case(engine, case_id)
    assert (case.stage, case.version) == ("received", 2)


def test_only_filing_review_receives_and_files(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor, server: Actor
) -> None:
    with pytest.raises(PermissionDenied, match="无权接收立案材料"):
        _receive(engine, director, clock)
    case_id = _receive(engine, clerk, clock)
    for who in (director, server):
        with pytest.raises(PermissionDenied, match="无权立案"):
            _file(engine, who, clock, case_id)
    with pytest.raises(PermissionDenied):
        _propose(engine, server, clock, case_id, "理由")


def test_bad_input_saves_nothing_and_marks_every_field(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    bad = replace(
        DRAFT,
        respondents=(PartyForm("某公司", ORG_A), PartyForm("李\n四", "152221198512120028")),
        basis_effective_date="2026-02-30",
        target_amount="1.234",
    )
    with pytest.raises(DraftInvalid) as refused:
        _receive(engine, clerk, clock, bad)
    assert [e.field for e in refused.value.errors] == [
        "被执行人2 证件号",
        "被执行人2 姓名/名称",
        "执行依据 生效日期",
        "执行标的",
    ]
    with pytest.raises(FieldError, match="材料清单"):
        _receive(engine, clerk, clock, provided={"obj.1"})
    with read_session(engine) as session:
        assert session.exec(select(Case)).all() == []
        assert session.exec(select(Party)).all() == []


def test_a_known_id_number_under_another_name_is_refused_at_its_row(
    engine: Engine, clock: FixedClock, clerk: Actor
) -> None:
    _receive(engine, clerk, clock)
    impostor = replace(
        DRAFT,
        basis_number="（2026）内2221民初3号",
        respondents=(PartyForm("科右前旗某某商贸有限公司", ORG_A), PartyForm("李斯", PERSON_B)),
    )
    with pytest.raises(DraftInvalid) as refused:
        _receive(engine, clerk, clock, impostor)
    assert [(e.field, e.reason) for e in refused.value.errors] == [
        ("被执行人2 证件号", f"{PERSON_B} 已登记为“李四”，与“李斯”不符")
    ]


# -- corrections before filing ---------------------------------------------------------------------


def test_the_draft_can_be_corrected_before_filing(
    engine: Engine, clock: FixedClock, clerk: Actor, server: Actor
) -> None:
    typo = replace(DRAFT, respondents=(PartyForm("某公司", ORG_A), PartyForm("李思", "152221198512120019")))
    case_id = _receive(engine, clerk, clock, typo)
    fixed = replace(
        DRAFT, target_amount="160000", respondents=(PartyForm("某公司", ORG_A), PartyForm("李四", PERSON_B))
    )
    assert update_draft(case_id, fixed, expected_version=1, ctx=context_for(engine, clerk, clock)) == 2
    shown = case_draft(case_id, ctx=context_for(engine, clerk, clock))
    assert [(p.name, p.id_number) for p in shown.draft.respondents] == [("某公司", ORG_A), ("李四", PERSON_B)]
    assert shown.draft.target_amount == "160000.00"
    assert shown.missing == ()  # the checklist survived the correction
    with read_session(engine) as session:  # the mistyped party is gone, not left as a stray record
        ids = set(session.exec(select(Party.id_number)).all())
    assert ids == {PERSON_A, ORG_A, PERSON_B}
    assert _file(engine, clerk, clock, case_id).version == 3


def test_a_wrong_category_is_corrected_with_a_fresh_checklist(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id = _receive(engine, clerk, clock)
    transfer = replace(DRAFT, category=FilingCategory.TRANSFER, applicants=(), agents=())
    update_draft(case_id, transfer, expected_version=1, ctx=context_for(engine, clerk, clock))
    shown = case_draft(case_id, ctx=context_for(engine, clerk, clock))
    assert [m.item.code for m in shown.materials] == ["trf.1", "trf.2", "trf.3"]
    assert [item.code for item in shown.missing] == ["trf.1", "trf.2", "trf.3"]
    with read_session(engine) as session:
        codes = session.exec(select(CaseMaterial.item).where(col(CaseMaterial.case_id) == case_id)).all()
    assert sorted(codes) == ["trf.1", "trf.2", "trf.3"]
    update_materials(
        case_id,
        {"trf.1", "trf.2"},
        expected_version=shown.version,
        notes={"trf.3": "待审判庭补送"},
        ctx=context_for(engine, clerk, clock),
    )
    notes = {m.item.code: m.note for m in case_draft(case_id, ctx=context_for(engine, clerk, clock)).materials}
    assert notes["trf.3"] == "待审判庭补送"


def test_the_queue_is_read_a_page_at_a_time_in_due_order(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    """Five applications over three days, read two at a time: every case once, earliest due first, and the
    count covers the whole queue however short the page."""
    days = [datetime(2026, 11, d, 9) for d in (26, 24, 27, 25, 24)]
    for at in days:
        _receive(engine, clerk, FixedClock(at))
    seen, dues, after = [], [], None
    while True:
        page = filing_queue(after=after, limit=2, ctx=context_for(engine, clerk, clock))
        assert page.total == 5 and len(page.rows) <= 2
        seen += [row.case_id for row in page.rows]
        dues += [row.due for row in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    assert len(seen) == len(set(seen)) == 5
    assert dues == sorted(dues) and dues[0] == date(2026, 11, 26)  # received Tuesday 11-24: overdue first


# -- who may do what (one table: the screen asks it, the writes enforce it) ---------------------------------


def test_allowed_actions_follow_role_and_stage(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    A = FilingAction
    assert allowed_actions(clerk, None) == {A.VIEW, A.RECEIVE, A.FILE}
    assert allowed_actions(clerk, Stage.RECEIVED) == {A.VIEW, A.SAVE, A.FILE, A.PROPOSE_REJECTION}
    assert allowed_actions(director, Stage.RECEIVED) == {A.VIEW, A.RULE_ON_REJECTION}
    for stage in (Stage.FILED, Stage.REJECTED, Stage.CLOSED):
        assert allowed_actions(clerk, stage) == allowed_actions(director, stage) == {A.VIEW}
    nobody = make_staff(engine, clock, "songda9", Role.SERVICE, name="其他岗位")
    assert allowed_actions(nobody, Stage.RECEIVED) == frozenset()
    with pytest.raises(PermissionDenied, match="无权查看立案审查队列"):  # what the table refuses, the service does
        filing_queue(ctx=context_for(engine, nobody, clock))


def test_a_stale_proposal_or_ruling_is_refused_and_names_who_acted_first(
    engine: Engine, clock: FixedClock, clerk: Actor, director: Actor
) -> None:
    """A proposal on a draft changed since it was read, and a ruling on a proposal ruled meanwhile, change nothing."""
    case_id = _receive(engine, clerk, clock)
    other = make_staff(engine, clock, "lian2", Role.FILING_REVIEW, name="乌日娜")
    untick = APPLICATION_ITEMS - {"app.3"}
    update_materials(case_id, untick, expected_version=1, ctx=context_for(engine, other, clock))
    with pytest.raises(ConcurrentEdit, match=r"lian2.*修改立案材料清单"):
        propose_rejection(case_id, "主体不适格", expected_version=1, ctx=context_for(engine, clerk, clock))
    assert pending_rejections(ctx=context_for(engine, director, clock)) == []

    proposal = _propose(engine, clerk, clock, case_id, "主体不适格")
    read = _proposal_version(engine, proposal)
    deputy = make_staff(engine, clock, "zhuren2", Role.DIRECTOR, name="副主任")
    _rule(engine, deputy, clock, proposal, "return", "请补充材料")
    with pytest.raises(ConcurrentEdit, match=r"该提请已被 zhuren2 .*（退回立案审查）修改，请刷新后重试"):
        rule_on_rejection(proposal, "reject", "", expected_version=read, ctx=context_for(engine, director, clock))
    assert _case(engine, case_id).stage == "received"
