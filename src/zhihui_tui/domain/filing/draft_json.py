"""The filing form as typed (:class:`FilingDraft`) to JSON and back, for the draft kept when a link drops.

Reading back is lenient: a missing or mistyped value reads as the field's default, so a damaged or older draft
still opens (the clerk then sees and fixes it) instead of failing.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any, TypeVar

from zhihui_tui.domain.filing.forms import AgentForm, FilingDraft, PartyForm
from zhihui_tui.domain.lifecycle import FilingCategory

T = TypeVar("T", PartyForm, AgentForm)


def filing_to_json(draft: FilingDraft) -> dict[str, Any]:
    """Every field of the form as JSON values (the category as its code)."""
    value = asdict(draft)
    value["category"] = draft.category.value
    return value


def filing_from_json(value: Any) -> FilingDraft:
    """The form again from :func:`filing_to_json`'s output."""
    data = value if isinstance(value, dict) else {}
    try:
        category = FilingCategory(str(data.get("category")))
    except ValueError:
        category = FilingCategory.APPLICATION
    simple = {f.name: data[f.name] for f in fields(FilingDraft) if _same_kind(f.name, data, FilingDraft)}
    simple.pop("category", None)
    for name in ("applicants", "respondents", "agents"):
        simple.pop(name, None)
    return FilingDraft(
        category=category,
        applicants=_rows(PartyForm, data.get("applicants")),
        respondents=_rows(PartyForm, data.get("respondents")),
        agents=_rows(AgentForm, data.get("agents")),
        **simple,
    )


def _rows(kind: type[T], value: Any) -> tuple[T, ...]:
    rows = value if isinstance(value, list) else []
    return tuple(
        kind(**{f.name: row[f.name] for f in fields(kind) if _same_kind(f.name, row, kind)})
        for row in rows
        if isinstance(row, dict)
    )


def _same_kind(name: str, data: dict[str, Any], kind: type[Any]) -> bool:
    """Whether ``data[name]`` has the type of the dataclass field's default (str, bool or int)."""
    if name not in data:
        return False
    default = getattr(kind(), name, None) if kind is not FilingDraft else getattr(_BLANK, name, None)
    return default is not None and type(data[name]) is type(default)


_BLANK = FilingDraft(category=FilingCategory.APPLICATION)


def filing_is_blank(draft: FilingDraft, ticked: frozenset[str] | set[str]) -> bool:
    """Nothing typed on the form: every row blank, every text empty, no flag set, nothing ticked."""
    parties = (*draft.applicants, *draft.respondents)
    rows_blank = all(row.is_blank for row in parties) and all(agent.is_blank for agent in draft.agents)
    texts = (draft.basis_court, draft.basis_number, draft.basis_effective_date, draft.target_amount)
    flags = draft.consumption_restriction_requested or draft.dishonest_list_requested
    return rows_blank and not any(t.strip() for t in (*texts, draft.original_case_number)) and not flags and not ticked
