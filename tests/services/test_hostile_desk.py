"""Hostile values through the service desk (issue 16): mailings (method, address, tracking number, day) and results.

Each example mails a case of its own whose pack was generated, with a tracking number of its own (so the one-use
rule of numbers does not hide the other fields), and holds the outcome rule of ``test_hostile_services.attempt``
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.services.documents_court import FIRM, ZHANG, filed_case, register
from tests.services.hostile_kit import run_properties
from tests.services.test_hostile_services import Target
from tests.services.test_service_desk import Desk, generate
from tests.services.test_service_desk import court as desk_court  # noqa: F401  (the fixture, by this name)
from zhihui_tui.db.models import Case, ServiceAttempt
from zhihui_tui.domain.mailing import s10_check_digit
from zhihui_tui.domain.service_attempts import AttemptInput, ResultInput
from zhihui_tui.services import service_desk as desk

_serials = itertools.count(10_000_000)
MAILING = AttemptInput("邮寄", "科尔沁右翼前旗大坝沟镇永丰村", "", "2026-11-26")


def tracking_number() -> str:
    """A valid S10 number never used before in this run."""
    serial = f"{next(_serials):08d}"
    return f"EA{serial}{s10_check_digit(serial)}CN"


def packed_case(c: Desk) -> tuple[int, int, str]:
    """A filed case whose pack is generated and whose respondent is not mailed yet: (case id, the respondent's party
    id, a fresh tracking number). A refused example leaves its case to the next: generating packs is slow."""
    unused = getattr(c, "unmailed", None)
    if unused is not None:
        with Session(c.engine) as session:
            if session.exec(select(ServiceAttempt.id).where(ServiceAttempt.case_id == unused[0])).first() is None:
                return unused[0], unused[1], tracking_number()
    new = filed_case(applicants=(FIRM,), respondents=(ZHANG,), amount_fen=1_234_500)
    (number,) = register(c.engine, c.director, c.clock, new)
    generate(c, number)
    with Session(c.engine) as session:
        case_id = session.exec(select(Case.id).where(Case.case_number == number)).one()
    assert case_id is not None
    (party,) = desk.pack_recipients(case_id, ctx=c.ctx(c.clerk))
    c.unmailed = (case_id, party.party_id)  # type: ignore[attr-defined]
    return case_id, party.party_id, tracking_number()


def _mail(c: Desk, prepared: tuple[int, int, str], field: str, value: str) -> int:
    case_id, party_id, number = prepared
    raw = replace(MAILING, **({"tracking_number": number} | {field: value}))
    return desk.record_attempt(desk.Target(case_id, party_id=party_id), raw, ctx=c.ctx(c.clerk))


def _read_attempt(c: Desk, _: Any, attempt_id: int, field: str) -> str | None:
    with Session(c.engine) as session:
        row = session.get(ServiceAttempt, attempt_id)
        assert row is not None
        if field == "tracking_number":  # saved as one compact upper-case number, whatever spacing was typed
            assert row.tracking_number is None or (row.tracking_number.isascii() and row.tracking_number.isalnum())
        return row.address if field == "address" else None


def mailed(c: Desk) -> tuple[int, int]:
    """A mailing waiting for its result: (attempt id, its version)."""
    attempt_id = _mail(c, packed_case(c), "address", MAILING.address)
    with Session(c.engine) as session:
        row = session.get(ServiceAttempt, attempt_id)
        assert row is not None
        return attempt_id, row.version


def _result(c: Desk, prepared: tuple[int, int], field: str, value: str) -> None:
    attempt_id, version = prepared
    raw = replace(ResultInput("退回", "2026-11-27", "承办人直接送达"), **{field: value})
    desk.record_result(attempt_id, raw, expected_version=version, ctx=c.ctx(c.clerk))


TARGETS: dict[str, Target] = {
    "record_attempt": Target(
        lambda e, k: None,
        ("method", "address", "tracking_number", "sent_on"),
        _mail,
        prepare=packed_case,
        read=_read_attempt,
        plain=("address", "科尔沁右翼前旗归流河镇"),
    ),
    "record_result": Target(
        lambda e, k: None,
        ("result", "result_on", "next_attempt"),
        _result,
        prepare=mailed,
        plain=("next_attempt", "另址邮寄"),
    ),
}

# Values that once broke a service, kept as explicit examples of its property.
FOUND: dict[str, list[tuple[str, str]]] = {}


def test_hostile_values_through_the_service_desk(engine: Engine, request: pytest.FixtureRequest) -> None:
    court: Desk = request.getfixturevalue("desk_court")  # on ``engine``: SQLite, then PostgreSQL
    run_properties(TARGETS, lambda _: court, court.engine, FOUND)
