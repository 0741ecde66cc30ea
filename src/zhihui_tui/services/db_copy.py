"""``zhihui db copy``: move a court's database to another (SQLite → PostgreSQL above all) in one go.

The target must be empty (a fresh migration's own rows aside); it is migrated to head, then every table of the
models is copied in foreign-key order inside one target transaction, with the source read from one snapshot.
Before that transaction commits, the row counts of every table and the audit chain are checked at the target
(with the same key file as the source: the chain is keyed outside the database), and on PostgreSQL every
identity sequence is moved past the copied ids. Any failure rolls the whole copy back: the target is left as
empty as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import check_schema, upgrade
from zhihui_tui.db.presence import SchemaState, inspect_schema, shown_url, sqlite_path
from zhihui_tui.db.table_copy import (
    CopiedTable,
    clear_seed,
    copied_tables,
    copy_table,
    guards_set_aside,
    reset_sequences,
    rows_beyond_seed,
    table_counts,
)
from zhihui_tui.services.audit import verify
from zhihui_tui.services.errors import ServiceError

COPY_BATCH = 5_000


@dataclass(frozen=True)
class CopyResult:
    """What was copied where: every table with its counts, the audit rows checked, the sequences reset."""

    target: str
    tables: tuple[CopiedTable, ...]
    audit_checked: int
    audit_unchecked: tuple[str, ...]
    sequences_reset: int

    @property
    def rows(self) -> int:
        """All rows copied."""
        return sum(table.written for table in self.tables)


def copy_database(
    source: Engine, target_url: str, *, batch: int = COPY_BATCH, key_file: Path | None = None
) -> CopyResult:
    """Copy the database behind ``source`` (at head) into the empty database at ``target_url``."""
    check_schema(source)
    where = shown_url(target_url)
    if _same_database(source, target_url):
        raise ServiceError(f"目标数据库与源数据库相同（{where}），未做任何改动")
    _refuse_missing_or_newer(target_url, where)
    target = make_engine(target_url)
    try:
        _refuse_unless_empty(target, where)
        upgrade(target)
        with _snapshot(source) as reading, target.connect() as writing, writing.begin():
            tables, audit = _copy_all(reading, writing, batch, key_file)
            sequences = reset_sequences(writing)
    except OperationalError as error:
        raise ServiceError(f"复制中断（{_first_line(error)}）；已全部撤销，目标 {where} 未写入任何数据") from None
    finally:
        target.dispose()
    return CopyResult(where, tables, audit.checked, audit.unchecked, sequences)


def _same_database(source: Engine, target_url: str) -> bool:
    here, there = sqlite_path(source.url.render_as_string(hide_password=False)), sqlite_path(target_url)
    if here is not None or there is not None:
        return here is not None and there is not None and here.resolve() == there.resolve()
    return shown_url(source.url.render_as_string(hide_password=False)) == shown_url(target_url)


def _refuse_missing_or_newer(target_url: str, where: str) -> None:
    """A missing SQLite file is created; a missing PostgreSQL database is the operator's to create (with its
    owner and encoding); a schema newer than this program is never touched."""
    probe = make_engine(target_url)
    try:
        report = inspect_schema(target_url, lambda: probe)
    except OperationalError as error:
        raise ServiceError(f"无法访问目标数据库 {where}：{_first_line(error)}") from None
    finally:
        probe.dispose()
    if report.state is SchemaState.MISSING and sqlite_path(target_url) is None:
        raise ServiceError(f"目标数据库不存在：{where}；请先建库（例如 createdb），再运行 db copy")
    if report.state is SchemaState.AHEAD:
        raise ServiceError(f"目标数据库结构版本 {report.current} 比本程序新，未做任何改动")


def _refuse_unless_empty(target: Engine, where: str) -> None:
    with target.connect() as connection:
        extra = rows_beyond_seed(table_counts(connection))
    if extra:
        name, rows = next(iter(sorted(extra.items())))
        raise ServiceError(
            f"目标数据库 {where} 已有数据（{name} 表 {rows} 行等 {len(extra)} 张表），db copy 只写入空数据库；"
            "未做任何改动"
        )


@contextmanager
def _snapshot(source: Engine) -> Iterator[Connection]:
    """One read transaction over the whole copy: every table is read as of the same moment, while clerks and
    cron may go on writing to the source (SQLite: a deferred WAL read; PostgreSQL: repeatable read)."""
    if source.dialect.name == "sqlite":
        reader = source.execution_options(sqlite_begin="DEFERRED")
    else:
        reader = source.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with reader.connect() as connection, connection.begin():
        yield connection


@dataclass(frozen=True)
class _Audit:
    checked: int
    unchecked: tuple[str, ...]


def _copy_all(
    reading: Connection, writing: Connection, batch: int, key_file: Path | None
) -> tuple[tuple[CopiedTable, ...], _Audit]:
    """Copy, then check counts and the chain before the caller commits; any mismatch rolls it all back."""
    with guards_set_aside(writing):
        clear_seed(writing)
        tables = tuple(copy_table(reading, writing, table, batch=batch) for table in copied_tables())
    wrong = [table for table in tables if not table.matches]
    if wrong:
        t = wrong[0]
        raise ServiceError(
            f"复制后行数不符：{t.name} 源 {t.source_rows} 行，写入 {t.written} 行，目标 {t.target_rows} 行；"
            "已全部撤销，目标未写入任何数据"
        )
    with Session(bind=writing) as session:
        result = verify(session, key_file=key_file)
    if not result.ok:
        raise ServiceError(f"目标数据库的审计链校验失败：{result.reason}；已全部撤销，目标未写入任何数据")
    return tables, _Audit(result.checked, result.unchecked)


def _first_line(error: OperationalError) -> str:
    return str(error.orig or error).strip().splitlines()[0]
