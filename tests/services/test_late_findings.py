"""Late inquiry results (issue 11): a result that arrives after the feedback table was submitted is kept, marked
late, enters the case history, and waits on the handler's workbench until he has read it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tests.conftest import context_for, make_staff
from tests.services.test_inquiry import APPLICANT, CALENDAR, COURT, PERSON_B, deposit
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AssetFinding, CaseParty
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import PermissionDenied
from zhihui_tui.services.inquiry import add_finding
from zhihui_tui.services.inquiry.late import acknowledge_late_finding
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.services.workbench import LATE_FINDING, case_history, waiting_on_me


@pytest.fixture
def clerk(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "chakong", Role.NETWORK_INQUIRY, name="周查控")


@pytest.fixture
def handler(engine: Engine, clock: FixedClock) -> Actor:
    return make_staff(engine, clock, "jing01", Role.HANDLER, name="孙立军", team=Team.INTENSIVE, title=Title.JUDGE)


def _case(engine: Engine, clock: FixedClock, stage: Stage, handler: Actor | None) -> tuple[int, int]:
    """A case at ``stage`` (with its handler once assigned); returns (case id, respondent's party id)."""
    system = make_staff(engine, clock, f"sys{stage.value}", Role.ADMIN, name="管理员")
    new = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=datetime(2026, 11, 2, 9),
        filed_at=datetime(2026, 11, 3, 9),
        stage=stage,
        applicants=(NewParty(PartyKind.PERSON, "张三", APPLICANT),),
        respondents=(NewParty(PartyKind.PERSON, "李四", PERSON_B),),
        target_amount_fen=15_000_000,
        handler_id=handler.id if handler else None,
        team=Team.INTENSIVE if handler else None,
    )
    with unit_of_work(engine, actor=system, action="登记案件", clock=clock) as session:
        case = register_case(session, new, actor=system, calendar=CALENDAR, court_code=COURT)
        assert case.id is not None
        party = session.exec(
            select(CaseParty.party_id).where(CaseParty.case_id == case.id, CaseParty.role == "respondent")
        ).one()
        return case.id, party


def test_a_late_result_reaches_the_handler_until_he_has_read_it(
    engine: Engine, clock: FixedClock, clerk: Actor, handler: Actor
) -> None:
    case_id, party = _case(engine, clock, Stage.ASSIGNED, handler)
    finding_id = add_finding(case_id, deposit(party, "1234.56"), ctx=context_for(engine, clerk, clock))
    with read_session(engine) as session:
        stored = session.get(AssetFinding, finding_id)
        assert stored is not None and stored.late and stored.seen_at is None
    [item] = [i for i in waiting_on_me(ctx=context_for(engine, handler, clock)) if i.kind == LATE_FINDING]
    assert (item.case_id, item.finding_id) == (case_id, finding_id)
    assert item.text == "李四：存款 中国农业银行科右前旗支行 1,234.56 元，已冻结"
    history = case_history(case_id, ctx=context_for(engine, handler, clock))
    assert [e.detail for e in history.entries if e.what == "录入查控结果"] == [f"查控结果 {finding_id} 新建（迟到）"]

    stranger = make_staff(engine, clock, "jing02", Role.HANDLER, name="他人", team=Team.INTENSIVE, title=Title.JUDGE)
    with pytest.raises(PermissionDenied):
        acknowledge_late_finding(finding_id, ctx=context_for(engine, stranger, clock))
    acknowledge_late_finding(finding_id, ctx=context_for(engine, handler, clock))
    acknowledge_late_finding(finding_id, ctx=context_for(engine, handler, clock))  # twice: still read once
    assert not [i for i in waiting_on_me(ctx=context_for(engine, handler, clock)) if i.kind == LATE_FINDING]


@pytest.mark.parametrize("stage", [Stage.INQUIRED, Stage.TRIAGED, Stage.CLOSED])
def test_results_are_kept_up_to_closing(engine: Engine, clock: FixedClock, clerk: Actor, stage: Stage) -> None:
    case_id, party = _case(engine, clock, stage, None)
    finding_id = add_finding(case_id, deposit(party), ctx=context_for(engine, clerk, clock))
    with read_session(engine) as session:
        stored = session.get(AssetFinding, finding_id)
        assert stored is not None and stored.late


def test_an_archived_case_takes_no_results(engine: Engine, clock: FixedClock, clerk: Actor) -> None:
    case_id, party = _case(engine, clock, Stage.ARCHIVED, None)
    with pytest.raises(DomainError, match="已归档"):
        add_finding(case_id, deposit(party), ctx=context_for(engine, clerk, clock))


def test_late_mark_reads_audit_rows_of_either_spacing() -> None:
    """Rows written before the trail moved to orjson have spaces after the colons; later ones none."""
    from zhihui_tui.services.workbench import _recorded_late

    assert _recorded_late('{"amount_fen": 5, "late": true}')
    assert _recorded_late('{"amount_fen":5,"late":true}')
    assert not _recorded_late('{"amount_fen":5,"late":false}')
    assert not _recorded_late('{"note":"\\"late\\":true"}')  # the words inside a text are not the flag
    assert not _recorded_late(None)
    assert not _recorded_late("[]")
