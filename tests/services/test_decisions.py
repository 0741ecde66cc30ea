"""What waits for a person's decision on his home list (issue 11): the director's 不予立案 rulings and the matters
his post does, the bureau chief's urgent 拘传 approvals — each with its deadline; nothing for anyone else."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from tests.conftest import context_for, make_staff
from tests.services.test_filing import _propose, _receive
from zhihui_tui.db.models import DelegatedMatter
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.field_work import MatterKind, MatterStatus
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.decisions import MATTER, REJECTION, URGENT, awaiting_decisions
from zhihui_tui.services.uow import unit_of_work


def _matter(engine: Engine, clock: FixedClock, case_id: int, kind: MatterKind, post: Role, status: MatterStatus) -> int:
    handler = make_staff(engine, clock, f"cb{kind.value[:6]}", Role.HANDLER, name="承办人")
    with unit_of_work(engine, actor=handler, action="测试：提请委托事项", clock=clock) as session:
        matter = DelegatedMatter(
            case_id=case_id,
            kind=kind.value,
            post=post.value,
            requirements="到被执行人住所地拘传到庭，注意安全",
            urgent=status is MatterStatus.PENDING_APPROVAL,
            requested_by_id=handler.id,
            requested_at=clock.now(),
            effective_day=clock.now().date(),
            handler_deadline=date(2026, 12, 2),
            status=status.value,
        )
        session.add(matter)
        session.flush()
        assert matter.id is not None
        return matter.id


def test_the_director_and_the_chief_see_what_waits_for_them(engine: Engine, clock: FixedClock) -> None:
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")
    director = make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="包主任")
    chief = make_staff(engine, clock, "juzhang", Role.BUREAU_CHIEF, name="孟局长")
    case_id = _receive(engine, clerk, clock)
    rejection = _propose(engine, clerk, clock, case_id, "执行依据尚未生效，申请人未提交生效证明")
    other = _matter(engine, clock, case_id, MatterKind.OTHER, Role.DIRECTOR, MatterStatus.OPEN)
    # as request_matter stores an urgent 拘传: in the chief's queue until he approves it
    urgent = _matter(
        engine, clock, case_id, MatterKind.COMPELLED_APPEARANCE, Role.BUREAU_CHIEF, MatterStatus.PENDING_APPROVAL
    )

    mine = awaiting_decisions(ctx=context_for(engine, director, clock))
    assert [(a.kind, a.key, a.due) for a in mine] == [
        (REJECTION, f"rejection:{rejection}", date(2026, 11, 30)),  # the 2-day filing step it runs against
        (MATTER, f"matter:{other}", date(2026, 12, 2)),
    ]
    assert mine[0].text == "王立案提请：执行依据尚未生效，申请人未提交…"  # the reasons cut to 16 characters
    [approval] = awaiting_decisions(ctx=context_for(engine, chief, clock))
    assert (approval.kind, approval.key, approval.text) == (
        URGENT,
        f"matter:{urgent}",
        "拘传：到被执行人住所地拘传到庭，注意…",
    )
    assert awaiting_decisions(ctx=context_for(engine, clerk, clock)) == []
