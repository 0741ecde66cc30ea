"""The case import's final rows (issue 12): the plan with ids, numbers, party links and owners filled in, as
tuples per table, and the audit entries — built in memory, outside the lock when it can be (the entries are
dumped by the writer, ``case_write``, alongside its other work)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Dialect, Table
from sqlmodel import SQLModel

from zhihui_tui.db.bulk import bind_rows
from zhihui_tui.db.models import Case, CaseParty, Deadline, EnforcementBasis, Party, SearchCase, StageChange
from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.services import audit
from zhihui_tui.services.context import Actor
from zhihui_tui.services.importing.case_plan import ImportRow, Plan
from zhihui_tui.services.search import number_term_pairs, with_number_keys

IMPORT_ACTION = "导入案件"
WRITTEN: tuple[type[SQLModel], ...] = (Party, Case, CaseParty, EnforcementBasis, StageChange, Deadline)


@dataclass(frozen=True)
class Snapshot:
    """What the build read from the database."""

    audit_top: int  # the chain's last id when the checks ran
    existing: dict[str, int]  # ID number → id of the party already registered
    numbers: list[CaseNumber | None]
    owners: dict[str, int | None]  # post → its sole member, owner of its unowned steps
    id_tops: dict[str, int]  # SQLite: max(id) per written table; new ids follow it


@dataclass
class Built:
    """The final rows: per table (columns, tuples) in insert order, the number keys and the audit entries."""

    tables: list[tuple[Table, tuple[str, ...], list[tuple[Any, ...]]]]
    case_ids: list[int]
    number_terms: list[tuple[str, str, int, int]]
    entries: list[audit.AuditEntry]


def build(
    plan: Plan,
    rows: Sequence[ImportRow],
    snapshot: Snapshot,
    *,
    actor: Actor,
    pg_ids: dict[str, list[int]] | None,
    dialect: Dialect,
) -> Built:
    """Ids (PostgreSQL: drawn ahead; SQLite: after the snapshot's max ids), the drawn numbers, links to the
    parties already registered, deadline owners; then the rows as tuples and one audit entry per case and new
    party."""
    ids = _Ids(snapshot.id_tops, pg_ids)
    fresh = [ref for ref, party in enumerate(plan.wanted, start=1) if party.id_number not in snapshot.existing]
    party_ids = ids.take("party", len(fresh))
    party_of_ref = [0] * (len(plan.wanted) + 1)  # ref (1-based position in plan.wanted) → party id
    for ref, party in enumerate(plan.wanted, start=1):
        party_of_ref[ref] = snapshot.existing.get(party.id_number or "", 0)
    for ref, party_id in zip(fresh, party_ids, strict=True):
        party_of_ref[ref] = party_id
    case_ids = ids.take("enforcement_case", len(plan.cases))
    parties = [{**plan.party_rows[ref - 1], "id": pid} for ref, pid in zip(fresh, party_ids, strict=True)]
    cases = [
        {**row, **_number_columns(number), "id": case_id}
        for row, number, case_id in zip(plan.cases, snapshot.numbers, case_ids, strict=True)
    ]
    links = [
        {**row, "id": i, "case_id": case_ids[row["case_id"]], "party_id": party_of_ref[row["party_id"]]}
        for row, i in zip(plan.links, ids.take("case_party", len(plan.links)), strict=True)
    ]
    bases = _children(plan.bases, ids.take("enforcement_basis", len(plan.bases)), case_ids)
    stages = _children(plan.stages, ids.take("stage_change", len(plan.stages)), case_ids)
    deadlines = _children(plan.deadlines, ids.take("deadline", len(plan.deadlines)), case_ids)
    for row in deadlines:
        if row["owner_id"] is None:
            row["owner_id"] = snapshot.owners.get(row["owner_role"])
    written = list(zip(WRITTEN, (parties, cases, links, bases, stages, deadlines), strict=True))
    number_terms = [
        (kind, term, plan.sort_keys[index], case_ids[index])
        for index, number in enumerate(snapshot.numbers)
        if number is not None
        for kind, term in number_term_pairs(number.case_type.value, number.sequence)
    ]
    written.append((SearchCase, _search_entries(plan, snapshot.numbers, case_ids)))
    entries = _audit_entries(actor, parties, cases, links, bases, stages, deadlines)
    return Built(
        tables=[_as_tuples(model, table_rows, dialect) for model, table_rows in written if table_rows],
        case_ids=case_ids,
        number_terms=number_terms,
        entries=entries,
    )


def _search_entries(plan: Plan, numbers: list[CaseNumber | None], case_ids: list[int]) -> list[dict[str, Any]]:
    """The cases' search_case rows: the planned ones with their ids and their numbers' keys."""
    rows = []
    for (ref, sort_key, names, keys), number in zip(plan.entries, numbers, strict=True):
        if number is not None:
            keys = with_number_keys(keys, number.case_type.value, number.sequence)
        rows.append({"case_id": case_ids[ref - 1], "sort_key": sort_key, "names": names, "other_keys": keys})
    return rows


class _Ids:
    """Fresh primary keys per table, ascending."""

    def __init__(self, tops: dict[str, int], drawn: dict[str, list[int]] | None) -> None:
        self.tops, self.drawn = tops, drawn

    def take(self, table: str, count: int) -> list[int]:
        if self.drawn is not None:
            return self.drawn[table][:count]
        top = self.tops[table]
        return list(range(top + 1, top + 1 + count))


def _children(rows: list[dict[str, Any]], ids: list[int], case_ids: list[int]) -> list[dict[str, Any]]:
    return [{**row, "id": i, "case_id": case_ids[row["case_id"]]} for row, i in zip(rows, ids, strict=True)]


def _number_columns(number: CaseNumber | None) -> dict[str, Any]:
    """The case row's number columns once the number is known (given in the file or drawn under the lock)."""
    if number is None:
        return {}
    return {
        "case_number": str(number),
        "court_code": number.court_code,
        "year": number.year,
        "case_type": number.case_type.value,
        "sequence": number.sequence,
    }


def _as_tuples(
    model: type[SQLModel], rows: list[dict[str, Any]], dialect: Dialect
) -> tuple[Table, tuple[str, ...], list[Any]]:
    """The rows as tuples in one column order, bound for the database (so nothing is converted under the lock)."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    columns = tuple(rows[0])
    pick = itemgetter(*columns)
    return table, columns, list(bind_rows(dialect, table, columns, [pick(row) for row in rows]))


def _audit_entries(
    actor: Actor,
    parties: list[dict[str, Any]],
    cases: list[dict[str, Any]],
    links: list[dict[str, Any]],
    bases: list[dict[str, Any]],
    stages: list[dict[str, Any]],
    deadlines: list[dict[str, Any]],
) -> list[audit.AuditEntry]:
    """One entry per new party and one per case holding its row and everything written with it (party links,
    basis, stage history, deadline): all the per-row entries held, in one place a case's history reads. Nested
    rows go in as they are: the trail's JSON writes their dates as it writes a top-level row's."""
    children: dict[int, dict[str, Any]] = {
        case["id"]: {"parties": [], "basis": None, "stages": [], "deadline": None} for case in cases
    }
    for link in links:
        children[link["case_id"]]["parties"].append(link)
    for basis in bases:
        children[basis["case_id"]]["basis"] = basis
    for change in stages:
        children[change["case_id"]]["stages"].append(change)
    for deadline in deadlines:
        children[deadline["case_id"]]["deadline"] = deadline
    login = actor.login
    entries = [audit.AuditEntry(login, IMPORT_ACTION, "party", str(p["id"]), None, p) for p in parties]
    entries += [
        audit.AuditEntry(login, IMPORT_ACTION, "enforcement_case", str(c["id"]), None, {**c, **children[c["id"]]})
        for c in cases
    ]
    return entries
