"""``zhihui import cases FILE`` (SPEC §5.1): cases from .csv (UTF-8, with or without BOM) or .xlsx, all or nothing.

Every row is parsed in full and every problem is collected with the row's physical line number (header = line 1);
one bad row and nothing is written. A clean file goes in with one short bulk transaction that writes what
``register_case`` would write for each row (same rows, deadlines, search keys and audit entries).

Rules beyond the column list (the decisions a clerk needs to know):

* Columns. Required: 收案日期 类别 申请执行人 申请执行人证件号 被执行人 被执行人证件号 执行标的 状态. The others
  (案号 立案日期 被执行人下落不明 执行依据 承办人 团队) may be left out. Unknown columns (a 备注 column, say) are
  ignored and named in the report; a column given twice is an error. Fully blank rows are skipped.
* Parties. Several applicants or respondents are separated by 、, their ID numbers in the same order and number.
  A number shaped like a 居民身份证号 (18 digits, last may be X; or 15 digits) makes a person, otherwise it must be a
  统一社会信用代码 and makes an organisation. One number always carries one name (in the file and in the database).
* 被执行人下落不明: 是/否 (empty = 否) for all respondents of the row, or one 是/否 per respondent separated by 、.
* 执行依据: as courts write it (:mod:`zhihui_tui.domain.basis`): the number alone (the body from its court code),
  the body before it, the kind after it, an effective date last, e.g.
  ``科尔沁右翼前旗人民法院（2026）内2221民初1234号民事判决书 2026-03-05``; optional. The effective date may not lie
  after 收案日期.
* Dates are not in the future; 立案日期 is not before 收案日期. Times of day are unknown: 09:00 is recorded.
* Stages: 材料接收 and 不予立案 have neither 立案日期 nor 案号; every other stage needs 立案日期. Before triage
  (up to 已查控, and 局长指定) there is no 承办人/团队; from 已分流 on a 承办人 is required, and a 团队 too (taken
  from the handler's team when left empty; 执行异议 cases need none). 执行异议 cases skip service and triage, so
  they are never 已送达/已查控/已分流/局长指定.
* 案号: this court's code, the type of the category (执 for 申请执行/审判庭移送 — 执保 is also accepted for
  申请执行 —, 执恢, 执异) and the year of 立案日期; unique in the file and the database. Empty: allocated on import,
  after every given number has moved the counter past itself, so allocations never collide.
* 承办人: the login of an active account with the handler role, not a clerk (书记员).
* A 申请执行 row is identified by its applicant and basis document: the same pair in another row or in an existing
  申请执行 case is refused with it named. Any other row without 案号 that repeats another row or an existing case
  (same 收案日期, 类别, 执行标的 and parties) is refused.
* The same file imported again (same SHA-256, recorded in the import ledger with the rows) imports nothing and
  reports when it went in: re-running a batch is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from zhihui_tui.db.engine import read_session
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import ServiceContext, require_role
from zhihui_tui.services.court_codes import court_codes
from zhihui_tui.services.gc_pause import gc_paused
from zhihui_tui.services.importing.case_checks import FileChecks, database_errors, staff_by_login
from zhihui_tui.services.importing.case_fields import COLUMNS, REQUIRED_COLUMNS, ParsedRow
from zhihui_tui.services.importing.case_plan import Planner
from zhihui_tui.services.importing.case_pool import parsed_rows
from zhihui_tui.services.importing.case_rows import RowParser
from zhihui_tui.services.importing.case_write import Refused, write_cases
from zhihui_tui.services.importing.ledger import CASES, PreviousRun, file_checksum, previous_run, record_run
from zhihui_tui.services.importing.table import ImportFileError, RowError, Rows, data_rows, open_table, read_header

__all__ = ["COLUMNS", "ImportResult", "Progress", "import_cases"]

Progress = Callable[[str, int], None]
_PROGRESS_EVERY = 500


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows read, cases written (0 on any error), numbers allocated, and every problem."""

    rows: int  # data rows read (blank rows not counted)
    imported: int  # cases written: 0 whenever ``errors`` is not empty
    allocated: int  # case numbers allocated on import (rows without 案号 that were filed)
    errors: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    previous: PreviousRun | None = None  # the same file went in before: nothing imported now
    dry_run: bool = False  # checked only: ``imported`` is what a real run would write

    @property
    def ok(self) -> bool:
        """Whether the file went in."""
        return not self.errors

    @property
    def bad_lines(self) -> int:
        """How many rows have at least one problem."""
        return len({e.line for e in self.errors})


def import_cases(
    path: Path, *, ctx: ServiceContext, progress: Progress | None = None, dry_run: bool = False
) -> ImportResult:
    """Check every row outside any write transaction; then write all of them in one short bulk transaction, or
    none and return every problem.

    The database checks run before the write (so a bad file never takes the write lock) and, if anything they
    read has changed by then, again inside the write transaction once imports are serialised (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: an advisory lock): the same file imported twice at the same moment goes in once and
    the second run is refused row by row (``importing.case_write``). A dry run makes every check, the
    database's included, and writes nothing.
    """
    require_role(ctx.actor, (Role.ADMIN, Role.SYSTEM), "导入案件")
    with gc_paused():
        return _import_cases(Path(path), ctx=ctx, progress=progress, dry_run=dry_run)


def _import_cases(path: Path, *, ctx: ServiceContext, progress: Progress | None, dry_run: bool) -> ImportResult:
    with open_table(Path(path)) as rows:  # refuses a missing or unreadable file first, in its own words
        checksum = file_checksum(Path(path))
        with read_session(ctx.engine) as session:
            previous = previous_run(session, CASES, checksum)
            staff = staff_by_login(session)
        if previous is not None:
            return ImportResult(rows=previous.imported, imported=0, allocated=0, previous=previous)
        header = read_header(rows, COLUMNS, REQUIRED_COLUMNS)
        parser = RowParser(
            header,
            court_code=ctx.court.court_code,
            now=ctx.now(),
            staff=staff,
            calendar=ctx.calendar,
            court_codes=court_codes(ctx),
        )
        planner = None if dry_run else Planner(actor=ctx.actor, calendar=ctx.calendar)
        parsed, errors, count = parse_rows(rows, parser, progress, planner=planner)
    if count == 0:
        raise ImportFileError("文件中只有表头，没有案件")
    ignored = header.ignored
    if errors or dry_run:  # every problem at once: the database's objections too
        with read_session(ctx.engine) as session:
            errors += database_errors(session, parsed)
    else:
        try:
            ledger = partial(
                record_run, kind=CASES, sha256=checksum, path=Path(path), rows=count, imported=len(parsed), ctx=ctx
            )
            plan = planner.plan() if planner is not None else None
            if progress:  # the checks against the database and the write: seconds on a large file
                progress("正在写入", len(parsed))
            write_cases(
                parsed, ctx=ctx, recheck=lambda session: database_errors(session, parsed), also=ledger, plan=plan
            )
        except Refused as refused:  # already in the database, or another run (or a clerk) got there first
            errors = refused.errors
    if errors:
        ordered = tuple(sorted(errors, key=lambda e: e.line))  # stable: a row's problems keep column order
        return ImportResult(rows=count, imported=0, allocated=0, errors=ordered, ignored_columns=ignored)
    if progress and not dry_run:  # a dry run wrote nothing
        progress("已写入", len(parsed))
    allocated = sum(1 for p in parsed if p.number is None and p.case.filed_at is not None)
    return ImportResult(count, len(parsed), allocated, ignored_columns=ignored, dry_run=dry_run)


def parse_rows(
    rows: Rows, parser: RowParser, progress: Progress | None, *, planner: Planner | None = None
) -> tuple[list[ParsedRow], list[RowError], int]:
    """Every data row parsed (on every core for a large file, :mod:`.case_pool`) and checked against the rows
    before it, in file order: the clean rows, all problems, the count. ``planner`` plans each clean row as it
    comes, while the workers parse the next ones, until a problem makes the plan moot."""
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    checks = FileChecks()
    count = 0
    for _line, row, row_errors in parsed_rows(data_rows(rows), parser):
        count += 1
        errors += row_errors
        if row is not None:
            errors += checks.check(row)
            parsed.append(row)
        if planner is not None and not errors:
            assert row is not None
            planner.add(row)
        if progress and count % _PROGRESS_EVERY == 0:
            progress("已检查", count)
    return parsed, errors, count
