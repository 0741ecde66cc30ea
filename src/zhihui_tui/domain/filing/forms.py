"""The filing form (R-CASE-3) as typed, and as it reads once every field passed validation (R-Q-4)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.errors import FieldErrors
from zhihui_tui.domain.lifecycle import CaseType, FilingCategory

T = TypeVar("T")

PERSON, ORGANISATION = "person", "organisation"  # the values of services.cases.PartyKind
APPLICANT_SIDE, RESPONDENT_SIDE = "applicant", "respondent"  # the values of services.cases.PartyRole
AGENT_KINDS: dict[str, str] = {"lawyer": "律师", "relative": "近亲属", "other": "其他"}

MAX_PARTIES_PER_SIDE = 50
MAX_AGENTS = 20
ORGANISATION_NAME_MAX = 100
ADDRESS_MAX = 200
COURT_NAME_MAX = 100
DOCUMENT_NUMBER_MAX = 100
EARLIEST_EFFECTIVE_DATE = date(1949, 10, 1)
# The original of a resumption is an implementation case or an earlier resumption.
RESUMABLE_TYPES = frozenset({CaseType.IMPLEMENTATION, CaseType.RESUMPTION})


@dataclass(frozen=True)
class PartyForm:
    """One party row as typed. ``kind`` may be empty: the ID number's shape then decides."""

    name: str = ""
    id_number: str = ""
    kind: str = ""  # 自然人 / 单位 (or the code names); empty: from the ID number
    phone: str = ""
    address: str = ""
    whereabouts_unknown: bool = False

    @property
    def is_blank(self) -> bool:
        """An empty row of the form: no party, skipped."""
        return not any(value.strip() for value in (self.name, self.id_number, self.phone, self.address))


@dataclass(frozen=True)
class AgentForm:
    """One agent row as typed. A row with no name, ID number or phone is no agent (``is_blank``): a form shows
    empty rows to fill in, so rows left empty are skipped, and the rows after them keep their numbers."""

    name: str = ""
    id_number: str = ""
    kind: str = "律师"  # 律师 / 近亲属 / 其他
    phone: str = ""
    represents: int = 1  # which row (1-based) of ``side`` the agent acts for
    side: str = APPLICANT_SIDE  # APPLICANT_SIDE / RESPONDENT_SIDE

    @property
    def is_blank(self) -> bool:
        """An empty agent row: no agent, skipped."""
        return not any(text.strip() for text in (self.name, self.id_number, self.phone))


@dataclass(frozen=True)
class FilingDraft:
    """The filing form's raw values, exactly as typed or pasted."""

    category: FilingCategory
    applicants: tuple[PartyForm, ...] = ()
    respondents: tuple[PartyForm, ...] = ()
    agents: tuple[AgentForm, ...] = ()
    basis_court: str = ""
    basis_number: str = ""
    basis_effective_date: str = ""
    target_amount: str = ""
    consumption_restriction_requested: bool = False
    dishonest_list_requested: bool = False
    original_case_number: str = ""  # resumption only: the 终本/终结 case being resumed


@dataclass(frozen=True)
class ValidParty:
    """A party row that passed its checks, normalised."""

    kind: str  # PERSON / ORGANISATION
    name: str
    id_number: str
    phone: str | None = None
    address: str | None = None
    whereabouts_unknown: bool = False


@dataclass(frozen=True)
class ValidAgent:
    """An agent row that passed its checks, with the party it acts for."""

    represents: int  # 0-based index into the parties of ``side``
    name: str
    id_number: str
    kind: str  # lawyer / relative / other
    phone: str | None = None
    side: str = APPLICANT_SIDE


@dataclass(frozen=True)
class ValidBasis:
    """The enforcement basis (执行依据) as checked."""

    issuing_court: str  # the issuing body: a court, an arbitration commission, a notary office
    document_number: str  # canonical, see domain.basis.normalize_number
    effective_date: date
    document_kind: str | None = None  # 民事判决书, 仲裁裁决书 … when written after the number


@dataclass(frozen=True)
class ValidFiling:
    """A draft that passed every field check; the service turns it into a ``NewCase``."""

    category: FilingCategory
    applicants: tuple[ValidParty, ...]
    respondents: tuple[ValidParty, ...]
    agents: tuple[ValidAgent, ...]
    basis: ValidBasis | None
    target_amount_fen: int
    consumption_restriction_requested: bool
    dishonest_list_requested: bool
    original_case_number: CaseNumber | None = None


class DraftInvalid(FieldErrors):
    """Several fields of the filing form are bad at once; ``errors`` lets the screen mark every one of them."""


def party_labels(category: FilingCategory) -> tuple[str, str]:
    """What the two sides are called on this category's form."""
    if category is FilingCategory.OBJECTION:
        return ("异议人", "相对人")
    return ("申请执行人", "被执行人")


def acts_for_applicant(agents: Iterable[AgentForm]) -> bool:
    """Whether an agent acts for an applicant: the 授权委托书 of the application checklist is then required."""
    return any(agent.side == APPLICANT_SIDE and not agent.is_blank for agent in agents)


def applicants_required(category: FilingCategory) -> bool:
    """Whether the form needs an applicant (a trial division's transfer has none)."""
    # A trial division's transfer (fines, confiscation) is enforced by the court itself: no applicant.
    return category is not FilingCategory.TRANSFER


def basis_required(category: FilingCategory) -> bool:
    """Whether the form needs an enforcement basis (an objection does not)."""
    # An objection attacks an enforcement act; its basis is the original case's, found through the evidence.
    return category is not FilingCategory.OBJECTION


def optional(value: str, check: Callable[[str], str]) -> str | None:
    """Check ``value`` only when something was typed: an optional field left empty is None."""
    return check(value) if value.strip() else None
