"""Hostile values through the end of a case (issue 16): measures, the 终本 override, closing, the watch, the dossier.

Each example works on a case of its own, brought to the stage the service needs, and holds the outcome rule of
``test_hostile_services.attempt`` on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from tests.conftest import make_staff
from tests.services.documents_court import BASIS, FIRM, ZHANG
from tests.services.hostile_kit import run_properties
from tests.services.test_case_end import CALENDAR, FILED, Court
from tests.services.test_hostile_services import Target
from zhihui_tui.db.models import (
    Dossier,
    DossierSupplement,
    EnforcementMeasure,
    NetworkInquiry,
    ZhongbenOverride,
    ZhongbenWatch,
)
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.closing import MeasureKind
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role
from zhihui_tui.services import closing
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.cases import NewCase, register_case
from zhihui_tui.services.uow import unit_of_work


def new_case(c: Court) -> int:
    """A case assigned to the handler, its inquiry submitted: only the consumption restriction is missing."""
    new = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=FILED.replace(hour=9),
        applicants=(FIRM,),
        respondents=(ZHANG,),
        target_amount_fen=5_000_000,
        basis=BASIS,
        stage=Stage.ASSIGNED,
        filed_at=FILED,
        handler_id=c.handler.id,
    )
    system = system_actor(c.engine)
    with unit_of_work(c.engine, actor=system, action="收案", clock=c.clock) as session:
        case = register_case(session, new, actor=system, calendar=CALENDAR, court_code="内2221")
        session.flush()
        assert case.id is not None
        at = FILED
        session.add(
            NetworkInquiry(
                case_id=case.id,
                dossier_received_at=at,
                started_at=at,
                started_by_id=c.inquiry.id,
                submitted_at=at,
                submitted_by_id=c.inquiry.id,
            )
        )
        return case.id


def closed_case(c: Court) -> int:
    case_id = new_case(c)
    closing.record_measure(case_id, MeasureKind.CONSUMPTION_RESTRICTION.label, "2026-11-20", ctx=c.ctx(c.handler))
    closing.close_case(case_id, "终本", ctx=c.ctx(c.handler))
    return case_id


def eligible_case(c: Court) -> int:
    """A case that meets every 终本 condition: closing it is up to the form alone."""
    case_id = new_case(c)
    closing.record_measure(case_id, MeasureKind.CONSUMPTION_RESTRICTION.label, "2026-11-20", ctx=c.ctx(c.handler))
    return case_id


def scanned_case(c: Court) -> int:
    case_id = closed_case(c)
    closing.transfer_dossier(case_id, "120", "YJ-2026-001", ctx=c.ctx(c.handler))
    closing.receive_dossier(case_id, ctx=c.ctx(c.keeper))
    closing.mark_scanned(case_id, ctx=c.ctx(c.keeper))
    return case_id


def first_round(c: Court) -> int:
    case_id = closed_case(c)
    with Session(c.engine) as session:
        found = session.exec(
            select(ZhongbenWatch.id).where(ZhongbenWatch.case_id == case_id).order_by(col(ZhongbenWatch.round))
        ).first()
    assert found is not None
    return found


def _measure(c: Court, case_id: int, field: str, value: str) -> int:
    texts = {"kind": MeasureKind.CONSUMPTION_RESTRICTION.label, "done_on": "2026-11-20", "note": "已发出"}
    texts[field] = value
    closing.record_measure(case_id, texts["kind"], texts["done_on"], texts["note"], ctx=c.ctx(c.handler))
    return case_id


def _close(c: Court, case_id: int, field: str, value: str) -> int:
    texts = {"closure": "终本", "note": "无可供执行财产"} | {field: value}
    closing.close_case(case_id, texts["closure"], texts["note"], ctx=c.ctx(c.handler))
    return case_id


def _transfer(c: Court, case_id: int, field: str, value: str) -> int:
    texts = {"pages": "120", "form_no": "YJ-2026-001"} | {field: value}
    closing.transfer_dossier(case_id, texts["pages"], texts["form_no"], ctx=c.ctx(c.handler))
    return case_id


def _supplement(c: Court, case_id: int, field: str, value: str) -> int:
    texts = {"description": "新发现财产线索材料", "pages": "3"} | {field: value}
    closing.add_supplement(case_id, texts["description"], texts["pages"], ctx=c.ctx(c.keeper))
    return case_id


def _stored(c: Court, case_id: int, field: str) -> str | None:
    """The free text a closing service kept, read back from its own table."""
    queries: dict[str, Any] = {
        "note": select(EnforcementMeasure.note).where(EnforcementMeasure.case_id == case_id),
        "reason": select(ZhongbenOverride.reason).where(ZhongbenOverride.case_id == case_id),
        "form_no": select(Dossier.transfer_form_no).where(Dossier.case_id == case_id),
        "archive_no": select(Dossier.archive_no).where(Dossier.case_id == case_id),
        "description": select(DossierSupplement.description).where(DossierSupplement.case_id == case_id),
        "result": select(ZhongbenWatch.result).where(ZhongbenWatch.id == case_id),
    }
    if field not in queries:
        return None
    with Session(c.engine) as session:
        return str(session.exec(queries[field]).first() or "")


TARGETS: dict[str, Target] = {
    "record_measure": Target(
        lambda e, k: None,
        ("kind", "done_on", "note"),
        _measure,
        prepare=new_case,
        read=lambda c, p, r, f: _stored(c, p, f),
        plain=("note", "限高令已送达"),
    ),
    "override_zhongben": Target(
        lambda e, k: None,
        ("reason",),
        lambda c, case_id, f, v: closing.override_zhongben(case_id, v, ctx=c.ctx(c.director)),
        prepare=new_case,
        read=lambda c, p, r, f: _stored(c, p, f),
        plain=("reason", "被执行人已无财产"),
    ),
    "close_case": Target(
        lambda e, k: None, ("closure", "note"), _close, prepare=eligible_case, plain=("note", "无可供执行财产")
    ),
    "transfer_dossier": Target(
        lambda e, k: None,
        ("pages", "form_no"),
        _transfer,
        prepare=closed_case,
        read=lambda c, p, r, f: _stored(c, p, f),
        plain=("form_no", "YJ-2026-002"),
    ),
    "archive_case": Target(
        lambda e, k: None,
        ("archive_no",),
        lambda c, case_id, f, v: closing.archive_case(case_id, v, ctx=c.ctx(c.keeper)),
        prepare=scanned_case,
        read=lambda c, p, r, f: _stored(c, p, f),
        plain=("archive_no", "2026-执-0001"),
    ),
    "add_supplement": Target(
        lambda e, k: None,
        ("description", "pages"),
        _supplement,
        prepare=closed_case,
        read=lambda c, p, r, f: _stored(c, p, f),
        plain=("description", "补充材料"),
    ),
    "record_watch": Target(
        lambda e, k: None,
        ("result",),
        lambda c, watch, f, v: closing.record_watch(watch, v, found_property=False, ctx=c.ctx(c.inquiry)),
        prepare=first_round,
        read=lambda c, p, r, f: _stored(c, p, f),
        plain=("result", "未发现财产"),
    ),
}

# Values that once broke a service, kept as explicit examples of its property.
FOUND: dict[str, list[tuple[str, str]]] = {
    # page counts were read with str.isdigit() and int(): a superscript "¹" or a digit of another script ("᧚")
    # passes isdigit() and makes int() raise ValueError, and so do more than 4,300 digits
    "transfer_dossier": [("pages", "¹"), ("pages", "᧚"), ("pages", "9" * 5000)],
    "add_supplement": [("pages", "²"), ("pages", "9" * 5000)],
}


@pytest.fixture
def court(engine: Engine, clock: FixedClock) -> Court:
    """The staff of the end of a case; each example files its own case (``new_case``)."""
    staff = [
        make_staff(engine, clock, login, role, name=name)
        for login, role, name in (
            ("kuai01", Role.HANDLER, "王建国"),
            ("zhuren", Role.DIRECTOR, "张宏伟"),
            ("juzhang", Role.BUREAU_CHIEF, "孟凡军"),
            ("chakong", Role.NETWORK_INQUIRY, "刘洋"),
            ("juanzong1", Role.DOSSIER, "郑秀兰"),
        )
    ]
    return Court(engine, clock, *staff, case_id=0)


def test_hostile_values_through_the_closing_services(court: Court) -> None:
    run_properties(TARGETS, lambda _: court, court.engine, FOUND)
