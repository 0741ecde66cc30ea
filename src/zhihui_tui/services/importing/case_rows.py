"""The case import's row parser: one row into a :class:`NewCase`, or into everything wrong with it — the fields,
then their consistency (dates, stage, case number, handler and team, a computable deadline)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.case_number import CaseNumber, parse_case_number
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import CaseType, FilingCategory, Stage, check_target_amount
from zhihui_tui.domain.roles import Team, Title
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.validators import clean_text, normalize_person_name, parse_date
from zhihui_tui.services.cases import STAGE_STEP, NewBasis, NewCase, NewParty, PartyKind
from zhihui_tui.services.importing.case_fields import (
    IMPORT_TIME,
    NUMERIC_ID,
    TEAMS,
    ParsedRow,
    Row,
    StaffInfo,
    parse_amount,
    parse_basis,
    parse_category,
    parse_identity,
    parse_stage,
    parse_whereabouts,
    split_names,
)
from zhihui_tui.services.importing.table import Cell, Header, RowError

_UNFILED = (Stage.RECEIVED, Stage.REJECTED)
_BEFORE_TRIAGE = (Stage.RECEIVED, Stage.FILED, Stage.SERVED, Stage.INQUIRED, Stage.ESCALATED, Stage.REJECTED)
_OBJECTION_SKIPS = (Stage.SERVED, Stage.INQUIRED, Stage.TRIAGED, Stage.ESCALATED)


class RowParser:
    """Turns one row into a NewCase, or into the list of everything wrong with it."""

    def __init__(
        self,
        header: Header,
        *,
        court_code: str,
        now: datetime,
        staff: dict[str, StaffInfo],
        calendar: WorkCalendar,
        court_codes: Mapping[str, str],
    ) -> None:
        self.header = header
        self.court_codes = court_codes
        self.court_code = court_code
        self.now = now
        self.today = now.date()
        self.staff = staff
        self.calendar = calendar

    def parse(self, line: int, cells: list[Cell]) -> tuple[ParsedRow | None, list[RowError]]:
        """The row as a case, or None and every problem found in it."""
        row = Row(line, cells, self.header.positions)
        category = row.attempt(parse_category, row.text("类别"))
        stage = row.attempt(parse_stage, row.text("状态"))
        received = self._date(row, "收案日期", required=True)
        filed = self._date(row, "立案日期", required=False)
        number = row.attempt(parse_case_number, row.text("案号")) if row.text("案号") else None
        applicants = self._parties(row, "申请执行人", "申请执行人证件号", None)
        respondents = self._parties(row, "被执行人", "被执行人证件号", "被执行人下落不明")
        amount = row.attempt(parse_amount, row.raw("执行标的"))
        if amount is not None and category is not None:
            amount = row.attempt(check_target_amount, category, amount)
        basis_text = row.text("执行依据")
        basis = (
            row.attempt(parse_basis, basis_text, today=self.today, court_codes=self.court_codes) if basis_text else None
        )
        handler = self._handler(row)
        team = self._team(row, handler)
        if applicants and respondents:
            applicant_ids = [a.id_number for a in applicants]
            both = [p.id_number for p in respondents if p.id_number in applicant_ids]
            if both:
                row.fail("被执行人证件号", f"{both[0]} 同时是申请执行人")
        self._check_dates(row, received, filed, basis)
        if stage is not None:
            self._check_stage(row, stage, category, filed, number, handler, team)
        if number is not None and category is not None:
            self._check_number(row, number, category, filed)
        if row.errors:
            return None, row.errors
        assert category and stage and received and applicants and respondents and amount is not None
        case = NewCase(
            category=category,
            received_at=self._moment(received),
            applicants=applicants,
            respondents=respondents,
            target_amount_fen=amount,
            basis=basis,
            stage=stage,
            case_number=number,
            filed_at=self._moment(filed) if filed else None,
            handler_id=handler.id if handler else None,
            team=team,
        )
        self._check_deadline(row, case)
        if row.errors:
            return None, row.errors
        fingerprint = (
            received,
            category,
            amount,
            tuple(p.id_number for p in applicants),
            tuple(p.id_number for p in respondents),
        )
        return ParsedRow(line, case, number, fingerprint, basis_keys(case)), []

    # -- fields -------------------------------------------------------------------------------------

    def _moment(self, day: date) -> datetime:
        return min(datetime.combine(day, IMPORT_TIME), self.now)

    def _date(self, row: Row, column: str, *, required: bool) -> date | None:
        value = row.raw(column)
        if isinstance(value, datetime):
            day: date | None = value.date()
        elif isinstance(value, date):
            day = value
        elif not row.text(column):
            if required:
                row.fail(column, "不能为空")
            return None
        else:
            day = row.attempt(parse_date, row.text(column), field=column)
        if day is not None and day > self.today:
            row.fail(column, f"不能晚于今天（{self.today.isoformat()}）")
            return None
        return day

    def _parties(
        self, row: Row, names_column: str, ids_column: str, unknown_column: str | None
    ) -> tuple[NewParty, ...] | None:
        names, ids = split_names(row.text(names_column)), split_names(row.text(ids_column))
        if not names:
            row.fail(names_column, "不能为空")
        if isinstance(row.raw(ids_column), int | float):
            row.fail(ids_column, NUMERIC_ID)
            return None
        if not ids:
            row.fail(ids_column, "不能为空")
        if not names or not ids:
            return None
        if len(names) != len(ids):
            row.fail(
                ids_column, f"与{names_column}人数不一致（{len(names)} 个名称、{len(ids)} 个证件号，多人用“、”分隔）"
            )
            return None
        unknown = parse_whereabouts(row, unknown_column, len(names)) if unknown_column else [False] * len(names)
        parties: list[NewParty] = []
        seen: dict[str, int] = {}
        for index, (name, number) in enumerate(zip(names, ids, strict=True)):
            label = f"第 {index + 1} 个" if len(names) > 1 else ""
            party = self._party(row, name, number, names_column, ids_column, label)
            if party is None:
                continue
            if party.id_number in seen:
                row.fail(ids_column, f"{party.id_number} 重复出现")
                continue
            seen[party.id_number or ""] = index
            parties.append(
                NewParty(party.kind, party.name, party.id_number, whereabouts_unknown=bool(unknown and unknown[index]))
            )
        return tuple(parties) if len(parties) == len(names) else None

    def _party(
        self, row: Row, name: str, number: str, names_column: str, ids_column: str, label: str
    ) -> NewParty | None:
        identity = parse_identity(row, number, ids_column, label, today=self.today)
        if not name:
            row.fail(names_column, f"{label}名称为空（多人之间只用一个“、”）")
            return None
        if identity is None:
            return None
        kind, id_number = identity
        try:
            if kind is PartyKind.PERSON:
                clean = normalize_person_name(name, field=names_column)
            else:
                clean = clean_text(name, field=names_column, max_length=100)
        except FieldError as error:
            row.fail(names_column, f"{label}{error.reason}")
            return None
        return NewParty(kind, clean, id_number)

    def _handler(self, row: Row) -> StaffInfo | None:
        login = row.text("承办人").strip()
        if not login:
            return None
        info = self.staff.get(login)
        problem = (
            f"没有登录名为“{login}”的账号" if info is None
            else f"“{login}”（{info.name}）的账号已停用" if not info.active
            else f"“{login}”（{info.name}）不是承办人" if not info.handler
            else f"“{login}”（{info.name}）是书记员，不能作为承办人" if info.title is Title.CLERK
            else None
        )  # fmt: skip
        if problem:
            row.fail("承办人", problem)
            return None
        return info

    def _team(self, row: Row, handler: StaffInfo | None) -> Team | None:
        text = row.text("团队").strip()
        if not text:
            return handler.team if handler else None
        team = TEAMS.get(text) or next((t for t in Team if t.value == text), None)
        if team is None:
            row.fail("团队", f"应为“快执”或“精执”（或留空），收到“{text}”")
            return None
        if handler is not None and handler.team is not None and handler.team is not team:
            row.fail("团队", f"承办人“{handler.login}”（{handler.name}）属于{handler.team.label}团队，与“{text}”不符")
        return team

    # -- consistency --------------------------------------------------------------------------------

    def _check_dates(self, row: Row, received: date | None, filed: date | None, basis: NewBasis | None) -> None:
        if received and filed and filed < received:
            row.fail("立案日期", f"{filed.isoformat()} 早于收案日期 {received.isoformat()}")
        if received and basis and basis.effective_date and basis.effective_date > received:
            row.fail("执行依据", f"生效日期 {basis.effective_date.isoformat()} 晚于收案日期 {received.isoformat()}")

    def _check_stage(
        self,
        row: Row,
        stage: Stage,
        category: FilingCategory | None,
        filed: date | None,
        number: CaseNumber | None,
        handler: StaffInfo | None,
        team: Team | None,
    ) -> None:
        label = f"状态为“{stage.label}”的案件"
        if category is FilingCategory.OBJECTION and stage in _OBJECTION_SKIPS:
            row.fail("状态", f"执行异议案件不经送达、查控和分流，状态不能是“{stage.label}”")
        if stage in _UNFILED:
            if row.text("立案日期"):
                row.fail("立案日期", f"{label}尚未立案，立案日期应为空")
            if row.text("案号"):
                row.fail("案号", f"{label}尚未立案，案号应为空")
        elif not row.text("立案日期"):
            row.fail("立案日期", f"{label}必须有立案日期")
        if stage in _BEFORE_TRIAGE:
            for column in ("承办人", "团队"):
                if row.text(column):
                    row.fail(column, f"{label}尚未分流，{column}应为空")
            return
        if not row.text("承办人"):
            row.fail("承办人", f"{label}必须填写承办人（登录名）")
        elif handler is not None and team is None and category is not FilingCategory.OBJECTION:
            row.fail("团队", f"{label}必须填写团队（快执或精执）")

    def _check_number(self, row: Row, number: CaseNumber, category: FilingCategory, filed: date | None) -> None:
        if number.court_code != self.court_code:
            row.fail("案号", f"法院代字“{number.court_code}”不是本院的“{self.court_code}”")
        allowed = (
            (category.case_type, CaseType.PRESERVATION)
            if category is FilingCategory.APPLICATION
            else (category.case_type,)
        )
        if number.case_type not in allowed:
            row.fail(
                "案号",
                f"类型代字“{number.case_type.value}”与类别“{category.label}”不符（应为“{category.case_type.value}”）",
            )
        if filed is not None and number.year != filed.year:
            row.fail("案号", f"年份 {number.year} 与立案日期 {filed.isoformat()} 的年份不符")

    def _check_deadline(self, row: Row, case: NewCase) -> None:
        """The stage's running deadline must be computable: its year needs holiday data (R-TIME-1)."""
        step = STAGE_STEP.get(case.stage)
        if case.category is FilingCategory.OBJECTION and case.stage is Stage.FILED:
            step = Step.OBJECTION_TRANSFER
        if step is None:
            return
        trigger = case.received_at if case.stage is Stage.RECEIVED else (case.filed_at or case.received_at)
        try:
            self.calendar.due_date(trigger, step.rule.days)
        except DomainError as error:
            row.fail("收案日期" if case.stage is Stage.RECEIVED else "立案日期", error.message)


def basis_keys(case: NewCase) -> frozenset[tuple[str, str]]:
    """What identifies a 申请执行 case on a basis: each (basis number, applicant ID); empty for any other row
    (a resumption shares its original's basis by nature; an objection or transfer may have none)."""
    if case.category is not FilingCategory.APPLICATION or case.basis is None:
        return frozenset()
    return frozenset((case.basis.document_number, p.id_number) for p in case.applicants if p.id_number)
