"""Pinyin initials of a person's name, for the search box (``zs`` finds 张三).

A clerk types the initials of the name as they *say* it, and surnames are where the everyday reading is
wrong: 单 is Shàn, 曾 Zēng, 解 Xiè, 仇 Qiú, 区 Ōu, 查 Zhā, 朴 Piáo, 盖 Gě, 尉迟 Yùchí, 万俟 Mòqí. Clerks
also say the everyday reading (Dān, Céng…), so every reading of the surname is kept: ``dm``, ``sm`` and
``cm`` all find 单明. Given names get every reading of each character too (长 is Cháng or Zhǎng, 乐 Lè
or Yuè), but only while the given name has at most :data:`MAX_GIVEN_VARIANTS` spellings; past that the
remaining characters keep their everyday reading (pypinyin lists rare readings for many characters, and
transliterated names such as 阿依古丽 would otherwise multiply into dozens of variants).

Only Han characters are spelled; a name with anything else in it (Latin letters, a character pypinyin does
not know) gets no initials and is found by its text instead. ``pypinyin`` costs 0.3 s to import, so it is
imported on first use, never when this module is imported (the terminal's first frame does not wait for it).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

MAX_GIVEN_VARIANTS = 4

# Two-character surnames (复姓): their readings are taken in full, like a one-character surname.
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    (
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "端木",
        "独孤",
        "南宫",
        "万俟",
        "闻人",
        "赫连",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太叔",
        "申屠",
        "公羊",
        "呼延",
        "拓跋",
        "百里",
        "东郭",
        "西门",
        "第五",
        "左丘",
        "梁丘",
        "谷梁",
        "乐正",
    )
)

# Surname readings a clerk must be able to type even where pypinyin's list of readings lacks them.
SURNAME_INITIALS: dict[str, str] = {
    "单": "s",  # Shàn
    "曾": "z",  # Zēng
    "解": "x",  # Xiè
    "仇": "q",  # Qiú
    "区": "o",  # Ōu
    "查": "z",  # Zhā
    "朴": "p",  # Piáo
    "盖": "g",  # Gě
    "尉": "y",  # Yù (尉迟)
    "乐": "y",  # Yuè
    "覃": "q",  # Qín
    "缪": "m",  # Miào
    "翟": "z",  # Zhái
    "召": "s",  # Shào
    "秘": "b",  # Bì
    "种": "c",  # Chóng
    "折": "s",  # Shé
    "万": "m",  # Mò (万俟)
    "俟": "q",  # Qí (万俟)
    "繁": "p",  # Pó
    "宓": "f",  # Fú
    "句": "g",  # Gōu
    "能": "n",  # Nài
    "员": "y",  # Yùn
    "长": "z",  # Zhǎng (长孙)
}

_SEPARATORS = frozenset(" \t·•‧・∙⋅．.\u2e31\u30fb\uff65")


def _is_han(ch: str) -> bool:
    code = ord(ch)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x323AF or ch == "〇"


@lru_cache(maxsize=8192)
def char_initials(ch: str) -> tuple[str, ...]:
    """Every initial letter of a character's readings, the everyday reading first; () if unknown."""
    from pypinyin import Style, pinyin  # lazy: 0.3 s import

    readings = pinyin(ch, style=Style.FIRST_LETTER, heteronym=True, errors="default")
    letters = [r for r in readings[0] if len(r) == 1 and r.isascii() and r.isalpha()] if readings else []
    return tuple(dict.fromkeys(letters))


def split_surname(name: str) -> tuple[str, str]:
    """(surname, given name); a compound surname when the name starts with one and has more after it."""
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def name_initials(name: str) -> frozenset[str]:
    """All initials strings a clerk may type for a person's name (lower case), or an empty set."""
    text = "".join(ch for ch in name if ch not in _SEPARATORS)
    if len(text) < 2 or not all(_is_han(ch) for ch in text):
        return frozenset()
    surname, given = split_surname(text)
    choices: list[tuple[str, ...]] = []
    for ch in surname:
        letters = char_initials(ch)
        extra = SURNAME_INITIALS.get(ch)
        if extra and extra not in letters:
            letters = (*letters, extra)
        choices.append(letters)
    given_variants = 1
    for ch in given:
        letters = char_initials(ch)
        if given_variants * len(letters) > MAX_GIVEN_VARIANTS:
            letters = letters[:1]  # the everyday reading only
        choices.append(letters)
        given_variants *= len(letters)
    if not all(choices):  # a character pypinyin cannot spell
        return frozenset()
    return frozenset("".join(combo) for combo in itertools.product(*choices))
