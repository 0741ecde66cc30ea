"""The demo cases: how many per category and stage, their amounts, parties, basis, team and handler."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from zhihui_tui.demo.common import FAST_LIMIT_FEN, FEN_PER_YUAN, ORIGINAL_WINDOW_DAYS, WINDOW_DAYS, weighted
from zhihui_tui.demo.parties import CREDITORS, TRANSFER_APPLICANT, Parties
from zhihui_tui.demo.staff import StaffSpec, demo_roster
from zhihui_tui.demo.timeline import AGES, Timeline, stage_path
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Team, Title
from zhihui_tui.services.cases import NewAgent, NewBasis, NewParty, PartyKind

# ------------------------------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------------------------------

_PLAN_STAGES = (
    Stage.RECEIVED, Stage.FILED, Stage.SERVED, Stage.INQUIRED, Stage.TRIAGED,
    Stage.ESCALATED, Stage.ASSIGNED, Stage.CLOSED, Stage.ARCHIVED, Stage.REJECTED,
)  # fmt: skip
# Cases per category and stage (columns as above): every stage and every category; objection cases skip
# service and triage; each 执恢 case brings its archived 终本 original (an extra 申请执行 case).
_PLAN: tuple[tuple[FilingCategory, tuple[int, ...]], ...] = (
    (FilingCategory.APPLICATION, (18, 22, 20, 20, 14, 6, 72, 18, 24, 6)),
    (FilingCategory.TRANSFER, (3, 4, 3, 3, 3, 1, 10, 3, 4, 1)),
    (FilingCategory.OBJECTION, (3, 4, 0, 0, 0, 0, 10, 3, 4, 2)),
    (FilingCategory.RESUMPTION, (2, 2, 2, 2, 1, 1, 3, 0, 0, 1)),
)
# Triage showcase (R-TRI-2): the first cases awaiting triage sit exactly on and around the 200,000-yuan line.
_EDGE_AMOUNTS_FEN = (FAST_LIMIT_FEN, FAST_LIMIT_FEN - 1, FAST_LIMIT_FEN + 1)
_COURTS = (
    ("科尔沁右翼前旗人民法院", "内2221民初", 0.7),
    ("兴安盟中级人民法院", "内22民终", 0.15),
    ("乌兰浩特市人民法院", "内2201民初", 0.05),
    ("兴安仲裁委员会", "兴仲裁字第", 0.1),
)
# Targets in yuan (weight, low, high): clustered around the 200,000-yuan fast-track line (R-TRI-2).
_AMOUNTS = (
    (0.42, 150_000, 250_000),
    (0.20, 3_000, 50_000),
    (0.16, 50_000, 150_000),
    (0.17, 250_000, 2_000_000),
    (0.05, 2_000_000, 30_000_000),
)
# Closure codes (GLOSSARY 结案方式); objection cases are ruled on rather than performed.
_CLOSURES = (("fulfilled", 0.55), ("procedure_terminated", 0.3), ("terminated", 0.05), ("withdrawn", 0.1))
_OBJECTION_CLOSURES = (("dismissed", 0.7), ("withdrawn", 0.3))


@dataclass
class CaseSpec:
    order: int
    category: FilingCategory
    stage: Stage
    times: dict[Stage, datetime]
    applicants: tuple[NewParty, ...]
    respondents: tuple[NewParty, ...]
    amount_fen: int
    basis: NewBasis
    agents: tuple[NewAgent, ...] = ()
    restrict: bool = False
    dishonest: bool = False
    disputed: bool = False
    team: Team | None = None
    handler: str | None = None
    closure: str | None = None
    original: CaseSpec | None = None
    showcase: bool = False  # an R-TRI-2 edge case awaiting triage: its findings must not move the proposal

    @property
    def sort_key(self) -> tuple[datetime, int]:
        # Insert in filing order so case numbers rise with filing dates, as at a real court.
        return (self.times.get(Stage.FILED, self.times[Stage.RECEIVED]), self.order)


class CaseFactory:
    def __init__(self, rng: random.Random, calendar: WorkCalendar, now: datetime, roster: list[StaffSpec]) -> None:
        self.rng = rng
        self.now = now
        self.timeline = Timeline(rng, calendar, now)
        self.parties = Parties(rng, now.date())
        self.debtors = [self.parties.person_party() for _ in range(12)]  # debtors with several cases
        self.lawyers = [self.parties.person() for _ in range(8)]
        self.documents: dict[str, None] = {}
        self.handlers = {
            team: [s.login for s in roster if s.team is team and s.title in (Title.JUDGE, Title.ENFORCEMENT_OFFICER)]
            for team in (Team.FAST, Team.INTENSIVE)
        }
        self.judges = [(s.login, s.team) for s in roster if s.title is Title.JUDGE]
        self.order = 0

    # -- amounts, parties, basis ------------------------------------------------------------------

    def amount(self, category: FilingCategory) -> int:
        rng = self.rng
        if category is FilingCategory.TRANSFER:  # fines and confiscation: small sums
            return rng.randint(2_000, 100_000) * FEN_PER_YUAN
        low, high = rng.choices([(lo, hi) for _, lo, hi in _AMOUNTS], weights=[w for w, _, _ in _AMOUNTS])[0]
        yuan = rng.randint(low, high)
        return yuan * FEN_PER_YUAN + rng.choice((0, 0, 0, rng.randrange(100)))

    def respondents(self, count: int, *, unknown: bool = False) -> tuple[NewParty, ...]:
        chosen: list[NewParty] = []
        while len(chosen) < count:
            roll = self.rng.random()
            if roll < 0.08:
                party = self.rng.choice(self.debtors)
            elif roll < 0.28:
                party = self.parties.company()
            else:
                party = self.parties.person_party(whereabouts_unknown=self.rng.random() < 0.06)
            if all(p.id_number != party.id_number for p in chosen):
                chosen.append(party)
        if unknown:  # a person, not a company, is the one nobody can find
            chosen[0] = self.parties.person_party(whereabouts_unknown=True)
        return tuple(chosen)

    def respondent_count(self) -> int:
        return self.rng.choices((1, 2, 3, 4, 5), weights=(65, 20, 10, 3, 2))[0]

    def applicant(self, category: FilingCategory) -> NewParty:
        if category is FilingCategory.TRANSFER:
            return self.parties.organisation(*TRANSFER_APPLICANT)
        if self.rng.random() < 0.3:
            return self.parties.organisation(*self.rng.choice(CREDITORS))
        if self.rng.random() < 0.2:
            return self.parties.company()
        return self.parties.person_party()

    def agents(self, applicant: NewParty) -> tuple[NewAgent, ...]:
        rng = self.rng
        if applicant.kind is PartyKind.ORGANISATION and rng.random() < 0.5:
            lawyer = rng.choice(self.lawyers)
            return (NewAgent(0, lawyer.name, lawyer.id_number, "lawyer", self.parties.mobile()),)
        if applicant.kind is PartyKind.PERSON and rng.random() < 0.2:
            relative = self.parties.person()
            return (NewAgent(0, relative.name, relative.id_number, "relative", self.parties.mobile()),)
        return ()

    def basis(self, category: FilingCategory, received: datetime) -> NewBasis:
        rng = self.rng
        effective = received.date() - timedelta(days=rng.randint(15, 150))
        if category is FilingCategory.TRANSFER:
            court, code = "科尔沁右翼前旗人民法院", "内2221刑初"
        else:
            court, code, _ = rng.choices(_COURTS, weights=[w for *_, w in _COURTS])[0]
        year = effective.year if rng.random() < 0.8 else effective.year - 1
        while True:
            number = f"（{year}）{code}{rng.randint(1, 2400 if '民' in code else 300)}号"
            if number not in self.documents:
                self.documents[number] = None
                return NewBasis(court, number, effective)

    # -- one case ---------------------------------------------------------------------------------

    def case(
        self,
        category: FilingCategory,
        stage: Stage,
        *,
        original: CaseSpec | None = None,
        original_window: bool = False,
    ) -> CaseSpec:
        rng = self.rng
        self.order += 1
        path = stage_path(category, stage)
        times = self._times(path, original=original, original_window=original_window)
        if original is not None:  # 恢复执行: the same parties and basis, the unpaid remainder
            applicants, respondents = original.applicants, original.respondents
            amount = max(FEN_PER_YUAN, original.amount_fen * rng.randint(30, 100) // 100)
            basis = original.basis
        else:
            applicants = (self.applicant(category),)
            respondents = self.respondents(self.respondent_count())
            amount = self.amount(category)
            basis = self.basis(category, times[Stage.RECEIVED])
        spec = CaseSpec(
            order=self.order,
            category=category,
            stage=stage,
            times=times,
            applicants=applicants,
            respondents=respondents,
            amount_fen=amount,
            basis=basis,
            agents=self.agents(applicants[0]),
            restrict=rng.random() < 0.6,
            dishonest=rng.random() < 0.35,
            disputed=stage is Stage.ESCALATED,
            original=original,
        )
        self._assign(spec, original_window=original_window)
        return spec

    def _times(self, path: list[Stage], *, original: CaseSpec | None, original_window: bool) -> dict[Stage, datetime]:
        if original_window:  # a 终本 case: closed over 90 days after filing, archived soon after
            gaps = {(Stage.ASSIGNED, Stage.CLOSED): ("cd", 95, 130), (Stage.CLOSED, Stage.ARCHIVED): ("cd", 5, 25)}
            oldest = self.now - timedelta(days=ORIGINAL_WINDOW_DAYS)
            return self.timeline.build(
                path, ages=range(20, 60), gaps=gaps, accept=lambda t: t[Stage.RECEIVED] >= oldest
            )
        oldest = self.now - timedelta(days=WINDOW_DAYS)
        if original is not None:
            closed = original.times[Stage.CLOSED]
            oldest = max(oldest, closed + timedelta(days=3))  # resumption only after the 终本 ruling
        ages = [a for a in AGES[path[-1]] if self.now - timedelta(days=a) > oldest] or [0]
        return self.timeline.build(path, ages=ages, accept=lambda t: t[Stage.RECEIVED] >= oldest)

    def _assign(self, spec: CaseSpec, *, original_window: bool) -> None:
        """Team from 已分流 on, handler from 承办中 on (the handler is drawn for 已分流 too, then dropped, so the
        random stream stays as it was); a closure for closed cases."""
        rng = self.rng
        if spec.stage not in (Stage.TRIAGED, Stage.ASSIGNED, Stage.CLOSED, Stage.ARCHIVED):
            return
        if spec.category is FilingCategory.OBJECTION:  # objections are ruled on by a judge
            spec.handler, spec.team = rng.choice(self.judges)
        else:
            excluded = len(spec.respondents) > 5 or any(p.whereabouts_unknown for p in spec.respondents)
            small = spec.amount_fen <= FAST_LIMIT_FEN
            fast = not excluded and not original_window and rng.random() < (0.85 if small else 0.12)
            spec.team = Team.FAST if fast else Team.INTENSIVE
            spec.handler = rng.choice(self.handlers[spec.team])
        if spec.stage is Stage.TRIAGED:  # triaged to a team, awaiting 二次分案: on no handler's desk yet
            spec.handler = None
        if spec.stage in (Stage.CLOSED, Stage.ARCHIVED):
            if original_window:
                spec.closure = "procedure_terminated"
            else:
                closures = _OBJECTION_CLOSURES if spec.category is FilingCategory.OBJECTION else _CLOSURES
                spec.closure = weighted(rng, closures)


def _showcase(specs: list[CaseSpec], factory: CaseFactory) -> None:
    """Cases awaiting triage that exercise R-TRI-2's edges: 200,000.00 / 199,999.99 / 200,000.01, six
    respondents (超过5人), a respondent whose whereabouts are unknown."""
    waiting = [s for s in specs if s.stage is Stage.INQUIRED and s.category is FilingCategory.APPLICATION]
    for spec, amount in zip(waiting, _EDGE_AMOUNTS_FEN, strict=False):
        spec.amount_fen = amount
    for spec in waiting[:5]:
        spec.showcase = True
    six, unknown = waiting[3], waiting[4]
    six.respondents = factory.respondents(6)
    six.amount_fen = 180_000 * FEN_PER_YUAN
    unknown.respondents = factory.respondents(2, unknown=True)
    unknown.amount_fen = 120_000 * FEN_PER_YUAN
    assigned = [s for s in specs if s.stage is Stage.ASSIGNED and s.category is FilingCategory.APPLICATION]
    for spec, amount in zip(assigned, _EDGE_AMOUNTS_FEN, strict=False):
        spec.amount_fen = amount
        spec.team = Team.FAST if amount <= FAST_LIMIT_FEN else Team.INTENSIVE
        spec.handler = factory.rng.choice(factory.handlers[spec.team])


def build_demo_cases(rng: random.Random, calendar: WorkCalendar, now: datetime) -> list[CaseSpec]:
    """All demo cases in insertion (filing) order; pure apart from reading the calendar."""
    factory = CaseFactory(rng, calendar, now, demo_roster())
    specs: list[CaseSpec] = []
    for category, counts in _PLAN:
        for stage, count in zip(_PLAN_STAGES, counts, strict=True):
            for _ in range(count):
                if category is FilingCategory.RESUMPTION:
                    original = factory.case(FilingCategory.APPLICATION, Stage.ARCHIVED, original_window=True)
                    specs += [original, factory.case(category, stage, original=original)]
                else:
                    specs.append(factory.case(category, stage))
    _showcase(specs, factory)
    return sorted(specs, key=lambda s: s.sort_key)
