"""Every --out report is written whole or not at all (issue 15): into a temporary file in the same folder, synced,
then renamed over the target. A write that fails before the rename — here the disk refusing the sync — leaves the
previous report byte for byte and no temporary file beside it; a good write reads back with openpyxl."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from tests.conftest import context_for
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.context import ServiceContext
from zhihui_tui.services.deadlines import all_open_steps
from zhihui_tui.services.funds.ledger_book import write_monthly_ledger
from zhihui_tui.services.stats import monthly_report
from zhihui_tui.services.stats_xlsx import write_report
from zhihui_tui.services.supervision import write_workbook

MADE = datetime(2026, 11, 30, 9, 0)
OLD = b"the previous report, complete"


def _stats(ctx: ServiceContext, path: Path) -> None:
    write_report(monthly_report(date(2026, 11, 1), ctx=ctx), path, made=MADE)


def _supervise(ctx: ServiceContext, path: Path) -> None:
    write_workbook(path, all_open_steps(ctx=ctx), [], made=MADE)


def _funds(ctx: ServiceContext, path: Path) -> None:
    write_monthly_ledger("2026-11", path, ctx=ctx)


WRITERS: dict[str, tuple[Callable[[ServiceContext, Path], None], list[str]]] = {
    "stats": (_stats, ["月度指标", "计算公式"]),
    "supervise": (_supervise, ["未完成节点", "长期未结案件"]),
    "funds": (_funds, ["案款台账", "月末未发放"]),
}


@pytest.fixture
def report_ctx(sqlite_engine: Engine, tmp_path: Path) -> ServiceContext:
    return context_for(sqlite_engine, system_actor(sqlite_engine), FixedClock(MADE), data_dir=tmp_path / "data")


@pytest.mark.parametrize("name", WRITERS)
def test_a_failed_write_keeps_the_old_report_and_leaves_no_temporary_file(
    report_ctx: ServiceContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    write, _ = WRITERS[name]
    folder = tmp_path / "reports"
    folder.mkdir()
    target = folder / "报表.xlsx"
    target.write_bytes(OLD)

    def full_disk(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(Exception, match=r"No space left|磁盘空间不足"):
        write(report_ctx, target)
    assert target.read_bytes() == OLD
    assert [p.name for p in folder.iterdir()] == ["报表.xlsx"]


@pytest.mark.parametrize("name", WRITERS)
def test_a_good_write_replaces_the_report_whole(report_ctx: ServiceContext, tmp_path: Path, name: str) -> None:
    write, sheets = WRITERS[name]
    target = tmp_path / "报表.xlsx"
    target.write_bytes(OLD)
    write(report_ctx, target)
    book = load_workbook(target)
    assert book.sheetnames == sheets
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
