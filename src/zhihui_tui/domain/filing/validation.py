"""The filing form checked as a whole: every bad field reported at once, nothing partly accepted (R-Q-4)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from zhihui_tui.domain.basis import DEFAULT_COURT_CODES, parse_basis
from zhihui_tui.domain.case_number import CaseNumber, parse_case_number
from zhihui_tui.domain.errors import FieldError, attempt
from zhihui_tui.domain.filing.forms import (
    APPLICANT_SIDE,
    DOCUMENT_NUMBER_MAX,
    EARLIEST_EFFECTIVE_DATE,
    RESPONDENT_SIDE,
    RESUMABLE_TYPES,
    DraftInvalid,
    FilingDraft,
    ValidBasis,
    ValidFiling,
    applicants_required,
    basis_required,
    party_labels,
)
from zhihui_tui.domain.filing.parties import check_agents, check_distinct_ids, check_parties
from zhihui_tui.domain.lifecycle import FilingCategory, check_target_amount
from zhihui_tui.domain.money import parse_yuan
from zhihui_tui.domain.validators import clean_text, parse_date

BODY_FIELD = "执行依据 出具法院"
NUMBER_FIELD = "执行依据 文书号"
DATE_FIELD = "执行依据 生效日期"


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


def validate_draft(
    draft: FilingDraft, *, today: date, court_codes: Mapping[str, str] = DEFAULT_COURT_CODES
) -> ValidFiling:
    """Check every field and report all bad ones at once (``DraftInvalid``); nothing is partly accepted."""
    errors: list[FieldError] = []
    applicant_label, respondent_label = party_labels(draft.category)
    applicants = check_parties(draft.applicants, applicant_label, applicants_required(draft.category), today, errors)
    respondents = check_parties(draft.respondents, respondent_label, True, today, errors)
    check_distinct_ids([(applicant_label, applicants), (respondent_label, respondents)], errors)
    labels = {APPLICANT_SIDE: applicant_label, RESPONDENT_SIDE: respondent_label}
    sides = {APPLICANT_SIDE: applicants, RESPONDENT_SIDE: respondents}
    agents = check_agents(draft.agents, sides, labels, today, errors)
    basis = _basis(draft, today, court_codes, errors)
    amount = attempt(errors, lambda: _target_amount(draft))
    original = attempt(errors, lambda: _original_case_number(draft))
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


def draft_errors(
    draft: FilingDraft, *, today: date, court_codes: Mapping[str, str] = DEFAULT_COURT_CODES
) -> list[FieldError]:
    """Every bad field of the draft (empty when it would be accepted): for marking fields while typing."""
    try:
        validate_draft(draft, today=today, court_codes=court_codes)
    except DraftInvalid as invalid:
        return invalid.errors
    return []


def _basis(draft: FilingDraft, today: date, codes: Mapping[str, str], errors: list[FieldError]) -> ValidBasis | None:
    """The basis as courts write it (domain.basis): the body may be implied by the number's court code, the kind
    may follow the number, and a date written after it stands in for an empty 生效日期 field."""
    typed = (draft.basis_court, draft.basis_number, draft.basis_effective_date)
    if not basis_required(draft.category) and not any(value.strip() for value in typed):
        return None
    before = len(errors)
    parsed = attempt(
        errors,
        lambda: parse_basis(
            draft.basis_number,
            court_codes=codes,
            body=draft.basis_court,
            today=today,
            field=NUMBER_FIELD,
            body_field=BODY_FIELD,
        ),
    )
    written_date = parsed.effective_date if parsed else None
    if draft.basis_effective_date.strip() or written_date is None:
        effective = attempt(errors, lambda: _effective_date(draft.basis_effective_date, today))
    else:
        effective = attempt(errors, lambda: _not_too_early(written_date))
    if len(errors) > before:
        return None
    assert parsed is not None and effective is not None
    return ValidBasis(parsed.issuing_body, parsed.document_number, effective, parsed.document_kind)


def _effective_date(value: str, today: date) -> date:
    effective = parse_date(value, field=DATE_FIELD)
    if effective > today:
        raise FieldError(DATE_FIELD, f"不能晚于今天（{today.isoformat()}）")
    return _not_too_early(effective)


def _not_too_early(effective: date) -> date:
    if effective < EARLIEST_EFFECTIVE_DATE:
        raise FieldError(DATE_FIELD, f"早于 {EARLIEST_EFFECTIVE_DATE.isoformat()}，请核对")
    return effective


def _target_amount(draft: FilingDraft) -> int:
    if draft.category is FilingCategory.OBJECTION and not draft.target_amount.strip():
        return 0
    return check_target_amount(draft.category, parse_yuan(draft.target_amount, field="执行标的"))


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
