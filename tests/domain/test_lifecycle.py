"""R-CASE-4: a transition the lifecycle does not allow is refused with a clear message."""

from __future__ import annotations

import pytest

from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.lifecycle import TRANSITIONS, FilingCategory, Stage, check_transition

# Sorted: xdist workers must collect the same parameters in the same order.
ALLOWED = [(c, t) for c, targets in TRANSITIONS.items() for t in sorted(targets)]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transitions_pass(current: Stage, target: Stage) -> None:
    category = FilingCategory.OBJECTION if (current, target) == (Stage.FILED, Stage.ASSIGNED) else None
    check_transition(current, target, category=category)


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (Stage.FILED, Stage.FILED, "该案已是“已立案”状态，不能重复办理"),
        (Stage.REJECTED, Stage.FILED, "案件状态不能从“不予立案”变为“已立案”"),
        (Stage.ARCHIVED, Stage.ASSIGNED, "案件状态不能从“已归档”变为“承办中”"),
        (Stage.RECEIVED, Stage.SERVED, "案件状态不能从“材料接收”变为“已送达”"),
        (Stage.FILED, Stage.ASSIGNED, "只有执行异议案件可以立案后直接移送承办人"),
    ],
)
def test_refused_transitions_say_why(current: Stage, target: Stage, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        check_transition(current, target, category=FilingCategory.APPLICATION)


def test_every_stage_has_a_label_and_round_trips() -> None:
    for stage in Stage:
        assert Stage.from_label(stage.label) is stage
