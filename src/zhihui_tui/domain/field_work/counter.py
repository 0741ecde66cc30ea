"""Counter business (R-CTR-1): tasks the centre opens, the officer's cards, and the receipt at handover."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from zhihui_tui.domain.case_number import CaseNumber, parse_case_number
from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.field_work.labels import (
    F_CASE,
    F_INSTITUTION,
    F_INSTITUTION_NAME,
    F_RECEIPT_NO,
    F_RECEIPT_OFFICER,
    F_RECEIPT_SIGNED,
    F_REQUIREMENTS,
    F_SOURCE,
    MAX_REQUIREMENTS,
)
from zhihui_tui.domain.field_work.matters import INSTITUTION_LABELS, Institution, check_result
from zhihui_tui.domain.validators import clean_text, normalize_person_name


class CounterSource(StrEnum):
    """Where a counter task came from: the centre's own (保全, 委托) or a handler's request."""

    PRESERVATION = "preservation"
    DELEGATED = "delegated"
    HANDLER_REQUEST = "handler_request"

    @property
    def label(self) -> str:
        """The source in Chinese."""
        return {"preservation": "保全", "delegated": "委托", "handler_request": "承办人申请"}[self.value]


class CounterStatus(StrEnum):
    """Where a counter task stands: waiting to be taken, taken by an officer, handed over."""

    OPEN = "open"
    TAKEN = "taken"
    HANDED_OVER = "handed_over"

    @property
    def label(self) -> str:
        """The status in Chinese."""
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
    """A counter-task form that passed :func:`check_counter_task`, with typed values."""

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
    """A receipt that passed :func:`check_receipt`: complete and signed by the taking officer."""

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
