"""What the triage services return: plain, frozen rows of the board, outcomes of a batch, handlers' loads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Team
from zhihui_tui.domain.triage import Proposal, Track, TriageFacts, flags_of

BoardKey = tuple[str, int]  # (due date as ISO text, case id): where a page ends and the next begins


@dataclass(frozen=True)
class BoardRow:
    """One case on the board: what the director reads (number, respondents, target, clock) and the proposal."""

    case_id: int
    case_number: str
    respondents: str
    target_fen: int
    due: date | None
    stage: Stage
    proposal: Proposal
    team: Team | None
    facts: TriageFacts
    flags_version: int | None = None  # the TriageFlags row's version as read (None: no row yet)
    escalation_reason: str | None = None  # 局长指定 view: the director's reason for escalating (None: none given)

    @property
    def flags(self) -> frozenset[str]:
        """The 分流事实 ticked on the case (TriageFlags field names)."""
        return flags_of(self.facts)

    @property
    def key(self) -> BoardKey:
        """Where this row sits in the board's order: the next page starts after it."""
        return (self.due.isoformat() if self.due else "9999-12-31", self.case_id)


@dataclass(frozen=True)
class BoardPage:
    """A page of the board, with the size of the whole view and whether a further page follows."""

    rows: tuple[BoardRow, ...]
    total: int
    has_more: bool


@dataclass(frozen=True)
class ProposedCase:
    """A case awaiting triage and the system's proposal for it (``zhihui triage propose``)."""

    case_number: str
    proposal: Proposal


@dataclass(frozen=True)
class BatchOutcome:
    """One case of a batch of acceptances: the track ruled, or the refusal that left the case as it was."""

    case_id: int
    track: Track | None
    error: str | None


@dataclass(frozen=True)
class FlagsSaved:
    """The 分流事实 just saved by the director and the proposal recomputed from them."""

    flags: frozenset[str]
    version: int  # the flag row's version now: the next save expects it
    proposal: Proposal  # recomputed from the saved facts


@dataclass(frozen=True)
class HandlerLoad:
    """A handler who may take a triaged case (二次分案), with the cases he has open."""

    staff_id: int
    login: str
    name: str
    team: Team
    open_cases: int
