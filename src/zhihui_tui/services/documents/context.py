"""A case's facts as the pack needs them, read in bulk, and the template context made from them.

``KNOWN_KEYS`` is the contract with the court's templates: a placeholder outside it stops the run
(templates.py), and every key in it is always present in a context (the render is strict).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from zhihui_tui.db.models import Case, CaseParty, EnforcementBasis, Party, Staff
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.documents import (
    DocumentKind,
    PartyFacts,
    chinese_date,
    enforcement_fee_fen,
    missing_service_fields,
    particulars,
    plain_date,
)
from zhihui_tui.domain.lifecycle import FilingCategory
from zhihui_tui.domain.money import format_yuan, to_chinese_capitals
from zhihui_tui.services.documents.config import DocumentSettings

# Placeholders a template may use; ``applicants``/``respondents`` are lists of {name, particulars, address}.
KNOWN_KEYS: frozenset[str] = frozenset(
    {
        "court_name",
        "title",
        "case_number",
        "applicants",
        "respondents",
        "applicant_names",
        "respondent_names",
        "respondent_addresses",
        "basis_issuing_body",
        "basis_number",
        "basis_kind",
        "basis_effective_date",
        "received_date",
        "filed_date",
        "target_amount",
        "target_amount_capitals",
        "has_fee",
        "fee_amount",
        "fee_capitals",
        "total_amount",
        "total_capitals",
        "funds_account_name",
        "funds_bank",
        "funds_account_number",
        "payment_reference",
        "summons_time",
        "summons_place",
        "court_phone",
        "handler_name",
        "issue_date",
    }
)
FEE_CATEGORIES = frozenset({FilingCategory.APPLICATION})  # 恢复执行 and a trial division's transfer pay no new fee
NO_FEE = "—"
GENERIC_BASIS_KIND = "法律文书"


@dataclass(frozen=True)
class Basis:
    """The enforcement basis as documents cite it."""

    issuing_body: str
    number: str
    kind: str
    effective: date | None


@dataclass(frozen=True)
class CaseFacts:
    """What a case's documents are filled from, read once per case."""

    case_id: int
    case_number: str
    category: FilingCategory
    received_at: datetime
    filed_at: datetime | None
    target_fen: int
    applicants: tuple[PartyFacts, ...]
    respondents: tuple[PartyFacts, ...]
    basis: Basis | None
    handler_name: str

    def missing(self) -> list[str]:
        """What stops this case's pack, named as the field a clerk fills in."""
        found = missing_service_fields(list(self.applicants), list(self.respondents))
        if self.basis is None:
            found.insert(0, "执行依据")
        else:
            if not self.basis.issuing_body.strip():
                found.insert(0, "执行依据的作出机关")
            if not self.basis.number.strip():
                found.insert(0, "执行依据的文书编号")
        return found


def read_facts(session: Session, case_ids: list[int]) -> dict[int, CaseFacts]:
    """Facts of many cases in four queries (cases, parties, bases, handlers), whatever their number."""
    cases = session.exec(select(Case).where(col(Case.id).in_(case_ids))).all()
    parties: dict[tuple[int, str], list[PartyFacts]] = defaultdict(list)
    rows = session.exec(
        select(CaseParty, Party)
        .join(Party, col(Party.id) == CaseParty.party_id)
        .where(col(CaseParty.case_id).in_(case_ids))
        .order_by(col(CaseParty.case_id), col(CaseParty.role), col(CaseParty.position))
    ).all()
    for link, party in rows:
        parties[(link.case_id, link.role)].append(
            PartyFacts(
                name=party.name,
                kind=party.kind,
                id_number=party.id_number,
                address=(link.service_address or party.address or "").strip() or None,
                whereabouts_unknown=link.whereabouts_unknown,
            )
        )
    bases = {
        b.case_id: b for b in session.exec(select(EnforcementBasis).where(col(EnforcementBasis.case_id).in_(case_ids)))
    }
    handler_ids = {c.handler_id for c in cases if c.handler_id is not None}
    names = (
        dict(session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(handler_ids))).all())
        if handler_ids
        else {}
    )
    facts: dict[int, CaseFacts] = {}
    for case in cases:
        assert case.id is not None
        basis = bases.get(case.id)
        facts[case.id] = CaseFacts(
            case_id=case.id,
            case_number=case.case_number or "",
            category=FilingCategory(case.filing_category),
            received_at=case.received_at,
            filed_at=case.filed_at,
            target_fen=case.target_amount_fen,
            applicants=tuple(parties[(case.id, "applicant")]),
            respondents=tuple(parties[(case.id, "respondent")]),
            basis=_basis(basis) if basis is not None else None,
            handler_name=names.get(case.handler_id, "") if case.handler_id is not None else "",
        )
    return facts


def _basis(row: EnforcementBasis) -> Basis:
    # The document kind becomes a field of its own with the basis work of issue 11; until then the generic name.
    kind = str(getattr(row, "document_kind", "") or "").strip()
    return Basis(row.issuing_court, row.document_number, kind or GENERIC_BASIS_KIND, row.effective_date)


def _names(parties: tuple[PartyFacts, ...]) -> str:
    return "、".join(p.name for p in parties)


def _party(p: PartyFacts) -> dict[str, str]:
    return {"name": p.name, "particulars": particulars(p), "address": p.address or ""}


def _time_of_day(hour: int) -> str:
    return f"上午{hour}时" if hour < 12 else f"下午{hour - 12 if hour > 12 else 12}时"


def build_context(
    facts: CaseFacts, kind: DocumentKind, *, settings: DocumentSettings, calendar: WorkCalendar, now: datetime
) -> dict[str, Any]:
    """Everything a template may print for one case and document; amounts in figures and capitals from the same
    integer fen, so the two can never disagree."""
    basis = facts.basis or Basis("", "", GENERIC_BASIS_KIND, None)
    fee = enforcement_fee_fen(facts.target_fen) if facts.category in FEE_CATEGORIES else None
    total = facts.target_fen + (fee or 0)
    summons_day = calendar.due_date(now, settings.summons_days)
    addresses = "；".join(
        f"{p.name}：{'下落不明' if p.whereabouts_unknown else p.address or ''}" for p in facts.respondents
    )
    return {
        "court_name": settings.court_name,
        "title": kind.label,
        "case_number": facts.case_number,
        "applicants": [_party(p) for p in facts.applicants],
        "respondents": [_party(p) for p in facts.respondents],
        "applicant_names": _names(facts.applicants),
        "respondent_names": _names(facts.respondents),
        "respondent_addresses": addresses,
        "basis_issuing_body": basis.issuing_body,
        "basis_number": basis.number,
        "basis_kind": basis.kind,
        "basis_effective_date": plain_date(basis.effective) if basis.effective else "",
        "received_date": plain_date(facts.received_at.date()),
        "filed_date": plain_date((facts.filed_at or facts.received_at).date()),
        "target_amount": format_yuan(facts.target_fen),
        "target_amount_capitals": to_chinese_capitals(facts.target_fen),
        "has_fee": fee is not None,
        "fee_amount": format_yuan(fee) if fee is not None else NO_FEE,
        "fee_capitals": to_chinese_capitals(fee) if fee is not None else NO_FEE,
        "total_amount": format_yuan(total),
        "total_capitals": to_chinese_capitals(total),
        "funds_account_name": settings.funds_account_name,
        "funds_bank": settings.funds_bank,
        "funds_account_number": settings.funds_account_number,
        "payment_reference": facts.case_number,
        "summons_time": f"{plain_date(summons_day)}{_time_of_day(settings.summons_hour)}",
        "summons_place": f"{settings.court_address}（{settings.court_name}执行指挥中心）",
        "court_phone": settings.court_phone or "见本院公告",
        "handler_name": facts.handler_name,
        "issue_date": chinese_date(now.date()),
    }


def sample_context(kind: DocumentKind) -> dict[str, Any]:
    """A full context with made-up values: a template is rendered with it once before a run, so a construct that
    only fails when rendered (a filter misspelt, a ``{{`` in the document properties) stops the run up front."""
    sample: dict[str, Any] = {key: "样例" for key in KNOWN_KEYS}
    party = {"name": "样例", "particulars": "样例", "address": "样例"}
    sample.update(title=kind.label, applicants=[party], respondents=[party, party], has_fee=True)
    return sample
