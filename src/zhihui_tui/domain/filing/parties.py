"""Parties and agents of a filing form: each row checked, identities distinct, agents for a party on the form."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from zhihui_tui.domain.errors import FieldError, attempt
from zhihui_tui.domain.filing.forms import (
    ADDRESS_MAX,
    AGENT_KINDS,
    APPLICANT_SIDE,
    MAX_AGENTS,
    MAX_PARTIES_PER_SIDE,
    ORGANISATION,
    ORGANISATION_NAME_MAX,
    PERSON,
    RESPONDENT_SIDE,
    AgentForm,
    PartyForm,
    ValidAgent,
    ValidParty,
    optional,
)
from zhihui_tui.domain.identity import identify
from zhihui_tui.domain.phones import normalize_phone
from zhihui_tui.domain.validators import clean_text, normalize_person_name

_KIND_WORDS: dict[str, tuple[str, ...]] = {
    PERSON: ("自然人", "个人", "person"),
    ORGANISATION: ("单位", "法人", "组织", "organisation"),
}
_AGENT_WORDS: dict[str, tuple[str, ...]] = {
    "lawyer": ("律师",),
    "relative": ("近亲属", "亲属", "近属"),
    "other": ("其他", "其他公民"),
}


def check_parties(
    rows: tuple[PartyForm, ...], role: str, required: bool, today: date, errors: list[FieldError]
) -> list[ValidParty | None]:
    """Each party row of one side checked (None where a row is bad); a required side needs at least one."""
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
    chosen = attempt(errors, lambda: party_kind(row, label))
    identity = attempt(errors, lambda: party_id(row.id_number, chosen, label, today))
    kind = identity[0] if identity else (chosen or _kind_from_shape(row.id_number))
    name = attempt(errors, lambda: _party_name(row.name, kind, f"{label} 姓名/名称"))
    phone = attempt(errors, lambda: optional(row.phone, lambda v: normalize_phone(v, field=f"{label} 电话")))
    address = attempt(
        errors, lambda: clean_text(row.address, field=f"{label} 地址", max_length=ADDRESS_MAX, required=False)
    )
    if len(errors) > before:
        return None
    assert identity is not None and name is not None
    return ValidParty(kind, name, identity[1], phone, address or None, row.whereabouts_unknown)


def party_kind(row: PartyForm, label: str) -> str | None:
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


def party_id(value: str, kind: str | None, label: str, today: date | None) -> tuple[str, str]:
    """(kind, number): 居民身份证 for a person, 统一社会信用代码 for an organisation; the number's shape
    decides when the kind was left blank (:func:`zhihui_tui.domain.identity.identify`, one rule everywhere)."""
    return identify(value, field=f"{label} 证件号", today=today, kind=kind or None)


def _party_name(value: str, kind: str | None, label: str) -> str:
    if kind == ORGANISATION:
        return clean_text(value, field=label, max_length=ORGANISATION_NAME_MAX)
    return normalize_person_name(value, field=label)


def check_distinct_ids(sides: list[tuple[str, list[ValidParty | None]]], errors: list[FieldError]) -> None:
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


def check_agents(
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
    name = attempt(errors, lambda: normalize_person_name(row.name, field=f"{label} 姓名"))
    id_number = attempt(errors, lambda: identify(row.id_number, field=f"{label} 证件号", today=today, kind=PERSON)[1])
    if id_number is not None and id_number in party_ids:
        errors.append(FieldError(f"{label} 证件号", "代理人不能是本案当事人"))
    kind = attempt(errors, lambda: _agent_kind(row.kind, f"{label} 类型"))
    phone = attempt(errors, lambda: optional(row.phone, lambda v: normalize_phone(v, field=f"{label} 电话")))
    attempt(errors, lambda: _represented(row, f"{label} 代理对象", counts, labels))
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
