"""Delegated matters (R-DEL-1, R-DEL-2): kinds, statuses, the request form and when a request counts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from zhihui_tui.domain.calendar import DELEGATION_CUTOFF, WorkCalendar, effective_request_day
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work.labels import (
    F_CASE,
    F_DEADLINE,
    F_INSTITUTION,
    F_INSTITUTION_NAME,
    F_KIND,
    F_REQUIREMENTS,
    F_RESULT,
    F_URGENT,
    MAX_REQUIREMENTS,
    MAX_RESULT,
)
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.validators import choice_text, clean_text, parse_date


class MatterKind(StrEnum):
    """What a handler delegates to the centre; the kind decides which post's queue does it."""

    SERVICE = "service"
    COUNTER = "counter"
    SITE_INVESTIGATION = "site_investigation"
    COMPELLED_APPEARANCE = "compelled_appearance"
    PUBLIC_NOTICE = "public_notice"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The kind in Chinese."""
        return MATTER_KIND_LABELS[self]

    @property
    def post(self) -> Role:
        """The centre post whose queue does this kind of matter."""
        return MATTER_POSTS[self]

    @property
    def is_field_search(self) -> bool:
        """Whether the matter is done by field search (现场调查, 拘传)."""
        return self in (MatterKind.SITE_INVESTIGATION, MatterKind.COMPELLED_APPEARANCE)


MATTER_KIND_LABELS: dict[MatterKind, str] = {
    MatterKind.SERVICE: "送达",
    MatterKind.COUNTER: "临柜",
    MatterKind.SITE_INVESTIGATION: "现场调查",
    MatterKind.COMPELLED_APPEARANCE: "拘传",
    MatterKind.PUBLIC_NOTICE: "公告",
    MatterKind.OTHER: "其他",
}

MATTER_POSTS: dict[MatterKind, Role] = {
    MatterKind.SERVICE: Role.SERVICE,
    MatterKind.COUNTER: Role.COUNTER_CONTROL,
    MatterKind.SITE_INVESTIGATION: Role.FIELD_SEARCH,
    MatterKind.COMPELLED_APPEARANCE: Role.FIELD_SEARCH,
    MatterKind.PUBLIC_NOTICE: Role.SERVICE,
    MatterKind.OTHER: Role.DIRECTOR,
}


class MatterStatus(StrEnum):
    """Where a delegated matter stands, from the chief's approval to done."""

    PENDING_APPROVAL = "pending_approval"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        """The status in Chinese."""
        return {
            "pending_approval": "待局长审批",
            "open": "待办理",
            "in_progress": "办理中",
            "done": "已办结",
            "refused": "局长不予批准",
        }[self.value]


def parse_matter_kind(text: str) -> MatterKind:
    """The matter kind typed as its value or its Chinese label."""
    value = choice_text(text, field=F_KIND)
    for kind in MatterKind:
        if value in (kind.value, kind.label):
            return kind
    raise FieldError(F_KIND, f"没有“{value}”这类事项；可选：{'、'.join(MATTER_KIND_LABELS.values())}")


class Institution(StrEnum):
    """The assisting institution a counter matter goes to."""

    BANK = "bank"
    VEHICLE_OFFICE = "vehicle_office"
    REAL_ESTATE_REGISTRY = "real_estate_registry"
    MARKET_REGULATOR = "market_regulator"

    @property
    def label(self) -> str:
        """The institution in Chinese."""
        return INSTITUTION_LABELS[self]


INSTITUTION_LABELS: dict[Institution, str] = {
    Institution.BANK: "银行",
    Institution.VEHICLE_OFFICE: "车辆管理所",
    Institution.REAL_ESTATE_REGISTRY: "不动产登记中心",
    Institution.MARKET_REGULATOR: "市场监督管理局",
}


def parse_institution(text: str) -> Institution:
    """The institution typed as its value or its Chinese label."""
    value = choice_text(text, field=F_INSTITUTION)
    for institution in Institution:
        if value in (institution.value, institution.label):
            return institution
    raise FieldError(F_INSTITUTION, f"没有“{value}”；可选：{'、'.join(INSTITUTION_LABELS.values())}")


@dataclass(frozen=True)
class MatterRequest:
    """What a handler typed on the request form (strings as typed; checked by :func:`check_matter_request`)."""

    case_id: int | None
    kind: MatterKind | None
    requirements: str
    deadline: str  # YYYY-MM-DD as typed
    urgent: bool = False
    institution: Institution | None = None  # counter matters only
    institution_name: str = ""


@dataclass(frozen=True)
class CheckedRequest:
    """A request form that passed :func:`check_matter_request`, with its effective day."""

    case_id: int
    kind: MatterKind
    requirements: str
    deadline: date
    urgent: bool
    effective_day: date
    institution: Institution | None
    institution_name: str

    @property
    def needs_chief(self) -> bool:
        """Whether the request waits for the bureau chief's approval (urgent 拘传 only)."""
        return self.urgent


@dataclass(frozen=True)
class RequestTiming:
    """When a request made now counts from, and the sentence the form shows before it is sent (R-DEL-2)."""

    effective_day: date
    late: bool  # made at or after 15:00 on a working day, or on a rest day
    message: str


def request_timing(now: datetime, cal: WorkCalendar, *, urgent: bool = False) -> RequestTiming:
    """R-DEL-2: before 15:00 on a working day a request counts from today; otherwise from the next working day.
    An urgent temporary 拘传 is not held to the cut-off: it goes straight to the bureau chief."""
    today = now.date()
    if urgent:
        return RequestTiming(today, False, "临时拘传：直接报请局长审批，不受 15:00 截止时间限制")
    day = effective_request_day(now, cal)
    if day == today:
        return RequestTiming(day, False, f"今日 {DELEGATION_CUTOFF:%H:%M} 前提请，自今日（{day:%m-%d}）起算")
    reason = f"已过 {DELEGATION_CUTOFF:%H:%M}" if cal.is_workday(today) else "今日非工作日"
    return RequestTiming(day, True, f"{reason}，本申请自下一工作日 {day:%Y-%m-%d}（{_weekday(day)}）起算")


def _weekday(day: date) -> str:
    return "周" + "一二三四五六日"[day.weekday()]


def check_matter_request(raw: MatterRequest, *, now: datetime, cal: WorkCalendar) -> CheckedRequest:
    """Check a request form before anything is written; the first bad field raises ``FieldError``."""
    if raw.case_id is None:
        raise FieldError(F_CASE, "请选择案件")
    if raw.kind is None:
        raise FieldError(F_KIND, "请选择委托事项类别")
    requirements = clean_text(raw.requirements, field=F_REQUIREMENTS, max_length=MAX_REQUIREMENTS, multiline=True)
    if raw.urgent and raw.kind is not MatterKind.COMPELLED_APPEARANCE:
        raise FieldError(F_URGENT, "只有拘传事项可以作为临时拘传报局长审批")
    institution, institution_name = None, ""
    if raw.kind is MatterKind.COUNTER:
        if raw.institution is None:
            raise FieldError(
                F_INSTITUTION, "临柜事项须选择协执单位（银行、车辆管理所、不动产登记中心、市场监督管理局）"
            )
        institution = raw.institution
        institution_name = clean_text(
            raw.institution_name or institution.label, field=F_INSTITUTION_NAME, max_length=100
        )
    deadline = parse_date(raw.deadline, field=F_DEADLINE)
    timing = request_timing(now, cal, urgent=raw.urgent)
    check_deadline(deadline, effective_day=timing.effective_day, today=now.date())
    return CheckedRequest(
        case_id=raw.case_id,
        kind=raw.kind,
        requirements=requirements,
        deadline=deadline,
        urgent=raw.urgent,
        effective_day=timing.effective_day,
        institution=institution,
        institution_name=institution_name,
    )


def check_deadline(deadline: date, *, effective_day: date, today: date) -> None:
    """Refuse a deadline already past or before the day the request counts from (R-DEL-2)."""
    if deadline < today:
        raise FieldError(F_DEADLINE, f"{deadline:%Y-%m-%d} 已经过去")
    if deadline < effective_day:
        raise FieldError(F_DEADLINE, f"早于本申请的起算日 {effective_day:%Y-%m-%d}（15:00 后提请自下一工作日起算）")


def check_result(text: str, *, field: str = F_RESULT) -> str:
    """The result text of a matter, cleaned and within its length limit."""
    return clean_text(text, field=field, max_length=MAX_RESULT, multiline=True)
