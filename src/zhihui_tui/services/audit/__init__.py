"""全程留痕: every flushed change writes an audit row in the same transaction, hash-chained.

Services never call this by hand: ``unit_of_work`` tags the session with the actor and the action, and the
``after_flush`` hook records what changed (who, when, what, which record, before and after). Bulk Core inserts
(demo, import) call :func:`append` with one summary row.

Keyed chain (migration 0009): each row's hash is HMAC-SHA256 over the previous hash and the row, with a 32-byte
key in a file outside the database (``ZHIHUI_AUDIT_KEY_FILE``, default ``$ZHIHUI_DATA_DIR/audit.key``, mode
0600). Someone who can write the database but not read the key can no longer rewrite a row and recompute the
rest. Rows written before 0009 (ids below ``audit_chain_key.keyed_from``) keep their plain SHA-256 hashes.
:func:`seal` appends the chain's head to a log outside the database, so a tail deleted with the head rewound
(triggers dropped) shows even to someone who stole the key. Lock order: the head's advisory lock is taken last
in every transaction (after case-number counters); nothing here takes it earlier.

Modules: :mod:`.chain` (hashing and appending), :mod:`.changes` (entries from a flush), :mod:`.keys` (the key
file), :mod:`.verification` (``audit verify``), :mod:`.seals` (``audit seal``), :mod:`.commands` (both on the
one call shape, for the CLI).
"""

from __future__ import annotations

from zhihui_tui.services.audit.chain import (
    GENESIS_HASH,
    RECORD_COLUMNS,
    REDACTED_COLUMNS,
    AuditEntry,
    ChainStart,
    PreparedEntry,
    append,
    append_prepared,
    chain_links,
    chain_start,
    dumped,
    heads_of,
    plain_value,
    prepare,
    row_hash,
)
from zhihui_tui.services.audit.changes import entries_from_flush
from zhihui_tui.services.audit.commands import seal_trail, verify_trail
from zhihui_tui.services.audit.keys import (
    KEY_BYTES,
    SESSION_KEY,
    AuditKeyError,
    ensure_key,
    key_file_path,
    prepare_key,
    read_key,
    seal_log_path,
)
from zhihui_tui.services.audit.seals import SealLine, SealResult, seal
from zhihui_tui.services.audit.verification import VerifyResult, verify

__all__ = [
    "GENESIS_HASH",
    "KEY_BYTES",
    "RECORD_COLUMNS",
    "REDACTED_COLUMNS",
    "SESSION_KEY",
    "AuditEntry",
    "AuditKeyError",
    "ChainStart",
    "PreparedEntry",
    "SealLine",
    "SealResult",
    "VerifyResult",
    "append",
    "append_prepared",
    "chain_links",
    "chain_start",
    "dumped",
    "ensure_key",
    "entries_from_flush",
    "heads_of",
    "key_file_path",
    "plain_value",
    "prepare",
    "prepare_key",
    "read_key",
    "row_hash",
    "seal",
    "seal_log_path",
    "seal_trail",
    "verify",
    "verify_trail",
]
