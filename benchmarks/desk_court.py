"""The court the desk posts read (issue 16), built with Core ``executemany``: N cases along their whole life, with
what F4 网络查控, F10 集约送达, F11 款物管理 and F12 卷宗管理 open on, in proportion to N.

Cases are numbered oldest first; their position ``p = i / N`` gives the stage, as a court's history does:

==================  =========  =================================================================================
p                   stage      what the posts see of it
==================  =========  =================================================================================
< 0.75              已归档      dossier archived (with its number), every step done; 30 % 终本
0.75 – 0.79         已结案      the 90-day archive step open; dossiers transferred / received / scanned / not yet
0.79 – 0.996        承办中      a tenth with a delegated matter (the newest 1 % of them open), money, seized items
0.996 – 0.998       已送达      F4's queue: the 2-day inquiry step open, two thirds of the tables started
0.998 – 0.999       已查控      waiting for triage
≥ 0.999             已立案      F10's packs: the 5-day pack step open, documents and mailings part done
==================  =========  =================================================================================

Every filed case was mailed its pack (one attempt per respondent, 6 % returned and mailed again); every case past
service has its 查控结果反馈信息表 (0–3 findings); one case in seven has a case account (receipts, all paid out
but for the newest, a few reversed); one in two hundred had movable property seized. At 1,000,000 cases that is
about 1.5 M parties, 1.4 M mailings, 1.2 M findings, 2.3 M steps, 0.8 M dossiers and 0.5 M ledger entries.
The tables the database keeps (case balances, the attempts awaiting the desk) follow the rows by its triggers.
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import (
    AssetFinding,
    Case,
    CaseParty,
    Deadline,
    DelegatedMatter,
    DisbursementDelay,
    Dossier,
    FundsEntry,
    NetworkInquiry,
    Party,
    SeizedItem,
    SeizedItemStatus,
    ServiceAttempt,
    ServiceDocument,
    Staff,
    StaffRole,
    StageChange,
    StatementLine,
)
from zhihui_tui.domain.documents import DocumentKind
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.accounts import hash_password
from zhihui_tui.services.demo import DEMO_PASSWORD  # the logins above sign in as on the demo court

NOW = datetime(2026, 11, 27, 9, 30)
START = datetime(2017, 1, 3, 9)
BATCH = 20_000
COURT = "内2221"
# (login, name, roles): the demo court's logins of these posts (zhihui_tui.demo.staff)
STAFF = [
    ("zhuren", "主任", (Role.DIRECTOR,)),
    ("chakong", "刘洋", (Role.NETWORK_INQUIRY,)),
    ("songda1", "王丽娟", (Role.SERVICE,)),
    ("songda2", "乌日娜", (Role.SERVICE,)),
    ("kuanwu1", "周晓燕", (Role.FUNDS,)),
    ("juanzong1", "郑秀兰", (Role.DOSSIER,)),
    ("lian1", "立案书记员", (Role.FILING_REVIEW,)),
    *((f"chengban{i:02d}", f"承办法官{i}", (Role.HANDLER,)) for i in range(20)),
]
STAFF_ID = {login: 1001 + n for n, (login, _, _) in enumerate(STAFF)}
HANDLERS = [STAFF_ID[f"chengban{i:02d}"] for i in range(20)]
MATTER_KINDS = (  # kind, post, weight
    ("site_investigation", "field_search", 30),
    ("compelled_appearance", "field_search", 10),
    ("counter", "counter_control", 30),
    ("service", "service", 15),
    ("public_notice", "service", 10),
    ("other", "director", 5),
)
TABLES = (
    Party, Case, CaseParty, StageChange, Deadline, NetworkInquiry, AssetFinding, DelegatedMatter, ServiceAttempt,
    ServiceDocument, Dossier, StatementLine, FundsEntry, DisbursementDelay, SeizedItem, SeizedItemStatus,
)  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗包乌其图"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰巴特尔"


def stage_of(p: float) -> str:
    if p < 0.75:
        return "archived"
    if p < 0.79:
        return "closed"
    if p < 0.996:
        return "assigned"
    if p < 0.998:
        return "served"
    return "inquired" if p < 0.999 else "filed"


class Builder:
    """Builds the rows batch by batch; ``counts`` says how many of each table."""

    def __init__(self, engine: Engine, cases: int, seed: int = 20261127) -> None:
        self.engine, self.n, self.rng = engine, cases, random.Random(seed)
        self.ids = dict.fromkeys((t.__tablename__ for t in TABLES), 0)
        self.counts = dict.fromkeys(self.ids, 0)
        self.rows: dict[str, list[dict[str, Any]]] = {t.__tablename__: [] for t in TABLES}

    def add(self, table: type, **row: Any) -> int:
        name = table.__tablename__  # type: ignore[attr-defined]
        self.ids[name] += 1
        if "id" not in row:
            row["id"] = self.ids[name]
        self.rows[name].append(row)
        return self.ids[name]

    def flush(self) -> None:
        with self.engine.begin() as conn:
            for table in TABLES:
                rows = self.rows[table.__tablename__]
                if rows:
                    keys = set().union(*rows)  # executemany wants the same columns in every row
                    conn.execute(insert(table), [dict.fromkeys(keys) | row for row in rows])
                    self.counts[table.__tablename__] += len(rows)
                    rows.clear()

    def when(self, i: int) -> datetime:
        """Received: spread evenly from START to a week before NOW, the newest (already 立案) within the week."""
        p = i / self.n
        if p >= 0.996:
            return NOW - timedelta(hours=2 + (self.n - i) * 150 / (self.n * 0.004))
        return START + (NOW - timedelta(days=8) - START) * (i / (self.n * 0.996))

    def build(self) -> None:
        upgrade(self.engine)
        password = hash_password(DEMO_PASSWORD)
        with self.engine.begin() as conn:
            for login, name, roles in STAFF:
                staff = {"id": STAFF_ID[login], "version": 1, "login": login, "name": name}
                staff |= {"password_hash": password, "active": True, "failed_logins": 0, "created_at": START}
                conn.execute(insert(Staff), staff)
                conn.execute(insert(StaffRole), [{"staff_id": STAFF_ID[login], "role": r.value} for r in roles])
        for i in range(1, self.n + 1):
            self.case(i)
            if i % BATCH == 0:
                self.flush()
                print(f"\r已生成 {i:,} 件", end="", file=sys.stderr, flush=True)
        for k in range(max(5, self.n * 3 // 100_000)):  # money no case claimed yet (附言 without a case number)
            self.statement_line(None, NOW.date() - timedelta(days=k % 5), 50_000 + 731 * k, f"U{k}")
        self.flush()
        print(file=sys.stderr)
        with self.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")

    # -- one case --------------------------------------------------------------------------------------------------

    def case(self, i: int) -> None:
        rng, p = self.rng, i / self.n
        stage, at = stage_of(p), self.when(i)
        handler = HANDLERS[i % 20] if stage in ("assigned", "closed", "archived") else None
        closed_at = at + timedelta(days=120 + i % 200) if stage in ("closed", "archived") else None
        if stage == "closed":  # the closed ones still on their way to the archive closed within the last 90 days
            closed_at = NOW - timedelta(days=1 + (0.79 - p) / 0.04 * 88)
        zhongben = closed_at is not None and i % 10 < 3
        self.add(
            Case, id=i, version=1, case_number=f"（{at.year}）{COURT}执{i}号", court_code=COURT, year=at.year,
            case_type="执", sequence=i, filing_category="application", stage=stage, received_at=at, filed_at=at,
            target_amount_fen=rng.randint(100_000, 50_000_000), consumption_restriction_requested=False,
            dishonest_list_requested=False, disputed=False, handler_id=handler, team="fast" if handler else None,
            closed_at=closed_at, closure=("procedure_terminated" if zhongben else "fulfilled") if closed_at else None,
            created_at=at,
        )  # fmt: skip
        self.add(StageChange, case_id=i, from_stage="received", to_stage="filed", at=at, actor_id=STAFF_ID["lian1"])
        respondents = []
        for position in range(1 + (i % 3 == 0)):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            party = self.add(Party, version=1, kind="person", name=name)
            self.add(CaseParty, version=1, case_id=i, party_id=party, role="respondent", position=position,
                     whereabouts_unknown=False, address_confirmed=False)  # fmt: skip
            respondents.append((party, name))
        self.pack(i, stage, at, respondents)
        if stage != "filed":
            self.inquiry(i, stage, at, respondents)
        if stage in ("assigned", "closed", "archived"):
            self.matters(i, p, at, closed_at)
            if i % 7 == 0:
                self.account(i, p, at)
            if i % 200 == 0:
                self.seized(i, stage, at)
        if closed_at is not None:
            self.dossier(i, p, stage, closed_at)

    def deadline(self, i: int, step: str, role: str, at: datetime, days: int, done: bool, **more: Any) -> None:
        due = (at + timedelta(days=days)).date()
        self.add(Deadline, version=1, case_id=i, step=step, owner_role=role, triggered_at=at, due_date=due,
                 done_at=at + timedelta(days=min(days, 1)) if done else None, **more)  # fmt: skip

    def pack(self, i: int, stage: str, at: datetime, respondents: list[tuple[int, str]]) -> None:
        """The 5-day pack step, its documents and the mailings (a new case: part done, none waiting on a result
        for an old one but a few failures awaiting the next way)."""
        filed = stage == "filed"
        owner = (STAFF_ID["songda1"], STAFF_ID["songda2"], None)[i % 3] if filed else STAFF_ID["songda1"]
        self.deadline(i, "service_pack", "service", at, 5, not filed, owner_id=owner)
        kinds = list(DocumentKind)[: i % 6] if filed else list(DocumentKind) if i / self.n >= 0.9 else []
        for kind in kinds:
            self.add(ServiceDocument, version=1, case_id=i, kind=kind.value, document_version=1,
                     template_name=f"{kind.value}.docx", template_source="packaged", template_sha256="0" * 64,
                     template_version="1", file_path=f"docs/{i}/{kind.value}.docx", file_sha256="1" * 64,
                     file_size=24_000, generated_at=at, generated_by_id=owner or STAFF_ID["songda1"],
                     printed_at=at if not filed or i % 2 else None)  # fmt: skip
        if filed and i % 2:
            return  # not mailed yet
        sent = at.date() + timedelta(days=2)
        for party, name in respondents:
            if filed:
                self.attempt(i, party, None, name, sent, None)
                continue
            if self.rng.random() < 0.06:
                self.attempt(i, party, None, name, sent, "returned", "another_address")
                if i / self.n >= 0.99 and i % 50 == 0:  # a failure still awaiting the next way
                    continue
                sent += timedelta(days=6)
            self.attempt(i, party, None, name, sent, "served")

    def attempt(self, i: int, party: int | None, matter: int | None, name: str, sent: date, result: str | None,
                then: str | None = None) -> None:  # fmt: skip
        number = self.ids["service_attempt"] + 1
        self.add(ServiceAttempt, version=1, case_id=i, party_id=party, matter_id=matter, recipient=name,
                 address="内蒙古兴安盟科尔沁右翼前旗某街道", method="mail", tracking_number=f"EA{number:09d}CN",
                 sent_on=sent, sent_by_id=STAFF_ID["songda1"], recorded_at=datetime.combine(sent, NOW.time()),
                 result=result, result_on=sent + timedelta(days=4) if result else None,
                 result_by_id=STAFF_ID["songda1"] if result else None, next_attempt=then)  # fmt: skip

    def inquiry(self, i: int, stage: str, at: datetime, respondents: list[tuple[int, str]]) -> None:
        """The 2-day inquiry step from the dossier's arrival, the inquiry and its findings."""
        served = stage == "served"
        arrived = at + timedelta(hours=6)
        self.deadline(i, "network_inquiry", "network_inquiry", arrived, 2, not served)
        started = not served or i % 3 != 0
        self.add(NetworkInquiry, version=1, case_id=i, dossier_received_at=arrived,
                 started_at=arrived if started else None, started_by_id=STAFF_ID["chakong"] if started else None,
                 submitted_at=None if served else arrived + timedelta(days=1),
                 submitted_by_id=None if served else STAFF_ID["chakong"])  # fmt: skip
        if not started:
            return
        for _ in range(self.rng.choice((0, 0, 1, 1, 2, 3))):
            kind = self.rng.choice(("deposit", "deposit", "online_funds", "vehicle", "real_estate"))
            money = kind in ("deposit", "online_funds")
            self.add(AssetFinding, version=1, case_id=i, party_id=self.rng.choice(respondents)[0], asset_type=kind,
                     institution="中国农业银行" if money else "", amount_fen=self.rng.randint(1_000, 9_000_000)
                     if money else None, quantity=None if money else 1, frozen=self.rng.random() < 0.6,
                     source="import", entered_by_id=STAFF_ID["chakong"], entered_at=arrived, late=False)  # fmt: skip

    def matters(self, i: int, p: float, at: datetime, closed_at: datetime | None) -> None:
        """A tenth of the cases asked the centre for something; the newest assigned ones still wait for it."""
        if i % 10 != 1:
            return
        kind, post, _ = self.rng.choices(MATTER_KINDS, [w for _, _, w in MATTER_KINDS])[0]
        open_ = closed_at is None and p >= 0.99
        asked = NOW - timedelta(days=i % 9) if open_ else at + timedelta(days=30)
        matter = self.add(DelegatedMatter, version=1, case_id=i, kind=kind, post=post,
                          requirements="请向被执行人户籍地址送达执行通知书等文书" if post == "service" else "查明财产",
                          urgent=False, requested_by_id=HANDLERS[i % 20], requested_at=asked,
                          effective_day=asked.date(), handler_deadline=asked.date() + timedelta(days=7),
                          status="open" if open_ else "done", owner_id=None if open_ else STAFF_ID["songda1"],
                          result=None if open_ else "已办结", closed_at=None if open_ else asked + timedelta(days=3),
                          seen_at=None if open_ else asked + timedelta(days=4))  # fmt: skip
        if kind == "service" and (not open_ or i % 20 == 1):
            sent = asked.date() + timedelta(days=1)
            self.attempt(i, None, matter, "被执行人", sent, "served" if not open_ else None)

    def account(self, i: int, p: float, at: datetime) -> None:
        """Receipts, by bank or at the counter; all paid out but the newest accounts' (money still to pay out)."""
        holding = p >= 0.985
        kuanwu = STAFF_ID["kuanwu1"]
        for k in range(1 + i % 3):
            arrived = (NOW - timedelta(days=(i + 11 * k) % 45) if holding else at + timedelta(days=60 + 20 * k)).date()
            amount = self.rng.randint(50_000, 5_000_000)
            bank = k % 2 == 0
            line = self.statement_line(i, arrived, amount, f"C{i}-{k}") if bank else None
            receipt = self.add(FundsEntry, case_id=i, kind="receipt", amount_fen=amount, occurred_on=arrived,
                               counterparty="被执行人", channel="bank" if bank else "counter", statement_line_id=line,
                               recorded_by_id=kuanwu, recorded_at=datetime.combine(arrived, NOW.time()))  # fmt: skip
            if i % 700 == 0 and k == 0:  # a receipt posted to the wrong case, reversed
                self.add(FundsEntry, case_id=i, kind="reversal", amount_fen=-amount, occurred_on=arrived,
                         counterparty="被执行人", reverses_id=receipt, recorded_by_id=kuanwu,
                         recorded_at=datetime.combine(arrived, NOW.time()), note="误入账")  # fmt: skip
                continue
            if holding and (i + k) % 4:
                if i % 5 == 0:
                    self.add(DisbursementDelay, case_id=i, receipt_id=receipt, reason="申请执行人账户冻结，暂缓发放",
                             recorded_by_id=kuanwu, recorded_at=NOW)  # fmt: skip
                continue
            paid = arrived + timedelta(days=20)
            self.add(FundsEntry, case_id=i, kind="disbursement", amount_fen=-amount, occurred_on=paid,
                     counterparty="申请执行人", approved_by_id=STAFF_ID["zhuren"], recorded_by_id=kuanwu,
                     recorded_at=datetime.combine(paid, NOW.time()))  # fmt: skip

    def statement_line(self, case: int | None, arrived: date, amount: int, key: str) -> int:
        return self.add(StatementLine, version=1, line_key=key, arrived_on=arrived, payer="被执行人",
                        amount_fen=amount, memo=f"执行款 {key}", claim_due=arrived + timedelta(days=3), case_id=case,
                        claimed_by_id=None, imported_at=datetime.combine(arrived, NOW.time()))  # fmt: skip

    def seized(self, i: int, stage: str, at: datetime) -> None:
        status = ("held", "valuing", "auction")[i % 3] if stage == "assigned" else ("disposed", "returned")[i % 2]
        day = (at + timedelta(days=40)).date()
        item = self.add(SeizedItem, version=1, case_id=i, description="小型轿车一辆", quantity=1, unit="辆",
                        custody_place="法院停车场", valuation_fen=8_000_000, seized_on=day, status=status,
                        status_on=day, registered_by_id=STAFF_ID["kuanwu1"], registered_at=at)  # fmt: skip
        self.add(SeizedItemStatus, item_id=item, status=status, changed_on=day, changed_by_id=STAFF_ID["kuanwu1"],
                 changed_at=at)  # fmt: skip

    def dossier(self, i: int, p: float, stage: str, closed_at: datetime) -> None:
        """Archived: every step done. Closed: the 90-day archive step open; the dossier on its way (or not yet)."""
        archived = stage == "archived"
        self.deadline(i, "archive", "dossier", closed_at, 90, archived)
        q = 1.0 if archived else (0.79 - p) / 0.04  # 1: closed longest ago
        if q < 0.25:
            self.deadline(i, "dossier_transfer", "handler", closed_at, 20, False, owner_id=HANDLERS[i % 20])
            return
        moved = closed_at + timedelta(days=10)
        received = moved + timedelta(days=1) if q >= 0.55 else None
        scanned = received + timedelta(days=3) if received is not None and q >= 0.7 else None
        if received is not None and not archived:
            self.deadline(i, "dossier_scan", "dossier", received, 7, scanned is not None,
                          owner_id=STAFF_ID["juanzong1"])  # fmt: skip
        self.add(Dossier, version=1, case_id=i, pages=80 + i % 300, transfer_form_no=f"移{i:07d}",
                 transferred_by_id=HANDLERS[i % 20], transferred_at=moved, received_by_id=STAFF_ID["juanzong1"]
                 if received else None, received_at=received, scanned_by_id=STAFF_ID["juanzong1"] if scanned else None,
                 scanned_at=scanned, archive_no=f"档{i:07d}" if archived else None,
                 archived_at=closed_at + timedelta(days=60) if archived else None)  # fmt: skip


def build(engine: Engine, cases: int) -> dict[str, int]:
    builder = Builder(engine, cases)
    builder.build()
    return builder.counts
