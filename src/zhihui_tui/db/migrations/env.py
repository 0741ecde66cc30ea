"""Alembic environment: always handed a live connection by ``zhihui_tui.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from zhihui_tui.db import models  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite can only ALTER by rebuilding a table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
