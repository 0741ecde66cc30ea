"""R-TRI-2 proposal: table-driven at every edge, and every case gets exactly one track."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.steps import Step, step_label
from zhihui_tui.domain.triage import (
    FLAG_LABELS,
    Track,
    TriageFacts,
    check_flags,
    flag_text,
    flags_of,
    propose_track,
    with_flags,
)

YUAN = 100


def facts(target_yuan: str = "150000", respondents: int = 1, **flags: object) -> TriageFacts:
    from decimal import Decimal

    target = int(Decimal(target_yuan) * YUAN)
    return TriageFacts(target_fen=target, respondent_count=respondents, **flags)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("case", "track", "reason"),
    [
        # The 20万 line: 以下 includes the figure itself.
        (facts("199999.99"), Track.FAST, "标的 19.9 万余元 ≤ 20 万元"),
        (facts("200000.00"), Track.FAST, "标的 20.0 万元 ≤ 20 万元"),
        (facts("200000.01"), Track.INTENSIVE, "标的 20.0 万余元 > 20 万元"),
        (facts("152000"), Track.FAST, "标的 15.2 万元 ≤ 20 万元"),
        # 5 respondents may go fast; 6 is 超过5人.
        (facts(respondents=5), Track.FAST, "标的 15.0 万元 ≤ 20 万元"),
        (facts(respondents=6), Track.INTENSIVE, "被执行人 6 人：超过 5 人"),
        # Whereabouts unknown excludes even a small case.
        (facts("3000", whereabouts_unknown=True), Track.INTENSIVE, "被执行人下落不明：不适用快执"),
        # Frozen money covering the target exactly sends even a large case fast; one fen short does not.
        (facts("500000", frozen_money_fen=500_000 * YUAN), Track.FAST, "冻结存款及网络资金 50.0 万元足额"),
        (facts("500000", frozen_money_fen=500_000 * YUAN - 1), Track.INTENSIVE, "标的 50.0 万元 > 20 万元"),
        (
            facts("180000", frozen_money_fen=180_000 * YUAN - 1, non_money_property_found=True),
            Track.INTENSIVE,
            "冻结款项不足，需评估、拍卖或变卖财产",
        ),
        (facts("180000", frozen_money_fen=180_000 * YUAN, non_money_property_found=True), Track.FAST, "足额"),
        # Exclusions beat covering money.
        (facts("10000", frozen_money_fen=10_000 * YUAN, whereabouts_unknown=True), Track.INTENSIVE, "下落不明"),
        # Disputed or major goes to the chief before anything else.
        (facts("1000", disputed=True), Track.ESCALATE, "提请局长指定分案"),
        (facts("1000", respondents=8, major=True), Track.ESCALATE, "重大疑难复杂"),
        # Intensive grounds beat a small amount.
        (facts("8000", coercive_measures=True), Track.INTENSIVE, "强制措施"),
        (facts("8000", social_conflict=True), Track.INTENSIVE, "社会矛盾较大"),
        (facts("8000", bankruptcy_referral=True), Track.INTENSIVE, "移送破产审查"),
        # Preservation cases and voluntary performance go fast whatever the amount.
        (facts("3000000", quick_preservation=True), Track.FAST, "保全或行为类案件"),
        (facts("3000000", voluntary_performance=True), Track.FAST, "自愿即时履行"),
    ],
)
def test_proposal_table(case: TriageFacts, track: Track, reason: str) -> None:
    proposal = propose_track(case)
    assert proposal.track is track
    assert any(reason in text for text in proposal.reasons), proposal.reasons


def test_blocking_lists_the_rules_that_exclude_the_fast_team() -> None:
    assert propose_track(facts(respondents=6, whereabouts_unknown=True)).blocking == (
        "被执行人下落不明：不适用快执",
        "被执行人 6 人：超过 5 人",
    )
    assert propose_track(facts("100000")).blocking == ()


@given(
    target=st.integers(min_value=0, max_value=10**11),
    respondents=st.integers(min_value=1, max_value=20),
    frozen=st.integers(min_value=0, max_value=10**11),
    flags=st.lists(st.booleans(), min_size=9, max_size=9),
)
def test_every_case_gets_exactly_one_explained_proposal(
    target: int, respondents: int, frozen: int, flags: list[bool]
) -> None:
    names = [
        "whereabouts_unknown",
        "disputed",
        "major",
        "non_money_property_found",
        "coercive_measures",
        "social_conflict",
        "bankruptcy_referral",
        "quick_preservation",
        "voluntary_performance",
    ]
    case = TriageFacts(target, respondents, frozen_money_fen=frozen, **dict(zip(names, flags, strict=True)))
    proposal = propose_track(case)
    assert proposal.track in Track and proposal.reasons
    if case.disputed or case.major:
        assert proposal.track is Track.ESCALATE
    elif case.whereabouts_unknown or respondents > 5:
        assert proposal.track is Track.INTENSIVE and proposal.blocking
    if proposal.track is Track.FAST:
        assert not proposal.blocking


def test_flags_are_facts_fields_with_labels_in_screen_order() -> None:
    assert set(FLAG_LABELS) <= set(TriageFacts.__dataclass_fields__)
    flagged = with_flags(facts(), ["coercive_measures", "major"])
    assert flags_of(flagged) == {"major", "coercive_measures"}
    assert propose_track(flagged).track is Track.ESCALATE  # major outranks the intensive ground
    assert propose_track(with_flags(flagged, {"coercive_measures"})).track is Track.INTENSIVE
    assert flags_of(with_flags(flagged, ())) == frozenset()
    assert flag_text({"coercive_measures", "major"}) == "重大疑难复杂、需强制措施"
    assert flag_text(()) == "无"
    with pytest.raises(FieldError) as unknown:
        check_flags({"major", "nonsense"})
    assert unknown.value.message == "分流事实：未知的标注：nonsense"


def test_an_escalated_triage_step_is_named_for_the_chief() -> None:
    assert step_label(Step.TRIAGE, Role.BUREAU_CHIEF) == "局长指定分案"
    assert step_label(Step.TRIAGE, Role.DIRECTOR) == "繁简分流"
    assert step_label(Step.FILING, Role.BUREAU_CHIEF) == "立案"
