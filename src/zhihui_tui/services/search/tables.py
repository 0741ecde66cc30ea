"""The search index's Core tables, limits and the posts that see whole ID numbers."""

from __future__ import annotations

from zhihui_tui.db.models import Agent, Case, CaseParty, Party, SearchCase, SearchTerm, Staff
from zhihui_tui.domain.roles import Role

INDEX_BATCH = 2_000  # cases per batch when (re)indexing
REBUILD_BATCH = 10_000
PERSON = "person"  # Party.kind
LIKE_ESCAPE = "!"

# Posts that work with full ID numbers (documents, inquiries, counter business, funds). Reception only
# matches a visitor's number and is not on the list (R-REC-2, R-Q-3).
REVEAL_ID_ROLES: frozenset[Role] = frozenset(
    {
        Role.SERVICE,
        Role.NETWORK_INQUIRY,
        Role.COUNTER_CONTROL,
        Role.FIELD_SEARCH,
        Role.FUNDS,
        Role.HANDLER,
        Role.DIRECTOR,
        Role.BUREAU_CHIEF,
        Role.DEPUTY_CHIEF,
        Role.SYSTEM,
    }
)

TERM = SearchTerm.__table__  # type: ignore[attr-defined]
ENTRY = SearchCase.__table__  # type: ignore[attr-defined]
CASE = Case.__table__  # type: ignore[attr-defined]
CASE_PARTY = CaseParty.__table__  # type: ignore[attr-defined]
PARTY = Party.__table__  # type: ignore[attr-defined]
AGENT = Agent.__table__  # type: ignore[attr-defined]
STAFF = Staff.__table__  # type: ignore[attr-defined]

Key = tuple[int, int]  # (sort_key, case_id): the result order, newest first

PENDING = "search_index_pending"  # session.info key: cases a flush changed, re-keyed before commit
