"""The case import's checks across rows and against the database: unique case numbers, one name per ID number,
no case twice (in the file or already imported), and the accounts the 承办人 column names."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from zhihui_tui.db.models import Case, CaseParty, EnforcementBasis, Party, Staff, StaffRole
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services.cases import PartyRole
from zhihui_tui.services.importing.case_fields import ParsedRow, StaffInfo
from zhihui_tui.services.importing.case_plan import parties_of
from zhihui_tui.services.importing.table import RowError

_CHUNK = 500  # IN-list size for database look-ups


def staff_by_login(session: Session) -> dict[str, StaffInfo]:
    """Every account by login, with what the 承办人 column checks (read once, before the rows)."""
    handlers = set(session.exec(select(StaffRole.staff_id).where(StaffRole.role == Role.HANDLER.value)).all())
    result = {}
    for staff in session.exec(select(Staff)).all():
        assert staff.id is not None
        result[staff.login] = StaffInfo(
            id=staff.id,
            login=staff.login,
            name=staff.name,
            active=staff.active,
            handler=staff.id in handlers,
            team=Team(staff.team) if staff.team else None,
            title=Title(staff.title) if staff.title else None,
        )
    return result


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


@dataclass
class FileChecks:
    """Uniqueness across rows: case numbers, one name per ID number, and no repeated case."""

    numbers: dict[str, int] = field(default_factory=dict)  # case number → first line
    names: dict[str, tuple[str, int]] = field(default_factory=dict)  # ID number → (name, first line)
    fingerprints: dict[tuple[Any, ...], int] = field(default_factory=dict)
    bases: dict[tuple[str, str], int] = field(default_factory=dict)  # (basis number, applicant ID) → first line

    def check(self, parsed: ParsedRow) -> list[RowError]:
        """The problems ``parsed`` has with the rows before it (and remember it for the rows after)."""
        errors: list[RowError] = []
        line = parsed.line
        if parsed.number is not None:
            key = str(parsed.number)
            if key in self.numbers:
                errors.append(RowError(line, "案号", f"{key} 与第 {self.numbers[key]} 行重复"))
            else:
                self.numbers[key] = line
        if parsed.basis_keys:
            firsts = sorted({self.bases.setdefault(key, line) for key in parsed.basis_keys} - {line})
            if firsts:
                errors.append(
                    RowError(line, "执行依据", f"与第 {firsts[0]} 行是同一案件（同一申请执行人、同一执行依据）")
                )
        elif parsed.number is None:
            first = self.fingerprints.setdefault(parsed.fingerprint, line)
            if first != line:
                errors.append(
                    RowError(line, "案号", f"与第 {first} 行是同一案件（收案日期、类别、当事人和执行标的相同）")
                )
        for role, party in parties_of(parsed.case):
            assert party.id_number is not None
            name, first_line = self.names.setdefault(party.id_number, (party.name, line))
            if name != party.name:
                column = "申请执行人" if role is PartyRole.APPLICANT else "被执行人"
                errors.append(
                    RowError(
                        line,
                        column,
                        f"证件号 {party.id_number} 在第 {first_line} 行登记为“{name}”，此处为“{party.name}”",
                    )
                )
        return errors


def database_errors(session: Session, rows: list[ParsedRow]) -> list[RowError]:
    """What the database objects to: case numbers taken, ID numbers registered under another name, cases already in."""
    return [
        *_existing_numbers(session, rows),
        *_existing_names(session, rows),
        *_existing_bases(session, rows),
        *_existing_cases(session, rows),
    ]


def _existing_numbers(session: Session, rows: list[ParsedRow]) -> Iterator[RowError]:
    line_of = {str(r.number): r.line for r in rows if r.number is not None}
    for chunk in _chunks(list(line_of)):
        for number in session.exec(select(Case.case_number).where(col(Case.case_number).in_(chunk))).all():
            assert number is not None
            yield RowError(line_of[number], "案号", f"{number} 已存在")


def _existing_names(session: Session, rows: list[ParsedRow]) -> Iterator[RowError]:
    uses: dict[str, list[tuple[int, PartyRole, str]]] = {}
    for row in rows:
        for role, party in parties_of(row.case):
            assert party.id_number is not None
            uses.setdefault(party.id_number, []).append((row.line, role, party.name))
    for chunk in _chunks(list(uses)):
        found = session.exec(select(Party.id_number, Party.name).where(col(Party.id_number).in_(chunk))).all()
        for id_number, name in found:
            assert id_number is not None
            for line, role, given in uses[id_number]:
                if given != name:
                    column = "申请执行人" if role is PartyRole.APPLICANT else "被执行人"
                    yield RowError(line, column, f"证件号 {id_number} 已登记为“{name}”，与“{given}”不符")


def _existing_bases(session: Session, rows: list[ParsedRow]) -> Iterator[RowError]:
    """申请执行 rows whose applicant already has a 申请执行 case on the same basis document (not 不予立案)."""
    wanted = {key: row.line for row in rows for key in row.basis_keys}
    numbers = sorted({number for number, _applicant in wanted})
    reported: set[int] = set()
    for chunk in _chunks(numbers):
        query = (
            select(EnforcementBasis.document_number, Party.id_number, Case.case_number, Case.received_at)
            .join(Case, col(Case.id) == EnforcementBasis.case_id)
            .join(CaseParty, col(CaseParty.case_id) == Case.id)
            .join(Party, col(Party.id) == CaseParty.party_id)
            .where(
                col(EnforcementBasis.document_number).in_(chunk),
                Case.filing_category == FilingCategory.APPLICATION.value,
                Case.stage != Stage.REJECTED.value,
                CaseParty.role == PartyRole.APPLICANT.value,
            )
        )
        for number, id_number, case_number, received in session.exec(query):
            line = wanted.get((number, id_number or ""))
            if line is None or line in reported:
                continue
            reported.add(line)
            existing = case_number or f"收案于 {received:%Y-%m-%d} 的未立案案件"
            yield RowError(line, "执行依据", f"申请执行人已就该执行依据申请执行：已有案件 {existing}（可能已导入过）")


def _existing_cases(session: Session, rows: list[ParsedRow]) -> Iterator[RowError]:
    """Rows without 案号 that match a case already in the database (the same file imported twice)."""
    wanted = {r.fingerprint: r.line for r in rows if r.number is None and not r.basis_keys}
    if not wanted:
        return
    days = sorted({key[0] for key in wanted})
    start, end = datetime.combine(days[0], time()), datetime.combine(days[-1] + timedelta(days=1), time())
    keys = {key[:3] for key in wanted}
    candidates: dict[int, tuple[date, FilingCategory, int, str | None]] = {}
    columns = (col(Case.received_at), col(Case.filing_category), col(Case.target_amount_fen), col(Case.case_number))
    cases = sa_select(col(Case.id), *columns).where(col(Case.received_at) >= start, col(Case.received_at) < end)
    for case_id, received, category, amount, number in session.connection().execute(cases):
        assert case_id is not None
        if (received.date(), FilingCategory(category), amount) in keys:
            candidates[case_id] = (received.date(), FilingCategory(category), amount, number)
    parties: dict[int, dict[str, list[str]]] = {}
    for chunk in _chunks(sorted(candidates)):
        query = (
            select(CaseParty.case_id, CaseParty.role, Party.id_number)
            .join(Party, col(Party.id) == CaseParty.party_id)
            .where(col(CaseParty.case_id).in_(chunk))
            .order_by(col(CaseParty.case_id), col(CaseParty.role), col(CaseParty.position))
        )
        for case_id, role, id_number in session.exec(query):
            parties.setdefault(case_id, {}).setdefault(role, []).append(id_number or "")
    for case_id, (day, category, amount, number) in sorted(candidates.items()):
        by_role = parties.get(case_id, {})
        key = (day, category, amount, tuple(by_role.get("applicant", [])), tuple(by_role.get("respondent", [])))
        if key in wanted:
            existing = number or f"收案于 {day.isoformat()} 的未立案案件"
            yield RowError(wanted[key], "案号", f"与已有案件 {existing} 是同一案件（可能已导入过）")
