"""Whom a case's pack still has to reach: each respondent with the address for service and what the next attempt
must be — the mailing form offers exactly these."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import CaseParty, Party, ServiceAttempt
from zhihui_tui.domain.mailing import NextAttempt, ServiceResult
from zhihui_tui.domain.service_attempts import NEXT_METHOD, ServiceMethod
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.service_desk.queues import describe_attempt
from zhihui_tui.services.service_desk.rules import ServiceAction, require_action


@dataclass(frozen=True)
class Recipient:
    """A respondent of the case, where service stands for them, and the way their next attempt takes (None when
    they are served or an attempt awaits its result)."""

    party_id: int
    name: str
    address: str  # the confirmed service address, else the party's registered one
    stands: str  # "未寄出", "邮寄 EA… 待结果", "退回→另址邮寄", "送达 12-05"
    next_method: ServiceMethod | None
    served: bool


def pack_recipients(case_id: int, *, ctx: ServiceContext) -> list[Recipient]:
    """The case's respondents in filing order, each with where service stands."""
    require_action(ctx.actor, ServiceAction.VIEW)
    with read_session(ctx.engine) as session:
        parties = session.exec(
            select(CaseParty, Party)
            .join(Party, col(Party.id) == CaseParty.party_id)
            .where(CaseParty.case_id == case_id, CaseParty.role == "respondent")
            .order_by(col(CaseParty.id))
        ).all()
        attempts = session.exec(
            select(ServiceAttempt)
            .where(ServiceAttempt.case_id == case_id, col(ServiceAttempt.party_id).is_not(None))
            .order_by(col(ServiceAttempt.id))
        ).all()
    last = {row.party_id: row for row in attempts}
    return [_recipient(link, party, last.get(party.id)) for link, party in parties if party.id is not None]


def _recipient(link: CaseParty, party: Party, last: ServiceAttempt | None) -> Recipient:
    assert party.id is not None
    address = link.service_address or party.address or ""
    if last is None:
        return Recipient(party.id, party.name, address, "未寄出", ServiceMethod.MAIL, served=False)
    served = last.result is not None and ServiceResult(last.result).served
    if served or last.result is None:
        return Recipient(party.id, party.name, address, describe_attempt(last), None, served=served)
    chosen = NextAttempt(last.next_attempt) if last.next_attempt else NextAttempt.ANOTHER_ADDRESS
    return Recipient(party.id, party.name, address, describe_attempt(last), NEXT_METHOD[chosen], served=False)
