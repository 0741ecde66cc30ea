"""People and organisations of the demo docket, with valid, unique identity numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from zhihui_tui.demo.common import words
from zhihui_tui.domain.phones import normalize_landline, normalize_mobile
from zhihui_tui.domain.validators import normalize_credit_code, normalize_person_name, normalize_resident_id
from zhihui_tui.services.cases import NewParty, PartyKind

# ------------------------------------------------------------------------------------------------
# Identity numbers (validated before use: demo data can never be invalid)
# ------------------------------------------------------------------------------------------------

# GB/T 2260 codes: 兴安盟 (1522xx) first, a few neighbours (呼和浩特, 通辽, 赤峰) for realism.
_REGIONS = words("152221 " * 8 + "152201 152201 152202 152222 152223 152224 150102 150502 150402")
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
_MALE_GIVEN = words(
    "建国 志强 海涛 立军 永生 国庆 振华 宏伟 春雷 文斌 俊杰 小军 德胜 玉山 金龙 长青 福林 铁柱 明 伟 刚 勇 军 磊 强 "
    "鹏 辉 斌 杰 涛 海军 晓东 树林 凤山 占军 喜春 宝山 双喜 跃进 连生"
)
_FEMALE_GIVEN = words(
    "秀英 桂兰 玉兰 淑珍 丽娟 春梅 晓燕 艳红 海燕 丽 静 敏 娟 霞 芳 红 雪 婷 琳 慧 "
    "凤芝 玉梅 淑华 秀荣 桂芝 亚楠 欣怡 雅静"
)
_MONGOLIAN_MALE = words(
    "巴特尔 朝鲁 额尔敦 那顺 宝音 苏和 阿拉坦仓 格日勒图 孟和 敖日格勒 吉日木图 布和 乌力吉 斯琴巴图 毕力格 图门 呼和 "
    "德力格尔 达来 巴雅尔 白音 满都拉 额尔德木图"
)
_MONGOLIAN_FEMALE = words(
    "乌日娜 其木格 萨仁 高娃 斯琴 图雅 乌兰 娜仁 萨日娜 苏日娜 阿荣 格日乐 敖登 塔娜 其其格 萨仁高娃 乌云 托娅 琪琪格"
)
_MONGOLIAN_SURNAMES = "包白宝韩吴陈王鲍"  # family names Mongolian families took in Chinese
MOBILE_PREFIXES = words("133 135 139 150 151 152 155 158 180 183 187 189 198")
_TOWNS = words(
    "科尔沁镇 乌兰毛都苏木 归流河镇 居力很镇 察尔森镇 索伦镇 德伯斯镇 大石寨镇 俄体镇 阿力得尔苏木 满族屯满族乡 "
    "额尔格图镇 巴日嘎斯台乡 桃合木苏木"
)
_VILLAGES = words("巴彦 哈拉黑 白音花 阿拉坦 乌兰 呼和 新立 永丰 太平 前进 红光 双合")
_STREETS = words("兴安南大街 五一北路 罕山街 胜利路 都林街")
_BRANDS = words(
    "宏达 鑫源 蒙源 草原红 金穗 兴旺 安泰 丰泽 盛世 恒通 瑞丰 德润 北疆 罕山 洮儿河 索伦 归流河 科尔沁 汇鑫 万佳 龙腾 "
    "聚丰 华诚 天骄 绿野 嘉禾 金源"
)
_INDUSTRIES = words(
    "建筑工程 农牧业开发 商贸 建材 物流 房地产开发 畜牧养殖 粮食收储 汽车销售 农机 餐饮管理 物业服务 "
    "肉类食品 矿业 供热 石材"
)
_SHOPS = words("便利店 汽修部 饭店 农资经销部")
_PLACES = words("科尔沁右翼前旗 科尔沁右翼前旗 兴安盟 乌兰浩特市 阿尔山市")
_HOME = "内蒙古自治区兴安盟"


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    female: bool


class Parties:
    """Hands out people and organisations with unique, valid numbers (one number, one name)."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self._names_by_id: dict[str, str] = {}
        self._org_names: dict[str, str] = {}

    def mobile(self) -> str:
        return normalize_mobile(self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}")

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

    def person(self) -> Person:
        female = self.rng.random() < 0.4
        while True:
            number = _resident_id(self.rng, female=female, today=self.today)
            if number not in self._names_by_id:
                break
        name = self._person_name(female)
        self._names_by_id[number] = name
        return Person(name, number, female)

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
CREDITORS: tuple[tuple[str, str, str], ...] = (
    ("内蒙古科尔沁右翼前旗农村商业银行股份有限公司", "91", "152221"),
    ("中国邮政储蓄银行股份有限公司科尔沁右翼前旗支行", "91", "152221"),
    ("兴安盟蒙银村镇银行股份有限公司", "91", "152201"),
    ("科尔沁右翼前旗惠民小额贷款有限责任公司", "91", "152221"),
    ("科尔沁右翼前旗归流河镇巴彦嘎查股份经济合作社", "N2", "152221"),
    ("科尔沁右翼前旗居力很镇永丰村股份经济合作社", "N2", "152221"),
    ("科尔沁右翼前旗察尔森镇农牧民互助协会", "Y1", "152221"),
    ("科尔沁右翼前旗春晖职业技能培训学校", "52", "152221"),
)
TRANSFER_APPLICANT = ("科尔沁右翼前旗人民法院", "11", "152221")
