"""A disk that fills up while documents or reports are written (issue 16): no partial file is left under the
target's name, no temporary copy stays, the database records nothing for a file that is not there, and the
command ends non-zero with one Chinese line.

The full disk is real where the test may mount one: a small tmpfs, filled up to a few KiB, so the writes start and
then fail with ENOSPC half-way. Where mounting is not permitted the tests skip; the writer's own test injects the
same error on a file system of any kind.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from sqlalchemy import func
from sqlmodel import select

from tests.cli.test_docs_cli import AS_OF, court, invoke  # noqa: F401  # court: the fixture of due packs
from tests.cli.test_funds_cli import court as funds_court
from tests.cli.test_funds_cli import run as funds_run
from tests.cli.test_ledger_cli import _daily, _reports, db  # noqa: F401  # db: the fixture of a day's visits
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import ServiceDocument
from zhihui_tui.services.atomic_files import FileWriteError, write_atomically

FREE_BYTES = 4 * 1024  # what the filled disk has left (one page): every workbook and document is larger


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs with only ``FREE_BYTES`` free; skipped where this process may not mount."""
    mount_point = tmp_path / "full"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        stats = os.statvfs(mount_point)
        (mount_point / "filler").write_bytes(b"\0" * (stats.f_bavail * stats.f_frsize - FREE_BYTES))
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def files_under(folder: Path) -> list[str]:
    """Every file below ``folder`` except the filler, hidden temporary copies included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "filler")


def one_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


def _document_rows(url: str) -> int:
    engine = make_engine(url)
    with read_session(engine) as session:
        count = int(session.exec(select(func.count()).select_from(ServiceDocument)).one())
    engine.dispose()
    return count


def test_documents_on_a_full_disk_leave_no_file_and_no_row_then_a_later_run_writes_them(
    court: tuple[str, list[str]],  # noqa: F811
    full_disk: Path,
) -> None:
    url, _ = court
    out = full_disk / "documents"
    result = invoke("--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(out))
    assert result.exit_code == 1
    line = one_line(result.output)
    assert line.startswith("错误：无法写入 ") and "磁盘空间不足" in line and "本次已生成 0 件案件的文书" in line
    assert files_under(full_disk) == []  # neither a part of a document nor a temporary copy
    assert _document_rows(url) == 0  # the case's rows were rolled back with its files

    (full_disk / "filler").unlink()  # room again: the next run writes every document whole
    again = invoke("--db", url, "--as-of", AS_OF, "docs", "generate", "--out", str(out))
    written = [out / name for name in files_under(out)]
    assert written and all(path.suffix == ".docx" for path in written), again.output
    assert _document_rows(url) == len(written)
    assert all(docx.Document(str(path)).paragraphs for path in written)  # each one opens: whole


@pytest.mark.parametrize(
    "command",
    [["stats", "monthly", "--month", "2026-11"], ["supervise", "--weekly"]],
    ids=["stats monthly", "supervise"],
)
def test_a_report_on_a_full_disk_is_one_line_and_no_file(
    court: tuple[str, list[str]],  # noqa: F811
    full_disk: Path,
    command: list[str],
) -> None:
    url, _ = court
    target = full_disk / "report.xlsx"
    result = invoke("--db", url, "--as-of", AS_OF, *command, "--out", str(target))
    assert result.exit_code == 1
    assert one_line(result.output) == f"错误：无法写入 {target}：磁盘空间不足"
    assert files_under(full_disk) == []


def test_the_funds_ledger_on_a_full_disk_is_one_line_and_no_file(tmp_path: Path, full_disk: Path) -> None:
    url, _ = funds_court(tmp_path)
    target = full_disk / "ledger.xlsx"
    result = funds_run(url, "funds", "ledger", "--month", "2026-11", "--out", str(target))
    assert result.exit_code == 1
    assert one_line(result.output) == f"错误：无法写入 {target}：磁盘空间不足"
    assert files_under(full_disk) == []


def test_the_daily_ledger_on_a_full_disk_is_not_reported(db: str, full_disk: Path) -> None:  # noqa: F811
    target = full_disk / "ledger.xlsx"
    result = _daily(db, target)
    assert result.exit_code == 1
    assert one_line(result.output) == f"错误：无法写入 {target}：磁盘空间不足"
    assert files_under(full_disk) == [] and _reports(db) == 0  # the day is not marked reported


def test_the_writer_keeps_the_old_file_and_no_copy_when_the_disk_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any file system: ENOSPC injected at the flush to disk, after part of the bytes went out."""
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"the report of yesterday")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(FileWriteError) as caught:
        write_atomically(target, b"x" * 100_000)
    assert caught.value.message == f"无法写入 {target}：磁盘空间不足"
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"the report of yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
