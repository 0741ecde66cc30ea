"""Filing review (SPEC §3.1, seed §四.1 and §六): material checklists, draft validation, duplicate hints.

Pure: no database, no clock. The services in ``services/filing.py`` feed it form strings and candidate rows.

Checklists (R-FIL-1) are the seed's §六(三) lists word for word — the text after ``(n)`` without the closing
``；``/``。`` — with a stable code per item; the code is what ``CaseMaterial.item`` stores, the text is what the
reviewer sees. Which items are required (decided per item, see ``Requirement``):

* Every item the seed lists is required: the heading says 应提交 and no item carries a condition of its own,
  except application item (5). Its two halves are ticked separately: 当事人身份证明材料 is always required,
  授权委托书材料（…） only when an agent acts for an applicant (``has_agent``): the list is what the applicant
  hands in, so a respondent's agent does not make the applicant owe a power of attorney.
* Application item (6) and resumption item (7) name alternatives (送达地址确认书 *or* 下落不明证明): one tick
  means either was provided; the form records whether a respondent's whereabouts are unknown.
* Objection item (2) says 内容同执行申请人: the one tick also covers a power of attorney when an agent acts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from zhihui_tui.domain.case_number import CaseNumber, parse_case_number
from zhihui_tui.domain.errors import DomainError, FieldError
from zhihui_tui.domain.lifecycle import CaseType, FilingCategory, Stage
from zhihui_tui.domain.money import parse_yuan
from zhihui_tui.domain.validators import (
    clean_text,
    normalize_credit_code,
    normalize_person_name,
    normalize_phone,
    normalize_resident_id,
    parse_date,
)

T = TypeVar("T")

# --------------------------------------------------------------------------------------------------
# Checklists (R-FIL-1)
# --------------------------------------------------------------------------------------------------


class Requirement(StrEnum):
    REQUIRED = "required"
    WHEN_AGENT = "when_agent"  # only when an agent (lawyer or relative) acts for the party

    @property
    def label(self) -> str:
        return {"required": "必备", "when_agent": "有代理人时必备"}[self.value]


@dataclass(frozen=True)
class ChecklistItem:
    """One numbered item of a seed list. An item with ``parts`` is ticked part by part."""

    code: str  # stable; stored in CaseMaterial.item
    number: int  # the seed's (n)
    text: str  # the seed's words, exactly
    short: str  # a few characters for narrow columns and messages
    requirement: Requirement = Requirement.REQUIRED
    parts: tuple[ChecklistItem, ...] = ()

    @property
    def label(self) -> str:
        return f"（{self.number}）{self.text}"

    @property
    def short_label(self) -> str:
        return f"（{self.number}）{self.short}"

    def required(self, *, has_agent: bool) -> bool:
        return self.requirement is Requirement.REQUIRED or (self.requirement is Requirement.WHEN_AGENT and has_agent)


def _item(code: str, number: int, text: str, short: str, *parts: ChecklistItem) -> ChecklistItem:
    return ChecklistItem(code, number, text, short, parts=parts)


_APPLICATION_IDENTITY = ChecklistItem("app.5.identity", 5, "当事人身份证明材料", "身份证明")
_APPLICATION_AUTHORISATION = ChecklistItem(
    "app.5.agent",
    5,
    "授权委托书材料（律师代理执行的应提交事务所函及律师证复印件、"
    "近属代理执行的应提交能够证明是亲属关系的材料如户口本或社区开具的亲属证明）",
    "授权委托书",
    Requirement.WHEN_AGENT,
)

CHECKLISTS: dict[FilingCategory, tuple[ChecklistItem, ...]] = {
    # 1、申请执行人应提交材料
    FilingCategory.APPLICATION: (
        _item(
            "app.1",
            1,
            "执行申请书（申请书中具体标注是否申请对被执行人采取限制高消费及列失信人员名单措施）",
            "执行申请书",
        ),
        _item(
            "app.2",
            2,
            "执行依据原件（诉讼案件承办人签字生效）、仲裁或公证债权类法律文书生效证明书",
            "执行依据原件及生效证明",
        ),
        _item("app.3", 3, "申请执行人提供被执行人可供执行财产线索表", "财产线索表"),
        _item("app.4", 4, "诉讼费收据", "诉讼费收据"),
        _item(
            "app.5",
            5,
            f"{_APPLICATION_IDENTITY.text}及{_APPLICATION_AUTHORISATION.text}",
            "身份证明及授权委托书",
            _APPLICATION_IDENTITY,
            _APPLICATION_AUTHORISATION,
        ),
        _item(
            "app.6",
            6,
            "申请执行人收取案款确认书、双方当事人送达地址确认书或下落不明证明",
            "收款确认书、送达地址确认书或下落不明证明",
        ),
    ),
    # 2、执行异议申请人应提交材料
    FilingCategory.OBJECTION: (
        _item("obj.1", 1, "执行异议申请书（有明确的异议请求、事实、理由）", "执行异议申请书"),
        _item("obj.2", 2, "异议人身份证明材料（内容同执行申请人）", "异议人身份证明"),
        _item("obj.3", 3, "证据材料（含原执行裁定书）", "证据材料"),
    ),
    # 恢复执行材料
    FilingCategory.RESUMPTION: (
        _item(
            "res.1",
            1,
            "恢复执行申请书（应注明发现被执行人可供执行财产线索并有原承办人确认签字，原承办人离开工作岗位的，"
            "由局长确认签字）",
            "恢复执行申请书",
        ),
        _item("res.2", 2, "执行依据", "执行依据"),
        _item("res.3", 3, "执行裁定书（终本或终结裁定书）", "终本或终结裁定书"),
        _item(
            "res.4",
            4,
            "恢复执行裁定书（由原承办人签字确认恢复，原承办人离开工作岗位的，由局长确认签字）",
            "恢复执行裁定书",
        ),
        _item("res.5", 5, "恢复执行申请人身份证明材料", "申请人身份证明"),
        _item("res.6", 6, "申请人执行人收取案款确认书", "收款确认书"),  # sic: the seed's words
        _item("res.7", 7, "双方当事人送达地址确认书或下落不明证明", "送达地址确认书或下落不明证明"),
    ),
    # 3、审判庭移送材料
    FilingCategory.TRANSFER: (
        _item("trf.1", 1, "移送执行说明（内容包括被执行人、被害人的基本信息）", "移送执行说明"),
        _item("trf.2", 2, "生效裁判文书及其附件", "生效裁判文书及附件"),
        _item(
            "trf.3",
            3,
            "已查明的财产状况或者财产线索、随案移送的财产和已经处置财产的情况说明、查封、扣押、冻结财产情况说明",
            "财产情况说明",
        ),
    ),
}


def checklist_units(category: FilingCategory) -> tuple[ChecklistItem, ...]:
    """What the reviewer ticks, in order: items, with an item's parts in its place."""
    return tuple(unit for item in CHECKLISTS[category] for unit in (item.parts or (item,)))


def unit_by_code(category: FilingCategory) -> dict[str, ChecklistItem]:
    return {unit.code: unit for unit in checklist_units(category)}


def check_provided_codes(category: FilingCategory, provided: Iterable[str]) -> frozenset[str]:
    """Refuse codes that are not on the category's checklist (a stale screen, a wrong category)."""
    codes = frozenset(provided)
    unknown = sorted(codes - unit_by_code(category).keys())
    if unknown:
        raise FieldError("材料清单", f"“{category.label}”的材料清单中没有：{'、'.join(unknown)}")
    return codes


def missing_items(
    category: FilingCategory, provided: set[str] | frozenset[str], *, has_agent: bool
) -> list[ChecklistItem]:
    """Required units not ticked, in checklist order (R-FIL-1: no filing while one is missing)."""
    return [
        unit for unit in checklist_units(category) if unit.required(has_agent=has_agent) and unit.code not in provided
    ]


def describe_missing(items: Iterable[ChecklistItem]) -> str:
    return "；".join(item.short_label for item in items)


# --------------------------------------------------------------------------------------------------
# The filing form (R-CASE-3) and its validation (R-Q-4)
# --------------------------------------------------------------------------------------------------

PERSON, ORGANISATION = "person", "organisation"  # the values of services.cases.PartyKind
APPLICANT_SIDE, RESPONDENT_SIDE = "applicant", "respondent"  # the values of services.cases.PartyRole
_KIND_WORDS = {PERSON: ("自然人", "个人", "person"), ORGANISATION: ("单位", "法人", "组织", "organisation")}
AGENT_KINDS: dict[str, str] = {"lawyer": "律师", "relative": "近亲属", "other": "其他"}
_AGENT_WORDS = {"lawyer": ("律师",), "relative": ("近亲属", "亲属", "近属"), "other": ("其他", "其他公民")}

MAX_PARTIES_PER_SIDE = 50
MAX_AGENTS = 20
ORGANISATION_NAME_MAX = 100
ADDRESS_MAX = 200
COURT_NAME_MAX = 100
DOCUMENT_NUMBER_MAX = 100
EARLIEST_EFFECTIVE_DATE = date(1949, 10, 1)
# The original of a resumption is an implementation case or an earlier resumption.
RESUMABLE_TYPES = frozenset({CaseType.IMPLEMENTATION, CaseType.RESUMPTION})


@dataclass(frozen=True)
class PartyForm:
    """One party row as typed. ``kind`` may be empty: the ID number's shape then decides."""

    name: str = ""
    id_number: str = ""
    kind: str = ""  # 自然人 / 单位 (or the code names); empty: from the ID number
    phone: str = ""
    address: str = ""
    whereabouts_unknown: bool = False

    @property
    def is_blank(self) -> bool:
        return not any(value.strip() for value in (self.name, self.id_number, self.phone, self.address))


@dataclass(frozen=True)
class AgentForm:
    """One agent row as typed. A row with no name, ID number or phone is no agent (``is_blank``): a form shows
    empty rows to fill in, so rows left empty are skipped, and the rows after them keep their numbers."""

    name: str = ""
    id_number: str = ""
    kind: str = "律师"  # 律师 / 近亲属 / 其他
    phone: str = ""
    represents: int = 1  # which row (1-based) of ``side`` the agent acts for
    side: str = APPLICANT_SIDE  # APPLICANT_SIDE / RESPONDENT_SIDE

    @property
    def is_blank(self) -> bool:
        return not any(text.strip() for text in (self.name, self.id_number, self.phone))


@dataclass(frozen=True)
class FilingDraft:
    """The filing form's raw values, exactly as typed or pasted."""

    category: FilingCategory
    applicants: tuple[PartyForm, ...] = ()
    respondents: tuple[PartyForm, ...] = ()
    agents: tuple[AgentForm, ...] = ()
    basis_court: str = ""
    basis_number: str = ""
    basis_effective_date: str = ""
    target_amount: str = ""
    consumption_restriction_requested: bool = False
    dishonest_list_requested: bool = False
    original_case_number: str = ""  # resumption only: the 终本/终结 case being resumed


@dataclass(frozen=True)
class ValidParty:
    kind: str  # PERSON / ORGANISATION
    name: str
    id_number: str
    phone: str | None = None
    address: str | None = None
    whereabouts_unknown: bool = False


@dataclass(frozen=True)
class ValidAgent:
    represents: int  # 0-based index into the parties of ``side``
    name: str
    id_number: str
    kind: str  # lawyer / relative / other
    phone: str | None = None
    side: str = APPLICANT_SIDE


@dataclass(frozen=True)
class ValidBasis:
    issuing_court: str
    document_number: str  # canonical, see normalize_document_number
    effective_date: date


@dataclass(frozen=True)
class ValidFiling:
    """A draft that passed every field check; the service turns it into a ``NewCase``."""

    category: FilingCategory
    applicants: tuple[ValidParty, ...]
    respondents: tuple[ValidParty, ...]
    agents: tuple[ValidAgent, ...]
    basis: ValidBasis | None
    target_amount_fen: int
    consumption_restriction_requested: bool
    dishonest_list_requested: bool
    original_case_number: CaseNumber | None = None


class DraftInvalid(DomainError):
    """Several fields are bad at once; ``errors`` lets the screen mark every one of them."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"有 {len(errors)} 处填写有误：" + "；".join(error.message for error in errors))
        self.errors = errors


def party_labels(category: FilingCategory) -> tuple[str, str]:
    """What the two sides are called on this category's form."""
    if category is FilingCategory.OBJECTION:
        return ("异议人", "相对人")
    return ("申请执行人", "被执行人")


def acts_for_applicant(agents: Iterable[AgentForm]) -> bool:
    """Whether an agent acts for an applicant: the 授权委托书 of the application checklist is then required."""
    return any(agent.side == APPLICANT_SIDE and not agent.is_blank for agent in agents)


def applicants_required(category: FilingCategory) -> bool:
    # A trial division's transfer (fines, confiscation) is enforced by the court itself: no applicant.
    return category is not FilingCategory.TRANSFER


def basis_required(category: FilingCategory) -> bool:
    # An objection attacks an enforcement act; its basis is the original case's, found through the evidence.
    return category is not FilingCategory.OBJECTION


def normalize_document_number(value: str, *, field: str = "执行依据 文书号") -> str:
    """``(2025)内2221民初 1234号`` → ``（2025）内2221民初1234号``: one spelling, so duplicates match in SQL."""
    text = (
        clean_text(value, field=field, max_length=DOCUMENT_NUMBER_MAX, form="NFKC")
        .replace("(", "（")
        .replace(")", "）")
        .replace("〔", "（")
    )
    text = re.sub(r"\s+", "", text.replace("〕", "）"))
    if not re.search(r"[0-9]", text):
        raise FieldError(field, "应包含文书编号，如（2025）内2221民初1234号")
    return text


def validate_draft(draft: FilingDraft, *, today: date) -> ValidFiling:
    """Check every field and report all bad ones at once (``DraftInvalid``); nothing is partly accepted."""
    errors: list[FieldError] = []
    applicant_label, respondent_label = party_labels(draft.category)
    applicants = _parties(draft.applicants, applicant_label, applicants_required(draft.category), today, errors)
    respondents = _parties(draft.respondents, respondent_label, True, today, errors)
    _check_distinct_ids([(applicant_label, applicants), (respondent_label, respondents)], errors)
    labels = {APPLICANT_SIDE: applicant_label, RESPONDENT_SIDE: respondent_label}
    agents = _agents(draft.agents, {APPLICANT_SIDE: applicants, RESPONDENT_SIDE: respondents}, labels, today, errors)
    basis = _basis(draft, today, errors)
    amount = _attempt(errors, lambda: _target_amount(draft))
    original = _attempt(errors, lambda: _original_case_number(draft))
    if errors:
        raise DraftInvalid(errors)
    assert amount is not None
    return ValidFiling(
        category=draft.category,
        applicants=tuple(p for p in applicants if p is not None),
        respondents=tuple(p for p in respondents if p is not None),
        agents=tuple(a for a in agents if a is not None),
        basis=basis,
        target_amount_fen=amount,
        consumption_restriction_requested=draft.consumption_restriction_requested,
        dishonest_list_requested=draft.dishonest_list_requested,
        original_case_number=original,
    )


def draft_errors(draft: FilingDraft, *, today: date) -> list[FieldError]:
    """Every bad field of the draft (empty when it would be accepted): for marking fields while typing."""
    try:
        validate_draft(draft, today=today)
    except DraftInvalid as invalid:
        return invalid.errors
    return []


def _attempt(errors: list[FieldError], check: Callable[[], T]) -> T | None:
    try:
        return check()
    except FieldError as error:
        errors.append(error)
        return None


def _optional(value: str, check: Callable[[str], str]) -> str | None:
    return check(value) if value.strip() else None


def _parties(
    rows: tuple[PartyForm, ...], role: str, required: bool, today: date, errors: list[FieldError]
) -> list[ValidParty | None]:
    if not required:  # the form always shows a row to fill in; left empty, it is no party
        rows = tuple(row for row in rows if not row.is_blank)
    if required and not rows:
        errors.append(FieldError(role, "至少填写 1 个"))
    if len(rows) > MAX_PARTIES_PER_SIDE:
        errors.append(FieldError(role, f"最多 {MAX_PARTIES_PER_SIDE} 个"))
        rows = rows[:MAX_PARTIES_PER_SIDE]
    return [_party(row, f"{role}{n}", today, errors) for n, row in enumerate(rows, start=1)]


def _party(row: PartyForm, label: str, today: date, errors: list[FieldError]) -> ValidParty | None:
    before = len(errors)
    chosen = _attempt(errors, lambda: _party_kind(row, label))
    identity = _attempt(errors, lambda: _party_id(row.id_number, chosen, label, today))
    kind = identity[0] if identity else (chosen or _kind_from_shape(row.id_number))
    name = _attempt(errors, lambda: _party_name(row.name, kind, f"{label} 姓名/名称"))
    phone = _attempt(errors, lambda: _optional(row.phone, lambda v: normalize_phone(v, field=f"{label} 电话")))
    address = _attempt(
        errors, lambda: clean_text(row.address, field=f"{label} 地址", max_length=ADDRESS_MAX, required=False)
    )
    if len(errors) > before:
        return None
    assert identity is not None and name is not None
    return ValidParty(kind, name, identity[1], phone, address or None, row.whereabouts_unknown)


def _party_kind(row: PartyForm, label: str) -> str | None:
    """The explicit kind, or None when the clerk left it to the ID number."""
    text = row.kind.strip()
    if not text:
        return None
    for kind, words in _KIND_WORDS.items():
        if text in words:
            return kind
    raise FieldError(f"{label} 类型", f"应为“自然人”或“单位”，收到“{text}”")


def _looks_like_resident_id(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).strip().upper()
    return bool(re.fullmatch(r"[0-9]{15}|[0-9]{17}[0-9X]", folded))


def _kind_from_shape(id_text: str) -> str:
    """A guess for checking the name when the ID number itself is bad: digits look like a person."""
    return PERSON if _looks_like_resident_id(id_text) else ORGANISATION


def _party_id(value: str, kind: str | None, label: str, today: date | None) -> tuple[str, str]:
    """(kind, number): 居民身份证 for a person, 统一社会信用代码 for an organisation; the number's shape
    decides when the kind was left blank."""
    field_label = f"{label} 证件号"
    if kind == PERSON:
        return PERSON, normalize_resident_id(value, field=field_label, today=today)
    if kind == ORGANISATION:
        return ORGANISATION, normalize_credit_code(value, field=field_label)
    if not value.strip():
        raise FieldError(field_label, "不能为空（自然人填居民身份证号，单位填统一社会信用代码）")
    if not _looks_like_resident_id(value):
        return ORGANISATION, normalize_credit_code(value, field=field_label)
    try:
        return PERSON, normalize_resident_id(value, field=field_label, today=today)
    except FieldError as as_person:
        try:  # an all-digit credit code is rare but legal
            return ORGANISATION, normalize_credit_code(value, field=field_label)
        except FieldError:
            raise as_person from None


def _party_name(value: str, kind: str | None, label: str) -> str:
    if kind == ORGANISATION:
        return clean_text(value, field=label, max_length=ORGANISATION_NAME_MAX)
    return normalize_person_name(value, field=label)


def _check_distinct_ids(sides: list[tuple[str, list[ValidParty | None]]], errors: list[FieldError]) -> None:
    """One person or organisation appears once in a case: not twice on a side, not on both sides."""
    seen: dict[str, str] = {}
    for role, parties in sides:
        for n, party in enumerate(parties, start=1):
            if party is None:
                continue
            label = f"{role}{n}"
            if party.id_number in seen:
                errors.append(FieldError(f"{label} 证件号", f"与{seen[party.id_number]}相同"))
            else:
                seen[party.id_number] = label


def _agents(
    rows: tuple[AgentForm, ...],
    sides: dict[str, list[ValidParty | None]],
    labels: dict[str, str],
    today: date,
    errors: list[FieldError],
) -> list[ValidAgent | None]:
    """Rows keep their numbers (代理人2 is the second row) even when a blank row before them is skipped."""
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if not row.is_blank]
    if len(numbered) > MAX_AGENTS:
        errors.append(FieldError("代理人", f"最多 {MAX_AGENTS} 个"))
        numbered = numbered[:MAX_AGENTS]
    party_ids = {p.id_number for parties in sides.values() for p in parties if p is not None}
    counts = {side: len(parties) for side, parties in sides.items()}
    agents = [_agent(row, f"代理人{n}", counts, labels, party_ids, today, errors) for n, row in numbered]
    _check_agent_conflicts([(f"代理人{n}", agent) for (n, _), agent in zip(numbered, agents, strict=True)], errors)
    return agents


def _agent(
    row: AgentForm,
    label: str,
    counts: dict[str, int],
    labels: dict[str, str],
    party_ids: set[str],
    today: date,
    errors: list[FieldError],
) -> ValidAgent | None:
    before = len(errors)
    name = _attempt(errors, lambda: normalize_person_name(row.name, field=f"{label} 姓名"))
    id_number = _attempt(errors, lambda: normalize_resident_id(row.id_number, field=f"{label} 证件号", today=today))
    if id_number is not None and id_number in party_ids:
        errors.append(FieldError(f"{label} 证件号", "代理人不能是本案当事人"))
    kind = _attempt(errors, lambda: _agent_kind(row.kind, f"{label} 类型"))
    phone = _attempt(errors, lambda: _optional(row.phone, lambda v: normalize_phone(v, field=f"{label} 电话")))
    _attempt(errors, lambda: _represented(row, f"{label} 代理对象", counts, labels))
    if len(errors) > before:
        return None
    assert name is not None and id_number is not None and kind is not None
    return ValidAgent(row.represents - 1, name, id_number, kind, phone, row.side)


def _represented(row: AgentForm, label: str, counts: dict[str, int], labels: dict[str, str]) -> None:
    """The party the agent acts for exists: a row of the applicants or of the respondents."""
    if row.side not in counts:
        raise FieldError(label, f"应为{labels[APPLICANT_SIDE]}或{labels[RESPONDENT_SIDE]}，收到“{row.side}”")
    role, count = labels[row.side], counts[row.side]
    if count == 0:
        raise FieldError(label, f"本案没有{role}，不能登记其代理人")
    if not 1 <= row.represents <= count:
        raise FieldError(label, f"应为{role}1 至 {role}{count} 之一")


def _check_agent_conflicts(agents: list[tuple[str, ValidAgent | None]], errors: list[FieldError]) -> None:
    """One agent is registered once per party, and never for both sides (双方代理)."""
    seen: dict[str, list[tuple[str, ValidAgent]]] = {}
    for label, agent in agents:
        if agent is None:
            continue
        earlier = seen.setdefault(agent.id_number, [])
        other_side = next((first for first, a in earlier if a.side != agent.side), None)
        same_party = next(
            (first for first, a in earlier if (a.side, a.represents) == (agent.side, agent.represents)), None
        )
        if other_side is not None:
            errors.append(FieldError(f"{label} 证件号", f"与{other_side}为同一人，不能同时代理双方当事人"))
        elif same_party is not None:
            errors.append(FieldError(f"{label} 证件号", f"与{same_party}为同一人，且代理同一当事人"))
        earlier.append((label, agent))


def _agent_kind(value: str, label: str) -> str:
    text = value.strip()
    for kind, words in _AGENT_WORDS.items():
        if text in (kind, *words):
            return kind
    raise FieldError(label, f"应为{'、'.join(AGENT_KINDS.values())}之一，收到“{text}”")


def _basis(draft: FilingDraft, today: date, errors: list[FieldError]) -> ValidBasis | None:
    typed = (draft.basis_court, draft.basis_number, draft.basis_effective_date)
    if not basis_required(draft.category) and not any(value.strip() for value in typed):
        return None
    before = len(errors)
    court = _attempt(
        errors, lambda: clean_text(draft.basis_court, field="执行依据 出具法院", max_length=COURT_NAME_MAX)
    )
    number = _attempt(errors, lambda: normalize_document_number(draft.basis_number))
    effective = _attempt(errors, lambda: _effective_date(draft.basis_effective_date, today))
    if len(errors) > before:
        return None
    assert court is not None and number is not None and effective is not None
    return ValidBasis(court, number, effective)


def _effective_date(value: str, today: date) -> date:
    label = "执行依据 生效日期"
    effective = parse_date(value, field=label)
    if effective > today:
        raise FieldError(label, f"不能晚于今天（{today.isoformat()}）")
    if effective < EARLIEST_EFFECTIVE_DATE:
        raise FieldError(label, f"早于 {EARLIEST_EFFECTIVE_DATE.isoformat()}，请核对")
    return effective


def _target_amount(draft: FilingDraft) -> int:
    if draft.category is FilingCategory.OBJECTION and not draft.target_amount.strip():
        return 0
    return parse_yuan(draft.target_amount, field="执行标的")


def _original_case_number(draft: FilingDraft) -> CaseNumber | None:
    label = "原案号"
    text = draft.original_case_number.strip()
    if draft.category is not FilingCategory.RESUMPTION:
        if text:
            raise FieldError(label, "只有申请恢复执行才填写原案号")
        return None
    if not text:
        raise FieldError(label, "申请恢复执行必须填写原案号（终本或终结的原案）")
    number = parse_case_number(clean_text(text, field=label, max_length=40), field=label)
    if number.case_type not in RESUMABLE_TYPES:
        raise FieldError(label, f"“{number.case_type.value}”字案件不能恢复执行；原案应为执或执恢字案件")
    return number


# --------------------------------------------------------------------------------------------------
# Likely duplicates (warned before filing)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateProbe:
    """What a new filing is compared by. ``case_id``/``original_case_id`` exclude itself and its original."""

    basis_number: str | None
    applicant_ids: frozenset[str]
    respondent_ids: frozenset[str]
    case_id: int | None = None
    original_case_id: int | None = None


@dataclass(frozen=True)
class DuplicateCandidate:
    """A stored case that shares the basis number or a party with the probe."""

    case_id: int
    case_number: str | None
    stage: Stage
    received_at: datetime
    basis_number: str | None
    applicants: Mapping[str, str] = field(default_factory=dict)  # ID number → name
    respondents: Mapping[str, str] = field(default_factory=dict)
    original_case_id: int | None = None


@dataclass(frozen=True)
class DuplicateHint:
    case_id: int
    case_number: str | None
    stage: Stage
    reasons: tuple[str, ...]

    @property
    def message(self) -> str:
        return f"疑似重复：{self.case_label}——" + "；".join(self.reasons)

    @property
    def case_label(self) -> str:
        return self.case_number or f"未立案（收案序号 {self.case_id}）"


_CLOSED = frozenset({Stage.CLOSED, Stage.ARCHIVED})


def duplicate_probe(draft: FilingDraft) -> DuplicateProbe:
    """The comparable keys of a draft; fields that do not validate yet are simply left out."""
    basis = None
    if draft.basis_number.strip():
        try:
            basis = normalize_document_number(draft.basis_number)
        except FieldError:
            basis = None
    return DuplicateProbe(basis, _valid_ids(draft.applicants), _valid_ids(draft.respondents))


def _valid_ids(rows: Iterable[PartyForm]) -> frozenset[str]:
    ids = set()
    for row in rows:
        try:
            ids.add(_party_id(row.id_number, _party_kind(row, ""), "", None)[1])
        except FieldError:
            continue
    return frozenset(ids)


def duplicate_hints(probe: DuplicateProbe, candidates: Iterable[DuplicateCandidate]) -> list[DuplicateHint]:
    """Rules: (1) the same basis document in a case not rejected — except the draft's own original and its
    closed resumptions, which share the basis by nature; (2) a shared applicant *and* a shared respondent
    (by ID number) in a case still open. Open cases come first."""
    hints = []
    for candidate in candidates:
        if candidate.case_id == probe.case_id:
            continue
        reasons = [*_same_basis(probe, candidate), *_same_parties(probe, candidate)]
        if reasons:
            hints.append(DuplicateHint(candidate.case_id, candidate.case_number, candidate.stage, tuple(reasons)))
    return sorted(hints, key=lambda h: (h.stage in _CLOSED or h.stage is Stage.REJECTED, -h.case_id))


def _same_basis(probe: DuplicateProbe, other: DuplicateCandidate) -> list[str]:
    if not probe.basis_number or other.basis_number != probe.basis_number or other.stage is Stage.REJECTED:
        return []
    if probe.original_case_id is not None and (
        other.case_id == probe.original_case_id
        or (other.original_case_id == probe.original_case_id and other.stage in _CLOSED)
    ):
        return []
    reason = f"执行依据文书号相同（{probe.basis_number}），该案{other.stage.label}"
    if other.stage in _CLOSED and probe.original_case_id is None:
        reason += "；如系终本后发现财产，应申请恢复执行"
    return [reason]


def _same_parties(probe: DuplicateProbe, other: DuplicateCandidate) -> list[str]:
    if other.stage in _CLOSED or other.stage is Stage.REJECTED:
        return []
    applicants = sorted(probe.applicant_ids & other.applicants.keys())
    respondents = sorted(probe.respondent_ids & other.respondents.keys())
    if not (applicants and respondents):
        return []
    names_a = "、".join(other.applicants[i] for i in applicants)
    names_r = "、".join(other.respondents[i] for i in respondents)
    return [f"申请执行人（{names_a}）与被执行人（{names_r}）相同，且该案尚未结案（{other.stage.label}）"]
