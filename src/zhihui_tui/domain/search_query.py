"""What a clerk typed into the one search box, and the search keys a case is filed under (both sides here,
so the index and the query can never disagree on a normalisation).

A query is read as one or more of these kinds, in this order:

- **ID number / credit code** — 18 characters (or a 15-digit legacy ID number, upgraded to 18). Only full
  numbers: the last 4 digits match ~1 in 10,000 people (hundreds of cases per query at 1M cases), collide with
  case sequence numbers, and would let anyone enumerate a person's cases from a partial number.
- **case number** — full (``（2026）内2221执123号``) or partial: ``2026执123``, ``执123``, ``内2221执123``,
  ``(2026)123`` or the bare sequence ``123``. Digits are the *sequence number*, matched exactly: ``123`` finds
  执123 and 执恢123 of every year, not 1234 (a clerk reads the sequence off a document; digit prefixes would
  flood the list). A bare 4-digit number is a sequence too; a year needs brackets or a type code after it.
- **pinyin initials** — 2 to 20 ASCII letters: the initials of a person's whole name (``zs`` → 张三, not 张三丰),
  every reading of a polyphonic surname. The same letters are also looked up as name text (Latin names).
- **name text** — anything else of 2 characters or more, matched as a substring of a party's name after
  folding width, case, spaces and middle dots (``阿依古丽买买提`` finds 阿依古丽·买买提). A single character is
  refused with a hint: a surname alone matches up to a tenth of all cases.

Other digit strings (7 to 14 digits, e.g. a phone number) match nothing and say so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import CaseType
from zhihui_tui.domain.validators import clean_text, normalize_credit_code, normalize_resident_id

QUERY_FIELD = "查询条件"
MAX_QUERY_LENGTH = 100
MAX_TERM_LENGTH = 100  # search_term.term
MIN_NAME_LENGTH = 2
MAX_PINYIN_LENGTH = 20


class TermKind(StrEnum):
    """The ``kind`` column of ``search_term``: one letter keeps the index small."""

    CASE_NUMBER = "c"  # 123 / 执123
    ID_NUMBER = "i"  # a party's or registered agent's ID number or credit code
    NAME_BIGRAM = "b"  # every 2-character window of a party name
    NAME_FULL = "f"  # a whole party name of 3+ characters: checks a longer query is really a substring (kept
    # in search_case.names, not walked)
    PINYIN = "p"  # initials of a person party's name


# -- normalisation -------------------------------------------------------------------------------------------

_DOTS_AND_SPACES = re.compile(r"[\s·•‧・∙⋅．.\u2e31\u30fb\uff65]+")
_BRACKETS = str.maketrans("〔〕［］【】[]", "()()()()")


def search_text(value: str) -> str:
    """A name as the index and the query compare it: NFKC, case-folded, without spaces and middle dots."""
    return _DOTS_AND_SPACES.sub("", unicodedata.normalize("NFKC", value).casefold())


def id_number_key(value: str) -> str:
    """An ID number or credit code as stored: NFKC, upper case, no spaces; 15-digit ID numbers upgraded."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()
    if re.fullmatch(r"[0-9]{15}", text):
        try:
            return normalize_resident_id(text)
        except FieldError:
            return text
    return text


ID_FIELD = "证件号"
MAX_ID_LENGTH = 40  # longer than any ID number or credit code (18), shorter than search_term.term


def parse_id_restriction(value: str) -> str:
    """A visitor's ID number that limits a search (reception): refused with a message if it holds control
    characters or is too long, so neither reaches the database; otherwise its stored form (may be "")."""
    text = clean_text(value, field=ID_FIELD, max_length=MAX_ID_LENGTH, required=False)
    key = id_number_key(text)
    if len(key) > MAX_ID_LENGTH:
        raise FieldError(ID_FIELD, f"不能超过 {MAX_ID_LENGTH} 个字符")
    return key


# -- index side ----------------------------------------------------------------------------------------------


def name_terms(name: str) -> set[tuple[TermKind, str]]:
    """Keys for one party name: its 2-character windows, and the whole name when it is longer than that."""
    text = search_text(name)[:MAX_TERM_LENGTH]
    terms = {(TermKind.NAME_BIGRAM, text[i : i + 2]) for i in range(len(text) - 1)}
    if len(text) > 2:
        terms.add((TermKind.NAME_FULL, text))
    return terms


KEY_SEPARATOR = "\n"  # joins a case's names and keys in search_case: never inside one (whitespace is dropped)


def stored_case_keys(names: str, rest: str) -> set[tuple[str, str]]:
    """The keys a case is walked by (search_term) from its search_case row: the 2-character windows of its whole
    names (which hold every window of those names) and the rest, stored as kind + term."""
    keys = _name_bigrams(names.split(KEY_SEPARATOR) if names else [])
    keys.update((key[0], key[1:]) for key in rest.split(KEY_SEPARATOR) if key)
    return keys


def _name_bigrams(texts: list[str]) -> set[tuple[str, str]]:
    kind = TermKind.NAME_BIGRAM.value
    return {(kind, text[i : i + 2]) for text in texts for i in range(len(text) - 1)}


def case_number_terms(*, case_type: str, sequence: int) -> set[str]:
    """The keys of ``（year）court+type+sequence号``: 123 and 执123. A year or court code in the query is checked
    on the few cases with that sequence (one per year and type), so it needs no key of its own."""
    return {str(sequence), f"{case_type}{sequence}"}


def bigrams(text: str) -> list[str]:
    """The distinct 2-character windows of an already normalised text, in order of first appearance."""
    return list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))


def like_pattern(text: str, *, escape: str = "!") -> str:
    """``%text%`` with LIKE's wildcards taken literally (``%`` and ``_`` are ordinary characters in a name)."""
    for ch in (escape, "%", "_"):
        text = text.replace(ch, escape + ch)
    return f"%{text}%"


# -- query side ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseNumberQuery:
    """A full or partial case number; ``term`` is the stored form it is looked up by, year and court are checked."""

    sequence: int
    case_type: CaseType | None = None
    year: int | None = None
    court_code: str | None = None

    @property
    def term(self) -> str:
        """The index key this number query walks: type code and sequence, or the sequence alone."""
        return f"{self.case_type.value}{self.sequence}" if self.case_type else str(self.sequence)


@dataclass(frozen=True)
class SearchQuery:
    """What one search box's text was read as: the keys to look up, and a hint for the clerk."""

    text: str
    case_number: CaseNumberQuery | None = None
    id_number: str | None = None
    pinyin: str | None = None
    name: str | None = None  # normalised by search_text, at least MIN_NAME_LENGTH characters
    notice: str | None = None  # a hint for the clerk when the query is read in an unexpected way

    @property
    def is_empty(self) -> bool:
        """Whether nothing in the text can be searched for."""
        return not (self.case_number or self.id_number or self.pinyin or self.name)


_TYPES = "|".join(sorted((t.value for t in CaseType), key=len, reverse=True))
_CASE_NUMBER = re.compile(
    rf"(?:\((?P<y1>[0-9]{{4}})\)|(?P<y2>[0-9]{{4}})(?=[^0-9]))?"
    rf"(?P<court>[\u4e00-\u9fff][0-9]{{4}}(?=执))?(?P<type>{_TYPES})?(?P<seq>[0-9]{{1,6}})号?"
)
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")
# GB 32100 shape: authority and category, a 6-digit division code, then 10 more code characters.
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")
_PINYIN = re.compile(rf"[a-z]{{2,{MAX_PINYIN_LENGTH}}}")


def parse_query(value: str) -> SearchQuery:
    """Read the search box. Empty or blank → an empty query; too long or control characters → FieldError."""
    text = clean_text(value, field=QUERY_FIELD, max_length=MAX_QUERY_LENGTH, required=False)
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).translate(_BRACKETS)
    if not compact:
        return SearchQuery(text="")
    upper = compact.upper()
    if _RESIDENT_ID.fullmatch(upper) or _CREDIT_CODE.fullmatch(upper):
        return _id_query(text, upper)
    number = _case_number(compact)
    if number is not None:
        return SearchQuery(text=text, case_number=number)
    if compact.isascii() and compact.isdigit():
        return SearchQuery(text=text, notice="无法识别的数字：请输入完整的身份证号、案号或案件序号")
    name = search_text(text)
    if len(name) > MAX_QUERY_LENGTH:  # NFKC and case folding can lengthen a text (㍿ → 株式会社, ß → ss)
        raise FieldError(QUERY_FIELD, f"不能超过 {MAX_QUERY_LENGTH} 个字")
    if _PINYIN.fullmatch(name):
        return SearchQuery(text=text, pinyin=name, name=name)
    if len(name) < MIN_NAME_LENGTH:
        return SearchQuery(text=text, notice="按名称查找请至少输入两个字")
    return SearchQuery(text=text, name=name)


def _id_query(text: str, upper: str) -> SearchQuery:
    try:
        return SearchQuery(text=text, id_number=normalize_resident_id(upper, field="证件号"))
    except FieldError as resident_error:
        try:
            return SearchQuery(text=text, id_number=normalize_credit_code(upper, field="证件号"))
        except FieldError:
            reason = resident_error if upper[:17].isdigit() else None
            notice = f"{reason.message}；仍按原样查找" if reason else "证件号校验未通过；仍按原样查找"
            return SearchQuery(text=text, id_number=upper, notice=notice)


def _case_number(compact: str) -> CaseNumberQuery | None:
    match = _CASE_NUMBER.fullmatch(compact)
    if match is None or int(match["seq"]) == 0:
        return None
    year = match["y1"] or match["y2"]
    if match["y2"] and not (match["court"] or match["type"]):
        return None  # "2026" followed by something that is not a court or type code
    return CaseNumberQuery(
        sequence=int(match["seq"]),
        case_type=CaseType(match["type"]) if match["type"] else None,
        year=int(year) if year else None,
        court_code=match["court"],
    )
