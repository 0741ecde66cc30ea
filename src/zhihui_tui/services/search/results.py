"""What a search answers: pages of case hits, the cursor to the next page, index statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, order=True)
class Cursor:
    """Where the next page starts: strictly after this (sort_key, case_id). Opaque to screens."""

    sort_key: int
    case_id: int


@dataclass(frozen=True)
class HitParty:
    """A party as a hit lists it: the name, and the ID number masked unless the post may see it whole."""

    name: str
    id_number: str | None  # a person's number masked unless the caller asked for it in full


@dataclass(frozen=True)
class CaseHit:
    """One found case with what the result list and its detail line show."""

    case_id: int
    case_number: str | None
    stage: str
    stage_label: str
    category_label: str
    applicants: tuple[HitParty, ...]
    respondents: tuple[HitParty, ...]
    target_amount_fen: int
    handler_name: str | None
    received_on: date
    filed_on: date | None

    @property
    def applicant_names(self) -> str:
        """The applicants' names, joined for a narrow column."""
        return "、".join(p.name for p in self.applicants)

    @property
    def respondent_names(self) -> str:
        """The respondents' names, joined for a narrow column."""
        return "、".join(p.name for p in self.respondents)


@dataclass(frozen=True)
class SearchPage:
    """One page of hits in result order, the cursor of the next page (None at the end) and a hint if any."""

    hits: tuple[CaseHit, ...]
    next_cursor: Cursor | None
    notice: str | None = None  # a hint for the clerk (query too short, checksum wrong, partial scan)


@dataclass(frozen=True)
class IndexStats:
    """What a (re)index wrote and how long it took, for the command's report and the benchmark."""

    cases: int
    terms: int
    seconds: float


def mask_id_number(value: str | None) -> str | None:
    """152221199003070013 → 152221********0013; other numbers keep their first and last two characters."""
    if not value:
        return value
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) > 4:
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    return "*" * len(value)
