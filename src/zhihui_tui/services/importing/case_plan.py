"""The case import's rows, planned before any lock (issue 12): what ``register_case`` would write for each
parsed row — case, party links, basis, stage history, running deadline, search keys — decided without the
database. Ids, drawn case numbers and existing parties are filled in later (``case_write``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Protocol

from pydantic_core import PydanticUndefined
from sqlmodel import SQLModel

from zhihui_tui.db.models import Case, CaseParty, Deadline, EnforcementBasis, Party, StageChange
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.cases import (
    STAGE_STEP,
    STAGE_STEP_OWNER,
    NewBasis,
    NewCase,
    NewParty,
    PartyRole,
    history_of,
)
from zhihui_tui.services.context import Actor
from zhihui_tui.services.search import CaseKeys, case_keys, new_case_facts


class ImportRow(Protocol):
    """A row the importer checked: its line, the case it makes and the number the file gave (if any)."""

    @property
    def line(self) -> int:
        """The row's physical line in the file."""
        ...

    @property
    def case(self) -> NewCase:
        """The case the row makes."""
        ...

    @property
    def number(self) -> CaseNumber | None:
        """The 案号 the file gave (None: allocated on import, if filed)."""
        ...


def parties_of(case: NewCase) -> Iterator[tuple[PartyRole, NewParty]]:
    """Every party of the case with its role, applicants first."""
    for party in case.applicants:
        yield PartyRole.APPLICANT, party
    for party in case.respondents:
        yield PartyRole.RESPONDENT, party


@dataclass
class Plan:
    """Every row the import writes, built before the write transaction: no ids, no drawn numbers yet.

    Child rows carry the case's position in ``case_id`` and links their party's ref (1-based position in
    ``wanted``) in ``party_id``; ``keys`` are each case's number-free search keys by case ref (expanded into
    search_term rows by ``search.sorted_terms``, on SQLite in a second process: ``case_stage``)."""

    wanted: list[NewParty]
    party_rows: list[dict[str, Any]]
    cases: list[dict[str, Any]]
    links: list[dict[str, Any]]
    bases: list[dict[str, Any]]
    stages: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    keys: list[CaseKeys]
    sort_keys: list[int]
    entries: list[tuple[int, int, str, str]]  # search_case rows without number keys: (case ref, sort key, …)


def plan_rows(parsed: Sequence[ImportRow], *, actor: Actor, calendar: WorkCalendar) -> Plan:
    """The rows ``register_case`` would write for each parsed row, decided without the database."""
    planner = Planner(actor=actor, calendar=calendar)
    for row in parsed:
        planner.add(row)
    return planner.plan()


_CHILDREN: tuple[type[SQLModel], ...] = (Case, CaseParty, EnforcementBasis, StageChange, Deadline)


class Planner:
    """:func:`plan_rows` a row at a time, so the import plans each row as it comes back from the parse workers
    (this process mostly waits on them then)."""

    def __init__(self, *, actor: Actor, calendar: WorkCalendar) -> None:
        self.actor, self.calendar = actor, calendar
        self.ref_of: dict[str, int] = {}  # ID number → party ref (1-based position in ``wanted``)
        self.defaults = {model: _defaults(model) for model in _CHILDREN}
        for defaults in self.defaults.values():
            defaults.pop("id", None)
        self.draft = Plan(
            wanted=[], party_rows=[], cases=[], links=[], bases=[], stages=[], deadlines=[], keys=[], sort_keys=[],
            entries=[],
        )  # fmt: skip

    def add(self, row: ImportRow) -> None:
        """Plan the next row (rows come in file order)."""
        plan, defaults, new = self.draft, self.defaults, row.case
        index = len(plan.cases)
        plan.cases.append({**defaults[Case], **_case_row(new, row.number)})
        case_parties = []
        for role, group in ((PartyRole.APPLICANT, new.applicants), (PartyRole.RESPONDENT, new.respondents)):
            for position, party in enumerate(group):
                ref = self._ref(party)
                plan.links.append({**defaults[CaseParty], **_link_row(index, ref, role, position, party)})
                first = plan.wanted[ref - 1]
                case_parties.append((first.kind.value, first.name, first.id_number))
        if new.basis is not None:
            plan.bases.append({**defaults[EnforcementBasis], **_basis_row(index, new.basis)})
        history = history_of(new)
        plan.stages += [{**defaults[StageChange], **r} for r in _stage_rows(index, history, self.actor.id)]
        deadline = _deadline_row(index, new, history, self.actor, self.calendar)
        if deadline is not None:
            plan.deadlines.append({**defaults[Deadline], **deadline})
        fact = new_case_facts(
            index + 1, filed_at=new.filed_at, received_at=new.received_at, number=None, parties=case_parties
        )
        plan.sort_keys.append(fact.sort_key)
        keys, entries = case_keys([fact])
        plan.keys += keys
        plan.entries += entries

    def _ref(self, party: NewParty) -> int:
        """The party's ref: the first row to name its ID number registers it."""
        ref = self.ref_of.get(party.id_number or "")
        if ref is None:
            self.draft.wanted.append(party)
            ref = self.ref_of[party.id_number or ""] = len(self.draft.wanted)
        return ref

    def plan(self) -> Plan:
        """Every row added so far, planned, with the new parties' rows."""
        party_defaults = _defaults(Party)
        party_defaults.pop("id", None)
        self.draft.party_rows = [
            {
                **party_defaults,
                **{"kind": p.kind.value, "name": p.name, "id_number": p.id_number, "phone": p.phone},
                "address": p.address,
            }
            for p in self.draft.wanted
        ]
        return self.draft


def _deadline_row(
    index: int, new: NewCase, history: list[tuple[Stage, datetime]], actor: Actor, calendar: WorkCalendar
) -> dict[str, Any] | None:
    """The running step's deadline, decided as ``register_case`` and ``open_deadline`` decide it; an owner left
    None is the post's sole member, looked up under the lock (:func:`_fill_owners`)."""
    step = STAGE_STEP.get(new.stage)
    if new.category is FilingCategory.OBJECTION and new.stage is Stage.FILED:
        step = Step.OBJECTION_TRANSFER
    if step is None:
        return None
    role = STAGE_STEP_OWNER.get(new.stage, step.rule.owner_role)
    owner = new.handler_id if step is Step.DOSSIER_TRANSFER else None
    if owner is None and actor.has(role):
        owner = actor.id
    started = dict(history).get(Stage.INQUIRED) if new.stage is Stage.ESCALATED else history[-1][1]
    triggered = started or history[-1][1]
    return {
        "case_id": index,
        "step": step.value,
        "owner_id": owner,
        "owner_role": role.value,
        "triggered_at": triggered,
        "due_date": calendar.due_date(triggered, step.rule.days),
    }


def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    """A model's column defaults as the ORM fills them in (``version`` = 1, flags False, optional columns None)."""
    result: dict[str, Any] = {}
    for column in model.__table__.columns:  # type: ignore[attr-defined]
        info = model.model_fields.get(column.key)
        default = None if info is None or info.default is PydanticUndefined else info.default
        result[column.key] = default
    return result


def _case_row(new: NewCase, number: CaseNumber | None) -> dict[str, Any]:
    """The case row ``register_case`` writes."""
    return {
        "case_number": str(number) if number else None,
        "court_code": number.court_code if number else None,
        "year": number.year if number else None,
        "case_type": (number.case_type if number else new.category.case_type).value,
        "sequence": number.sequence if number else None,
        "filing_category": new.category.value,
        "stage": new.stage.value,
        "received_at": new.received_at,
        "filed_at": new.filed_at,
        "target_amount_fen": new.target_amount_fen,
        "consumption_restriction_requested": new.consumption_restriction_requested,
        "dishonest_list_requested": new.dishonest_list_requested,
        "disputed": new.disputed,
        "handler_id": new.handler_id,
        "team": new.team.value if new.team else None,
        "original_case_id": new.original_case_id,
        "created_at": new.received_at,
    }


def _link_row(case_id: int, party_id: int, role: PartyRole, position: int, party: NewParty) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "party_id": party_id,
        "role": role.value,
        "position": position,
        "whereabouts_unknown": party.whereabouts_unknown,
        "service_address": party.address,
    }


_BASIS_FIELDS = tuple(f.name for f in fields(NewBasis))


def _basis_row(case_id: int, basis: NewBasis) -> dict[str, Any]:
    """Every field of the basis is a column of the same name (plain values: no deep copy needed)."""
    return {"case_id": case_id, **{name: getattr(basis, name) for name in _BASIS_FIELDS}}


def _stage_rows(case_id: int, history: list[tuple[Stage, datetime]], actor_id: int) -> list[dict[str, Any]]:
    rows = []
    previous: Stage | None = None
    for stage, at in history:
        rows.append(
            {
                "case_id": case_id,
                "from_stage": previous.value if previous else None,
                "to_stage": stage.value,
                "at": at,
                "actor_id": actor_id,
            }
        )
        previous = stage
    return rows
