"""Pure rules of field work: delegated matters (R-DEL-1..2), counter business (R-CTR-1), field search and its
duty roster (R-CLU-1..2), and what an attached file must be (R-CLU-1, R-Q-4).

No I/O: services read the database and the files and hand the facts in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from zhihui_tui.domain.calendar import DELEGATION_CUTOFF, WorkCalendar, effective_request_day
from zhihui_tui.domain.case_number import CaseNumber, parse_case_number
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.roles import Role
from zhihui_tui.domain.validators import choice_text, clean_text, normalize_person_name, parse_date

# Field labels (shown at the field and in messages).
F_CASE = "案号"
F_KIND = "委托事项"
F_REQUIREMENTS = "具体要求"
F_DEADLINE = "办理期限"
F_INSTITUTION = "协执单位"
F_INSTITUTION_NAME = "单位名称"
F_URGENT = "临时拘传"
F_PLANNED_AT = "查找时间"
F_PLACE = "地点"
F_CATEGORY = "查找类别"
F_QUANTITY = "数量"
F_TARGETS = "查找对象名称"
F_INVESTIGATORS = "办理人员"
F_RESULT = "办理结果"
F_RECEIPT_NO = "回执编号"
F_RECEIPT_OFFICER = "协执单位经办人"
F_RECEIPT_SIGNED = "经办人签字"
F_FILE = "附件"
F_DECISION_NOTE = "审批意见"
F_SOURCE = "业务来源"

MIN_AT_BUREAU = 2  # R-CLU-2: investigators who stay at the bureau every day
MAX_REQUIREMENTS = 2000
MAX_RESULT = 4000
MAX_QUANTITY = 999


# -- delegated matters (R-DEL-1, R-DEL-2) ------------------------------------------------------------------------


class MatterKind(StrEnum):
    SERVICE = "service"
    COUNTER = "counter"
    SITE_INVESTIGATION = "site_investigation"
    COMPELLED_APPEARANCE = "compelled_appearance"
    PUBLIC_NOTICE = "public_notice"
    OTHER = "other"

    @property
    def label(self) -> str:
        return MATTER_KIND_LABELS[self]

    @property
    def post(self) -> Role:
        """The centre post whose queue does this kind of matter."""
        return MATTER_POSTS[self]

    @property
    def is_field_search(self) -> bool:
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
    PENDING_APPROVAL = "pending_approval"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {
            "pending_approval": "待局长审批",
            "open": "待办理",
            "in_progress": "办理中",
            "done": "已办结",
            "refused": "局长不予批准",
        }[self.value]


def parse_matter_kind(text: str) -> MatterKind:
    value = choice_text(text, field=F_KIND)
    for kind in MatterKind:
        if value in (kind.value, kind.label):
            return kind
    raise FieldError(F_KIND, f"没有“{value}”这类事项；可选：{'、'.join(MATTER_KIND_LABELS.values())}")


class Institution(StrEnum):
    BANK = "bank"
    VEHICLE_OFFICE = "vehicle_office"
    REAL_ESTATE_REGISTRY = "real_estate_registry"
    MARKET_REGULATOR = "market_regulator"

    @property
    def label(self) -> str:
        return INSTITUTION_LABELS[self]


INSTITUTION_LABELS: dict[Institution, str] = {
    Institution.BANK: "银行",
    Institution.VEHICLE_OFFICE: "车辆管理所",
    Institution.REAL_ESTATE_REGISTRY: "不动产登记中心",
    Institution.MARKET_REGULATOR: "市场监督管理局",
}


def parse_institution(text: str) -> Institution:
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
    if deadline < today:
        raise FieldError(F_DEADLINE, f"{deadline:%Y-%m-%d} 已经过去")
    if deadline < effective_day:
        raise FieldError(F_DEADLINE, f"早于本申请的起算日 {effective_day:%Y-%m-%d}（15:00 后提请自下一工作日起算）")


def check_result(text: str, *, field: str = F_RESULT) -> str:
    return clean_text(text, field=field, max_length=MAX_RESULT, multiline=True)


# -- field search and the duty roster (R-CLU-1, R-CLU-2) ---------------------------------------------------------


class SearchCategory(StrEnum):
    PERSON = "person"
    PROPERTY = "property"

    @property
    def label(self) -> str:
        return {"person": "人", "property": "物"}[self.value]


def parse_category(text: str) -> SearchCategory:
    value = choice_text(text, field=F_CATEGORY)
    for category in SearchCategory:
        if value in (category.value, category.label, f"查{category.label}"):
            return category
    raise FieldError(F_CATEGORY, "应为“人”或“物”")


@dataclass(frozen=True)
class SearchRegistration:
    """The field-search record as typed (R-CLU-1)."""

    matter_id: int
    planned_at: str  # YYYY-MM-DD HH:MM
    place: str
    category: str
    quantity: str
    target_names: str
    investigator_ids: tuple[int, ...]


@dataclass(frozen=True)
class CheckedRegistration:
    matter_id: int
    planned_at: datetime
    place: str
    category: SearchCategory
    quantity: int
    target_names: str
    investigator_ids: tuple[int, ...]

    @property
    def duty_day(self) -> date:
        return self.planned_at.date()


def parse_datetime(text: str, *, field: str) -> datetime:
    value = choice_text(text, field=field).replace("T", " ")
    if not value:
        raise FieldError(field, "不能为空")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            pass
    raise FieldError(field, f"格式应为 YYYY-MM-DD HH:MM，如 2026-11-27 14:30（收到：{value}）")


def parse_quantity(text: str) -> int:
    value = choice_text(text, field=F_QUANTITY)
    if not value.isascii() or not value.isdigit():
        raise FieldError(F_QUANTITY, "应为正整数")
    quantity = int(value)
    if quantity <= 0:
        raise FieldError(F_QUANTITY, "至少为 1")
    if quantity > MAX_QUANTITY:
        raise FieldError(F_QUANTITY, f"不能超过 {MAX_QUANTITY}")
    return quantity


def check_registration(raw: SearchRegistration, *, now: datetime) -> CheckedRegistration:
    planned_at = parse_datetime(raw.planned_at, field=F_PLANNED_AT)
    if planned_at.date() < now.date():
        raise FieldError(F_PLANNED_AT, f"{planned_at:%Y-%m-%d} 已经过去")
    place = clean_text(raw.place, field=F_PLACE, max_length=200)
    category = parse_category(raw.category)
    quantity = parse_quantity(raw.quantity)
    names = clean_text(raw.target_names, field=F_TARGETS, max_length=500)
    ids = tuple(dict.fromkeys(raw.investigator_ids))
    if not ids:
        raise FieldError(F_INVESTIGATORS, "至少指派 1 名线索查控人员")
    return CheckedRegistration(raw.matter_id, planned_at, place, category, quantity, names, ids)


@dataclass(frozen=True)
class RosterCheck:
    """Who is out and who stays at the bureau on a day once an assignment is added (R-CLU-2)."""

    day: date
    out: tuple[str, ...]  # names, in roster order
    at_bureau: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return len(self.at_bureau) >= MIN_AT_BUREAU


class RosterRefused(FieldError):
    def __init__(self, check: RosterCheck) -> None:
        staying = "、".join(check.at_bureau) or "无人"
        out = "、".join(check.out) or "无"
        super().__init__(
            F_INVESTIGATORS,
            f"{check.day:%Y-%m-%d} 须至少 {MIN_AT_BUREAU} 人在局留守；如此指派后留守仅剩：{staying}（外出：{out}）",
        )
        self.check = check


def roster_after(
    day: date,
    investigators: dict[int, str],
    already_out: Iterable[int],
    assigning: Sequence[int],
) -> RosterCheck:
    """``investigators``: every active 线索查控 member (id → name); ``already_out``: those on a field search that
    day; ``assigning``: the people about to be sent. Pure: the service supplies the facts."""
    out = set(already_out) | set(assigning)
    names_out = tuple(name for i, name in investigators.items() if i in out)  # roster (id) order
    staying = tuple(name for i, name in investigators.items() if i not in out)
    return RosterCheck(day, names_out, staying)


def check_roster(check: RosterCheck) -> None:
    if not check.ok:
        raise RosterRefused(check)


# -- counter business (R-CTR-1) -----------------------------------------------------------------------------------


class CounterSource(StrEnum):
    PRESERVATION = "preservation"
    DELEGATED = "delegated"
    HANDLER_REQUEST = "handler_request"

    @property
    def label(self) -> str:
        return {"preservation": "保全", "delegated": "委托", "handler_request": "承办人申请"}[self.value]


class CounterStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    HANDED_OVER = "handed_over"

    @property
    def label(self) -> str:
        return {"open": "待领取", "taken": "办理中", "handed_over": "已交接"}[self.value]


CENTRE_SOURCES = (CounterSource.PRESERVATION, CounterSource.DELEGATED)  # the centre opens these itself


@dataclass(frozen=True)
class CounterTaskForm:
    """A counter task the centre opens itself, as typed on the F8 form (checked by :func:`check_counter_task`)."""

    case_number: str
    institution: Institution | None
    source: CounterSource | None
    requirements: str
    institution_name: str = ""


@dataclass(frozen=True)
class CheckedCounterTask:
    case_number: CaseNumber
    institution: Institution
    institution_name: str
    source: CounterSource
    requirements: str


def check_counter_task(form: CounterTaskForm) -> CheckedCounterTask:
    """Check the form field by field, in the order the form shows them; the first bad field raises."""
    number = parse_case_number(clean_text(form.case_number, field=F_CASE, max_length=40))
    if form.institution is None:
        raise FieldError(F_INSTITUTION, f"请选择（{'、'.join(INSTITUTION_LABELS.values())}）")
    name = clean_text(form.institution_name or form.institution.label, field=F_INSTITUTION_NAME, max_length=100)
    if form.source is None:
        raise FieldError(F_SOURCE, f"请选择（{'、'.join(s.label for s in CENTRE_SOURCES)}）")
    if form.source not in CENTRE_SOURCES:
        raise FieldError(F_SOURCE, "承办人申请的临柜业务由承办人在工作台提请")
    requirements = clean_text(form.requirements, field=F_REQUIREMENTS, max_length=MAX_REQUIREMENTS, multiline=True)
    return CheckedCounterTask(number, form.institution, name, form.source, requirements)


def missing_cards(work_card_no: str | None, official_card_no: str | None) -> list[str]:
    """R-CTR-1: a counter officer holds both a court work card and an enforcement official card."""
    missing = []
    if not (work_card_no or "").strip():
        missing.append("人民法院工作证")
    if not (official_card_no or "").strip():
        missing.append("人民法院执行公务证")
    return missing


@dataclass(frozen=True)
class Receipt:
    """The counter receipt (回执) as typed at handover."""

    receipt_no: str
    institution_officer: str
    result: str
    signed_by: str  # the officer who handled it signs with their name


@dataclass(frozen=True)
class CheckedReceipt:
    receipt_no: str
    institution_officer: str
    result: str
    signed_by: str


def check_receipt(raw: Receipt, *, taker_name: str) -> CheckedReceipt:
    """Complete and signed (seed §四.5②): every field filled; the signature is the taking officer's name."""
    receipt_no = clean_text(raw.receipt_no, field=F_RECEIPT_NO, max_length=64)
    officer = normalize_person_name(raw.institution_officer, field=F_RECEIPT_OFFICER)
    result = check_result(raw.result)
    if not raw.signed_by.strip():
        raise FieldError(F_RECEIPT_SIGNED, "回执须由经办人签字确认后方可交接")
    signed = normalize_person_name(raw.signed_by, field=F_RECEIPT_SIGNED)
    if signed != taker_name:
        raise FieldError(F_RECEIPT_SIGNED, f"签字人“{signed}”不是本事项的经办人“{taker_name}”")
    return CheckedReceipt(receipt_no, officer, result, signed)


# -- attachments (R-CLU-1, R-Q-4) ----------------------------------------------------------------------------------


class AttachmentKind(StrEnum):
    TRANSCRIPT = "transcript"
    VIDEO = "video"
    PHOTO = "photo"
    SURVEY_FORM = "survey_form"
    RECEIPT = "receipt"

    @property
    def label(self) -> str:
        return {
            "transcript": "笔录",
            "video": "视频",
            "photo": "图片",
            "survey_form": "现场情况调查表",
            "receipt": "回执",
        }[self.value]


class FileType(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    MP4 = "mp4"
    MOV = "mov"
    AVI = "avi"
    PDF = "pdf"
    DOCX = "docx"


ALLOWED_TYPES: dict[AttachmentKind, frozenset[FileType]] = {
    AttachmentKind.PHOTO: frozenset({FileType.JPEG, FileType.PNG}),
    AttachmentKind.VIDEO: frozenset({FileType.MP4, FileType.MOV, FileType.AVI}),
    AttachmentKind.TRANSCRIPT: frozenset({FileType.PDF, FileType.DOCX}),
    AttachmentKind.SURVEY_FORM: frozenset({FileType.PDF, FileType.DOCX}),
    AttachmentKind.RECEIPT: frozenset({FileType.PDF, FileType.DOCX, FileType.JPEG, FileType.PNG}),
}

HEAD_BYTES = 64  # enough of the file's start to tell every allowed type


def sniff_file_type(head: bytes, *, zip_names: Iterable[str] = ()) -> FileType | None:
    """The type the file's first bytes show. A ZIP is a .docx only if it holds ``word/document.xml``
    (``zip_names``: the service lists the archive's members; a bare ZIP is not a document)."""
    if head.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if head.startswith(b"%PDF-"):
        return FileType.PDF
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return FileType.AVI
    if head[4:8] == b"ftyp":
        return FileType.MOV if head[8:12] == b"qt  " else FileType.MP4
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return FileType.MOV  # old QuickTime files start with an atom other than ftyp
    if head.startswith(b"PK\x03\x04") and "word/document.xml" in set(zip_names):
        return FileType.DOCX
    return None


def check_file_type(kind: AttachmentKind, found: FileType | None, *, name: str) -> FileType:
    allowed = "、".join(t.value.upper() for t in sorted(ALLOWED_TYPES[kind]))
    if found is None:
        raise FieldError(F_FILE, f"“{name}”不是可识别的{kind.label}文件（应为 {allowed}）")
    if found not in ALLOWED_TYPES[kind]:
        raise FieldError(F_FILE, f"“{name}”的内容是 {found.value.upper()}，不是{kind.label}（应为 {allowed}）")
    return found


def parse_attachment_kind(text: str) -> AttachmentKind:
    value = choice_text(text, field="附件类别")
    for kind in AttachmentKind:
        if value in (kind.value, kind.label):
            return kind
    labels = "、".join(k.label for k in AttachmentKind)
    raise FieldError("附件类别", f"没有“{value}”；可选：{labels}")
