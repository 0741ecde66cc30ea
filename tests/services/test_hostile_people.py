"""Hostile values through the rest of the writes and through what reads a person's typing (issue 16).

Writes, with the outcome rule of ``test_hostile_services.attempt``: the filing form saved again (``save_draft``),
a finding corrected (``update_finding``), triage facts and the chief's designation, accounts disabled and roles
revoked by a typed login. Reads, with their own rule: the search box and sign-in either answer or refuse with a
Chinese message, never raise anything else, and a name typed with LIKE wildcards (``%``, ``_``, ``\\``) finds only
cases whose party names hold those very characters. All on SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import example, given
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.conftest import PASSWORD, context_for, make_staff
from tests.services.hostile_kit import SETTINGS, hostile, run_properties
from tests.services.test_filing import APPLICATION_ITEMS, DRAFT
from tests.services.test_hostile_services import CJK, Target, filing, inquiry
from tests.services.test_hostile_services import _receive as receive_draft
from tests.services.test_inquiry import served_case
from zhihui_tui.db.models import AssetFinding, Case, CaseMaterial
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.errors import DomainError
from zhihui_tui.domain.filing import FilingDraft
from zhihui_tui.domain.roles import Role, Team
from zhihui_tui.domain.search_query import parse_query, search_text
from zhihui_tui.services.accounts import authenticate, revoke_role, set_staff_active, system_actor
from zhihui_tui.services.filing import save_draft, update_materials
from zhihui_tui.services.inquiry import AssetType, FindingInput, add_finding, submit_feedback, update_finding
from zhihui_tui.services.search import search_cases
from zhihui_tui.services.stats import parse_month
from zhihui_tui.services.triage import escalate, set_flags
from zhihui_tui.services.triage.rulings import designate

# -- the filing form saved again -----------------------------------------------------------------------------------

DRAFT_FIELDS = (
    "applicant.name", "applicant.id_number", "applicant.phone", "applicant.address", "respondent.name",
    "respondent.id_number", "agent.name", "agent.id_number", "agent.phone", "basis_court", "basis_number",
    "basis_effective_date", "target_amount", "original_case_number",
)  # fmt: skip


def drafted(field: str, value: str) -> FilingDraft:
    """The valid draft with one field, of itself or of its first applicant, respondent or agent, replaced."""
    part, _, name = field.partition(".")
    if not name:
        return replace(DRAFT, **{field: value})
    group = {"applicant": "applicants", "respondent": "respondents", "agent": "agents"}[part]
    first, *rest = getattr(DRAFT, group)
    return replace(DRAFT, **{group: (replace(first, **{name: value}), *rest)})


def _save_draft(w: Any, case_id: int, field: str, value: str) -> int:
    ctx = context_for(w.engine, w.clerk, w.clock)
    return save_draft(case_id, drafted(field, value), APPLICATION_ITEMS, expected_version=1, ctx=ctx)


def _update_materials(w: Any, case_id: int, field: str, value: str) -> int:
    """The checklist ticked with one hostile item code, or noted with a hostile note (one item unticked, so that
    every save changes something)."""
    ctx = context_for(w.engine, w.clerk, w.clock)
    ticked = APPLICATION_ITEMS - {"app.6"}
    if field == "item":
        return update_materials(case_id, {*ticked, value}, expected_version=1, ctx=ctx)
    notes = {"app.1": value} if field == "note" else {value: "原件已核对"}
    return update_materials(case_id, ticked, expected_version=1, notes=notes, ctx=ctx)


def _read_material_note(w: Any, case_id: int, _: Any, field: str) -> str | None:
    if field != "note":
        return None
    with Session(w.engine) as session:
        found = session.exec(
            select(CaseMaterial.note).where(CaseMaterial.case_id == case_id, CaseMaterial.item == "app.1")
        )
        return str(found.one() or "")


# -- a finding corrected, triage -------------------------------------------------------------------------------------

FINDING = FindingInput(0, AssetType.DEPOSIT, "中国农业银行科右前旗支行", "100.00", "", True, "")


def _new_finding(w: Any) -> int:
    """A finding whose amount differs from the correction's, so every correction changes the row."""
    first = replace(FINDING, party_id=w.party, amount="99.00")
    return add_finding(w.case, first, ctx=context_for(w.engine, w.clerk, w.clock))


def _update_finding(w: Any, finding_id: int, field: str, value: str) -> None:
    row = replace(FINDING, party_id=w.party, **{field: value})
    update_finding(finding_id, row, expected_version=1, ctx=context_for(w.engine, w.clerk, w.clock))


def _read_finding(w: Any, finding_id: int, _: Any, field: str) -> str | None:
    if field not in ("institution", "note"):
        return None
    with Session(w.engine) as session:
        row = session.get(AssetFinding, finding_id)
        assert row is not None
        return str(getattr(row, field) or "")


def _awaiting_triage(w: Any) -> int:
    case_id = served_case(w.engine, w.clock)
    submit_feedback(case_id, ctx=context_for(w.engine, w.clerk, w.clock))
    return case_id


def _escalated(w: Any) -> int:
    case_id = _awaiting_triage(w)
    escalate(case_id, reason="案情复杂", ctx=context_for(w.engine, w.director, w.clock))
    return case_id


def _designate(w: Any, case_id: int, _: str, value: str) -> None:
    chief = getattr(w, "chief", None) or make_staff(w.engine, w.clock, "juzhang", Role.BUREAU_CHIEF, name="孟局长")
    w.chief = chief
    designate(case_id, Team.INTENSIVE, note=value, ctx=context_for(w.engine, chief, w.clock))


def _flags(w: Any, case_id: int, _: str, value: str) -> None:
    set_flags(case_id, [value], expected_version=None, ctx=context_for(w.engine, w.director, w.clock))


# -- accounts ---------------------------------------------------------------------------------------------------------

_logins = itertools.count()


def _account(w: Any) -> str:
    login = f"kuai{next(_logins)}"
    make_staff(w.engine, w.clock, login, Role.HANDLER, Role.SERVICE)
    return login


def _by_login(w: Any, login: str, field: str, value: str) -> None:
    typed = login if value == "本人" else value
    ctx = context_for(w.engine, system_actor(w.engine), w.clock)
    if field == "disable":
        set_staff_active(typed, False, ctx=ctx)
    else:
        revoke_role(typed, Role.SERVICE, ctx=ctx)


TARGETS: dict[str, Target] = {
    "save_draft": Target(
        filing,
        DRAFT_FIELDS,
        _save_draft,
        prepare=lambda w: receive_draft(w),
        plain=("applicant.address", "科右前旗归流河镇"),
    ),
    "update_materials": Target(
        filing,
        ("item", "note", "note_key"),
        _update_materials,
        prepare=lambda w: receive_draft(w),
        read=_read_material_note,
        plain=("note", "复印件"),
    ),
    "update_finding": Target(
        inquiry,
        ("institution", "amount", "note", "asset_type"),
        _update_finding,
        prepare=_new_finding,
        read=_read_finding,
        plain=("note", "已冻结"),
    ),
    "set_triage_flags": Target(inquiry, ("flag",), _flags, prepare=_awaiting_triage, plain=("flag", "major")),
    "designate": Target(inquiry, ("note",), _designate, prepare=_escalated, plain=("note", "交精执团队")),
    "account_by_login": Target(
        lambda e, k: system_actor(e), ("disable", "revoke"), _by_login, prepare=_account, plain=("disable", "本人")
    ),
}

# Values that once broke a service, kept as explicit examples of its property.
FOUND: dict[str, list[tuple[str, str]]] = {}


class _World:
    """The state a target's ``world`` builds, with the database and clock every helper reads."""

    def __init__(self, engine: Engine, clock: FixedClock) -> None:
        self.engine, self.clock = engine, clock


@pytest.mark.parametrize("world", ["filing", "inquiry", "accounts"])
def test_hostile_values_through_the_other_writes(world: str, engine: Engine, clock: FixedClock) -> None:
    """One database per world (their staff would clash); the targets of a world share it."""
    builders = {"filing": filing, "inquiry": inquiry}
    built = builders[world](engine, clock) if world in builders else _World(engine, clock)
    world_of = {n: next((k for k, b in builders.items() if t.world is b), "accounts") for n, t in TARGETS.items()}
    mine = {n: t for n, t in TARGETS.items() if world_of[n] == world}
    assert mine, world
    run_properties(mine, lambda _: built, engine, FOUND)


# -- what reads a person's typing -------------------------------------------------------------------------------


def refused_or(run: Any) -> Any:
    """The call's answer, or its refusal, which must be the project's own error with a Chinese message."""
    try:
        return run()
    except DomainError as error:
        assert CJK.search(error.message), repr(error.message)
        return error


@pytest.fixture
def searchable(engine: Engine, clock: FixedClock) -> Any:
    """Two served cases (李四 and 王五 respondents), and a director who searches."""
    served_case(engine, clock)
    served_case(engine, clock, respondents=(("王五", None, False),))
    return context_for(engine, make_staff(engine, clock, "zhuren", Role.DIRECTOR, name="高主任"), clock)


def _names(hit: Any) -> list[str]:
    return [search_text(p.name) for p in (*hit.applicants, *hit.respondents)]


@SETTINGS
@given(query=hostile)
def test_a_search_answers_or_refuses_and_wildcards_are_characters(searchable: Any, query: str) -> None:
    with Session(searchable.engine) as session:
        cases = len(session.exec(select(Case.id)).all())
    page = refused_or(lambda: search_cases(query, ctx=searchable))
    if isinstance(page, DomainError):
        return
    assert len(page.hits) <= cases
    parsed = parse_query(query)
    if parsed.name and not parsed.pinyin:  # a name query: every hit holds the typed text literally
        assert all(any(parsed.name in name for name in _names(hit)) for hit in page.hits), (query, page.hits)


@pytest.mark.parametrize("query", ["%%", "李%", "%四", "_四", "李_", "\\%", "王\\", "%_%", "四%"])
def test_like_wildcards_in_a_name_find_nothing_here(searchable: Any, query: str) -> None:
    """Nobody here is named with % _ or \\: a query holding one matches no case (it is not a pattern)."""
    assert search_cases(query, ctx=searchable).hits == ()


@pytest.fixture
def signer(engine: Engine, clock: FixedClock) -> str:
    make_staff(engine, clock, "kuai01", Role.HANDLER, name="王建国")
    return "kuai01"


@SETTINGS
@given(login=hostile, password=hostile)
def test_sign_in_answers_or_refuses(engine: Engine, clock: FixedClock, signer: str, login: str, password: str) -> None:
    """Refusals here may write (a wrong password is counted by design): the rule is the error's type alone."""
    for name, typed in ((login, password), (signer, password), ("system", password)):
        outcome = refused_or(lambda n=name, t=typed: authenticate(engine, n, t, clock=clock))
        assert isinstance(outcome, DomainError) or typed == PASSWORD


@SETTINGS
@given(month=hostile)
# str.isdigit() took superscripts and int() then raised ValueError; so did more than 4,300 digits
@example(month="²⁰²⁶-¹¹")
@example(month="2026-" + "1" * 5000)
def test_a_typed_month_is_read_or_refused(month: str) -> None:
    outcome = refused_or(lambda: parse_month(month))
    assert isinstance(outcome, DomainError) or outcome.day == 1
