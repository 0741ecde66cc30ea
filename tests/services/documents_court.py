"""A small court for the service-document tests: filed cases with parties, addresses and bases, and the settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import docx
from sqlalchemy import Engine

from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewBasis, NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.documents import DocumentSettings
from zhihui_tui.services.uow import unit_of_work

CALENDAR = load_calendar(None)
SETTINGS = DocumentSettings(
    court_name="科尔沁右翼前旗人民法院",
    funds_account_name="科尔沁右翼前旗人民法院",
    funds_bank="中国农业银行科尔沁右翼前旗支行",
    funds_account_number="05581101040009999",
    court_address="科尔沁右翼前旗科尔沁镇法院路1号",
    court_phone="0482-5555555",
)
SETTINGS_ENV = {
    "ZHIHUI_FUNDS_ACCOUNT_NAME": SETTINGS.funds_account_name,
    "ZHIHUI_FUNDS_BANK": SETTINGS.funds_bank,
    "ZHIHUI_FUNDS_ACCOUNT_NUMBER": SETTINGS.funds_account_number,
    "ZHIHUI_COURT_ADDRESS": SETTINGS.court_address,
    "ZHIHUI_COURT_PHONE": SETTINGS.court_phone,
}


def person(name: str, id_number: str, address: str | None = "科尔沁右翼前旗大坝沟镇", **extra: object) -> NewParty:
    return NewParty(PartyKind.PERSON, name, id_number, address=address, **extra)  # type: ignore[arg-type]


def firm(name: str, code: str, address: str | None = "乌兰浩特市兴安盟经济开发区") -> NewParty:
    return NewParty(PartyKind.ORGANISATION, name, code, address=address)


BASIS = NewBasis("科尔沁右翼前旗人民法院", "（2026）内2221民初5000号", date(2026, 10, 1))


def filed_case(
    *,
    applicants: tuple[NewParty, ...],
    respondents: tuple[NewParty, ...],
    amount_fen: int,
    basis: NewBasis | None = BASIS,
    received: datetime = datetime(2026, 11, 24, 9, 0),
    category: FilingCategory = FilingCategory.APPLICATION,
) -> NewCase:
    return NewCase(
        category=category,
        received_at=received,
        applicants=applicants,
        respondents=respondents,
        target_amount_fen=amount_fen,
        basis=basis,
        stage=Stage.FILED,
        filed_at=received.replace(hour=15),
    )


def register(engine: Engine, actor: Actor, clock: FixedClock, *cases: NewCase) -> list[str]:
    """Register filed cases; returns their case numbers in order."""
    numbers = []
    with unit_of_work(engine, actor=actor, action="收案", clock=clock) as session:
        for new in cases:
            case = register_case(session, new, actor=actor, calendar=CALENDAR, court_code="内2221")
            assert case.case_number is not None
            numbers.append(case.case_number)
    return numbers


# Valid ID numbers (GB 11643 check digit) and credit codes (GB 32100) used across the tests.
ZHANG = person("张三", "152221199003070013")
LI = person("李四", "152221198507150027")
WANG = person("王五", "15222119781212001X")
FIRM = firm("科右前旗某某商贸有限公司", "91152221MA0N2X3Y4P")


def text_of(path: Path) -> str:
    """Every paragraph and table cell of a .docx, read back with python-docx."""
    document = docx.Document(str(path))
    return "\n".join(_texts(document))


def _texts(document: docx.document.Document) -> Iterator[str]:
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield cell.text
