"""Fixtures of the terminal tests (helpers are in tui_court.py)."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_court import COURT, FIXED_NOW, build_court, build_demo_court

from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.runtime import Runtime


@pytest.fixture
def court_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'court.db'}"
    build_court(url, FixedClock(FIXED_NOW))
    return url


@pytest.fixture
def runtime(court_url: str, tmp_path: Path) -> Runtime:
    return Runtime(database_url=court_url, clock=FixedClock(FIXED_NOW), court=COURT, data_dir=tmp_path)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo court, built once per test process (it takes seconds); tests get a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo_court(f"sqlite:///{path}")
    return path


@pytest.fixture
def demo_runtime(demo_template: Path, tmp_path: Path) -> Runtime:
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_template, copy)  # the engine was disposed: no WAL left, the file is complete
    return Runtime(database_url=f"sqlite:///{copy}", clock=FixedClock(FIXED_NOW), court=COURT, data_dir=tmp_path)


@pytest.fixture(autouse=True)
def _unfreeze_after_each_test() -> Iterator[None]:
    """The app freezes what start-up built (``freeze_long_lived_objects``): right for one app per process, but a
    test process runs hundreds; give each test's objects back to the collector."""
    yield
    gc.unfreeze()
