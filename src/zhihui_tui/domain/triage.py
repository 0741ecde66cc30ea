"""繁简分流 proposal (R-TRI-2): one track per case, with the reasons a director reads before accepting.

Precedence, so every case gets exactly one proposal:
1. flagged disputed or major/complex → 局长指定;
2. an exclusion (whereabouts unknown, more than 5 respondents) → 精执;
3. frozen deposits and online balances cover the target in full → 快执, whatever the amount;
4. an intensive ground (property to dispose of while frozen money falls short, coercive measures, large social
   conflict, bankruptcy referral) → 精执;
5. a fast ground (target ≤ 20 万元 — "以下" includes the figure —, a preservation or behaviour case that can be
   finished quickly, voluntary immediate performance or settlement) → 快执;
6. otherwise → 精执.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.money import format_wan

FAST_TRACK_LIMIT_FEN = 200_000 * 100
MAX_FAST_RESPONDENTS = 5


class Track(StrEnum):
    """The team a case goes to (快执, 精执), or to the bureau chief to designate one (局长指定)."""

    FAST = "快执"
    INTENSIVE = "精执"
    ESCALATE = "局长指定"


@dataclass(frozen=True)
class TriageFacts:
    """What the proposal looks at: the case and its inquiry feedback table, reduced to facts."""

    target_fen: int
    respondent_count: int
    whereabouts_unknown: bool = False
    disputed: bool = False
    major: bool = False
    frozen_money_fen: int = 0  # frozen deposits + frozen online payment balances
    non_money_property_found: bool = False  # vehicles, real estate, securities, shares, other
    coercive_measures: bool = False
    social_conflict: bool = False
    bankruptcy_referral: bool = False
    quick_preservation: bool = False
    voluntary_performance: bool = False


# The facts no table holds (db.models.TriageFlags): the inquiry clerk or the director ticks them. The names are
# TriageFacts fields; the labels are what both posts read on screen.
FLAG_LABELS: dict[str, str] = {
    "major": "重大疑难复杂",
    "coercive_measures": "需强制措施",
    "social_conflict": "社会矛盾较大",
    "bankruptcy_referral": "需移送破产审查",
    "quick_preservation": "保全/行为类可快速办结",
    "voluntary_performance": "自愿履行或和解",
}


def check_flags(flags: Iterable[str]) -> frozenset[str]:
    """The flag names as a set; an unknown name is refused with the field named."""
    wanted = frozenset(flags)
    unknown = wanted - set(FLAG_LABELS)
    if unknown:
        raise FieldError("分流事实", f"未知的标注：{'、'.join(sorted(unknown))}")
    return wanted


def flags_of(facts: TriageFacts) -> frozenset[str]:
    """The names of the 分流事实 set on ``facts`` (the ticks a screen shows)."""
    return frozenset(name for name in FLAG_LABELS if getattr(facts, name))


def with_flags(facts: TriageFacts, flags: Iterable[str]) -> TriageFacts:
    """The same case with exactly ``flags`` set: what the proposal would become if they were saved."""
    wanted = check_flags(flags)
    return replace(facts, **{name: name in wanted for name in FLAG_LABELS})


def flag_text(flags: Iterable[str]) -> str:
    """The ticked facts in the screen's order, e.g. "重大疑难复杂、需强制措施"; "无" when none."""
    wanted = set(flags)
    return "、".join(label for name, label in FLAG_LABELS.items() if name in wanted) or "无"


@dataclass(frozen=True)
class Proposal:
    """The system's proposal for a case: the track, the reasons the director reads, the rules excluding 快执."""

    track: Track
    reasons: tuple[str, ...]
    blocking: tuple[str, ...] = field(default=())  # the rules that exclude the fast team


def _exclusions(facts: TriageFacts) -> list[str]:
    found = []
    if facts.whereabouts_unknown:
        found.append("被执行人下落不明：不适用快执")
    if facts.respondent_count > MAX_FAST_RESPONDENTS:
        found.append(f"被执行人 {facts.respondent_count} 人：超过 {MAX_FAST_RESPONDENTS} 人")
    return found


def _money_covers(facts: TriageFacts) -> bool:
    return facts.target_fen > 0 and facts.frozen_money_fen >= facts.target_fen


def _intensive_grounds(facts: TriageFacts) -> list[str]:
    grounds = []
    if facts.non_money_property_found and not _money_covers(facts):
        grounds.append("冻结款项不足，需评估、拍卖或变卖财产")
    if facts.coercive_measures:
        grounds.append("需采取拘留、罚款等强制措施")
    if facts.social_conflict:
        grounds.append("社会矛盾较大")
    if facts.bankruptcy_referral:
        grounds.append("需移送破产审查")
    return grounds


def _fast_grounds(facts: TriageFacts) -> list[str]:
    grounds = []
    if facts.target_fen <= FAST_TRACK_LIMIT_FEN:
        grounds.append(f"标的 {format_wan(facts.target_fen)} ≤ 20 万元")
    if facts.quick_preservation:
        grounds.append("保全或行为类案件，可快速办结")
    if facts.voluntary_performance:
        grounds.append("被执行人自愿即时履行或达成和解")
    return grounds


def propose_track(facts: TriageFacts) -> Proposal:
    """The single proposal for a case, following the precedence in the module docstring."""
    if facts.disputed or facts.major:
        why = [text for flag, text in ((facts.disputed, "案件有争议"), (facts.major, "重大疑难复杂")) if flag]
        return Proposal(Track.ESCALATE, (*why, "提请局长指定分案"))
    exclusions = _exclusions(facts)
    if exclusions:
        return Proposal(Track.INTENSIVE, tuple(exclusions), tuple(exclusions))
    if _money_covers(facts):
        covered = f"冻结存款及网络资金 {format_wan(facts.frozen_money_fen)}足额（标的 {format_wan(facts.target_fen)}）"
        return Proposal(Track.FAST, (covered,))
    intensive = _intensive_grounds(facts)
    if intensive:
        return Proposal(Track.INTENSIVE, tuple(intensive), tuple(intensive))
    fast = _fast_grounds(facts)
    if fast:
        return Proposal(Track.FAST, tuple(fast))
    over = f"标的 {format_wan(facts.target_fen)} > 20 万元"
    return Proposal(Track.INTENSIVE, (over, "不能快速执行完毕"), (over,))
