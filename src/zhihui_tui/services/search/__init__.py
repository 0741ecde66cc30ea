"""Case search (issue 3): one box for case numbers, ID numbers, party names and pinyin initials.

How it works. Every case is filed under a few dozen short keys in ``search_term`` (kind, term, sort_key,
case_id), primary key in that order and no other index: its case-number forms (123 and 执123), the ID numbers
of its parties and registered agents, every 2-character window of each party name, and the pinyin initials
of each person's name (every reading of a polyphonic surname). One ``search_case`` row per case holds its
whole names and the keys not derived from them: re-keying a case deletes exactly its keys by primary key, and
a longer name query checks a candidate's whole names by its id. A query is read into one or more
keys (``domain.search_query``); each key is an index range that already comes out in result order (filing
time, newest first, then id), so a page is the first 21 entries of a range — flat at 1M cases whether the key
matches 3 cases or 300,000. A name query of 3+ characters walks the rarest of its bigrams (probed with a
bounded count) and keeps the cases one of whose full names contains the query; that walk is capped at
:data:`SCAN_BUDGET` candidates per page so a query made only of very common bigrams cannot stall the screen.
Pages continue with a keyset cursor (sort_key, case_id), never OFFSET.

Why not the alternatives (measured on 1M cases, ``benchmarks/search_bench.py --compare``): ``LIKE '%…%'``
scans every party name; FTS5's trigram tokenizer cannot match 1–2-character names, and its virtual and
shadow tables show up in Alembic autogenerate as tables to drop; pg_trgm cannot use its index for 2-character
Chinese queries either and returns matches unordered. A plain table is the same on both engines.

Keeping it current. :func:`index_case` rewrites one case's keys (``register_case`` calls it). Later changes
are caught by session events: a flush that inserts or changes what a case is found by (case number, filing
and receipt time, a party's name or ID number, parties and agents joining a case) marks the case, and the
marked cases are re-indexed just before the transaction commits — in the same transaction, so the index
never disagrees with committed data. Bulk Core inserts (import, demo) bypass the ORM and must call
:func:`rebuild_search_index` (or :func:`index_cases`) themselves. Keys are written with Core: derived data,
not audited.

Modules: :mod:`.results` (what a search answers), :mod:`.reading` (queries to pages), :mod:`.hits` (a page's
rows), :mod:`.indexing` (writing keys), :mod:`.tracking` (the session events), :mod:`.tables` (shared shapes).
"""

from __future__ import annotations

from zhihui_tui.services.search import tracking as _tracking  # noqa: F401  (registers the session events)
from zhihui_tui.services.search.indexing import (
    CaseKeys,
    TermRow,
    case_keys,
    case_terms,
    index_all_cases,
    index_case,
    index_cases,
    index_new_cases,
    new_case_facts,
    number_term_pairs,
    rebuild_search_index,
    sort_key_of,
    sorted_terms,
    term_rows,
    with_number_keys,
)
from zhihui_tui.services.search.reading import MAX_PAGE_SIZE, may_reveal_id_numbers, search_cases
from zhihui_tui.services.search.results import CaseHit, Cursor, HitParty, IndexStats, SearchPage, mask_id_number
from zhihui_tui.services.search.tables import REVEAL_ID_ROLES

__all__ = [
    "MAX_PAGE_SIZE",
    "REVEAL_ID_ROLES",
    "CaseHit",
    "CaseKeys",
    "Cursor",
    "HitParty",
    "IndexStats",
    "SearchPage",
    "TermRow",
    "case_keys",
    "case_terms",
    "index_all_cases",
    "index_case",
    "index_cases",
    "index_new_cases",
    "mask_id_number",
    "may_reveal_id_numbers",
    "new_case_facts",
    "number_term_pairs",
    "rebuild_search_index",
    "search_cases",
    "sort_key_of",
    "sorted_terms",
    "term_rows",
    "with_number_keys",
]
