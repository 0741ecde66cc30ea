"""A form draft: what a clerk had typed when the terminal went away (SSH link dropped), kept to be offered back.

Pure data and its bounds, no I/O: a screen builds a :class:`FormDraft` on the UI thread (cheaply, at hang-up) and
the service stores it. Values are JSON scalars keyed by the field's widget id; ``open_args`` are what it takes
to open the same form again (a case id, the record's version when the form edits one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from zhihui_tui.domain.errors import DomainError

MAX_DRAFT_BYTES = 64 * 1024  # one form's values as JSON: every field's max_length together stays well below
MAX_DRAFTS_PER_USER = 20  # one per form; the oldest beyond this go
MAX_KEY_CHARS = 120

JsonScalar = str | int | float | bool | None  # what a field holds; a post's own form may nest lists and objects


@dataclass(frozen=True)
class FormDraft:
    """One form in progress: which form (``form_key``, its title and post), its values, how to open it again,
    and the record it edits with the version it was read at (None for a new record)."""

    form_key: str
    title: str
    values: dict[str, Any]
    post: str = ""
    open_args: dict[str, Any] = field(default_factory=dict)
    record_table: str | None = None
    record_id: int | None = None
    record_version: int | None = None

    def is_blank(self) -> bool:
        """Nothing typed worth keeping: every value empty (a form only opened is not a draft)."""
        return all(value in (None, "", False) for value in self.values.values())


def encode_values(draft: FormDraft) -> tuple[str, str]:
    """The values and the open arguments as JSON, refused beyond :data:`MAX_DRAFT_BYTES` together."""
    if not draft.form_key or len(draft.form_key) > MAX_KEY_CHARS or len(draft.post) > MAX_KEY_CHARS:
        raise DomainError("草稿的表单标识无效")
    values = json.dumps(draft.values, ensure_ascii=False, sort_keys=True)
    args = json.dumps(draft.open_args, ensure_ascii=False, sort_keys=True)
    if len(values.encode()) + len(args.encode()) > MAX_DRAFT_BYTES:
        raise DomainError(f"草稿过大（超过 {MAX_DRAFT_BYTES // 1024} KB），未保存")
    return values, args


def decode_values(text: str) -> dict[str, Any]:
    """A stored JSON object back as a dict (anything else, e.g. a damaged row, reads as empty)."""
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
