"""Who did what on each demo case: the post that signs each stage change, the network inquiry and its findings,
the director's triage ruling and the facts behind each 局长指定 case.

Planned as plain data from the case spec before anything is written, so the stage history can be signed as it is
inserted (``StageSigner``) and the ruling recorded with the proposal the system made from the same facts
(``domain.triage.propose_track``): the triage board, F4 and the history tell one story.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from zhihui_tui.db.models import (
    AssetFinding,
    Case,
    Deadline,
    NetworkInquiry,
    StageChange,
    TriageDecision,
    TriageFlags,
)
from zhihui_tui.demo.cases import CaseSpec
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team
from zhihui_tui.domain.steps import Step
from zhihui_tui.domain.triage import Proposal, Track, TriageFacts, propose_track
from zhihui_tui.services.context import Actor

# The post that makes each stage change (SPEC §2–§3): the receiving clerk takes in and files, the director rules
# 不予立案, triages, escalates and assigns (二次分案), service and inquiry clerks finish their steps, the handler
# closes, the dossier group archives. An objection goes from filing review straight to its handler (R-FIL-2).
STAGE_POSTS: dict[Stage, Role] = {
    Stage.RECEIVED: Role.FILING_REVIEW,
    Stage.FILED: Role.FILING_REVIEW,
    Stage.REJECTED: Role.DIRECTOR,
    Stage.SERVED: Role.SERVICE,
    Stage.INQUIRED: Role.NETWORK_INQUIRY,
    Stage.ESCALATED: Role.DIRECTOR,
    Stage.TRIAGED: Role.DIRECTOR,
    Stage.ASSIGNED: Role.DIRECTOR,
    Stage.CLOSED: Role.HANDLER,
    Stage.ARCHIVED: Role.DOSSIER,
}
OBJECTION_ASSIGNED_POST = Role.FILING_REVIEW  # objection cases: 已立案 → 承办中 without triage

TEAM_TRACK = {Team.FAST: Track.FAST, Team.INTENSIVE: Track.INTENSIVE}
INQUIRED_STAGES = frozenset(
    {Stage.INQUIRED, Stage.ESCALATED, Stage.TRIAGED, Stage.ASSIGNED, Stage.CLOSED, Stage.ARCHIVED}
)

# Why the director sent a case to the bureau chief (the facts behind 局长指定), and whether it is also 重大疑难.
ESCALATION_REASONS: tuple[tuple[str, bool], ...] = (
    ("案外人对查封的房产主张所有权，申请执行人与被执行人对执行标的争议较大", False),
    ("被执行人系本地重点企业，涉及百余名职工工资，执行方式需统筹", True),
    ("同一被执行人涉及多起关联案件，财产需统一处置，案情重大复杂", True),
    ("申请执行人对执行依据的履行内容理解不一，多次信访，争议较大", False),
    ("被执行财产为集体土地上的养殖场，处置涉及村集体与多户农牧民", True),
)
# Why the director chose another team than the proposal (R-TRI-3: an override needs a reason).
OVERRIDE_REASONS = {
    Track.FAST: "被执行人已表示愿意一次性履行，可快速办结",
    Track.INTENSIVE: "被执行人有转移财产迹象，需采取强制措施并处置财产",
}
BANKS = (
    "中国农业银行科尔沁右翼前旗支行",
    "中国工商银行乌兰浩特分行",
    "中国建设银行兴安盟分行",
    "内蒙古科尔沁右翼前旗农村商业银行",
    "中国邮政储蓄银行科尔沁右翼前旗支行",
)
ONLINE = ("支付宝（中国）网络技术有限公司", "财付通支付科技有限公司（微信支付）")
PROPERTY = (
    ("vehicle", "兴安盟公安局交通管理支队车辆管理所", "小型轿车一辆"),
    ("real_estate", "科尔沁右翼前旗不动产登记中心", "住宅一套"),
    ("shares", "兴安盟市场监督管理局", "所持公司股权"),
    ("securities", "中国证券登记结算有限责任公司", "股票账户"),
    ("other", "科尔沁右翼前旗农牧和科技局", "登记在册的牛羊"),
)


@dataclass(frozen=True)
class Crew:
    """The demo staff by post, as actors."""

    filing: tuple[Actor, ...]
    service: tuple[Actor, ...]
    inquiry: Actor
    director: Actor
    chief: Actor
    dossier: tuple[Actor, ...]
    investigators: tuple[Actor, ...]
    by_login: dict[str, Actor]

    @classmethod
    def from_actors(cls, actors: dict[str, Actor]) -> Crew:
        def post(*logins: str) -> tuple[Actor, ...]:
            return tuple(actors[login] for login in logins)

        return cls(
            filing=post("lian1", "lian2"),
            service=post("songda1", "songda2"),
            inquiry=actors["chakong"],
            director=actors["zhuren"],
            chief=actors["juzhang"],
            dossier=post("juanzong1", "juanzong2"),
            investigators=post(*(f"xiansuo{i}" for i in range(1, 6))),
            by_login=actors,
        )

    def receiving_clerk(self, spec: CaseSpec) -> Actor:
        return self.filing[spec.order % 2]


@dataclass(frozen=True)
class PlannedFinding:
    respondent: int  # position among the case's respondents
    asset_type: str
    institution: str
    amount_fen: int | None
    quantity: int | None
    frozen: bool
    note: str | None


@dataclass
class CaseWork:
    """Everything the posts did on one case besides registering it."""

    signers: dict[Stage, tuple[Actor, str | None]] = field(default_factory=dict)  # stage → who, note
    findings: list[PlannedFinding] = field(default_factory=list)
    flags: frozenset[str] = frozenset()
    proposal: Proposal | None = None
    ruling: str | None = None  # accepted / overridden / escalated
    reason: str | None = None
    pack_owner: Actor | None = None  # who holds the 生成文书并邮寄 step while the case waits at 集约送达


def plan_work(spec: CaseSpec, crew: Crew, rng: random.Random) -> CaseWork:
    work = CaseWork()
    if spec.category is not FilingCategory.OBJECTION and spec.stage in INQUIRED_STAGES:
        work.findings = _findings(spec, rng)
        if spec.stage is Stage.ESCALATED:
            reason, major = ESCALATION_REASONS[spec.order % len(ESCALATION_REASONS)]
            work.flags = frozenset({"major"}) if major else frozenset()
            work.reason = reason
        work.proposal = propose_track(_facts(spec, work))
        if spec.stage is Stage.ESCALATED:
            work.ruling = "escalated"
        elif spec.team is not None:
            chosen = TEAM_TRACK[spec.team]
            work.ruling = "accepted" if chosen is work.proposal.track else "overridden"
            if work.ruling == "overridden":
                work.reason = OVERRIDE_REASONS[chosen]
    work.signers = _signers(spec, crew, work)
    work.pack_owner = _pack_owner(spec, crew)
    return work


def _pack_owner(spec: CaseSpec, crew: Crew) -> Actor | None:
    """The filing clerk hands most cases to a named 集约送达组 clerk (初次分案); every fourth waits in the desk's
    queue for a clerk to take it or the director to assign it, as happens when the filing clerk names nobody."""
    if spec.order % 4 == 3:
        return None
    return crew.service[spec.order % 2]


def _signers(spec: CaseSpec, crew: Crew, work: CaseWork) -> dict[Stage, tuple[Actor, str | None]]:
    clerk = crew.receiving_clerk(spec)
    handler = crew.by_login[spec.handler] if spec.handler else None
    by_post = {
        Role.FILING_REVIEW: clerk,
        Role.DIRECTOR: crew.director,
        Role.SERVICE: crew.service[spec.order % 2],
        Role.NETWORK_INQUIRY: crew.inquiry,
        Role.DOSSIER: crew.dossier[spec.order % 2],
    }
    signers: dict[Stage, tuple[Actor, str | None]] = {}
    for stage, post in STAGE_POSTS.items():
        if post is Role.HANDLER:
            if handler is not None:
                signers[stage] = (handler, None)
            continue
        signers[stage] = (by_post[post], None)
    if spec.stage is Stage.REJECTED:
        signers[Stage.REJECTED] = (crew.director, "材料审查不符合立案条件，主任裁定不予立案")
    if work.proposal is not None and spec.team is not None:
        track = TEAM_TRACK[spec.team].value
        signers[Stage.TRIAGED] = (crew.director, f"{track}：{work.reason}" if work.reason else track)
    if spec.stage is Stage.ESCALATED:
        signers[Stage.ESCALATED] = (crew.director, f"{Track.ESCALATE.value}：{work.reason}")
    if handler is not None:
        if spec.category is FilingCategory.OBJECTION:
            signers[Stage.ASSIGNED] = (clerk, f"异议案件移送承办人：{handler.name}")
        else:
            signers[Stage.ASSIGNED] = (crew.director, f"二次分案：{handler.name}")
    return signers


def _facts(spec: CaseSpec, work: CaseWork) -> TriageFacts:
    """The facts the triage board will read once the case is written (services.triage.facts_for)."""
    money = ("deposit", "online_funds")
    return TriageFacts(
        target_fen=spec.amount_fen,
        respondent_count=len(spec.respondents),
        whereabouts_unknown=any(p.whereabouts_unknown for p in spec.respondents),
        disputed=spec.disputed,
        major="major" in work.flags,
        frozen_money_fen=sum(f.amount_fen or 0 for f in work.findings if f.asset_type in money and f.frozen),
        non_money_property_found=any(f.asset_type not in money for f in work.findings),
    )


def _findings(spec: CaseSpec, rng: random.Random) -> list[PlannedFinding]:
    """The feedback table: a few rows per respondent. A fast-team case holds money only (sometimes enough to
    cover the target: R-TRI-2's "covers the debt in full"); an edge case of the showcase holds too little money to
    move its proposal; the others may hold vehicles, real estate, shares …"""
    money_only = spec.showcase or spec.team is Team.FAST
    rows: list[PlannedFinding] = []
    for position, _ in enumerate(spec.respondents):
        for _ in range(rng.choices((0, 1, 2, 3), weights=(30, 35, 25, 10))[0]):
            if money_only or rng.random() < 0.65:
                online = rng.random() < 0.35
                share = rng.randint(1, 30) if spec.showcase else rng.randint(1, 60)
                amount = max(1, spec.amount_fen * share // (100 * max(1, len(spec.respondents)) * 3))
                institution = rng.choice(ONLINE if online else BANKS)
                rows.append(
                    PlannedFinding(
                        position, "online_funds" if online else "deposit", institution, amount, None,
                        rng.random() < 0.75, None,
                    )
                )  # fmt: skip
            else:
                kind, institution, note = rng.choice(PROPERTY)
                quantity = rng.randint(20, 120) if kind == "other" else 1
                rows.append(PlannedFinding(position, kind, institution, None, quantity, rng.random() < 0.6, note))
    if spec.team is Team.FAST and not spec.showcase and rng.random() < 0.2:
        bank = rng.choice(BANKS)  # frozen deposits that cover the whole target
        rows.append(PlannedFinding(0, "deposit", bank, spec.amount_fen, None, True, "冻结存款足额覆盖执行标的"))
    return rows


# ------------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------------


@dataclass
class Signing:
    """What to set on the rows ``register_case`` is about to insert for the current case."""

    signers: dict[Stage, tuple[Actor, str | None]] = field(default_factory=dict)
    closure: tuple[str, datetime] | None = None  # 结案方式 and when: NewCase has no closure fields
    pack_owner: Actor | None = None  # the 集约送达组 clerk who holds the case's 生成文书并邮寄 step (初次分案)


@contextmanager
def signing(session: Session) -> Iterator[Signing]:
    """While a case is registered, every new stage-change row is signed by the post that made that change:
    ``register_case`` writes the history with one actor, this sets each row's actor and note before it is
    inserted — before the audit trail records it, so the trail shows one insert, not an insert and a correction.
    A closed case gets its closure the same way. Fill the yielded ``Signing`` first."""
    current = Signing()

    def sign(flushing: Session, _context: Any, _instances: Any) -> None:
        for row in flushing.new:
            if isinstance(row, StageChange) and Stage(row.to_stage) in current.signers:
                actor, note = current.signers[Stage(row.to_stage)]
                row.actor_id, row.note = actor.id, note
            elif isinstance(row, Case) and current.closure is not None:
                row.closure, row.closed_at = current.closure
            elif isinstance(row, Deadline) and row.step == Step.SERVICE_PACK.value and current.pack_owner:
                row.owner_id = current.pack_owner.id

    event.listen(session, "before_flush", sign)
    try:
        yield current
    finally:
        event.remove(session, "before_flush", sign)


def write_work(
    session: Session, case_id: int, respondents: list[int], spec: CaseSpec, work: CaseWork, crew: Crew
) -> None:
    """The inquiry with its findings, the flags and the director's ruling of one registered case."""
    if not work.findings and work.proposal is None:
        return
    served, inquired = spec.times[Stage.SERVED], spec.times[Stage.INQUIRED]
    started = min(served + timedelta(minutes=40), inquired - timedelta(minutes=5))
    session.add(
        NetworkInquiry(
            case_id=case_id,
            dossier_received_at=served,
            started_at=started,
            started_by_id=crew.inquiry.id,
            submitted_at=inquired,
            submitted_by_id=crew.inquiry.id,
        )
    )
    step = (inquired - started) / (len(work.findings) + 1)
    for number, row in enumerate(work.findings, start=1):
        session.add(
            AssetFinding(
                case_id=case_id,
                party_id=respondents[row.respondent],
                asset_type=row.asset_type,
                institution=row.institution,
                amount_fen=row.amount_fen,
                quantity=row.quantity,
                frozen=row.frozen,
                note=row.note,
                source="manual",
                entered_by_id=crew.inquiry.id,
                entered_at=_minute(started + step * number),
            )
        )
    if work.flags:
        session.add(TriageFlags(case_id=case_id, **{name: True for name in work.flags}))
    if work.proposal is not None and work.ruling is not None:
        _write_ruling(session, case_id, spec, work, crew)


def _write_ruling(session: Session, case_id: int, spec: CaseSpec, work: CaseWork, crew: Crew) -> None:
    assert work.proposal is not None and work.ruling is not None
    decided = spec.times.get(Stage.ESCALATED) or spec.times[Stage.TRIAGED]
    assigned = spec.times.get(Stage.ASSIGNED)
    handler = crew.by_login[spec.handler] if spec.handler and assigned else None
    session.add(
        TriageDecision(
            case_id=case_id,
            proposed_track=work.proposal.track.value,
            proposal_reasons=json.dumps(list(work.proposal.reasons), ensure_ascii=False),
            status=work.ruling,
            track=TEAM_TRACK[spec.team].value if spec.team else None,
            override_reason=work.reason,
            decided_by_id=crew.director.id,
            decided_at=decided,
            handler_id=handler.id if handler else None,
            assigned_by_id=crew.director.id if handler else None,
            assigned_at=assigned if handler else None,
        )
    )


def _minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)
