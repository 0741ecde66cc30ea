"""Proof the documents are real: LibreOffice (headless, as `.ci/run` installs it) opens one generated pack and
its merged print file, converts them to PDF with the Chinese text in them, and reads the case back as text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import FIXED_NOW, context_for
from tests.services.documents_court import FIRM, SETTINGS, ZHANG, filed_case, register
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.services.accounts import system_actor
from zhihui_tui.services.documents import GenerateRequest, generate_packs, load_templates, print_day

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")


def _convert(files: list[Path], target: str, out: Path, profile: Path) -> None:
    assert SOFFICE is not None
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target]
    subprocess.run(
        [*command, "--outdir", str(out), *map(str, files)],
        check=True,
        capture_output=True,
        timeout=180,
    )


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    return bool(subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True).stdout.strip())


@pytest.mark.slow
def test_libreoffice_converts_a_pack_to_pdf(sqlite_engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    system = system_actor(sqlite_engine)
    [number] = register(
        sqlite_engine, system, clock, filed_case(applicants=(ZHANG,), respondents=(FIRM,), amount_fen=12_345_678)
    )
    request = GenerateRequest(out_dir=tmp_path / "out", templates=load_templates(()), settings=SETTINGS)
    [result] = generate_packs(request, ctx=context_for(sqlite_engine, system, clock)).results
    printed = print_day(ctx=context_for(sqlite_engine, system, clock), day=FIXED_NOW.date(), out_dir=tmp_path / "print")
    files = [d.path for d in result.documents] + [printed[0].path]
    profile = tmp_path / "lo-profile"
    _convert(files, "pdf", tmp_path / "pdf", profile)
    _convert(files, "txt:Text (encoded):UTF8", tmp_path / "txt", profile)
    for source in files:
        pdf = (tmp_path / "pdf" / source.name).with_suffix(".pdf")
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-"), pdf
        assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 1, pdf
        if _has_cjk_font():
            assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+\w*(Hei|Song|Kai|Fang|CJK|Ming)", data), pdf
        text = (tmp_path / "txt" / source.name).with_suffix(".txt").read_text(encoding="utf-8-sig")
        assert number in text and "科右前旗某某商贸有限公司" in text, source
        assert "壹拾贰万叁仟肆佰伍拾陆元柒角捌分" in text, source
