"""Receiving a filing and correcting it before 立案: the draft (parties, agents, basis, flags) and its checklist.

``receive_materials`` takes a filing in at 材料接收 (the 2-day FILING step runs from the receipt time); the other
functions correct it while it waits, each on the version the clerk read (see ``records.lock_case``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

from sqlmodel import Session, select

from zhihui_tui.db.models import Agent, Case, CaseMaterial, CaseParty, Party
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.filing import (
    ChecklistItem,
    DraftInvalid,
    FilingDraft,
    ValidFiling,
    ValidParty,
    check_provided_codes,
    checklist_units,
    party_labels,
    unit_by_code,
    validate_draft,
)
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.validators import clean_text
from zhihui_tui.services.cases import (
    NewAgent,
    NewBasis,
    NewCase,
    NewParty,
    PartyKind,
    PartyRole,
    register_case,
    replace_parties,
)
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.court_codes import court_codes
from zhihui_tui.services.filing.records import lock_case, materials, resolve_original
from zhihui_tui.services.filing.rules import FilingAction, refuse_stage, require_action
from zhihui_tui.services.uow import unit_of_work

NOTE_MAX = 200
EDIT_CHECKLIST = "修改立案材料清单"


def receive_materials(draft: FilingDraft, provided_items: Iterable[str], *, ctx: ServiceContext) -> int:
    """Take in a filing at 材料接收 with its checklist; the receipt time starts the 2-day filing step."""
    actor = ctx.actor
    require_action(actor, FilingAction.RECEIVE)
    now = ctx.now()
    valid = validate_draft(draft, today=now.date(), court_codes=court_codes(ctx))
    provided = check_provided_codes(draft.category, provided_items)
    with unit_of_work(ctx.engine, actor=actor, action=FilingAction.RECEIVE.label, clock=ctx.clock) as session:
        original_id = resolve_original(session, valid.original_case_number)
        _check_known_parties(session, valid, case_id=None)
        new = to_new_case(valid, now, original_id)
        case = register_case(session, new, actor=actor, calendar=ctx.calendar, court_code=ctx.court.court_code)
        assert case.id is not None
        _add_checklist(session, case.id, draft.category, provided, actor=actor, at=now)
        return case.id


def update_materials(
    case_id: int,
    provided_items: Iterable[str],
    *,
    expected_version: int,
    notes: Mapping[str, str] | None = None,
    ctx: ServiceContext,
) -> int:
    """Tick or untick checklist items (and note on them); returns the case's new version."""
    require_action(ctx.actor, FilingAction.SAVE, doing=EDIT_CHECKLIST)
    with unit_of_work(ctx.engine, actor=ctx.actor, action=EDIT_CHECKLIST, clock=ctx.clock) as session:
        case = lock_case(session, case_id, expected_version)
        refuse_stage(FilingAction.SAVE, Stage(case.stage), doing="修改材料清单")
        _tick_checklist(session, case, provided_items, notes or {}, actor=ctx.actor, at=ctx.now())
        if _changed(session):  # the checklist is part of the draft: a change bumps its version, none does not
            case.version += 1
        return case.version


def save_draft(
    case_id: int, draft: FilingDraft, provided_items: Iterable[str], *, expected_version: int, ctx: ServiceContext
) -> int:
    """The filing form saved as a whole (``update_draft`` and ``update_materials`` in one transaction, one
    version bump): the corrected parties, basis and flags, and the checklist ticked as on screen (of the
    draft's category, which may just have changed). Returns the case's new version."""
    with _correcting(case_id, draft, expected_version, ctx) as (session, case):
        _tick_checklist(session, case, provided_items, {}, actor=ctx.actor, at=ctx.now())
        session.flush()  # the corrected case row may be written already, by the checklist's autoflush
        if case.version == expected_version:  # one save, one version: bumped here only if not written yet
            case.version += 1
        return case.version


def update_draft(case_id: int, draft: FilingDraft, *, expected_version: int, ctx: ServiceContext) -> int:
    """Correct the parties, agents, basis, amount and flags before filing; returns the new version.

    A changed category rebuilds the checklist (nothing ticked: the lists differ). The receipt time, and so
    the filing deadline, stays as it was.
    """
    with _correcting(case_id, draft, expected_version, ctx) as (_session, case):
        case.version += 1
        return case.version


@contextmanager
def _correcting(
    case_id: int, draft: FilingDraft, expected_version: int, ctx: ServiceContext
) -> Iterator[tuple[Session, Case]]:
    """The case locked at the version read, its parties, agents, basis and flags corrected, in one unit of work."""
    require_action(ctx.actor, FilingAction.SAVE)
    valid = validate_draft(draft, today=ctx.today(), court_codes=court_codes(ctx))
    with unit_of_work(ctx.engine, actor=ctx.actor, action=FilingAction.SAVE.label, clock=ctx.clock) as session:
        case = lock_case(session, case_id, expected_version)
        refuse_stage(FilingAction.SAVE, Stage(case.stage))
        _correct_draft(session, case, valid, actor=ctx.actor, at=ctx.now())
        yield session, case


def to_new_case(valid: ValidFiling, received_at: datetime, original_case_id: int | None) -> NewCase:
    """The validated form as ``register_case`` takes it, at stage 材料接收."""
    return NewCase(
        category=valid.category,
        received_at=received_at,
        applicants=tuple(_new_party(p) for p in valid.applicants),
        respondents=tuple(_new_party(p) for p in valid.respondents),
        target_amount_fen=valid.target_amount_fen,
        basis=(
            NewBasis(
                valid.basis.issuing_court,
                valid.basis.document_number,
                valid.basis.effective_date,
                valid.basis.document_kind,
            )
            if valid.basis
            else None
        ),
        agents=tuple(
            NewAgent(a.represents, a.name, a.id_number, a.kind, a.phone, PartyRole(a.side)) for a in valid.agents
        ),
        consumption_restriction_requested=valid.consumption_restriction_requested,
        dishonest_list_requested=valid.dishonest_list_requested,
        original_case_id=original_case_id,
    )


def _new_party(party: ValidParty) -> NewParty:
    return NewParty(
        PartyKind(party.kind), party.name, party.id_number, party.phone, party.address, party.whereabouts_unknown
    )


def _correct_draft(session: Session, case: Case, valid: ValidFiling, *, actor: Actor, at: datetime) -> None:
    assert case.id is not None
    original_id = resolve_original(session, valid.original_case_number)
    _check_known_parties(session, valid, case_id=case.id)
    new = to_new_case(valid, case.received_at, original_id)
    previous = set(session.exec(select(CaseParty.party_id).where(CaseParty.case_id == case.id)).all())
    replace_parties(session, case.id, new)
    _drop_orphans(session, previous)
    if new.category.value != case.filing_category:
        for row in materials(session, case.id):
            session.delete(row)
        session.flush()
        _add_checklist(session, case.id, new.category, frozenset(), actor=actor, at=at)
    _copy_case_fields(case, new)


def _copy_case_fields(case: Case, new: NewCase) -> None:
    case.filing_category = new.category.value
    case.case_type = new.category.case_type.value
    case.target_amount_fen = new.target_amount_fen
    case.consumption_restriction_requested = new.consumption_restriction_requested
    case.dishonest_list_requested = new.dishonest_list_requested
    case.original_case_id = new.original_case_id


# -- the checklist ------------------------------------------------------------------------------------------------


def _add_checklist(
    session: Session, case_id: int, category: FilingCategory, provided: frozenset[str], *, actor: Actor, at: datetime
) -> None:
    for unit in checklist_units(category):
        ticked = unit.code in provided
        session.add(
            CaseMaterial(
                case_id=case_id,
                item=unit.code,
                provided=ticked,
                checked_by_id=actor.id if ticked else None,
                checked_at=at if ticked else None,
            )
        )


def _changed(session: Session) -> bool:
    """Whether the session holds anything to write (a checklist saved as it was holds nothing)."""
    return bool(session.new) or any(session.is_modified(row) for row in session.dirty)


def _tick_checklist(
    session: Session,
    case: Case,
    provided_items: Iterable[str],
    notes: Mapping[str, str],
    *,
    actor: Actor,
    at: datetime,
) -> None:
    """Tick the case's checklist as given, item by item. An item without a row yet (a case registered or
    imported before its checklist was kept) gets one: ticking must never be lost for want of a row."""
    assert case.id is not None
    category = FilingCategory(case.filing_category)
    provided = check_provided_codes(category, provided_items)
    cleaned = _clean_notes(notes, unit_by_code(category))
    stored = {row.item: row for row in materials(session, case.id)}
    for unit in checklist_units(category):
        ticked = unit.code in provided
        row = stored.get(unit.code)
        if row is None:
            note = cleaned.get(unit.code)
            marked = ticked or note is not None
            session.add(
                CaseMaterial(
                    case_id=case.id,
                    item=unit.code,
                    provided=ticked,
                    note=note,
                    checked_by_id=actor.id if marked else None,
                    checked_at=at if marked else None,
                )
            )
        else:
            _apply_tick(row, ticked, cleaned.get(unit.code, row.note), actor=actor, at=at)


def _apply_tick(row: CaseMaterial, provided: bool, note: str | None, *, actor: Actor, at: datetime) -> None:
    if row.provided != provided or row.note != note:
        row.provided, row.note = provided, note
        row.checked_by_id, row.checked_at = actor.id, at


def _clean_notes(notes: Mapping[str, str], units: Mapping[str, ChecklistItem]) -> dict[str, str | None]:
    cleaned: dict[str, str | None] = {}
    errors: list[FieldError] = []
    for code, text in notes.items():
        unit = units.get(code)
        if unit is None:
            errors.append(FieldError("材料清单", f"没有材料项“{code}”"))
            continue
        try:
            cleaned[code] = (
                clean_text(text, field=f"{unit.short_label} 备注", max_length=NOTE_MAX, required=False) or None
            )
        except FieldError as error:
            errors.append(error)
    if errors:
        raise DraftInvalid(errors)
    return cleaned


# -- parties known from other cases -------------------------------------------------------------------------------


def _check_known_parties(session: Session, valid: ValidFiling, *, case_id: int | None) -> None:
    """An ID number already on file must come with the same name. A party only this draft brought in may be
    corrected (the clerk fixing a typo); anyone known from another case may not."""
    errors: list[FieldError] = []
    applicant_label, respondent_label = party_labels(valid.category)
    for role, parties in ((applicant_label, valid.applicants), (respondent_label, valid.respondents)):
        for n, party in enumerate(parties, start=1):
            known = session.exec(select(Party).where(Party.id_number == party.id_number)).first()
            if known is None or known.name == party.name:
                continue
            if case_id is not None and _only_in_case(session, known, case_id):
                known.name, known.kind = party.name, party.kind
                continue
            errors.append(
                FieldError(f"{role}{n} 证件号", f"{party.id_number} 已登记为“{known.name}”，与“{party.name}”不符")
            )
    if errors:
        raise DraftInvalid(errors)


def _drop_orphans(session: Session, party_ids: set[int]) -> None:
    """Parties a corrected draft no longer names and no other case knows (a mistyped ID number) go away."""
    session.flush()
    for party_id in party_ids:
        linked = session.exec(select(CaseParty.id).where(CaseParty.party_id == party_id)).first()
        acted_for = session.exec(select(Agent.id).where(Agent.party_id == party_id)).first()
        if linked is None and acted_for is None:
            party = session.get(Party, party_id)
            if party is not None:
                session.delete(party)


def _only_in_case(session: Session, party: Party, case_id: int) -> bool:
    cases = session.exec(select(CaseParty.case_id).where(CaseParty.party_id == party.id).distinct()).all()
    return set(cases) <= {case_id}
