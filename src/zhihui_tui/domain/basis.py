"""执行依据 as courts write it (R-CASE-3): issuing body, document number, document kind, effective date.

A clerk or an old system writes the basis in one line, in any of these forms::

    （2026）内2221民初5000号                                   the number alone: the body is implied by the court code
    （2026）内2221民初5000号民事判决书                         … with the document kind after it
    科尔沁右翼前旗人民法院（2026）内2221民初5000号民事判决书   an explicit body before the number
    兴安仲裁委员会（2026）兴仲裁字第27号裁决书                 an arbitration award (no court code: body required)
    （2026）内22民终415号之一 2026-03-05生效                    an appellate ruling's 之一 number, effective date

The court code inside a court's number (内2221, 内22, 内, 最高法) names the court through a small, court-editable
table (:data:`DEFAULT_COURT_CODES`, extended by ``data/court_codes.toml``); an unknown code is kept as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from zhihui_tui.domain.errors import FieldError
from zhihui_tui.domain.validators import clean_text, parse_date

FIELD = "执行依据"
BODY_MAX = 100
NUMBER_MAX = 100
KIND_MAX = 20
TEXT_MAX = 200

# Courts of this league and above; the court's own code comes from its settings. Other codes: data/court_codes.toml.
DEFAULT_COURT_CODES: Mapping[str, str] = {
    "最高法": "最高人民法院",
    "内": "内蒙古自治区高级人民法院",
    "内22": "兴安盟中级人民法院",
    "内2201": "乌兰浩特市人民法院",
    "内2202": "阿尔山市人民法院",
    "内2221": "科尔沁右翼前旗人民法院",
    "内2222": "科尔沁右翼中旗人民法院",
    "内2223": "扎赉特旗人民法院",
    "内2224": "突泉县人民法院",
}

# Kinds as written after the number; an alias maps a short form to its full name.
DOCUMENT_KINDS: tuple[str, ...] = (
    "民事判决书",
    "民事调解书",
    "民事裁定书",
    "民事决定书",
    "刑事判决书",
    "刑事裁定书",
    "刑事附带民事判决书",
    "刑事附带民事调解书",
    "行政判决书",
    "行政裁定书",
    "行政调解书",
    "行政决定书",
    "行政处罚决定书",
    "仲裁裁决书",
    "仲裁调解书",
    "公证债权文书",
    "执行证书",
    "支付令",
)
KIND_ALIASES: Mapping[str, str] = {
    "裁决书": "仲裁裁决书",
    "调解书": "民事调解书",
    "判决书": "民事判决书",
    "裁定书": "民事裁定书",
    "具有强制执行效力的公证债权文书": "公证债权文书",
    "公证书": "公证债权文书",
}

_PROVINCES = "京津冀晋内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新兵"
_OPEN = "（(〔[【"
_CLOSE = "）)〕]】"
_NUMBER = re.compile(
    rf"[{re.escape(_OPEN)}]\s*(?P<year>[0-9]{{4}})\s*[{re.escape(_CLOSE)}]"
    r"(?P<word>[^\s，,；;：:（）()]*?)第?(?P<serial>[0-9]+)号(?P<sub>之[0-9一二三四五六七八九十]+)?"
)
_COURT_CODE = re.compile(rf"(?P<code>最高法|[{_PROVINCES}](?:[0-9]{{2}}){{0,3}})(?=[\u4e00-\u9fff])")
_EFFECTIVE = re.compile(r"^(?:生效日期|生效时间|生效)?[：:]?(?P<date>.+?)(?:生效)?$")
_SEPARATORS = " \t，,；;：:。、"


@dataclass(frozen=True)
class Basis:
    """One enforcement basis document: who issued it, its number, what kind of document, when effective."""

    issuing_body: str
    document_number: str
    document_kind: str | None = None
    effective_date: date | None = None
    body_implied: bool = False  # the body was read from the court code, not written

    @property
    def label(self) -> str:
        """As a court document cites it: body, number, kind."""
        return f"{self.issuing_body}{self.document_number}{self.document_kind or ''}"


def court_code_of(number: str) -> str | None:
    """The court code inside a court's document number (``（2026）内22民终415号`` → ``内22``), else None."""
    match = _NUMBER.search(number)
    if match is None:
        return None
    code = _COURT_CODE.match(match["word"])
    return code["code"] if code else None


def normalize_number(text: str, *, field: str = FIELD) -> str:
    """``(2026)内2221民初 5000号`` → ``（2026）内2221民初5000号``: one spelling, so duplicates match in SQL."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    match = _NUMBER.fullmatch(folded)
    if match is None:
        raise FieldError(field, f"文书编号应如（2026）内2221民初1234号，收到“{text.strip()}”")
    return _spelled(match)


def number_in(text: str) -> str | None:
    """The canonical document number inside a basis line (body and kind around it ignored), else None."""
    match = _NUMBER.search(re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))
    return _spelled(match) if match else None


def _spelled(match: re.Match[str]) -> str:
    serial = ("第" if "第" in match.group() else "") + match["serial"]
    return f"（{match['year']}）{match['word']}{serial}号{match['sub'] or ''}"


def parse_basis(
    text: str,
    *,
    court_codes: Mapping[str, str],
    body: str = "",
    today: date | None = None,
    field: str = FIELD,
    body_field: str | None = None,
) -> Basis:
    """Read one line of 执行依据 (see the module docstring); ``body`` is a separately typed issuing body (F3's field).

    Refused with the reason at ``field``: no document number, no body where the number has no court code (at
    ``body_field`` when the body has a field of its own), an unknown trailing text, an effective date in the future
    (``today``) or impossible."""
    line = clean_text(text, field=field, max_length=TEXT_MAX, form="NFKC")
    compact = re.sub(r"\s+", "", line)
    match = _NUMBER.search(compact)
    if match is None:
        raise FieldError(field, "缺少文书编号，应如（2026）内2221民初1234号民事判决书")
    number = _spelled(match)
    if len(number) > NUMBER_MAX:
        raise FieldError(field, f"文书编号不能超过 {NUMBER_MAX} 个字")
    written = compact[: match.start()].strip(_SEPARATORS)
    body_at = body_field or field
    typed = clean_text(body, field=body_at, max_length=BODY_MAX, required=False, form="NFKC") if body else ""
    if written and typed and written != typed:
        raise FieldError(body_field or field, f"作出机关写了两次且不一致：“{typed}”与“{written}”")
    issuing_body, implied = _issuing_body(written or typed, match, court_codes, body_field or field)
    kind, rest = _kind_and_rest(compact[match.end() :].strip(_SEPARATORS), field)
    effective = _effective_date(rest, today, field) if rest else None
    return Basis(issuing_body, number, kind, effective, implied)


def _issuing_body(written: str, match: re.Match[str], codes: Mapping[str, str], field: str) -> tuple[str, bool]:
    if written:
        if len(written) > BODY_MAX:
            raise FieldError(field, f"作出机关不能超过 {BODY_MAX} 个字")
        return written, False
    code = _COURT_CODE.match(match["word"])
    if code is None:
        raise FieldError(field, "文书编号中没有法院代字，请写明作出机关，如：兴安仲裁委员会（2026）兴仲裁字第27号")
    return codes.get(code["code"], code["code"]), True


def _kind_and_rest(tail: str, field: str) -> tuple[str | None, str]:
    """The document kind at the start of what follows the number, and what is left (an effective date)."""
    for kind in sorted((*DOCUMENT_KINDS, *KIND_ALIASES), key=len, reverse=True):
        if tail.startswith(kind):
            return KIND_ALIASES.get(kind, kind), tail[len(kind) :].strip(_SEPARATORS)
    written = re.match(r"[\u4e00-\u9fff]{1,20}?(?:书|令)(?=$|[0-9\s，,；;（(生])", tail)
    if written is not None and not written.group().startswith("生效"):
        return written.group(), tail[written.end() :].strip(_SEPARATORS)
    return None, tail


def _effective_date(rest: str, today: date | None, field: str) -> date:
    match = _EFFECTIVE.fullmatch(rest.strip(_SEPARATORS + "（）()"))
    if match is None:
        raise FieldError(field, f"文书号后的“{rest}”无法识别：应为文书种类（如 民事判决书）或生效日期")
    try:
        effective = parse_date(match["date"].strip(_SEPARATORS), field=field)
    except FieldError:
        raise FieldError(field, f"文书号后的“{rest}”无法识别：应为文书种类（如 民事判决书）或生效日期") from None
    if today is not None and effective > today:
        raise FieldError(field, f"生效日期不能晚于今天（{today.isoformat()}）")
    return effective


def court_codes_with(own_code: str, own_name: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The code table in force: the packaged codes, the court's own (from its settings), then the court's file."""
    return {**DEFAULT_COURT_CODES, own_code: own_name, **(extra or {})}
