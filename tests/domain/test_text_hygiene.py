"""Every normaliser measures the text it returns: lengths and control characters are checked after the last
Unicode normalisation, and every limit fits the database column it is stored in."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhihui_tui.db import models
from zhihui_tui.domain import field_work, filing, phones, reception, search_query, validators
from zhihui_tui.domain.errors import FieldError

# Text a person might paste, biased towards the characters that change under NFKC or are refused.
_TRICKY = "㍿㈱ﬃßİ①⑴ｱＡ１　 \t\n\r\x00\x1b\u200b\u202e\ufeff\u2028·•・-'()（）〔〕号执民初内2221"
_TEXT = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(_TRICKY)), max_size=220)


def _clean(**kwargs: object) -> Callable[[str], str]:
    return lambda value: validators.clean_text(value, field="字段", **kwargs)  # type: ignore[arg-type]


# (normaliser, the longest result it may return, whether a newline may remain)
NORMALISERS: dict[str, tuple[Callable[[str], str], int, bool]] = {
    "clean_text": (_clean(max_length=50), 50, False),
    "clean_text NFKC": (_clean(max_length=50, form="NFKC"), 50, False),
    "clean_text multiline": (_clean(max_length=200, multiline=True), 200, True),
    "person name": (validators.normalize_person_name, validators.PERSON_NAME_MAX, False),
    "resident id": (validators.normalize_resident_id, 18, False),
    "credit code": (validators.normalize_credit_code, 18, False),
    "mobile": (phones.normalize_mobile, 11, False),
    "landline": (phones.normalize_landline, 32, False),
    "phone": (phones.normalize_phone, 32, False),
    "document number": (filing.normalize_document_number, filing.DOCUMENT_NUMBER_MAX, False),
    "choice": (lambda v: validators.choice_text(v, field="选项"), 40, False),
    "id restriction": (search_query.parse_id_restriction, search_query.MAX_ID_LENGTH, False),
    "other document": (
        lambda v: reception.check_id_document(reception.IdKind.OTHER, v) or "",
        reception.OTHER_DOCUMENT_MAX,
        False,
    ),
    "search query name": (lambda v: search_query.parse_query(v).name or "", search_query.MAX_QUERY_LENGTH, False),
    "search query text": (lambda v: search_query.parse_query(v).text, search_query.MAX_QUERY_LENGTH, False),
}


def _refused(ch: str, newline_ok: bool) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs") and not (newline_ok and ch == "\n")


@pytest.mark.parametrize("name", NORMALISERS)
@settings(max_examples=300, deadline=None)
@given(value=_TEXT)
def test_every_normaliser_refuses_or_returns_clean_text_within_its_limit(name: str, value: str) -> None:
    normalise, limit, newline_ok = NORMALISERS[name]
    try:
        result = normalise(value)
    except FieldError as error:
        assert error.message  # a Chinese reason for the clerk, never a crash
        return
    assert len(result) <= limit, (name, value, result)
    assert not any(_refused(ch, newline_ok) for ch in result), (name, value, result)


@pytest.mark.parametrize("name", ["person name", "document number", "clean_text NFKC"])
def test_compatibility_characters_are_measured_after_folding(name: str) -> None:
    """50 × ㍿ is 50 characters typed, 200 after NFKC (株式会社 each)."""
    normalise, limit, _ = NORMALISERS[name]
    value = "㍿" * 50 if name != "document number" else "（2025）内2221民初1号" + "㍿" * 85
    with pytest.raises(FieldError, match=f"不能超过 {limit} 个字"):
        normalise(value)


def test_a_search_name_that_grows_under_folding_is_refused() -> None:
    with pytest.raises(FieldError, match="不能超过 100 个字"):
        search_query.parse_query("㍿" * 30)


@pytest.mark.parametrize(
    "parse",
    [
        field_work.parse_matter_kind,
        field_work.parse_institution,
        field_work.parse_category,
        field_work.parse_quantity,
        field_work.parse_attachment_kind,
        lambda v: field_work.parse_datetime(v, field="时间"),
        search_query.parse_id_restriction,
        search_query.parse_query,
    ],
)
@pytest.mark.parametrize("value", ["\x00", "银\x00行", "\x1b[31m", "2026-11-27\x0014:30"])
def test_choices_and_codes_refuse_control_characters(parse: Callable[[str], object], value: str) -> None:
    with pytest.raises(FieldError, match="控制字符"):
        parse(value)


# Each limit a validator enforces, and the column its result is stored in.
LIMITS_AND_COLUMNS = [
    (validators.PERSON_NAME_MAX, models.Staff, "name"),
    (validators.PERSON_NAME_MAX, models.Party, "name"),
    (filing.ORGANISATION_NAME_MAX, models.Party, "name"),
    (validators.PERSON_NAME_MAX, models.Agent, "name"),
    (validators.PERSON_NAME_MAX, models.Visit, "visitor_name"),
    (validators.PERSON_NAME_MAX, models.CounterTask, "receipt_officer"),
    (validators.PERSON_NAME_MAX, models.CounterTask, "receipt_signed_by"),
    (filing.ADDRESS_MAX, models.Party, "address"),
    (filing.COURT_NAME_MAX, models.EnforcementBasis, "issuing_court"),
    (filing.DOCUMENT_NUMBER_MAX, models.EnforcementBasis, "document_number"),
    (18, models.Party, "id_number"),
    (32, models.Party, "phone"),
    (32, models.Agent, "phone"),
    (32, models.Staff, "office_phone"),
    (11, models.Staff, "mobile"),
    (32, models.Staff, "login"),
    (32, models.Staff, "work_card_no"),
    (32, models.Staff, "official_card_no"),
    (reception.OTHER_DOCUMENT_MAX, models.Visit, "visitor_id_number"),
    (32, models.Visit, "visitor_phone"),
    (reception.LATE_REASON_MAX, models.Visit, "late_entry_reason"),
    (reception.OUTCOME_MAX, models.Visit, "outcome"),
    (reception.PARTY_NAME_MAX, models.Appointment, "party_name"),
    (reception.NOTE_MAX, models.Appointment, "note"),
    (reception.NOTE_MAX, models.Appointment, "outcome"),
    (field_work.MAX_REQUIREMENTS, models.DelegatedMatter, "requirements"),
    (field_work.MAX_RESULT, models.DelegatedMatter, "result"),
    (200, models.FieldSearch, "place"),
    (500, models.FieldSearch, "target_names"),
    (100, models.CounterTask, "institution_name"),
    (64, models.CounterTask, "receipt_no"),
    (search_query.MAX_TERM_LENGTH, models.SearchTerm, "term"),
]


@pytest.mark.parametrize(("limit", "model", "column"), LIMITS_AND_COLUMNS)
def test_every_validated_limit_fits_its_column(limit: int, model: type, column: str) -> None:
    length = model.__table__.c[column].type.length  # type: ignore[attr-defined]
    assert length is None or length >= limit, f"{model.__name__}.{column}: {length} < {limit}"


@settings(max_examples=200)
@given(text=st.one_of(_TEXT, st.builds(lambda t, n: t * n, _TEXT, st.integers(1, 50))))
def test_a_refusal_is_shown_on_one_bounded_line_and_a_clean_one_unchanged(text: str) -> None:
    """``shown``: what every DomainError's text goes through (they echo what was typed)."""
    from zhihui_tui.domain.errors import DomainError
    from zhihui_tui.domain.text_hygiene import SHOWN_MAX, has_control_characters, shown

    message = DomainError(f"不能保存：{text}").message
    assert not has_control_characters(message) and len(message) <= SHOWN_MAX
    assert message.startswith("不能保存：") and shown(message) == message
    if len(text) < SHOWN_MAX - 10 and not has_control_characters(text):
        assert message == f"不能保存：{text}"


@pytest.mark.parametrize("typed", ["᧚", "٣", "9" * 5000, "", " ", "-1", "0", "1.0", "1e3", "100001"])
def test_a_whole_number_is_ascii_digits_within_its_range(typed: str) -> None:
    with pytest.raises(FieldError, match="应为 1 至 100000 的整数"):
        validators.whole_number(typed, field="页数", low=1, high=100_000)


def test_a_whole_number_folds_full_width_digits() -> None:
    assert validators.whole_number(" １２０ ", field="页数", low=1, high=100_000) == 120
