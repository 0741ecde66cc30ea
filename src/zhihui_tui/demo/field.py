"""查人找物 in the demo court (SPEC §3.8): handlers' requests for site investigations and 拘传 on their cases,
some waiting in the F7 queue, others registered with two investigators sent out — never leaving fewer than two
at the bureau on any day (R-CLU-2). The requests count from the day R-DEL-2 says (before or after 15:00).

Finished searches are left out on purpose: an outcome needs its transcript or survey form on file (全程留痕), and
the demo writes no files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from zhihui_tui.db.models import DelegatedMatter, FieldSearch, FieldSearchInvestigator
from zhihui_tui.demo.cases import CaseSpec
from zhihui_tui.demo.work import Crew
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.field_work import MIN_AT_BUREAU, MatterKind, MatterStatus, SearchCategory, request_timing
from zhihui_tui.domain.lifecycle import FilingCategory, Stage

SEARCHES = 14  # requests on cases in 承办中; about a third still wait to be registered
WAITING_SHARE = 0.35


@dataclass(frozen=True)
class SearchCase:
    case_id: int
    spec: CaseSpec


def field_candidates(specs: list[tuple[int, CaseSpec]]) -> list[SearchCase]:
    """Cases a handler holds that are worth a site visit: assigned, not an objection, in filing order."""
    return [
        SearchCase(case_id, spec)
        for case_id, spec in specs
        if spec.stage is Stage.ASSIGNED and spec.category is not FilingCategory.OBJECTION and spec.handler
    ]


def write_field_searches(
    session: Session,
    candidates: list[SearchCase],
    crew: Crew,
    rng: random.Random,
    *,
    calendar: WorkCalendar,
    now: datetime,
) -> int:
    """Write the requests and registrations; returns how many were registered."""
    chosen = rng.sample(candidates, min(SEARCHES, len(candidates)))
    chosen.sort(key=lambda c: c.spec.sort_key)
    out: dict[date, set[int]] = {}  # duty day → investigators already sent out that day
    spare = len(crew.investigators) - MIN_AT_BUREAU
    registered = 0
    for item in chosen:
        spec = item.spec
        handler = crew.by_login[spec.handler or ""]
        respondent = spec.respondents[0]
        kind = MatterKind.COMPELLED_APPEARANCE if rng.random() < 0.35 else MatterKind.SITE_INVESTIGATION
        earliest = max(spec.times[Stage.ASSIGNED] + timedelta(days=1), now - timedelta(days=10))
        requested = _moment(rng, calendar, earliest, now)
        effective = request_timing(requested, calendar).effective_day
        deadline = _workday_from(calendar, effective + timedelta(days=7))
        matter = DelegatedMatter(
            case_id=item.case_id,
            kind=kind.value,
            post=kind.post.value,
            requirements=_requirements(kind, respondent.name, respondent.address or "住所地"),
            urgent=False,
            requested_by_id=handler.id,
            requested_at=requested,
            effective_day=effective,
            handler_deadline=deadline,
            status=MatterStatus.OPEN.value,
        )
        session.add(matter)
        session.flush()
        assert matter.id is not None
        if rng.random() < WAITING_SHARE:
            continue
        day = _workday_from(calendar, max(effective, requested.date()))
        while len(out.get(day, set())) + 2 > spare:  # keep two at the bureau
            day = _workday_from(calendar, day + timedelta(days=1))
        free = [a for a in crew.investigators if a.id not in out.get(day, set())]
        team = rng.sample(free, 2)
        out.setdefault(day, set()).update(a.id for a in team)
        planned = datetime.combine(day, time(rng.choice((9, 10, 14, 15)), rng.choice((0, 30))))
        registered_at = min(max(requested + timedelta(minutes=rng.randint(20, 240)), requested), now)
        search = FieldSearch(
            matter_id=matter.id,
            case_id=item.case_id,
            planned_at=planned,
            duty_day=day,
            place=respondent.address or "被执行人住所地",
            category=(SearchCategory.PERSON if kind is MatterKind.COMPELLED_APPEARANCE else _category(rng)).value,
            quantity=1,
            target_names=respondent.name,
            registered_by_id=crew.investigators[0].id,
            registered_at=registered_at,
        )
        session.add(search)
        session.flush()
        assert search.id is not None
        session.add_all(FieldSearchInvestigator(field_search_id=search.id, staff_id=a.id, duty_day=day) for a in team)
        matter.status = MatterStatus.IN_PROGRESS.value
        registered += 1
    return registered


def _category(rng: random.Random) -> SearchCategory:
    return SearchCategory.PROPERTY if rng.random() < 0.6 else SearchCategory.PERSON


def _requirements(kind: MatterKind, name: str, address: str) -> str:
    if kind is MatterKind.COMPELLED_APPEARANCE:
        return f"被执行人{name}经两次传票传唤无正当理由拒不到场，请依法拘传至执行局接受询问（{address}）"
    return f"到被执行人{name}住所地（{address}）调查其居住及财产状况，制作现场调查笔录并拍照"


def _moment(rng: random.Random, calendar: WorkCalendar, earliest: datetime, latest: datetime) -> datetime:
    """A moment in office hours between the two, on a working day (the latest possible if none fits)."""
    span = max(0, (latest.date() - earliest.date()).days)
    for _ in range(20):
        day = earliest.date() + timedelta(days=rng.randint(0, span))
        at = datetime.combine(day, time(rng.randint(8, 16), rng.choice((5, 20, 35, 50))))
        if calendar.is_workday(day) and earliest <= at <= latest:
            return at
    return latest - timedelta(minutes=5)


def _workday_from(calendar: WorkCalendar, day: date) -> date:
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


SERVICE_MATTERS = 4  # handlers' 送达 and 公告 matters waiting at 集约送达


def write_service_matters(
    session: Session, candidates: list[SearchCase], crew: Crew, *, calendar: WorkCalendar, now: datetime
) -> None:
    """Handlers hand documents to 集约送达 (R-SRV-3) and, once every other way failed, ask for public notice
    (R-SRV-2). Drawn from their own generator so the field searches above stay as they were."""
    rng = random.Random(2026_1206)
    chosen = sorted(rng.sample(candidates, min(SERVICE_MATTERS, len(candidates))), key=lambda c: c.spec.sort_key)
    for number, item in enumerate(chosen):
        spec = item.spec
        respondent = spec.respondents[0]
        kind = MatterKind.PUBLIC_NOTICE if number == len(chosen) - 1 else MatterKind.SERVICE
        requested = _moment(rng, calendar, now - timedelta(days=4), now)
        effective = request_timing(requested, calendar).effective_day
        session.add(
            DelegatedMatter(
                case_id=item.case_id,
                kind=kind.value,
                post=kind.post.value,
                requirements=_service_requirements(kind, respondent.name, respondent.address or "住所地"),
                urgent=False,
                requested_by_id=crew.by_login[spec.handler or ""].id,
                requested_at=requested,
                effective_day=effective,
                handler_deadline=_workday_from(calendar, effective + timedelta(days=5 if number % 2 else 10)),
                status=MatterStatus.OPEN.value,
                owner_id=crew.service[number % 2].id if number % 3 == 0 else None,
            )
        )


def _service_requirements(kind: MatterKind, name: str, address: str) -> str:
    if kind is MatterKind.PUBLIC_NOTICE:
        return f"被执行人{name}下落不明，邮寄、直接送达均未果，请在人民法院公告网公告送达执行通知书、报告财产令"
    return f"向被执行人{name}邮寄送达限制消费令、执行裁定书（{address}）"
