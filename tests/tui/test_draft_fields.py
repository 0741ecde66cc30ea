"""The pieces a draft is made of, without an app: a dialog's row round-trips through JSON (dates, enums, optional
fields), and the filing form as typed round-trips, a damaged draft reading as defaults instead of failing."""

from __future__ import annotations

import json
import typing
from datetime import date, datetime
from enum import Enum
from typing import Any

import pytest

from zhihui_tui.domain.filing.draft_json import filing_from_json, filing_is_blank, filing_to_json
from zhihui_tui.domain.filing.forms import AgentForm, FilingDraft, PartyForm
from zhihui_tui.domain.lifecycle import FilingCategory
from zhihui_tui.services.closing.dossier import DossierRow
from zhihui_tui.services.counter import CounterRow
from zhihui_tui.services.delegation import MatterRow
from zhihui_tui.services.service_desk.queues import AttemptRow
from zhihui_tui.tui.drafts import row_from, row_json


def sample(hint: Any) -> Any:
    """A value of the annotated type (the first non-None member of a union)."""
    kinds = [kind for kind in typing.get_args(hint) or (hint,) if kind is not type(None)]
    kind = kinds[0]
    if isinstance(kind, type) and issubclass(kind, Enum):
        return list(kind)[-1]
    values = {int: 7, str: "科右前旗‏😀", bool: True, date: date(2026, 11, 27), datetime: datetime(2026, 11, 27, 9, 5)}
    return values[kind]


@pytest.mark.parametrize("kind", [MatterRow, CounterRow, AttemptRow, DossierRow])
def test_a_dialogs_row_comes_back_equal_from_json(kind: type) -> None:
    row = kind(**{name: sample(hint) for name, hint in typing.get_type_hints(kind).items()})
    assert row_from(kind, json.loads(json.dumps(row_json(row)))) == row


def test_the_filing_form_round_trips_and_a_damaged_draft_reads_as_defaults() -> None:
    typed = FilingDraft(
        category=FilingCategory.OBJECTION,
        applicants=(PartyForm(name="张三", whereabouts_unknown=True),),
        agents=(AgentForm(name="李律师", represents=2),),
        target_amount="100.5",
        dishonest_list_requested=True,
    )
    assert filing_from_json(json.loads(json.dumps(filing_to_json(typed)))) == typed
    damaged = filing_from_json({"category": "nonsense", "applicants": [{"name": 3}, "x"], "target_amount": 5})
    assert damaged == FilingDraft(category=FilingCategory.APPLICATION, applicants=(PartyForm(),))
    assert filing_is_blank(damaged, frozenset()) and not filing_is_blank(typed, frozenset())
    assert not filing_is_blank(damaged, frozenset({"app.1"}))
