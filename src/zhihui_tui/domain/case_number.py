"""Case numbers in the national format ``（2026）内2221执123号`` (R-CASE-2)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.lifecycle import CaseType

# Longest type codes first so 执恢 is not read as 执 followed by garbage.
_TYPES = "|".join(sorted((t.value for t in CaseType), key=len, reverse=True))
_PATTERN = re.compile(
    rf"^[（(](?P<year>[0-9]{{4}})[）)](?P<court>[\u4e00-\u9fff][0-9]{{4}})(?P<type>{_TYPES})(?P<seq>[1-9][0-9]{{0,5}})号$"
)


@dataclass(frozen=True, order=True)
class CaseNumber:
    """A case number's parts: （year）court code + type + sequence 号."""

    year: int
    court_code: str
    case_type: CaseType
    sequence: int

    def __str__(self) -> str:
        return f"（{self.year}）{self.court_code}{self.case_type.value}{self.sequence}号"


def parse_case_number(text: str, *, field: str = "案号") -> CaseNumber:
    """Parse a full case number; half-width brackets and full-width digits (an IME's) are accepted and normalised.

    NFKC first, then ASCII digits only: ``\\d`` would also take digits of other scripts into the court code."""
    match = _PATTERN.match(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        raise FieldError(field, f"“{text}”不是有效的案号，格式如（2026）内2221执123号")
    return CaseNumber(
        year=int(match["year"]),
        court_code=match["court"],
        case_type=CaseType(match["type"]),
        sequence=int(match["seq"]),
    )
