"""The import ledger (R-CLI-2): a file imported whole is recorded by its SHA-256 in the same transaction as its
rows, so running the same file again — by cron after a failure, or by hand — imports nothing and says when it
went in. A different file that repeats cases is still checked row by row and refused whole."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, insert
from sqlmodel import Session, select

from zhihui_tui.db.models import ImportRun
from zhihui_tui.services.context import ServiceContext

CASES = "cases"
FINDINGS = "findings"
_BLOCK = 1 << 20


@dataclass(frozen=True)
class PreviousRun:
    """When the same file went in before, and how many rows it brought."""

    imported_at: datetime
    imported: int
    file_name: str


def file_checksum(path: Path) -> str:
    """The file's SHA-256, read in blocks (a large workbook never sits in memory twice)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def previous_run(session: Session, kind: str, sha256: str) -> PreviousRun | None:
    """The ledger's entry for this file, if it was imported before."""
    row = session.exec(select(ImportRun).where(ImportRun.kind == kind, ImportRun.sha256 == sha256)).first()
    return PreviousRun(row.imported_at, row.imported, row.file_name) if row else None


def record_run(
    connection: Connection, *, kind: str, sha256: str, path: Path, rows: int, imported: int, ctx: ServiceContext
) -> None:
    """Enter the file in the ledger, inside the import's own write transaction (its unique key makes a second
    concurrent run of the same file fail rather than record twice)."""
    connection.execute(
        insert(ImportRun.__table__),  # type: ignore[attr-defined]
        {
            "kind": kind,
            "sha256": sha256,
            "file_name": path.name[:255],
            "rows": rows,
            "imported": imported,
            "imported_at": ctx.now(),
            "actor_login": ctx.actor.login,
        },
    )
