"""The shared harness of the hostile-input properties (issue 16): the values, and one property run per service.

The values extend those of ``test_hostile_services`` with what a court's data also brings: texts of 10k to 1M
characters, astral-plane CJK (𠀀), LIKE wildcards and escapes, format strings, numbers and money that overflow or
are not numbers, and dates no calendar has. The outcome rule is that module's :func:`attempt`: a ``DomainError``
with a Chinese message and every table unchanged (the audit trail included), or a save whose rows are clean and
whose free text reads back as the normalised input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.services.test_hostile_services import HOSTILE, Target, attempt, hostile_text

EXTRA = [
    "𠀀", "𠀀𠀁𪚥", "张𠀀", "%", "_", "\\", "%_\\", "50%", "李_", "\\%", "[a-z]", "*", "?",
    "{0}", "{}", "{0!r:>{1}}", "%(x)s", "%d", "%%", "{{", "${x}",
    "-1", "-0", "-0.01", "0", "0.00", "1e308", "-1e308", "1e-400", "inf", "-inf", "Infinity", "nan", "-NaN",
    "9" * 19, "9" * 30 + ".99", "-99999999999", "0.001", "1,000,000,000,000.00", "9223372036854775808",
    "¥100", "100元", "一百", "１００", "10.", ".1", "1_000", "0x10", "1/2",
    "2026-11-27T09:30", "27/11/2026", "2026年11月27日", "20261127", "1970-01-01", "0001-01-01", "2026-11-28",
    "2100-01-01", "2026-00-10", "2026-11-31", "-2026-11-27", "2026-11-27 ",
    "'; DROP TABLE funds_entry;--", "\\x00", "\\u0000", "’", "‘; SELECT 1 --",
]  # fmt: skip
ALL_VALUES = [*HOSTILE, *EXTRA]
huge_text = st.builds(
    lambda c, n: c * n,
    st.sampled_from(["x", "张", "𠀀", "㍿", "9", "%", "\u200d"]),
    st.sampled_from([10_000, 65_536, 100_000, 1_000_000]),
)
hostile = st.one_of(
    hostile_text,
    st.sampled_from(EXTRA),
    st.builds(lambda a, b: a + b, st.sampled_from(EXTRA), st.sampled_from(ALL_VALUES)),
    huge_text,
)
SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
# PostgreSQL costs a round trip per statement and per table of each snapshot: fewer examples there keep every
# file's run within its budget; the values that once broke a service run on both in full.
PG_SETTINGS = settings(SETTINGS, max_examples=10)


def settings_for(engine: Engine) -> settings:
    """The example budget of a property on ``engine``."""
    return SETTINGS if engine.dialect.name == "sqlite" else PG_SETTINGS


def run_property(target: Target, world: Any, engine: Engine, found: list[tuple[str, str]]) -> None:
    """Hypothesis draws (field, value) pairs for ``target``; the values once found to break it run first.

    The target's plain value is tried before anything: proof that the base form saves, so refusals mean something.
    """
    assert target.plain[0] in target.fields, target.plain
    assert attempt(engine, target, world, *target.plain), "the valid form itself is refused"

    def check(field: str, value: str) -> None:
        attempt(engine, target, world, field, value)

    run = given(field=st.sampled_from(target.fields), value=hostile)(check)
    for field, value in found:
        run = example(field=field, value=value)(run)
    settings_for(engine)(run)()


def run_properties(
    targets: dict[str, Target], world_of: Callable[[str], Any], engine: Engine, found: dict[str, list[tuple[str, str]]]
) -> None:
    """Every target's property in turn on one database: a migrated PostgreSQL schema costs seconds to build, so a
    file builds one per database rather than one per service. A failure names its service."""
    for name, target in targets.items():
        try:
            run_property(target, world_of(name), engine, found.get(name, []))
        except Exception as error:
            raise AssertionError(f"{name}: {type(error).__name__}: {str(error)[:2000]}") from error
