"""``zhihui import findings FILE`` (SPEC §5.1): network-inquiry results from the national system, all or nothing.

Columns: 案号 被执行人 证件号 财产类型 机构 金额 数量 冻结 备注 (案号, 被执行人, 财产类型 required; others may be left
out). Every row is checked — the row itself (:func:`services.inquiry.validate_finding`), its case (known, and still
已送达: a submitted feedback table is closed) and its respondent (on that case, matched by 证件号 when given, else
by name) — and every problem is reported with its line number; one bad row and nothing is written.

A row identical to one imported before (same case, respondent, type, institution, amount, quantity, frozen) is
skipped and counted, so running the same file twice does not double the table. Rows go in as ``source=import``;
the clerk reviews the table on the 网络查控 screen and submits it there.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AssetFinding, Case, CaseParty, Party
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import ServiceContext, require_role
from zhihui_tui.services.importing.case_write import lock_imports
from zhihui_tui.services.importing.table import (
    Cell,
    ImportFileError,
    RowError,
    cell_text,
    data_rows,
    open_table,
    read_header,
    text_at,
)
from zhihui_tui.services.inquiry.findings import FindingInput, ValidFinding, new_finding, validate_finding
from zhihui_tui.services.inquiry.rules import RESULT_STAGES, is_late
from zhihui_tui.services.inquiry.writes import ensure_inquiry
from zhihui_tui.services.uow import unit_of_work

IMPORT_ACTION = "导入查控结果"
COLUMNS = ("案号", "被执行人", "证件号", "财产类型", "机构", "金额", "数量", "冻结", "备注")
REQUIRED_COLUMNS = ("案号", "被执行人", "财产类型")
_YES_NO = {"是": True, "否": False, "": False}
_CHUNK = 500

Resolved = tuple[int, ValidFinding, int]  # case id, the checked row, its line


@dataclass(frozen=True)
class FindingsImportResult:
    """What a findings import did: rows read, rows written, rows skipped as imported before, cases touched."""

    rows: int
    imported: int
    skipped: int  # identical to a row imported before
    cases: int
    errors: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    dry_run: bool = False  # checked only: ``imported`` is what a real run would write

    @property
    def bad_lines(self) -> int:
        """How many rows have at least one problem."""
        return len({e.line for e in self.errors})


@dataclass(frozen=True)
class _Parsed:
    line: int
    case_number: str
    name: str
    id_number: str
    row: FindingInput  # party_id is 0 until the respondent is resolved


@dataclass(frozen=True)
class _Respondent:
    party_id: int
    name: str
    id_number: str | None


def _text(cells: list[Cell], positions: dict[str, int], column: str) -> str:
    return cell_text(text_at(cells, positions, column)).strip()


def _raw_amount(cells: list[Cell], positions: dict[str, int]) -> str | int | float | Decimal:
    """A number cell as it is, for the money parser's float rule; anything else as the text a clerk sees."""
    value = text_at(cells, positions, "金额")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    return cell_text(value).strip()


def _parse(line: int, cells: list[Cell], positions: dict[str, int]) -> tuple[_Parsed | None, list[RowError]]:
    errors: list[RowError] = []
    values = {c: _text(cells, positions, c) for c in COLUMNS}
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            errors.append(RowError(line, column, "不能为空"))
    frozen = _YES_NO.get(values["冻结"])
    if frozen is None:
        errors.append(RowError(line, "冻结", f"应填“是”或“否”（收到“{values['冻结']}”）"))
    row = FindingInput(
        party_id=0,
        asset_type=values["财产类型"],
        institution=values["机构"],
        amount=_raw_amount(cells, positions),
        quantity=values["数量"],
        frozen=bool(frozen),
        note=values["备注"],
    )
    if values["财产类型"]:
        try:
            validate_finding(row)
        except FieldError as error:
            errors.append(RowError(line, error.field, error.reason))
    if errors:
        return None, errors
    id_number = unicodedata.normalize("NFKC", values["证件号"]).strip().upper()
    return _Parsed(line, values["案号"], values["被执行人"], id_number, row), []


def _cases(session: Session, numbers: list[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(numbers), _CHUNK):
        chunk = numbers[start : start + _CHUNK]
        for cid, number, stage in session.exec(
            select(Case.id, Case.case_number, Case.stage).where(col(Case.case_number).in_(chunk))
        ):
            assert cid is not None and number is not None
            found[number] = (cid, stage)
    return found


def _respondents(session: Session, case_ids: list[int]) -> dict[int, list[_Respondent]]:
    result: dict[int, list[_Respondent]] = {}
    for start in range(0, len(case_ids), _CHUNK):
        query = (
            select(CaseParty.case_id, Party.id, Party.name, Party.id_number)
            .join(Party, col(Party.id) == CaseParty.party_id)
            .where(col(CaseParty.case_id).in_(case_ids[start : start + _CHUNK]), CaseParty.role == "respondent")
        )
        for cid, pid, name, number in session.exec(query):
            assert pid is not None
            result.setdefault(cid, []).append(_Respondent(pid, name, number))
    return result


def _match(parsed: _Parsed, respondents: list[_Respondent]) -> int | str:
    """The party id, or the reason the row names no respondent of the case."""
    if parsed.id_number:
        by_number = [r for r in respondents if (r.id_number or "").upper() == parsed.id_number]
        if not by_number:
            return f"证件号 {parsed.id_number} 不是本案被执行人"
        if by_number[0].name != parsed.name:
            return f"证件号 {parsed.id_number} 在本案登记为“{by_number[0].name}”，与“{parsed.name}”不符"
        return by_number[0].party_id
    by_name = [r for r in respondents if r.name == parsed.name]
    if not by_name:
        return f"“{parsed.name}”不是本案被执行人"
    if len(by_name) > 1:
        return f"本案有 {len(by_name)} 个被执行人名为“{parsed.name}”，请填写证件号"
    return by_name[0].party_id


def _resolve(session: Session, parsed: list[_Parsed]) -> tuple[list[tuple[int, ValidFinding, int]], list[RowError]]:
    cases = _cases(session, sorted({p.case_number for p in parsed}))
    respondents = _respondents(session, sorted({cid for cid, _ in cases.values()}))
    resolved: list[tuple[int, ValidFinding, int]] = []
    errors: list[RowError] = []
    for p in parsed:
        known = cases.get(p.case_number)
        if known is None:
            errors.append(RowError(p.line, "案号", f"没有案号为 {p.case_number} 的案件"))
            continue
        case_id, stage = known
        if Stage(stage) not in RESULT_STAGES:
            errors.append(RowError(p.line, "案号", f"{p.case_number} 状态为“{Stage(stage).label}”，不能导入查控结果"))
            continue
        party = _match(p, respondents.get(case_id, []))
        if isinstance(party, str):
            errors.append(RowError(p.line, "证件号" if p.id_number else "被执行人", party))
            continue
        valid = validate_finding(FindingInput(**{**p.row.__dict__, "party_id": party}))
        resolved.append((case_id, valid, p.line))
    return resolved, errors


def _fingerprint(case_id: int, f: ValidFinding | AssetFinding) -> tuple[object, ...]:
    kind = f.asset_type.value if isinstance(f, ValidFinding) else f.asset_type
    return (case_id, f.party_id, kind, f.institution, f.amount_fen, f.quantity, bool(f.frozen))


def _already_imported(session: Session, case_ids: list[int]) -> set[tuple[object, ...]]:
    seen: set[tuple[object, ...]] = set()
    for start in range(0, len(case_ids), _CHUNK):
        query = select(AssetFinding).where(
            col(AssetFinding.case_id).in_(case_ids[start : start + _CHUNK]), AssetFinding.source == "import"
        )
        seen |= {_fingerprint(f.case_id, f) for f in session.exec(query)}
    return seen


def import_findings(path: Path, *, ctx: ServiceContext, dry_run: bool = False) -> FindingsImportResult:
    """Check every row; write all of them in one unit of work, or none and return every problem (a dry run
    checks and counts what would go in, and writes nothing)."""
    require_role(ctx.actor, (Role.NETWORK_INQUIRY, Role.ADMIN, Role.SYSTEM), IMPORT_ACTION)
    parsed: list[_Parsed] = []
    errors: list[RowError] = []
    count = 0
    with open_table(Path(path)) as rows:
        header = read_header(rows, COLUMNS, REQUIRED_COLUMNS)
        positions, ignored = header.positions, header.ignored
        for line, cells in data_rows(rows):
            count += 1
            row, row_errors = _parse(line, cells, positions)
            errors += row_errors
            if row is not None:
                parsed.append(row)
    if count == 0:
        raise ImportFileError("文件中只有表头，没有查控结果")
    with read_session(ctx.engine) as session:
        resolved, db_errors = _resolve(session, parsed)
    errors += db_errors
    if errors:
        ordered = tuple(sorted(errors, key=lambda e: e.line))
        return FindingsImportResult(count, 0, 0, 0, ordered, ignored)
    fresh = _unseen(resolved, ctx=ctx) if dry_run else _write(resolved, ctx=ctx)
    cases = len({cid for cid, _, _ in fresh})
    return FindingsImportResult(count, len(fresh), len(resolved) - len(fresh), cases, (), ignored, dry_run)


def _unseen(resolved: list[Resolved], *, ctx: ServiceContext) -> list[Resolved]:
    """The rows a real run would write now (read only: the run itself decides again under its lock)."""
    with read_session(ctx.engine) as session:
        seen = _already_imported(session, sorted({cid for cid, _, _ in resolved}))
    return [(cid, f, line) for cid, f, line in resolved if _fingerprint(cid, f) not in seen]


def _write(resolved: list[Resolved], *, ctx: ServiceContext) -> list[Resolved]:
    """Write the rows not imported before; returns them.

    "Imported before" is decided inside the write transaction once imports are serialised (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: the import advisory lock), never by a read before it: two runs of one file at the
    same moment write its rows once. Lock order (docs/locking.md): import lock, then the audit head.
    """
    if not resolved:
        return []
    now, actor = ctx.now(), ctx.actor
    with unit_of_work(ctx.engine, actor=actor, action=IMPORT_ACTION, clock=ctx.clock) as session:
        lock_imports(session)
        seen = _already_imported(session, sorted({cid for cid, _, _ in resolved}))
        fresh = [(cid, f, line) for cid, f, line in resolved if _fingerprint(cid, f) not in seen]
        late: dict[int, bool] = {}
        for case_id in sorted({cid for cid, _, _ in fresh}):
            stage = Stage(session.exec(select(Case.stage).where(Case.id == case_id)).one())
            if stage not in RESULT_STAGES:  # archived or rejected between the check and the write
                raise DomainError(f"案件状态已变为“{stage.label}”，未导入任何查控结果")
            late[case_id] = is_late(stage)  # decided under the lock: a table submitted meanwhile makes it late
            if not late[case_id]:
                ensure_inquiry(session, case_id, actor=actor, now=now)
        session.add_all(
            [
                new_finding(case_id, valid, actor=actor, now=now, source="import", late=late[case_id])
                for case_id, valid, _ in fresh
            ]
        )
    return fresh
