"""The demo court behind ``zhihui demo``: staff for every post of SPEC §1 and ~300 cases in every stage.

Deterministic: one ``random.Random(seed)``, every moment relative to ``clock.now()`` and generation order taken
from lists only (never from set iteration), so two fresh databases get the same case numbers, names and amounts.
Everything is written in one unit of work (all or nothing) through ``register_case``, like real filings.
A database that already holds the demo is left alone; one holding real accounts or cases is refused.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AuditRecord, Case, CaseMaterial, Staff, StaffRole
from zhihui_tui.domain.calendar import WorkCalendar
from zhihui_tui.domain.clock import Clock
from zhihui_tui.domain.filing import checklist_units
from zhihui_tui.domain.lifecycle import STAGE_LABELS, STAGE_ORDER, FilingCategory, Stage
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.domain.validators import (
    normalize_credit_code,
    normalize_landline,
    normalize_mobile,
    normalize_person_name,
    normalize_resident_id,
)
from zhihui_tui.services.accounts import SYSTEM_LOGIN, NewStaff, _check_new_staff, hash_password, system_actor
from zhihui_tui.services.cases import NewAgent, NewBasis, NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.context import Actor
from zhihui_tui.services.errors import ServiceError
from zhihui_tui.services.uow import unit_of_work

DEMO_ACTION = "载入演示数据"
DEMO_PASSWORD = "zhihui2026"
DEFAULT_SEED = 2221
# Serialises two `zhihui demo` runs on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
_DEMO_LOCK_KEY = 0x7A68_6444
WINDOW_DAYS = 160  # cases were received over the last ~5 months
# 终本 originals of the 执恢 cases lie further back: 终本 needs over 90 days since filing (R-ZB-1).
ORIGINAL_WINDOW_DAYS = 300
FEN_PER_YUAN = 100
FAST_LIMIT_FEN = 200_000 * FEN_PER_YUAN


# ------------------------------------------------------------------------------------------------
# Result
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    login: str
    name: str
    post: str


@dataclass(frozen=True)
class DemoSummary:
    loaded: bool  # False: the demo was already there and nothing was written
    logins: tuple[DemoLogin, ...]
    password: str
    case_count: int
    stage_counts: dict[str, int] = field(default_factory=dict)  # Chinese stage label → cases


# ------------------------------------------------------------------------------------------------
# Staff (SPEC §1)
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _StaffSpec:
    login: str
    name: str
    role: Role
    team: Team | None = None
    title: Title | None = None

    @property
    def post(self) -> str:
        if self.team is not None and self.title is not None:
            team = "快速执行团队" if self.team is Team.FAST else "精执办案团队"
            return f"{team}·{self.title.label}"
        return self.role.label


_J, _O, _C = Title.JUDGE, Title.ENFORCEMENT_OFFICER, Title.CLERK

# Post → "login name login name …" (SPEC §1 headcounts).
_POSTS: tuple[tuple[Role, str], ...] = (
    (Role.FILING_REVIEW, "lian1 陈淑芬 lian2 巴特尔"),
    (Role.SERVICE, "songda1 王丽娟 songda2 乌日娜"),
    (Role.NETWORK_INQUIRY, "chakong 刘洋"),
    (Role.DIRECTOR, "zhuren 张宏伟"),
    (Role.COUNTER_CONTROL, "linggui1 赵志刚 linggui2 额尔敦 linggui3 孙建军 linggui4 白音仓"),
    (Role.FIELD_SEARCH, "xiansuo1 李海军 xiansuo2 其木格 xiansuo3 吴宝山 xiansuo4 那仁满都拉 xiansuo5 韩立新"),
    (Role.FUNDS, "kuanwu1 周晓燕 kuanwu2 萨仁高娃"),
    (Role.DOSSIER, "juanzong1 郑秀兰 juanzong2 图雅"),
    (Role.GENERAL_AFFAIRS, "zonghe1 马玉梅 zonghe2 宝音"),
)
# Teams: judges, enforcement officers, clerks; logins are numbered in this order (kuai01…, jing01…).
_TEAMS: tuple[tuple[Team, str, tuple[tuple[Title, str], ...]], ...] = (
    (
        Team.FAST,
        "kuai",
        ((_J, "王建国 包金山 李春燕"), (_O, "张磊 朝鲁 杨志强 白玉霞 刘振华"), (_C, "高娃 孟庆丰 赵婷婷 乌兰 徐明")),
    ),
    (Team.INTENSIVE, "jing", ((_J, "孙立军 阿拉坦仓"), (_O, "陈国栋 斯琴图 何永刚"), (_C, "田雪 格日乐"))),
)
_LEADERS: tuple[tuple[Role, str], ...] = (
    (Role.BUREAU_CHIEF, "juzhang 孟凡军"),
    (Role.DEPUTY_CHIEF, "fujuzhang 敖登"),
    (Role.ADMIN, "guanli 杜鹏"),
)


def _words(text: str) -> tuple[str, ...]:
    """Word lists are written as one space-separated string: far easier to read and extend than a tuple."""
    return tuple(text.split())


def _pairs(text: str) -> list[tuple[str, str]]:
    words = _words(text)
    return list(zip(words[::2], words[1::2], strict=True))


def demo_roster() -> list[_StaffSpec]:
    """Every post of SPEC §1 with its headcount. Clerks (书记员) sit in the teams with the handler role
    (there is no clerk post), but they never own cases: titles tell them apart."""
    roster = [_StaffSpec(login, name, role) for role, people in _POSTS for login, name in _pairs(people)]
    for team, prefix, groups in _TEAMS:
        members = [(name, title) for title, names in groups for name in names.split()]
        roster += [
            _StaffSpec(f"{prefix}{i:02d}", name, Role.HANDLER, team, title)
            for i, (name, title) in enumerate(members, start=1)
        ]
    roster += [_StaffSpec(login, name, role) for role, people in _LEADERS for login, name in _pairs(people)]
    return roster


def demo_logins() -> tuple[DemoLogin, ...]:
    return tuple(DemoLogin(s.login, s.name, s.post) for s in demo_roster())


# ------------------------------------------------------------------------------------------------
# Identity numbers (validated before use: demo data can never be invalid)
# ------------------------------------------------------------------------------------------------

# GB/T 2260 codes: 兴安盟 (1522xx) first, a few neighbours (呼和浩特, 通辽, 赤峰) for realism.
_REGIONS = _words("152221 " * 8 + "152201 152201 152202 152222 152223 152224 150102 150502 150402")
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_CREDIT_BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _resident_id(rng: random.Random, *, female: bool, today: date) -> str:
    """An 18-digit GB 11643 number: region, birth date, sequence (odd = male), ISO 7064 MOD 11-2 check."""
    born = date(1958, 1, 1) + timedelta(days=rng.randrange(365 * 46))
    sequence = rng.randrange(500) * 2 + (0 if female else 1)
    body = f"{rng.choice(_REGIONS)}{born:%Y%m%d}{sequence:03d}"
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    check = (12 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11) % 11
    number = body + ("X" if check == 10 else str(check))
    return normalize_resident_id(number, field="演示身份证号", today=today)


def _org_code(rng: random.Random) -> str:
    """A GB 11714 组织机构代码: 8 characters and its MOD 11 check (newer codes start with MA)."""
    if rng.random() < 0.5:
        body = "MA" + "".join(rng.choice(_CREDIT_BODY_CHARS) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(int(ch, 36) * w for ch, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _credit_code(rng: random.Random, prefix: str, division: str = "152221") -> str:
    """A GB 32100 统一社会信用代码: authority and category (e.g. 91, 93, N2, Y1), division, org code, check."""
    body = f"{prefix}{division}{_org_code(rng)}"
    total = sum(_CREDIT_BODY_CHARS.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return normalize_credit_code(body + _CREDIT_BODY_CHARS[-total % 31], field="演示统一社会信用代码")


# ------------------------------------------------------------------------------------------------
# Names, phones, addresses
# ------------------------------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯于董程曹袁邓许沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴"
    "夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹易常武乔贺赖龚文包宝鲍"
)
_MALE_GIVEN = _words(
    "建国 志强 海涛 立军 永生 国庆 振华 宏伟 春雷 文斌 俊杰 小军 德胜 玉山 金龙 长青 福林 铁柱 明 伟 刚 勇 军 磊 强 "
    "鹏 辉 斌 杰 涛 海军 晓东 树林 凤山 占军 喜春 宝山 双喜 跃进 连生"
)
_FEMALE_GIVEN = _words(
    "秀英 桂兰 玉兰 淑珍 丽娟 春梅 晓燕 艳红 海燕 丽 静 敏 娟 霞 芳 红 雪 婷 琳 慧 "
    "凤芝 玉梅 淑华 秀荣 桂芝 亚楠 欣怡 雅静"
)
_MONGOLIAN_MALE = _words(
    "巴特尔 朝鲁 额尔敦 那顺 宝音 苏和 阿拉坦仓 格日勒图 孟和 敖日格勒 吉日木图 布和 乌力吉 斯琴巴图 毕力格 图门 呼和 "
    "德力格尔 达来 巴雅尔 白音 满都拉 额尔德木图"
)
_MONGOLIAN_FEMALE = _words(
    "乌日娜 其木格 萨仁 高娃 斯琴 图雅 乌兰 娜仁 萨日娜 苏日娜 阿荣 格日乐 敖登 塔娜 其其格 萨仁高娃 乌云 托娅 琪琪格"
)
_MONGOLIAN_SURNAMES = "包白宝韩吴陈王鲍"  # family names Mongolian families took in Chinese
_MOBILE_PREFIXES = _words("133 135 139 150 151 152 155 158 180 183 187 189 198")
_TOWNS = _words(
    "科尔沁镇 乌兰毛都苏木 归流河镇 居力很镇 察尔森镇 索伦镇 德伯斯镇 大石寨镇 俄体镇 阿力得尔苏木 满族屯满族乡 "
    "额尔格图镇 巴日嘎斯台乡 桃合木苏木"
)
_VILLAGES = _words("巴彦 哈拉黑 白音花 阿拉坦 乌兰 呼和 新立 永丰 太平 前进 红光 双合")
_STREETS = _words("兴安南大街 五一北路 罕山街 胜利路 都林街")
_BRANDS = _words(
    "宏达 鑫源 蒙源 草原红 金穗 兴旺 安泰 丰泽 盛世 恒通 瑞丰 德润 北疆 罕山 洮儿河 索伦 归流河 科尔沁 汇鑫 万佳 龙腾 "
    "聚丰 华诚 天骄 绿野 嘉禾 金源"
)
_INDUSTRIES = _words(
    "建筑工程 农牧业开发 商贸 建材 物流 房地产开发 畜牧养殖 粮食收储 汽车销售 农机 餐饮管理 物业服务 "
    "肉类食品 矿业 供热 石材"
)
_SHOPS = _words("便利店 汽修部 饭店 农资经销部")
_PLACES = _words("科尔沁右翼前旗 科尔沁右翼前旗 兴安盟 乌兰浩特市 阿尔山市")
_HOME = "内蒙古自治区兴安盟"


@dataclass(frozen=True)
class _Person:
    name: str
    id_number: str
    female: bool


class _Parties:
    """Hands out people and organisations with unique, valid numbers (one number, one name)."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self._names_by_id: dict[str, str] = {}
        self._org_names: dict[str, str] = {}

    def mobile(self) -> str:
        return normalize_mobile(self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}")

    def address(self) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            return f"{_HOME}乌兰浩特市{rng.choice(_STREETS)}{rng.randint(1, 300)}号"
        village = f"{rng.choice(_VILLAGES)}{rng.choice(('嘎查', '村'))}"
        return f"{_HOME}科尔沁右翼前旗{rng.choice(_TOWNS)}{village}{rng.randint(1, 12)}组"

    def _person_name(self, female: bool) -> str:
        rng = self.rng
        if rng.random() < 0.28:  # Mongolian names: alone, or after a family name taken in Chinese
            name = rng.choice(_MONGOLIAN_FEMALE if female else _MONGOLIAN_MALE)
            if rng.random() < 0.35:
                name = rng.choice(_MONGOLIAN_SURNAMES) + name
        else:
            name = rng.choice(_SURNAMES) + rng.choice(_FEMALE_GIVEN if female else _MALE_GIVEN)
        return normalize_person_name(name)

    def person(self) -> _Person:
        female = self.rng.random() < 0.4
        while True:
            number = _resident_id(self.rng, female=female, today=self.today)
            if number not in self._names_by_id:
                break
        name = self._person_name(female)
        self._names_by_id[number] = name
        return _Person(name, number, female)

    def person_party(self, *, whereabouts_unknown: bool = False) -> NewParty:
        p = self.person()
        return NewParty(
            PartyKind.PERSON,
            p.name,
            p.id_number,
            self.mobile(),
            self.address(),
            whereabouts_unknown=whereabouts_unknown,
        )

    def organisation(self, name: str, prefix: str = "91", division: str = "152221") -> NewParty:
        """The same name always gets the same code (a creditor bank appears in many cases)."""
        if name not in self._org_names:
            while True:
                code = _credit_code(self.rng, prefix, division)
                if code not in self._names_by_id:
                    break
            self._org_names[name] = code
            self._names_by_id[code] = name
        phone = normalize_landline(f"0482-{self.rng.randint(8200000, 8799999)}")
        return NewParty(PartyKind.ORGANISATION, name, self._org_names[name], phone, self.address())

    def company(self) -> NewParty:
        rng = self.rng
        roll = rng.random()
        place = rng.choice(_PLACES)
        if roll < 0.12:
            trade = rng.choice(("养殖", "种植"))
            return self.organisation(
                f"科尔沁右翼前旗{rng.choice(_TOWNS)}{rng.choice(_BRANDS)}{trade}农民专业合作社", "93"
            )
        if roll < 0.2:
            return self.organisation(f"{place}{rng.choice(_BRANDS)}{rng.choice(_SHOPS)}", "92")
        suffix = rng.choice(("有限公司", "有限责任公司"))
        return self.organisation(f"{place}{rng.choice(_BRANDS)}{rng.choice(_INDUSTRIES)}{suffix}")


# Creditors that come back case after case; some with letter authority codes (N: 农业, Y: 其他; 5: 民政).
_CREDITORS: tuple[tuple[str, str, str], ...] = (
    ("内蒙古科尔沁右翼前旗农村商业银行股份有限公司", "91", "152221"),
    ("中国邮政储蓄银行股份有限公司科尔沁右翼前旗支行", "91", "152221"),
    ("兴安盟蒙银村镇银行股份有限公司", "91", "152201"),
    ("科尔沁右翼前旗惠民小额贷款有限责任公司", "91", "152221"),
    ("科尔沁右翼前旗归流河镇巴彦嘎查股份经济合作社", "N2", "152221"),
    ("科尔沁右翼前旗居力很镇永丰村股份经济合作社", "N2", "152221"),
    ("科尔沁右翼前旗察尔森镇农牧民互助协会", "Y1", "152221"),
    ("科尔沁右翼前旗春晖职业技能培训学校", "52", "152221"),
)
_TRANSFER_APPLICANT = ("科尔沁右翼前旗人民法院", "11", "152221")


# ------------------------------------------------------------------------------------------------
# Time lines
# ------------------------------------------------------------------------------------------------

# (working days or calendar days, low, high) between entering one stage and the next.
_GAPS: dict[tuple[Stage, Stage], tuple[str, int, int]] = {
    (Stage.RECEIVED, Stage.FILED): ("wd", 0, 2),
    (Stage.RECEIVED, Stage.REJECTED): ("wd", 1, 3),
    (Stage.FILED, Stage.SERVED): ("wd", 1, 4),
    (Stage.FILED, Stage.ASSIGNED): ("wd", 1, 2),  # objection cases go straight to their handler
    (Stage.SERVED, Stage.INQUIRED): ("wd", 1, 2),
    (Stage.INQUIRED, Stage.TRIAGED): ("wd", 0, 2),
    (Stage.INQUIRED, Stage.ESCALATED): ("wd", 0, 2),
    (Stage.TRIAGED, Stage.ASSIGNED): ("wd", 0, 2),
    (Stage.ASSIGNED, Stage.CLOSED): ("cd", 10, 90),
    (Stage.CLOSED, Stage.ARCHIVED): ("cd", 7, 60),
}
# How long ago (calendar days) a case entered its current stage: early stages mostly within their 2–5 day
# limits, some past them, so supervision has open, near-due and overdue steps.
_AGES: dict[Stage, tuple[int, ...]] = {
    Stage.RECEIVED: (0, 0, 0, 1, 1, 2, 3, 5),
    Stage.FILED: (0, 1, 1, 2, 2, 3, 4, 5, 6, 8),
    Stage.SERVED: (0, 0, 1, 1, 2, 4),
    Stage.INQUIRED: (0, 0, 1, 1, 2, 3, 5),
    Stage.TRIAGED: (0, 1, 1, 2, 4),
    Stage.ESCALATED: tuple(range(1, 16)),
    Stage.ASSIGNED: tuple(range(2, 126)),
    Stage.CLOSED: tuple(range(29)),
    Stage.ARCHIVED: tuple(range(1, 51)),
    Stage.REJECTED: tuple(range(1, 141)),
}
_WORK_START, _WORK_END = 8 * 60 + 30, 17 * 60 + 30  # minutes after midnight


def _path(category: FilingCategory, stage: Stage) -> list[Stage]:
    """The stages a case went through to reach ``stage`` (the same path ``register_case`` records)."""
    if stage is Stage.REJECTED:
        return [Stage.RECEIVED, Stage.REJECTED]
    if stage is Stage.ESCALATED:
        return [*STAGE_ORDER[: STAGE_ORDER.index(Stage.INQUIRED) + 1], Stage.ESCALATED]
    path = list(STAGE_ORDER[: STAGE_ORDER.index(stage) + 1])
    if category is FilingCategory.OBJECTION:
        path = [s for s in path if s not in (Stage.SERVED, Stage.INQUIRED, Stage.TRIAGED)]
    return path


class _Timeline:
    def __init__(self, rng: random.Random, calendar: WorkCalendar, now: datetime) -> None:
        self.rng, self.calendar, self.now = rng, calendar, now

    def _workday_on_or_before(self, day: date) -> date:
        while not self.calendar.is_workday(day):
            day -= timedelta(days=1)
        return day

    def _back_workdays(self, day: date, count: int) -> date:
        for _ in range(count):
            day = self._workday_on_or_before(day - timedelta(days=1))
        return day

    def _moment(self, day: date) -> datetime:
        minute = self.rng.randrange(_WORK_START, _WORK_END)
        return datetime.combine(day, time(minute // 60, minute % 60))

    def _before(self, later: datetime, gap: tuple[str, int, int]) -> datetime:
        unit, low, high = gap
        days = self.rng.randint(low, high)
        if unit == "cd":
            return self._moment(self._workday_on_or_before(later.date() - timedelta(days=days)))
        if days == 0:  # the same day, a little earlier — or the previous afternoon
            earlier = later - timedelta(minutes=self.rng.randint(20, 150))
            if earlier.time() >= time(8, 0) and earlier.date() == later.date():
                return earlier
            day = self._back_workdays(later.date(), 1)
            return datetime.combine(day, time(16, self.rng.randrange(60)))
        return self._moment(self._back_workdays(later.date(), days))

    def _entry(self, age_days: int) -> datetime:
        day = self._workday_on_or_before(self.now.date() - timedelta(days=age_days))
        at = self._moment(day)
        if at >= self.now:
            at = self.now - timedelta(minutes=self.rng.randint(5, 60))
        return at

    def build(
        self,
        path: Sequence[Stage],
        *,
        ages: Sequence[int],
        gaps: dict[tuple[Stage, Stage], tuple[str, int, int]] | None = None,
        accept: Callable[[dict[Stage, datetime]], bool] = lambda _: True,
    ) -> dict[Stage, datetime]:
        """Walk back from the current stage; draw again until the case was received in the window."""
        gaps = {**_GAPS, **(gaps or {})}
        for _ in range(200):
            times = {path[-1]: self._entry(self.rng.choice(ages))}
            for earlier, later in zip(reversed(path[:-1]), reversed(path[1:]), strict=True):
                times[earlier] = self._before(times[later], gaps[(earlier, later)])
            if accept(times):
                return times
        raise RuntimeError(f"no demo time line fits the window for {path[-1]}")  # a bug in the tables above


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
class _CaseSpec:
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
    original: _CaseSpec | None = None

    @property
    def sort_key(self) -> tuple[datetime, int]:
        # Insert in filing order so case numbers rise with filing dates, as at a real court.
        return (self.times.get(Stage.FILED, self.times[Stage.RECEIVED]), self.order)


def _weighted(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


class _CaseFactory:
    def __init__(self, rng: random.Random, calendar: WorkCalendar, now: datetime, roster: list[_StaffSpec]) -> None:
        self.rng = rng
        self.now = now
        self.timeline = _Timeline(rng, calendar, now)
        self.parties = _Parties(rng, now.date())
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
            return self.parties.organisation(*_TRANSFER_APPLICANT)
        if self.rng.random() < 0.3:
            return self.parties.organisation(*self.rng.choice(_CREDITORS))
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
        original: _CaseSpec | None = None,
        original_window: bool = False,
    ) -> _CaseSpec:
        rng = self.rng
        self.order += 1
        path = _path(category, stage)
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
        spec = _CaseSpec(
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

    def _times(self, path: list[Stage], *, original: _CaseSpec | None, original_window: bool) -> dict[Stage, datetime]:
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
        ages = [a for a in _AGES[path[-1]] if self.now - timedelta(days=a) > oldest] or [0]
        return self.timeline.build(path, ages=ages, accept=lambda t: t[Stage.RECEIVED] >= oldest)

    def _assign(self, spec: _CaseSpec, *, original_window: bool) -> None:
        """Team and handler from 已分流 on; a closure for closed cases."""
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
        if spec.stage in (Stage.CLOSED, Stage.ARCHIVED):
            if original_window:
                spec.closure = "procedure_terminated"
            else:
                closures = _OBJECTION_CLOSURES if spec.category is FilingCategory.OBJECTION else _CLOSURES
                spec.closure = _weighted(rng, closures)


def _showcase(specs: list[_CaseSpec], factory: _CaseFactory) -> None:
    """Cases awaiting triage that exercise R-TRI-2's edges: 200,000.00 / 199,999.99 / 200,000.01, six
    respondents (超过5人), a respondent whose whereabouts are unknown."""
    waiting = [s for s in specs if s.stage is Stage.INQUIRED and s.category is FilingCategory.APPLICATION]
    for spec, amount in zip(waiting, _EDGE_AMOUNTS_FEN, strict=False):
        spec.amount_fen = amount
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


def build_demo_cases(rng: random.Random, calendar: WorkCalendar, now: datetime) -> list[_CaseSpec]:
    """All demo cases in insertion (filing) order; pure apart from reading the calendar."""
    factory = _CaseFactory(rng, calendar, now, demo_roster())
    specs: list[_CaseSpec] = []
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


# ------------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------------


def demo_present(session: Session) -> bool:
    return session.exec(select(AuditRecord.id).where(AuditRecord.action == DEMO_ACTION).limit(1)).first() is not None


def _refuse_if_in_use(session: Session) -> None:
    """Demo data must never mix into a court's real database."""
    staff = session.exec(select(func.count()).select_from(Staff).where(Staff.login != SYSTEM_LOGIN)).one()
    cases = session.exec(select(func.count()).select_from(Case)).one()
    if staff or cases:
        raise ServiceError(
            f"数据库中已有 {staff} 个账号、{cases} 件案件，演示数据只能载入新建的空数据库（可用 --db 指定新文件）"
        )


def _summary(loaded: bool, session: Session) -> DemoSummary:
    rows = session.exec(select(Case.stage, func.count()).group_by(Case.stage)).all()
    by_stage = dict(rows)
    counts = {label: int(by_stage.get(stage.value, 0)) for stage, label in STAGE_LABELS.items()}
    return DemoSummary(loaded, demo_logins(), DEMO_PASSWORD, sum(counts.values()), counts)


def _add_staff(session: Session, rng: random.Random, now: datetime) -> dict[str, Actor]:
    """Staff rows in the demo's own transaction; one argon2 hash serves every account (same demo password)."""
    password_hash = hash_password(DEMO_PASSWORD)
    created = now - timedelta(days=ORIGINAL_WINDOW_DAYS + 30)
    actors: dict[str, Actor] = {}
    for number, spec in enumerate(demo_roster(), start=1):
        counter = spec.role is Role.COUNTER_CONTROL  # R-CTR-1: both cards recorded on the account
        new = NewStaff(
            login=spec.login,
            name=spec.name,
            roles=(spec.role,),
            password=DEMO_PASSWORD,
            team=spec.team,
            title=spec.title,
            office_phone=normalize_landline(f"0482-83{rng.randint(10000, 99999)}"),
            mobile=normalize_mobile(rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"),
            work_card_no=f"内2221-{number:04d}" if counter else None,
            official_card_no=f"执公{rng.randint(15000000, 15999999)}" if counter else None,
        )
        _check_new_staff(new)
        staff = Staff(
            login=new.login,
            name=new.name,
            password_hash=password_hash,
            team=new.team.value if new.team else None,
            title=new.title.value if new.title else None,
            office_phone=new.office_phone,
            mobile=new.mobile,
            work_card_no=new.work_card_no,
            official_card_no=new.official_card_no,
            created_at=created,
        )
        session.add(staff)
        session.flush()
        assert staff.id is not None
        session.add(StaffRole(staff_id=staff.id, role=spec.role.value))
        actors[spec.login] = Actor(staff.id, staff.login, staff.name, frozenset({spec.role}))
    session.flush()
    return actors


def _new_case(spec: _CaseSpec, actors: dict[str, Actor], case_ids: dict[int, int]) -> NewCase:
    return NewCase(
        category=spec.category,
        received_at=spec.times[Stage.RECEIVED],
        applicants=spec.applicants,
        respondents=spec.respondents,
        target_amount_fen=spec.amount_fen,
        basis=spec.basis,
        agents=spec.agents,
        consumption_restriction_requested=spec.restrict,
        dishonest_list_requested=spec.dishonest,
        stage=spec.stage,
        filed_at=spec.times.get(Stage.FILED),
        handler_id=actors[spec.handler].id if spec.handler else None,
        team=spec.team,
        original_case_id=case_ids[spec.original.order] if spec.original else None,
        disputed=spec.disputed,
        stage_times=dict(spec.times),
    )


def _add_checklist(session: Session, case_id: int, spec: _CaseSpec, clerk: Actor, rng: random.Random) -> None:
    """A case at 材料接收 has its checklist as the receiving clerk ticked it: about half complete, the rest
    waiting for one or two required items (the queue's 缺少材料 column then has something to say)."""
    units = checklist_units(spec.category)
    required = [unit.code for unit in units if unit.required(has_agent=bool(spec.agents))]
    absent = set(rng.sample(required, rng.randint(1, 2))) if rng.random() < 0.5 else set()
    received = spec.times[Stage.RECEIVED]
    for unit in units:
        ticked = unit.code in required and unit.code not in absent
        session.add(
            CaseMaterial(
                case_id=case_id,
                item=unit.code,
                provided=ticked,
                checked_by_id=clerk.id if ticked else None,
                checked_at=received if ticked else None,
            )
        )


def load_demo(
    engine: Engine,
    *,
    clock: Clock,
    calendar: WorkCalendar,
    court_code: str,
    seed: int = DEFAULT_SEED,
) -> DemoSummary:
    """Load the demo court in one transaction, or report that it is already there."""
    with read_session(engine) as session:
        if demo_present(session):
            return _summary(False, session)
    now = clock.now()
    rng = random.Random(seed)
    specs = build_demo_cases(rng, calendar, now)
    materials_rng = random.Random(f"{seed}:materials")  # its own stream: the rest of the court stays as it was
    system = system_actor(engine)
    with unit_of_work(engine, actor=system, action=DEMO_ACTION, clock=clock) as session:
        if session.connection().dialect.name == "postgresql":
            session.connection().execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DEMO_LOCK_KEY})
        if demo_present(session):  # a run that got here first while we were generating
            return _summary(False, session)
        _refuse_if_in_use(session)
        actors = _add_staff(session, rng, now)
        filing_clerks = [actors["lian1"], actors["lian2"]]
        case_ids: dict[int, int] = {}
        for spec in specs:
            # The clerk who took in the materials owns the filing step and signs the stage history.
            clerk = filing_clerks[spec.order % 2]
            case = register_case(
                session, _new_case(spec, actors, case_ids), actor=clerk, calendar=calendar, court_code=court_code
            )
            assert case.id is not None
            case_ids[spec.order] = case.id
            if spec.closure:  # NewCase has no closure fields: set them on the row just written
                case.closure, case.closed_at = spec.closure, spec.times[Stage.CLOSED]
            if spec.stage is Stage.RECEIVED:
                _add_checklist(session, case.id, spec, clerk, materials_rng)
        session.flush()
        return _summary(True, session)
