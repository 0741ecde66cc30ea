"""Reads and locks the filing services share, inside one session (no transaction of their own).

Until filing, the case row's ``version`` is the version of the whole draft: every save that touches the
checklist, the parties or the basis bumps it, so a clerk saving over someone else's newer edit gets
``ConcurrentEdit`` — naming the last writer of the case or of any row of its draft — instead of silently undoing it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from zhihui_tui.db.models import (
    Agent,
    Case,
    CaseMaterial,
    CaseParty,
    Deadline,
    EnforcementBasis,
    FilingRejection,
    Party,
    Staff,
)
from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing import DraftInvalid
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.steps import Step
from zhihui_tui.services.cases import PartyRole
from zhihui_tui.services.errors import NotFound
from zhihui_tui.services.locking import load_for_update, table_of

# Seed §六(三) resumption item (3): the original ends with a 终本 or a 终结 ruling. None: closed without a recorded
# closure (older imports) — accepted, the paper ruling is checked at the window.
RESUMABLE_CLOSURES = frozenset({"procedure_terminated", "terminated", None})
# The rows a case's version covers until filing (a bare version bump is not audited: these rows show the edit).
DRAFT_ROWS: tuple[type[SQLModel], ...] = (CaseMaterial, CaseParty, Agent, EnforcementBasis, FilingRejection)


def get_case(session: Session, case_id: int) -> Case:
    """The case, or NotFound in the clerk's words."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"没有编号为 {case_id} 的案件")
    return case


def lock_case(session: Session, case_id: int, expected_version: int) -> Case:
    """The case row locked for this transaction at the version the clerk read; a stale copy names who saved
    the case or its draft (checklist, parties, agents, basis, 不予立案 proposals) last."""

    def covered(session: Session) -> Mapping[str, Iterable[Any]]:
        return {
            table_of(model): session.exec(select(model.id).where(model.case_id == case_id)).all()  # type: ignore[attr-defined]
            for model in DRAFT_ROWS
        }

    return load_for_update(
        session, Case, case_id, expected_version, what="该案件", missing=f"没有编号为 {case_id} 的案件", covers=covered
    )


def materials(session: Session, case_id: int) -> list[CaseMaterial]:
    """The case's checklist rows as stored."""
    return list(session.exec(select(CaseMaterial).where(CaseMaterial.case_id == case_id)).all())


def ticks(session: Session, case_ids: list[int]) -> dict[int, set[str]]:
    """case id → the checklist codes ticked."""
    rows = session.exec(
        select(CaseMaterial.case_id, CaseMaterial.item).where(
            col(CaseMaterial.case_id).in_(case_ids), col(CaseMaterial.provided).is_(True)
        )
    ).all()
    result: dict[int, set[str]] = {}
    for case_id, item in rows:
        result.setdefault(case_id, set()).add(item)
    return result


def party_names(session: Session, case_ids: list[int]) -> dict[tuple[int, str], str]:
    """(case id, role) → names joined with 、 in filing order."""
    rows = session.exec(
        select(CaseParty.case_id, CaseParty.role, Party.name)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(col(CaseParty.case_id).in_(case_ids))
        .order_by(col(CaseParty.case_id), col(CaseParty.role), col(CaseParty.position))
    ).all()
    names: dict[tuple[int, str], list[str]] = {}
    for case_id, role, name in rows:
        names.setdefault((case_id, role), []).append(name)
    return {key: "、".join(value) for key, value in names.items()}


def party_ids(session: Session, case_ids: list[int]) -> dict[int, dict[str, dict[str, str]]]:
    """case id → role → ID number → name."""
    rows = session.exec(
        select(CaseParty.case_id, CaseParty.role, Party.id_number, Party.name)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(col(CaseParty.case_id).in_(case_ids), col(Party.id_number).is_not(None))
    ).all()
    result: dict[int, dict[str, dict[str, str]]] = {}
    for case_id, role, id_number, name in rows:
        if id_number is not None:
            result.setdefault(case_id, {}).setdefault(role, {})[id_number] = name
    return result


def filing_dues(
    session: Session, case_ids: list[int], *, include_done: bool = False
) -> dict[int, tuple[date, str | None]]:
    """case id → (due date of the FILING step, owner's name)."""
    query = (
        select(col(Deadline.case_id), col(Deadline.due_date), col(Staff.name))
        .join(Staff, col(Staff.id) == Deadline.owner_id, isouter=True)
        .where(col(Deadline.case_id).in_(case_ids), Deadline.step == Step.FILING.value)
        .order_by(col(Deadline.id))
    )
    if not include_done:
        query = query.where(col(Deadline.done_at).is_(None))
    return {case_id: (due, name) for case_id, due, name in session.exec(query).all()}


def latest_rulings(session: Session, case_ids: list[int]) -> dict[int, FilingRejection]:
    """case id → its newest 不予立案 proposal."""
    rows = session.exec(
        select(FilingRejection).where(col(FilingRejection.case_id).in_(case_ids)).order_by(col(FilingRejection.id))
    ).all()
    return {row.case_id: row for row in rows}


def pending_rejection(session: Session, case_id: int) -> FilingRejection | None:
    """The case's proposal waiting for the director, if any."""
    return session.exec(
        select(FilingRejection).where(FilingRejection.case_id == case_id, FilingRejection.status == "pending")
    ).first()


def cases_with_applicant_agents(session: Session, case_ids: list[int]) -> set[int]:
    """Cases where an agent acts for an applicant: their application checklist then needs the 授权委托书."""
    acted_for = (col(CaseParty.case_id) == Agent.case_id) & (col(CaseParty.party_id) == Agent.party_id)
    query = select(Agent.case_id).join(CaseParty, acted_for)
    query = query.where(col(Agent.case_id).in_(case_ids), CaseParty.role == PartyRole.APPLICANT.value)
    return set(session.exec(query).all())


def staff_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """staff id → name, for the ids given (None skipped)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(wanted))).all()
    return {staff_id: name for staff_id, name in rows if staff_id is not None}


def resolve_original(session: Session, number: CaseNumber | None) -> int | None:
    """A resumption's original must be in this court's records and closed by 终本 or 终结 (seed §六(三))."""
    if number is None:
        return None
    original = session.exec(select(Case).where(Case.case_number == str(number))).first()
    if original is None:
        raise DraftInvalid([FieldError("原案号", f"本院没有案号为{number}的案件")])
    check_resumable(original)
    assert original.id is not None
    return original.id


def check_resumable(original: Case) -> None:
    """Refuse an original that is not closed, or closed otherwise than by 终本 or 终结, at the 原案号 field."""
    stage = Stage(original.stage)
    if stage not in (Stage.CLOSED, Stage.ARCHIVED):
        raise DraftInvalid(
            [FieldError("原案号", f"原案 {original.case_number} 尚未结案（{stage.label}），不能恢复执行")]
        )
    if original.closure not in RESUMABLE_CLOSURES:
        raise DraftInvalid(
            [FieldError("原案号", f"原案 {original.case_number} 不是以终本或终结方式结案，不能恢复执行")]
        )
