"""``audit verify`` and ``audit seal`` on the one call shape: a context in, a plain result out."""

from __future__ import annotations

from pathlib import Path

from zhihui_tui.db.engine import read_session
from zhihui_tui.services.audit.seals import SealResult, seal
from zhihui_tui.services.audit.verification import VerifyResult, verify
from zhihui_tui.services.context import ServiceContext


def verify_trail(*, ctx: ServiceContext, seal_log: Path | None = None, key_file: Path | None = None) -> VerifyResult:
    """Check the whole trail (links, keyed hashes, the kept head, the seals outside) in one read transaction."""
    with read_session(ctx.engine) as session:
        return verify(session, seal_log=seal_log, key_file=key_file)


def seal_trail(*, ctx: ServiceContext, log: Path | None = None, dry_run: bool = False) -> SealResult:
    """Append the chain's signed head to the seal log outside the database (cron runs this); ``dry_run``
    checks and signs it without appending."""
    with read_session(ctx.engine) as session:
        return seal(session, log=log, dry_run=dry_run)
