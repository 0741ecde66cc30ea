"""Likely duplicates of a filing, warned before filing: the same basis document, or the same parties."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from zhihui_tui.domain.basis import number_in
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing.forms import FilingDraft, PartyForm
from zhihui_tui.domain.filing.parties import party_id, party_kind
from zhihui_tui.domain.lifecycle import Stage


@dataclass(frozen=True)
class DuplicateProbe:
    """What a new filing is compared by. ``case_id``/``original_case_id`` exclude itself and its original."""

    basis_number: str | None
    applicant_ids: frozenset[str]
    respondent_ids: frozenset[str]
    case_id: int | None = None
    original_case_id: int | None = None


@dataclass(frozen=True)
class DuplicateCandidate:
    """A stored case that shares the basis number or a party with the probe."""

    case_id: int
    case_number: str | None
    stage: Stage
    received_at: datetime
    basis_number: str | None
    applicants: Mapping[str, str] = field(default_factory=dict)  # ID number → name
    respondents: Mapping[str, str] = field(default_factory=dict)
    original_case_id: int | None = None


@dataclass(frozen=True)
class DuplicateHint:
    """A stored case the filing may duplicate, with why: shown before the clerk confirms 立案."""

    case_id: int
    case_number: str | None
    stage: Stage
    reasons: tuple[str, ...]

    @property
    def message(self) -> str:
        """The warning as the clerk reads it: which case, and why it looks like this one."""
        return f"疑似重复：{self.case_label}——" + "；".join(self.reasons)

    @property
    def case_label(self) -> str:
        """The other case by its number, or by its receipt number while it has none."""
        return self.case_number or f"未立案（收案序号 {self.case_id}）"


_CLOSED = frozenset({Stage.CLOSED, Stage.ARCHIVED})


def duplicate_probe(draft: FilingDraft) -> DuplicateProbe:
    """The comparable keys of a draft; fields that do not validate yet are simply left out."""
    basis = number_in(draft.basis_number)  # the number alone: the body and kind around it do not tell cases apart
    return DuplicateProbe(basis, _valid_ids(draft.applicants), _valid_ids(draft.respondents))


def _valid_ids(rows: Iterable[PartyForm]) -> frozenset[str]:
    ids = set()
    for row in rows:
        try:
            ids.add(party_id(row.id_number, party_kind(row, ""), "", None)[1])
        except FieldError:
            continue
    return frozenset(ids)


def duplicate_hints(probe: DuplicateProbe, candidates: Iterable[DuplicateCandidate]) -> list[DuplicateHint]:
    """Rules: (1) the same basis document in a case not rejected — except the draft's own original and its
    closed resumptions, which share the basis by nature; (2) a shared applicant *and* a shared respondent
    (by ID number) in a case still open. Open cases come first."""
    hints = []
    for candidate in candidates:
        if candidate.case_id == probe.case_id:
            continue
        reasons = [*_same_basis(probe, candidate), *_same_parties(probe, candidate)]
        if reasons:
            hints.append(DuplicateHint(candidate.case_id, candidate.case_number, candidate.stage, tuple(reasons)))
    return sorted(hints, key=lambda h: (h.stage in _CLOSED or h.stage is Stage.REJECTED, -h.case_id))


def _same_basis(probe: DuplicateProbe, other: DuplicateCandidate) -> list[str]:
    if not probe.basis_number or other.basis_number != probe.basis_number or other.stage is Stage.REJECTED:
        return []
    if probe.original_case_id is not None and (
        other.case_id == probe.original_case_id
        or (other.original_case_id == probe.original_case_id and other.stage in _CLOSED)
    ):
        return []
    reason = f"执行依据文书号相同（{probe.basis_number}），该案{other.stage.label}"
    if other.stage in _CLOSED and probe.original_case_id is None:
        reason += "；如系终本后发现财产，应申请恢复执行"
    return [reason]


def _same_parties(probe: DuplicateProbe, other: DuplicateCandidate) -> list[str]:
    if other.stage in _CLOSED or other.stage is Stage.REJECTED:
        return []
    applicants = sorted(probe.applicant_ids & other.applicants.keys())
    respondents = sorted(probe.respondent_ids & other.respondents.keys())
    if not (applicants and respondents):
        return []
    names_a = "、".join(other.applicants[i] for i in applicants)
    names_r = "、".join(other.respondents[i] for i in respondents)
    return [f"申请执行人（{names_a}）与被执行人（{names_r}）相同，且该案尚未结案（{other.stage.label}）"]
