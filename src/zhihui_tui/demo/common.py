"""Constants and small helpers every part of the demo court shares."""

from __future__ import annotations

import random
from collections.abc import Sequence

DEMO_ACTION = "载入演示数据"
DEMO_PASSWORD = "zhihui2026"
DEFAULT_SEED = 2221
# Serialises two `zhihui demo` runs on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
DEMO_LOCK_KEY = 0x7A68_6444
WINDOW_DAYS = 160  # cases were received over the last ~5 months
# 终本 originals of the 执恢 cases lie further back: 终本 needs over 90 days since filing (R-ZB-1).
ORIGINAL_WINDOW_DAYS = 300
FEN_PER_YUAN = 100
FAST_LIMIT_FEN = 200_000 * FEN_PER_YUAN


def words(text: str) -> tuple[str, ...]:
    """Word lists are written as one space-separated string: far easier to read and extend than a tuple."""
    return tuple(text.split())


def pairs(text: str) -> list[tuple[str, str]]:
    items = words(text)
    return list(zip(items[::2], items[1::2], strict=True))


def weighted(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]
