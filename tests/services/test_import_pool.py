"""A large file's rows are parsed in worker processes (issue 12): the result is exactly one process's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.conftest import context_for
from tests.services.test_importing import GOOD_ROWS, add_account, row, write_csv
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.importing import case_pool, cases
from zhihui_tui.services.importing.cases import ImportResult, import_cases


def _import(engine: Engine, path: Path, clock: FixedClock) -> ImportResult:
    return import_cases(path, ctx=context_for(engine, system_actor(engine), clock))


def test_workers_report_the_same_errors_in_the_same_order(
    engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        row(收案日期="2026-13-01"),
        *GOOD_ROWS,
        row(申请执行人证件号="123"),
        GOOD_ROWS[0],  # the same case again: a check across rows, made in file order
        row(状态="不存在的状态", 执行标的="abc"),
    ]
    path = write_csv(tmp_path / "cases.csv", rows)
    monkeypatch.setattr(case_pool, "worker_count", lambda: 1)
    alone = _import(engine, path, clock)
    monkeypatch.setattr(case_pool, "worker_count", lambda: 2)
    monkeypatch.setattr(case_pool, "PARALLEL_FROM", 2)
    monkeypatch.setattr(case_pool, "CHUNK_ROWS", 2)
    pooled = _import(engine, path, clock)
    assert alone.errors and pooled == alone


def test_a_clean_file_parsed_by_workers_goes_in(
    engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(case_pool, "worker_count", lambda: 2)
    monkeypatch.setattr(case_pool, "PARALLEL_FROM", 2)
    monkeypatch.setattr(case_pool, "CHUNK_ROWS", 1)
    add_account(engine, clock, "kuai01", Role.HANDLER, "王建国", team=Team.FAST.value, title=Title.JUDGE.value)
    add_account(engine, clock, "jing01", Role.HANDLER, "孙立军", team=Team.INTENSIVE.value, title=Title.JUDGE.value)
    result = _import(engine, write_csv(tmp_path / "cases.csv", GOOD_ROWS), clock)
    assert result.ok and result.imported == len(GOOD_ROWS)


def test_rows_from_the_workers_equal_rows_parsed_here(
    engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers send each parsed row as its classes' field values (``case_pool._by_fields``): what comes back is
    equal, field for field and class for class, to what this process parses — numbers, bases, agents and all."""
    add_account(engine, clock, "kuai01", Role.HANDLER, "王建国", team=Team.FAST.value, title=Title.JUDGE.value)
    add_account(engine, clock, "jing01", Role.HANDLER, "孙立军", team=Team.INTENSIVE.value, title=Title.JUDGE.value)
    path = write_csv(tmp_path / "cases.csv", GOOD_ROWS)
    seen: list[list[Any]] = []
    original = case_pool.parsed_rows

    def kept(*args: Any, **kwargs: Any) -> Iterator[Any]:
        rows = list(original(*args, **kwargs))
        seen.append(rows)
        return iter(rows)

    monkeypatch.setattr(cases, "parsed_rows", kept)
    monkeypatch.setattr(case_pool, "PARALLEL_FROM", 2)
    monkeypatch.setattr(case_pool, "CHUNK_ROWS", 2)
    for workers in (2, 1):
        monkeypatch.setattr(case_pool, "worker_count", lambda n=workers: n)
        result = import_cases(path, ctx=context_for(engine, system_actor(engine), clock), dry_run=True)
        assert result.ok and result.imported == len(GOOD_ROWS)
    from_workers, here = seen
    assert from_workers == here and len(here) == len(GOOD_ROWS)
    assert [type(r.case) for _, r, _ in from_workers] == [type(r.case) for _, r, _ in here]
    assert any(r is not None and r.number is not None for _, r, _ in here)  # a given 案号 made the trip
    assert any(r is not None and r.case.basis is not None for _, r, _ in here)
