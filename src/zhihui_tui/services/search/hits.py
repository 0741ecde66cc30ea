"""A page's case rows and parties, read in two queries whatever the page size."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.services.search.results import CaseHit, HitParty, mask_id_number
from zhihui_tui.services.search.tables import CASE, CASE_PARTY, PARTY, PERSON, STAFF


def hydrate(connection: Connection, case_ids: list[int], *, reveal: bool) -> list[CaseHit]:
    """The rows of one page, in page order: two queries whatever the page size."""
    if not case_ids:
        return []
    case, staff = CASE, STAFF
    rows = connection.execute(
        select(
            case.c.id,
            case.c.case_number,
            case.c.stage,
            case.c.filing_category,
            case.c.target_amount_fen,
            case.c.received_at,
            case.c.filed_at,
            staff.c.name,
        )
        .select_from(case.outerjoin(staff, staff.c.id == case.c.handler_id))
        .where(case.c.id.in_(case_ids))
    ).all()
    parties = _parties(connection, case_ids, reveal=reveal)
    by_id = {row[0]: row for row in rows}
    return [_hit(by_id[case_id], parties.get(case_id, {})) for case_id in case_ids if case_id in by_id]


def _parties(connection: Connection, case_ids: list[int], *, reveal: bool) -> dict[int, dict[str, list[HitParty]]]:
    cp, party = CASE_PARTY, PARTY
    rows = connection.execute(
        select(cp.c.case_id, cp.c.role, party.c.kind, party.c.name, party.c.id_number)
        .join(party, party.c.id == cp.c.party_id)
        .where(cp.c.case_id.in_(case_ids))
        .order_by(cp.c.case_id, cp.c.role, cp.c.position, cp.c.id)
    )
    result: dict[int, dict[str, list[HitParty]]] = {}
    for case_id, role, kind, name, id_number in rows:
        shown = id_number if reveal or kind != PERSON else mask_id_number(id_number)
        result.setdefault(case_id, {}).setdefault(role, []).append(HitParty(name=name, id_number=shown))
    return result


def _hit(row: Any, parties: dict[str, list[HitParty]]) -> CaseHit:
    case_id, number, stage, category, amount, received_at, filed_at, handler = row
    return CaseHit(
        case_id=case_id,
        case_number=number,
        stage=stage,
        stage_label=_label(Stage, stage),
        category_label=_label(FilingCategory, category),
        applicants=tuple(parties.get("applicant", ())),
        respondents=tuple(parties.get("respondent", ())),
        target_amount_fen=amount,
        handler_name=handler,
        received_on=received_at.date(),
        filed_on=filed_at.date() if filed_at else None,
    )


def _label(enum: type[Stage] | type[FilingCategory], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value
