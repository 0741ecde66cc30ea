"""Moved to :mod:`zhihui_tui.demo` (a package of its own: the demo court is not a use case). This shim keeps the
old import path working for the TUI tests and the import benchmark."""

from zhihui_tui.demo import (
    DEFAULT_SEED,
    DEMO_ACTION,
    DEMO_PASSWORD,
    DemoLogin,
    DemoSummary,
    build_demo_cases,
    demo_logins,
    demo_roster,
    load_demo,
)
from zhihui_tui.demo.parties import Parties as _Parties

__all__ = [
    "DEFAULT_SEED",
    "DEMO_ACTION",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoSummary",
    "_Parties",
    "build_demo_cases",
    "demo_logins",
    "demo_roster",
    "load_demo",
]
