"""Case search at scale: build (or reuse) a database of N realistic cases and time every kind of query.

The database is loaded with Core ``executemany`` in batches (staff, parties, cases, case parties, agents; no
stage history or deadlines — search does not read them), then ``rebuild_search_index`` keys every case. Names
follow a county court in 兴安盟: common surnames weighted by frequency including the polyphonic ones (单 曾 解
仇 区 查 朴 盖 乐 覃 尉迟…), 2- and 3-character Han names, Mongolian names (巴特尔, 乌日娜…), banks and lenders that
apply in many cases, local companies; valid ID numbers and credit codes; case numbers across 2017–2026 and the
types 执 / 执恢 / 执异.

Each kind of query runs on ≥ 50 different values drawn from the data, end to end through
``services.search.search_cases`` (parse, index ranges, page of hits with parties and handler): median and p95.

    python benchmarks/search_bench.py                      # 1,000,000 cases, SQLite file in the temp dir
    python benchmarks/search_bench.py --cases 200000 --db /tmp/s.db
    python benchmarks/search_bench.py --pg postgresql://postgres@127.0.0.1/bench   # 100,000 cases
    python benchmarks/search_bench.py --compare            # also time the rejected designs

Target (issue 3): every kind's median under 50 ms on SQLite at 1,000,000 cases.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, text
from stdnum.cn import ric, uscc

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import Agent, Case, CaseParty, Party, SearchTerm, Staff
from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.pinyin import name_initials
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor, ServiceContext
from zhihui_tui.services.search import SearchPage, rebuild_search_index, search_cases

TARGET_MS = 50.0
COURT = "内2221"
BATCH_CASES = 20_000

# -- names ---------------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


# (surname, weight per mille of people), roughly the national frequency list, plus the polyphonic ones a clerk
# must find by initials, and the Han surnames common among Mongolians in 兴安盟 (包 宝 鲍 白 韩 吴).
SURNAMES: list[tuple[str, float]] = [
    ("王", 72), ("李", 72), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 31), ("赵", 23), ("黄", 22), ("周", 21),
    ("吴", 20), ("徐", 17), ("孙", 15), ("胡", 13), ("朱", 12), ("高", 12), ("林", 11), ("何", 11), ("郭", 11),
    ("马", 11), ("罗", 9), ("梁", 8), ("宋", 8), ("郑", 8), ("谢", 7), ("韩", 7), ("唐", 6), ("冯", 6),
    ("于", 6), ("董", 5), ("萧", 5), ("程", 5), ("曹", 5), ("袁", 5), ("邓", 5), ("许", 5), ("傅", 4),
    ("沈", 4), ("曾", 4), ("彭", 4), ("吕", 4), ("苏", 4), ("卢", 4), ("蒋", 4), ("蔡", 4), ("贾", 3),
    ("丁", 3), ("魏", 3), ("薛", 3), ("叶", 3), ("阎", 3), ("余", 3), ("潘", 3), ("杜", 3), ("戴", 3),
    ("夏", 3), ("钟", 3), ("汪", 3), ("田", 3), ("任", 3), ("姜", 3), ("范", 3), ("方", 3), ("石", 3),
    ("姚", 2), ("谭", 2), ("廖", 2), ("邹", 2), ("熊", 2), ("金", 2), ("陆", 2), ("郝", 2), ("孔", 2),
    ("白", 4), ("崔", 2), ("康", 2), ("毛", 2), ("邱", 2), ("秦", 2), ("江", 2), ("史", 2), ("顾", 2),
    ("侯", 2), ("邵", 2), ("孟", 2), ("龙", 2), ("万", 2), ("段", 2), ("钱", 2), ("汤", 2), ("尹", 2),
    ("包", 6), ("宝", 2), ("鲍", 2), ("乌", 1), ("单", 1.5), ("解", 1), ("仇", 0.6), ("区", 0.3), ("查", 0.6),
    ("朴", 0.5), ("盖", 0.4), ("乐", 0.5), ("覃", 0.5), ("缪", 0.4), ("翟", 0.8), ("尉迟", 0.05),
    ("欧阳", 0.4), ("司马", 0.1), ("上官", 0.05), ("诸葛", 0.05), ("长孙", 0.02),
]  # fmt: skip

GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红兰建国文辉力春梅海波宁云峰鹏飞晶亮成林斌凤志"
    "慧浩宇欣雪琳丹凯旭东阳俊龙瑞佳宏晨鑫博玲莉燕振兴福贵荣祥德顺利永军新民生长乐行重朝和"
)
MONGOLIAN_NAMES = _words(
    "巴特尔 乌日娜 其木格 额尔敦 阿拉坦仓 斯琴 萨仁 苏日娜 那仁 图雅 宝音 朝鲁 哈斯 敖登 乌力吉 孟和 "
    "格日勒 吉日嘎拉 满都拉 那顺 乌云 阿如娜 塔娜 达来 宝力道 巴雅尔 额尔德尼 海日汗 娜仁花 其其格 "
    "特木尔 乌兰 毕力格 道尔吉 青格乐 苏和 嘎拉 萨出拉 包金山 白音仓"
)
PLACES = _words("科右前旗 乌兰浩特市 兴安盟 科尔沁右翼前旗 突泉县 扎赉特旗 阿尔山市 内蒙古 通辽市 科右中旗")
BRAND_CHARS = "金鼎鑫源宏达恒泰华盛瑞丰通顺兴隆昌荣天成嘉禾广聚德正祥福安康富民永利汇益博远中联新星骏驰绿野草原"
INDUSTRIES = _words(
    "商贸 建筑工程 农牧业 房地产开发 汽车销售 餐饮管理 物流 矿业 电子科技 农资 建材 粮油 "
    "牧业 煤炭销售 装饰工程 运输 酒店管理 商砼 机械租赁 种植"
)
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "农民专业合作社", "商行"]
LENDERS = [
    "内蒙古科尔沁右翼前旗农村商业银行股份有限公司",
    "中国邮政储蓄银行股份有限公司科尔沁右翼前旗支行",
    "中国农业银行股份有限公司科尔沁右翼前旗支行",
    "中国工商银行股份有限公司兴安盟分行",
    "中国建设银行股份有限公司兴安盟分行",
    "中国银行股份有限公司兴安盟分行",
    "内蒙古银行股份有限公司兴安盟分行",
    "科尔沁右翼前旗蒙银村镇银行股份有限公司",
    "兴安盟融资担保有限公司",
    "内蒙古蒙商消费金融股份有限公司",
    "招联消费金融有限公司",
    "马上消费金融股份有限公司",
    "重庆蚂蚁消费金融有限公司",
    "平安普惠融资担保有限公司",
    "兴安盟农村信用合作联社",
    "乌兰浩特农村商业银行股份有限公司",
    "内蒙古华泰汽车金融有限公司",
    "包头农村商业银行股份有限公司兴安盟分行",
]
PERSON_REGIONS = ["152221", "152201", "152222", "152223", "152224", "150102", "150402", "150502"]
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _credit_code(n: int, division: str = "152221") -> str:
    body = ""
    for _ in range(9):
        n, digit = divmod(n, len(CREDIT_ALPHABET))
        body += CREDIT_ALPHABET[digit]
    code = "91" + division + body
    return code + uscc.calc_check_digit(code)


def _resident_id(n: int) -> str:
    """The n-th distinct valid ID number: region, birth date 1950+, sequence, check digit."""
    region = PERSON_REGIONS[n % len(PERSON_REGIONS)]
    rest = n // len(PERSON_REGIONS)
    born = datetime(1950, 1, 1) + timedelta(days=rest % 20_000)
    body = f"{region}{born:%Y%m%d}{(rest // 20_000) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = [s for s, _ in SURNAMES]
        self.cum = list(itertools.accumulate(w for _, w in SURNAMES))
        # Zipf-like weights: the first given-name characters are far more common than the last.
        self.given_cum = list(itertools.accumulate(1 / (i + 3) for i in range(len(GIVEN_CHARS))))

    def person(self) -> str:
        rng = self.rng
        if rng.random() < 0.12:
            name = rng.choice(MONGOLIAN_NAMES)
            return rng.choice("包白韩宝") + name if len(name) == 2 and rng.random() < 0.3 else name
        surname = rng.choices(self.surnames, cum_weights=self.cum)[0]
        size = 1 if rng.random() < 0.3 else 2
        given = "".join(rng.choices(GIVEN_CHARS, cum_weights=self.given_cum, k=size))
        return surname + given

    def company(self) -> str:
        rng = self.rng
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        return f"{rng.choice(PLACES)}{brand}{rng.choice(INDUSTRIES)}{rng.choice(FORMS)}"


# -- loading -------------------------------------------------------------------------------------------------


@dataclass
class Loader:
    """Generates N cases with their parties and agents and writes them with Core executemany."""

    n: int
    rng: random.Random
    handlers: list[int]
    names: Names = field(init=False)
    party_id: int = 0
    case_party_id: int = 0
    agent_id: int = 0
    person_no: int = 0
    org_no: int = 0
    persons: list[int] = field(default_factory=list)  # party ids of persons, for repeat respondents
    companies: list[int] = field(default_factory=list)
    lenders: list[int] = field(default_factory=list)
    sequences: dict[tuple[int, str], int] = field(default_factory=dict)
    lawyers: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.names = Names(self.rng)
        self.lawyers = [(self.names.person(), _resident_id(10_000_000 + i)) for i in range(800)]

    def _new_party(self, rows: list[dict[str, Any]], kind: str, name: str, id_number: str) -> int:
        self.party_id += 1
        rows.append({"id": self.party_id, "version": 1, "kind": kind, "name": name, "id_number": id_number})
        return self.party_id

    def _person(self, rows: list[dict[str, Any]]) -> int:
        if self.persons and self.rng.random() < 0.08:
            return self.rng.choice(self.persons)  # a respondent in several cases
        self.person_no += 1
        party = self._new_party(rows, "person", self.names.person(), _resident_id(self.person_no))
        self.persons.append(party)
        return party

    def _company(self, rows: list[dict[str, Any]]) -> int:
        if self.companies and self.rng.random() < 0.25:
            return self.rng.choice(self.companies)
        self.org_no += 1
        party = self._new_party(rows, "organisation", self.names.company(), _credit_code(self.org_no))
        self.companies.append(party)
        return party

    def _lender(self, rows: list[dict[str, Any]]) -> int:
        if not self.lenders:
            for name in LENDERS:
                self.org_no += 1
                self.lenders.append(self._new_party(rows, "organisation", name, _credit_code(self.org_no)))
        weights = [1 / (i + 1) for i in range(len(self.lenders))]
        return self.rng.choices(self.lenders, weights=weights)[0]

    def batch(self, first_case: int, count: int) -> dict[str, list[dict[str, Any]]]:
        parties: list[dict[str, Any]] = []
        cases: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        agents: list[dict[str, Any]] = []
        for case_id in range(first_case, first_case + count):
            cases.append(self._case(case_id, case_id / self.n))
            applicant = self._applicants(case_id, parties, links)
            self._respondents(case_id, parties, links)
            if self.rng.random() < 0.35:
                name, id_number = self.rng.choice(self.lawyers)
                self.agent_id += 1
                agents.append(
                    {
                        "id": self.agent_id,
                        "version": 1,
                        "case_id": case_id,
                        "party_id": applicant,
                        "name": name,
                        "id_number": id_number,
                        "kind": "lawyer",
                    }
                )
        return {"party": parties, "enforcement_case": cases, "case_party": links, "agent": agents}

    def _link(self, links: list[dict[str, Any]], case_id: int, party: int, role: str, position: int) -> None:
        self.case_party_id += 1
        links.append(
            {
                "id": self.case_party_id,
                "version": 1,
                "case_id": case_id,
                "party_id": party,
                "role": role,
                "position": position,
                "whereabouts_unknown": self.rng.random() < 0.03,
                "address_confirmed": False,
            }
        )

    def _applicants(self, case_id: int, parties: list[dict[str, Any]], links: list[dict[str, Any]]) -> int:
        first = 0
        for position in range(2 if self.rng.random() < 0.1 else 1):
            roll = self.rng.random()
            party = self._lender(parties) if roll < 0.4 else self._company(parties) if roll < 0.55 else None
            party = party or self._person(parties)
            self._link(links, case_id, party, "applicant", position)
            first = first or party
        return first

    def _respondents(self, case_id: int, parties: list[dict[str, Any]], links: list[dict[str, Any]]) -> None:
        count = self.rng.choices([1, 2, 3, 4, 5, 6, 7], weights=[65, 22, 8, 2, 1.5, 1, 0.5])[0]
        chosen: set[int] = set()
        for position in range(count):
            party = self._company(parties) if self.rng.random() < 0.12 else self._person(parties)
            if party in chosen:
                continue
            chosen.add(party)
            self._link(links, case_id, party, "respondent", position)

    def _case(self, case_id: int, progress: float) -> dict[str, Any]:
        rng = self.rng
        year = 2017 + min(9, int(progress * 10))
        # Cases arrive over ten years in id order, with some jitter.
        minutes = int((progress * 10) % 1 * 520_000) + rng.randrange(2_000)
        received = datetime(year, 1, 1, 8) + timedelta(minutes=minutes)
        category = rng.choices(list(FilingCategory), weights=[78, 8, 6, 8])[0]
        filed = rng.random() > 0.03 or year < 2026
        number = None
        if filed:
            key = (year, category.case_type.value)
            self.sequences[key] = sequence = self.sequences.get(key, 0) + 1
            number = CaseNumber(year, COURT, category.case_type, sequence)
        stages = [Stage.FILED, Stage.SERVED, Stage.ASSIGNED, Stage.CLOSED, Stage.ARCHIVED]
        stage = rng.choice(stages) if filed else Stage.RECEIVED
        filed_at = received + timedelta(hours=rng.randrange(1, 48)) if filed else None
        return {
            "id": case_id,
            "version": 1,
            "case_number": str(number) if number else None,
            "court_code": COURT if number else None,
            "year": year if number else None,
            "case_type": (number.case_type if number else category.case_type).value,
            "sequence": number.sequence if number else None,
            "filing_category": category.value,
            "stage": stage.value,
            "received_at": received,
            "filed_at": filed_at,
            "target_amount_fen": int(rng.lognormvariate(11, 1.3)) * 100,
            "consumption_restriction_requested": False,
            "dishonest_list_requested": False,
            "disputed": False,
            "handler_id": rng.choice(self.handlers) if stage not in (Stage.RECEIVED, Stage.FILED) else None,
            "created_at": received,
        }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _insert_handlers(connection: Connection, rng: random.Random) -> list[int]:
    staff = Staff.__table__  # type: ignore[attr-defined]
    first = (connection.execute(select(func.max(staff.c.id))).scalar() or 0) + 1
    names = Names(rng)
    rows = [
        {
            "id": first + i,
            "version": 1,
            "login": f"handler{i:02d}",
            "name": names.person(),
            "password_hash": "!",
            "active": True,
            "failed_logins": 0,
            "created_at": datetime(2017, 1, 1),
        }
        for i in range(24)
    ]
    connection.execute(insert(staff), rows)
    connection.execute(
        insert(Staff.metadata.tables["staff_role"]),
        [{"staff_id": row["id"], "role": Role.HANDLER.value} for row in rows],
    )
    return [row["id"] for row in rows]


def build(engine: Engine, n: int, seed: int) -> float:
    """Load n cases; returns the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(seed)
    tables = {
        "party": Party.__table__,  # type: ignore[attr-defined]
        "enforcement_case": Case.__table__,  # type: ignore[attr-defined]
        "case_party": CaseParty.__table__,  # type: ignore[attr-defined]
        "agent": Agent.__table__,  # type: ignore[attr-defined]
    }
    with engine.begin() as connection:
        handlers = _insert_handlers(connection, rng)
    loader = Loader(n=n, rng=rng, handlers=handlers)
    for first in range(1, n + 1, BATCH_CASES):
        rows = loader.batch(first, min(BATCH_CASES, n + 1 - first))
        with engine.begin() as connection:
            for name, table in tables.items():
                if rows[name]:
                    connection.execute(insert(table), rows[name])
        done = first + BATCH_CASES - 1
        elapsed = time.perf_counter() - started
        log(f"  loaded {min(done, n):>9,} / {n:,} cases  ({elapsed:5.0f} s, {loader.party_id:,} parties)")
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for name in (*tables, "staff"):
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
                )
            connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


# -- database lifecycle --------------------------------------------------------------------------------------


def case_count(engine: Engine) -> int | None:
    """Cases in an initialised database, or None when it has no schema yet."""
    with engine.connect() as connection:
        try:
            return int(connection.execute(text("SELECT count(*) FROM enforcement_case")).scalar() or 0)
        except Exception:
            connection.rollback()
            return None


def index_size(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(SearchTerm.__table__)).scalar() or 0)  # type: ignore[attr-defined]


def prepare(url: str, n: int, seed: int, *, reset: bool, reindex: bool) -> tuple[Engine, dict[str, str]]:
    """Reuse a database of exactly n cases, or build one; returns the engine and facts for the report."""
    facts: dict[str, str] = {}
    engine = make_engine(url)
    existing = case_count(engine)
    if existing not in (None, 0, n):
        if not reset:
            sys.exit(f"{url} already holds {existing:,} cases (not {n:,}); pass --reset to rebuild it")
        engine = _wipe(engine, url)
        existing = None
    if existing != n:
        upgrade(engine)
        log(f"building {n:,} cases …")
        facts["load time"] = f"{build(engine, n, seed):.0f} s"
        reindex = True
    else:
        log(f"reusing {url} ({n:,} cases)")
        upgrade(engine)
    if reindex or index_size(engine) == 0:
        log("building the search index …")
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 5 or done == total:
                last[0] = time.perf_counter()
                log(f"  indexed {done:>9,} / {total:,} cases")

        stats = rebuild_search_index(engine, progress=progress)
        facts["index build"] = f"{stats.seconds:.0f} s for {stats.terms:,} keys ({stats.terms / stats.cases:.1f}/case)"
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:  # outside a transaction: the driver connection autocommits
            connection.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    facts.update(sizes(engine))
    return engine, facts


def _wipe(engine: Engine, url: str) -> Engine:
    engine.dispose()
    if engine.dialect.name == "sqlite":
        database = str(engine.url.database)
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
    else:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    return make_engine(url)


def sizes(engine: Engine) -> dict[str, str]:
    mib = 1024 * 1024
    with engine.connect() as connection:
        terms = index_size(engine)
        if engine.dialect.name == "sqlite":
            path = Path(str(engine.url.database))
            total = path.stat().st_size
            try:
                search = connection.execute(
                    text(
                        "SELECT sum(pgsize) FROM dbstat "
                        "WHERE name IN ('search_term', 'ix_search_term_case', 'search_case')"
                    )
                ).scalar()
            except Exception:
                search = None
        else:
            total = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
            search = connection.execute(
                text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "WHERE c.relname IN ('search_term', 'search_case') AND c.relkind = 'r'"
                )
            ).scalar()
    result = {"database size": f"{total / mib:,.0f} MiB", "search keys": f"{terms:,}"}
    if search:
        result["search index size"] = f"{search / mib:,.0f} MiB ({search / total:.0%} of the database)"
    return result


# -- queries -------------------------------------------------------------------------------------------------


@dataclass
class Sample:
    """Real values drawn from the database to query with."""

    numbers: list[tuple[str, int, str, int]] = field(default_factory=list)  # full, year, type, seq
    names2: list[str] = field(default_factory=list)
    names3: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    visitors: list[tuple[str, str]] = field(default_factory=list)  # (query, visitor's ID number)


def draw(engine: Engine, n: int, count: int, seed: int) -> Sample:
    rng = random.Random(seed + 1)
    sample = Sample()
    case_ids = rng.sample(range(1, n + 1), min(n, count * 8))
    case, cp, party, agent = (
        Case.__table__,  # type: ignore[attr-defined]
        CaseParty.__table__,  # type: ignore[attr-defined]
        Party.__table__,  # type: ignore[attr-defined]
        Agent.__table__,  # type: ignore[attr-defined]
    )
    with engine.connect() as connection:
        numbers = {
            row[0]: tuple(row[1:])
            for row in connection.execute(
                select(case.c.id, case.c.case_number, case.c.year, case.c.case_type, case.c.sequence).where(
                    case.c.id.in_(case_ids), case.c.case_number.is_not(None)
                )
            )
        }
        rows = connection.execute(
            select(cp.c.case_id, party.c.kind, party.c.name, party.c.id_number)
            .join(party, party.c.id == cp.c.party_id)
            .where(cp.c.case_id.in_(case_ids))
        ).all()
        agents = dict(
            connection.execute(select(agent.c.case_id, agent.c.id_number).where(agent.c.case_id.in_(case_ids))).all()
        )
    sample.numbers = list(numbers.values())[: count * 2]  # type: ignore[arg-type]
    for case_id, kind, name, id_number in rows:
        sample.ids.append(id_number)
        if kind == "person" and len(name) == 2:
            sample.names2.append(name)
        elif kind == "person" and len(name) == 3:
            sample.names3.append(name)
        elif kind == "organisation" and name not in LENDERS:
            size = rng.randint(3, 6)
            start = rng.randrange(len(name) - size + 1)
            sample.companies.append(name[start : start + size])
        # A visitor (a party, or the applicant's registered agent) asks about their own case by number or name.
        visitor = agents.get(case_id) if rng.random() < 0.3 else None
        own = numbers.get(case_id)
        query = f"{own[2]}{own[3]}" if own and rng.random() < 0.5 else name
        sample.visitors.append((query, visitor or id_number))
    for values in (sample.numbers, sample.names2, sample.names3, sample.companies, sample.ids, sample.visitors):
        rng.shuffle(values)
    return sample


def timed(call: Callable[[], SearchPage]) -> tuple[float, SearchPage]:
    started = time.perf_counter()
    page = call()
    return (time.perf_counter() - started) * 1000, page


@dataclass
class Row:
    kind: str
    example: str
    times: list[float] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)

    def add(self, ms: float, page: SearchPage) -> None:
        self.times.append(ms)
        self.hits.append(len(page.hits))

    def line(self) -> str:
        times = sorted(self.times)
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        found = sum(1 for h in self.hits if h) / len(self.hits)
        mark = "ok" if median < TARGET_MS else "SLOW"
        return (
            f"{self.kind:<34}{len(times):>4}{median:>9.1f}{p95:>9.1f}{max(times):>9.1f}"
            f"{statistics.mean(self.hits):>8.1f}{found:>8.0%}  {mark}  {self.example}"
        )


_CONTEXTS: dict[tuple[int, int], ServiceContext] = {}


def _context(engine: Engine, actor: Actor) -> ServiceContext:
    """The context searches run in (built once: the working calendar takes a moment to load)."""
    key = (id(engine), actor.id)
    if key not in _CONTEXTS:
        from zhihui_tui.domain.clock import SystemClock
        from zhihui_tui.services.calendar_data import load_calendar

        _CONTEXTS[key] = ServiceContext(engine=engine, clock=SystemClock(), calendar=load_calendar(None), actor=actor)
    return _CONTEXTS[key]


def measure(engine: Engine, sample: Sample, count: int, actor: Actor) -> list[Row]:
    def search(query: str, **kwargs: Any) -> Callable[[], SearchPage]:
        return lambda: search_cases(query, ctx=_context(engine, actor), **kwargs)

    for name in sample.names2[:5]:  # warm the connection pool and the code paths
        search(name)()
    rows: list[Row] = []
    kinds: list[tuple[str, list[str], Callable[[str], str]]] = [
        ("full case number", [n[0] for n in sample.numbers], lambda v: v),
        ("partial 执123", [f"{n[2]}{n[3]}" for n in sample.numbers], lambda v: v),
        ("partial 2026执123", [f"{n[1]}{n[2]}{n[3]}" for n in sample.numbers], lambda v: v),
        ("sequence only 123", [str(n[3]) for n in sample.numbers], lambda v: v),
        ("2-char name", sample.names2, lambda v: v),
        ("3-char name", sample.names3, lambda v: v),
        ("company-name substring (3–6 chars)", sample.companies, lambda v: v),
        ("ID number / credit code", sample.ids, lambda v: v),
        ("pinyin initials (zs)", sample.names2 + sample.names3, _initials),
    ]
    for kind, values, transform in kinds:
        queries = [transform(v) for v in values if transform(v)][:count]
        row = Row(kind, " ".join(queries[:3]))
        for query in queries:
            row.add(*timed(search(query)))
        rows.append(row)
    row = Row("visitor-restricted (R-REC-2)", " ".join(q for q, _ in sample.visitors[:3]))
    for query, visitor in sample.visitors[:count]:
        row.add(*timed(search(query, restrict_to_id_number=visitor)))
    rows.append(row)
    rows.append(_second_pages(engine, sample, count, actor))
    rows.append(_full_pages(engine, sample, count, actor))
    return rows


def _initials(name: str) -> str:
    variants = sorted(name_initials(name))
    return variants[0] if variants else ""


def _second_pages(engine: Engine, sample: Sample, count: int, actor: Actor) -> Row:
    row = Row("second page via cursor", "")
    for query in itertools.chain(sample.names2, sample.names3, (_initials(n) for n in sample.names2)):
        first = search_cases(query, ctx=_context(engine, actor))
        if first.next_cursor is None:
            continue
        row.example = row.example or query
        row.add(*timed(lambda q=query, c=first.next_cursor: search_cases(q, ctx=_context(engine, actor), after=c)))
        if len(row.times) >= count:
            break
    return row


def _full_pages(engine: Engine, sample: Sample, count: int, actor: Actor) -> Row:
    """A page of exactly 20 hits, end to end (parse, index, parties, handler)."""
    row = Row("open a page of 20 hits (end to end)", "")
    for query in itertools.chain((_initials(n) for n in sample.names2), sample.names2):
        ms, page = timed(lambda q=query: search_cases(q, ctx=_context(engine, actor), limit=20))
        if len(page.hits) == 20:
            row.example = row.example or query
            row.add(ms, page)
        if len(row.times) >= count:
            break
    return row


# -- rejected designs ----------------------------------------------------------------------------------------


def compare(engine: Engine, sample: Sample, count: int) -> list[str]:
    """Time the designs this one was chosen over, on the same data (SQLite only for FTS5)."""
    lines = []
    order = "ORDER BY coalesce(c.filed_at, c.received_at) DESC, c.id DESC LIMIT 21"
    like = (
        "SELECT c.id FROM party p JOIN case_party cp ON cp.party_id = p.id JOIN enforcement_case c "
        f"ON c.id = cp.case_id WHERE p.name LIKE :q {order}"
    )
    sort_all = (
        "SELECT c.id FROM search_term t JOIN enforcement_case c ON c.id = t.case_id "
        f"WHERE t.kind = :k AND t.term = :q {order}"
    )
    small = max(10, count // 5)
    with engine.connect() as connection:
        for label, sql, params in (
            ("LIKE '%…%' on party names, 2-char name", like, [{"q": f"%{v}%"} for v in sample.names2[:small]]),
            ("LIKE '%…%' on party names, company part", like, [{"q": f"%{v}%"} for v in sample.companies[:small]]),
            (
                "keys without sort_key (join + sort), pinyin",
                sort_all,
                [{"k": "p", "q": _initials(v)} for v in sample.names2[:small]],
            ),
            (
                "keys without sort_key (join + sort), 2-char name",
                sort_all,
                [{"k": "b", "q": v} for v in sample.names2[:small]],
            ),
        ):
            times = []
            for p in params:
                started = time.perf_counter()
                connection.execute(text(sql), p).all()
                times.append((time.perf_counter() - started) * 1000)
            lines.append(f"{label:<52} median {statistics.median(times):8.1f} ms  (n={len(times)})")
    if engine.dialect.name == "sqlite":
        lines.extend(_compare_fts5(str(engine.url.database), sample, small))
    return lines


def _compare_fts5(database: str, sample: Sample, small: int) -> list[str]:
    """FTS5 trigram over party names, in a scratch database attached to a separate autocommit connection."""
    import sqlite3

    scratch = Path(tempfile.gettempdir()) / "zhihui-search-bench-fts5.db"
    scratch.unlink(missing_ok=True)
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        connection.execute("ATTACH DATABASE ? AS scratch", (str(scratch),))
        started = time.perf_counter()
        connection.execute("CREATE VIRTUAL TABLE scratch.party_fts USING fts5(name, tokenize='trigram')")
        connection.execute("INSERT INTO scratch.party_fts(rowid, name) SELECT id, name FROM party")
        build = time.perf_counter() - started
        lines = [f"FTS5 trigram over party names: built in {build:.0f} s, {scratch.stat().st_size / 2**20:,.0f} MiB"]
        sql = (
            "SELECT c.id FROM scratch.party_fts f JOIN case_party cp ON cp.party_id = f.rowid "
            "JOIN enforcement_case c ON c.id = cp.case_id WHERE f.name MATCH ? "
            "ORDER BY coalesce(c.filed_at, c.received_at) DESC, c.id DESC LIMIT 21"
        )
        for label, values in (("3-char name", sample.names3), ("company part", sample.companies)):
            times = []
            for value in values[:small]:
                started = time.perf_counter()
                connection.execute(sql, (f'"{value}"',)).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            lines.append(f"FTS5 trigram, {label:<38} median {statistics.median(times):8.1f} ms  (n={len(times)})")
        two = sum(1 for v in sample.names2[:small] if connection.execute(sql, (f'"{v}"',)).fetchone())
        lines.append(f"FTS5 trigram, 2-char names found: {two} of {small} (the tokenizer needs 3+ characters)")
        connection.execute("DETACH DATABASE scratch")
        return lines
    finally:
        connection.close()
        scratch.unlink(missing_ok=True)


# -- main ----------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, help="number of cases (default 1,000,000; 100,000 with --pg)")
    parser.add_argument("--db", type=Path, help="SQLite file to build or reuse (default: in the temp dir)")
    parser.add_argument("--pg", metavar="URL", help="run against this PostgreSQL database instead")
    parser.add_argument("--queries", type=int, default=60, help="queries per kind (default 60)")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--reset", action="store_true", help="rebuild a database that holds other data")
    parser.add_argument("--reindex", action="store_true", help="rebuild the search index of a reused database")
    parser.add_argument("--compare", action="store_true", help="also time the rejected designs")
    args = parser.parse_args(argv)
    n = args.cases or (100_000 if args.pg else 1_000_000)
    if args.pg:
        url = args.pg
    else:
        path = args.db or Path(tempfile.gettempdir()) / f"zhihui-search-bench-{n}.db"
        url = f"sqlite:///{path}"
    engine, facts = prepare(url, n, args.seed, reset=args.reset, reindex=args.reindex)
    actor = Actor(id=1, login="system", name="批处理", roles=frozenset({Role.SYSTEM}))
    sample = draw(engine, n, args.queries, args.seed)
    rows = measure(engine, sample, args.queries, actor)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    where = f"{engine.dialect.name}, {n:,} cases ({os.cpu_count()} CPUs, load average {load})"
    print(f"\nCase search on {where}, target median < {TARGET_MS:.0f} ms")
    for key, value in facts.items():
        print(f"  {key}: {value}")
    print(f"\n{'query kind':<34}{'n':>4}{'median':>9}{'p95':>9}{'max':>9}{'hits':>8}{'found':>8}      e.g.")
    print(f"{'':<38}{'ms':>9}{'ms':>9}{'ms':>9}{'/page':>8}")
    for row in rows:
        print(row.line())
    if args.compare:
        print("\nRejected designs, same data (first page of 21, ids only):")
        for line in compare(engine, sample, args.queries):
            print("  " + line)
    engine.dispose()
    return 0 if all(statistics.median(r.times) < TARGET_MS for r in rows if r.times) else 1


if __name__ == "__main__":
    sys.exit(main())
