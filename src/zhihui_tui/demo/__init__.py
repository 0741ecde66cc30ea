"""The demo court behind ``zhihui demo``: staff for every post of SPEC §1 and ~300 cases in every stage, with
the work each post did on them (inquiry findings, triage rulings, 查人找物 registrations).

Deterministic: one ``random.Random(seed)``, every moment relative to ``clock.now()`` and generation order taken
from lists only (never from set iteration), so two fresh databases get the same case numbers, names and amounts.
Everything is written in one unit of work (all or nothing) through ``register_case``, like real filings, and each
stage change is signed by the post that makes it (``demo.work.STAGE_POSTS``).
A database that already holds the demo is left alone; one holding real accounts or cases is refused.

Modules: ``staff`` (the roster), ``parties`` (people, organisations, identity numbers), ``timeline`` (when),
``cases`` (what), ``work`` (who did what on each case), ``load`` (writing it all).
"""

from zhihui_tui.demo.cases import CaseSpec, build_demo_cases
from zhihui_tui.demo.common import DEFAULT_SEED, DEMO_ACTION, DEMO_PASSWORD
from zhihui_tui.demo.load import DemoSummary, demo_present, load_demo
from zhihui_tui.demo.parties import Parties
from zhihui_tui.demo.staff import DemoLogin, demo_logins, demo_roster

__all__ = [
    "DEFAULT_SEED",
    "DEMO_ACTION",
    "DEMO_PASSWORD",
    "CaseSpec",
    "DemoLogin",
    "DemoSummary",
    "Parties",
    "build_demo_cases",
    "demo_logins",
    "demo_present",
    "demo_roster",
    "load_demo",
]
