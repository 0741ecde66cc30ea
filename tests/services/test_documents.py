"""The filing pack (R-SRV-1) through the service, on SQLite and PostgreSQL: every generated file opened with
python-docx and its case found in it; idempotence; --force keeps the old version; one bad case keeps the others;
records with checksums in the audit trail; merged print files rebuilt from the recorded versions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import docx
import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from tests.conftest import FIXED_NOW, context_for
from tests.services.documents_court import (
    FIRM,
    LI,
    SETTINGS,
    WANG,
    ZHANG,
    filed_case,
    person,
    register,
    text_of,
)
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import AuditRecord, PrintRun, ServiceDocument
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.documents import PACK, DocumentKind
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.context import Actor
from zhihui_tui.services.documents import GenerateRequest, Outcome, generate_packs, load_templates, print_day
from zhihui_tui.services.errors import PermissionDenied, ServiceError

TEMPLATES = load_templates(())


def _request(out: Path, **extra: object) -> GenerateRequest:
    return GenerateRequest(out_dir=out, templates=TEMPLATES, settings=SETTINGS, **extra)  # type: ignore[arg-type]


def _run(engine: Engine, actor: Actor, clock: FixedClock, out: Path, **extra: object):  # type: ignore[no-untyped-def]
    return generate_packs(_request(out, **extra), ctx=context_for(engine, actor, clock))


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_every_document_of_the_pack_holds_the_case(
    engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    [number] = register(
        engine, system, clock, filed_case(applicants=(ZHANG,), respondents=(FIRM, LI), amount_fen=12_345_678)
    )
    report = _run(engine, system, clock, tmp_path / "out")
    [result] = report.results
    assert result.outcome is Outcome.GENERATED and result.case_number == number
    assert [d.kind for d in result.documents] == list(PACK)
    for document in result.documents:
        assert document.path.read_bytes() and hashlib.sha256(document.path.read_bytes()).hexdigest() == document.sha256
        text = text_of(document.path)
        assert number in text, document.kind
        assert "科尔沁右翼前旗人民法院" in text and document.kind.label in text
        for name in ("科右前旗某某商贸有限公司", "李四"):
            assert name in text, (document.kind, name)
        assert "123,456.78" in text and "壹拾贰万叁仟肆佰伍拾陆元柒角捌分" in text, document.kind
        assert "{{" not in text and "{%" not in text
    ruling = text_of(result.documents[-1].path)
    assert "申请执行人：张三，男，1990年3月7日出生，公民身份号码152221199003070013" in ruling
    assert "被执行人：李四，女，1985年7月15日出生" in ruling
    assert "统一社会信用代码91152221MA0N2X3Y4P，住所地乌兰浩特市兴安盟经济开发区" in ruling
    assert "（2026）内2221民初5000号" in ruling and "二〇二六年十一月二十七日" in ruling and "院　印" in ruling
    payment = text_of(result.documents[3].path)
    # 申请执行费 of 123,456.78 yuan: 50 + (123,456.78 − 10,000) × 1.5% = 1,751.8517 → 1,751.85
    assert "1,751.85" in payment and "壹仟柒佰伍拾壹元捌角伍分" in payment
    assert "125,208.63" in payment and SETTINGS.funds_account_number in payment
    summons = text_of(result.documents[2].path)
    assert "2026年12月14日上午9时" in summons  # 15 days after 11-27 is Sat 12-12 → Mon 12-14 (R-TIME-1)


def test_records_hold_checksums_and_enter_the_audit_trail(
    engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    register(engine, system, clock, filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=100_000))
    report = _run(engine, system, clock, tmp_path / "out")
    with read_session(engine) as session:
        rows = session.exec(select(ServiceDocument).order_by(col(ServiceDocument.id))).all()
        audited = session.exec(select(AuditRecord).where(AuditRecord.entity == "service_document")).all()
    assert [row.kind for row in rows] == [kind.value for kind in PACK]
    for row, written in zip(rows, report.results[0].documents, strict=True):
        assert row.file_path == str(written.path) and row.file_sha256 == written.sha256
        assert row.template_sha256 == TEMPLATES[DocumentKind(row.kind)].sha256 and row.template_source == "packaged"
        assert row.template_version == "2026.1" and row.document_version == 1 and row.generated_at == FIXED_NOW
        assert row.file_size == written.path.stat().st_size
    assert len(audited) == 5 and {a.action for a in audited} == {"生成送达文书"}


def test_second_run_writes_nothing_and_force_keeps_the_old_version(
    engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    register(engine, system, clock, filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=100_000))
    out = tmp_path / "out"
    first = _run(engine, system, clock, out)
    before = {p: p.read_bytes() for p in _files(out)}
    second = _run(engine, system, clock, out)
    assert [r.outcome for r in second.results] == [Outcome.SKIPPED] and second.documents_written == 0
    assert {p: p.read_bytes() for p in _files(out)} == before
    forced = _run(engine, system, clock, out, force=True)
    [result] = forced.results
    assert result.outcome is Outcome.GENERATED and {d.document_version for d in result.documents} == {2}
    for old in first.results[0].documents:
        assert old.path.read_bytes() == before[old.path]  # version 1 untouched
    assert len(_files(out)) == 10
    with read_session(engine) as session:
        versions = session.exec(select(ServiceDocument.kind, ServiceDocument.document_version)).all()
    assert sorted(versions) == sorted([(k.value, v) for k in PACK for v in (1, 2)])


def test_a_case_missing_a_field_is_reported_and_the_others_go_on(
    engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    no_address = person("赵六", "152221199501010032", address=None)
    numbers = register(
        engine,
        system,
        clock,
        filed_case(applicants=(ZHANG,), respondents=(no_address,), amount_fen=5_000),
        filed_case(applicants=(WANG,), respondents=(LI,), amount_fen=5_000, basis=None),
        filed_case(applicants=(WANG,), respondents=(FIRM,), amount_fen=5_000),
    )
    report = _run(engine, system, clock, tmp_path / "out")
    outcome = {r.case_number: r for r in report.results}
    assert outcome[numbers[0]].outcome is Outcome.FAILED and outcome[numbers[0]].missing == (
        "被执行人“赵六”的送达地址",
    )
    assert outcome[numbers[1]].outcome is Outcome.FAILED and outcome[numbers[1]].missing == ("执行依据",)
    assert outcome[numbers[2]].outcome is Outcome.GENERATED
    assert {p.parent.name for p in _files(tmp_path / "out")} == {numbers[2]}


def test_whereabouts_unknown_needs_no_address(engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path) -> None:
    missing = person("赵六", "152221199501010032", address=None, whereabouts_unknown=True)
    register(engine, system, clock, filed_case(applicants=(ZHANG,), respondents=(missing,), amount_fen=5_000))
    [result] = _run(engine, system, clock, tmp_path / "out").results
    assert result.outcome is Outcome.GENERATED
    assert "赵六，男，1995年1月1日出生，公民身份号码152221199501010032，下落不明" in text_of(result.documents[-1].path)


def test_dry_run_writes_nothing(engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path) -> None:
    register(engine, system, clock, filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=5_000))
    report = _run(engine, system, clock, tmp_path / "out", dry_run=True)
    assert [r.outcome for r in report.results] == [Outcome.PLANNED] and report.results[0].kinds == PACK
    assert not (tmp_path / "out").exists()
    with read_session(engine) as session:
        assert session.exec(select(ServiceDocument)).first() is None


def test_hostile_names_do_not_break_the_xml(engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path) -> None:
    hostile = person("A&B<公司>\"'", "152221199501010032")
    register(engine, system, clock, filed_case(applicants=(ZHANG,), respondents=(hostile,), amount_fen=5_000))
    [result] = _run(engine, system, clock, tmp_path / "out").results
    assert result.outcome is Outcome.GENERATED
    assert "A&B<公司>\"'" in text_of(result.documents[0].path)


def test_unwritable_output_folder_stops_before_anything(
    engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    register(engine, system, clock, filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=5_000))
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(ServiceError, match="输出目录不可写"):
        _run(engine, system, clock, blocker / "out")
    with read_session(engine) as session:
        assert session.exec(select(ServiceDocument)).first() is None


def test_only_the_service_post_generates(engine: Engine, clock: FixedClock, tmp_path: Path) -> None:
    from tests.conftest import make_staff

    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW)
    with pytest.raises(PermissionDenied):
        _run(engine, clerk, clock, tmp_path / "out")


def test_one_case_by_number_and_an_unknown_number(
    engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    numbers = register(
        engine,
        system,
        clock,
        filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=5_000),
        filed_case(applicants=(WANG,), respondents=(FIRM,), amount_fen=5_000),
    )
    report = _run(engine, system, clock, tmp_path / "out", case_number=numbers[1])
    assert [r.case_number for r in report.results] == [numbers[1]]
    with pytest.raises(ServiceError, match="没有案号"):
        _run(engine, system, clock, tmp_path / "out", case_number="（2026）内2221执999号")


def test_process_pool_gives_the_same_documents(
    engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    cases = [filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=5_000 + i) for i in range(4)]
    register(engine, system, clock, *cases)
    report = _run(engine, system, clock, tmp_path / "out", workers=2)
    assert [r.outcome for r in report.results] == [Outcome.GENERATED] * 4
    assert report.documents_written == 20
    for result in report.results:
        for document in result.documents:
            assert result.case_number in text_of(document.path)


def test_print_merges_each_kind_and_reprints_from_the_recorded_versions(
    engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    numbers = register(
        engine,
        system,
        clock,
        filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=5_000),
        filed_case(applicants=(WANG,), respondents=(FIRM,), amount_fen=7_000),
    )
    _run(engine, system, clock, tmp_path / "out")
    printed = print_day(ctx=context_for(engine, system, clock), day=FIXED_NOW.date(), out_dir=tmp_path / "print")
    assert [p.kind for p in printed] == list(PACK) and not any(p.reprint for p in printed)
    for p in printed:
        merged = docx.Document(str(p.path))
        text = "\n".join(par.text for par in merged.paragraphs)
        assert all(number in text for number in numbers) or p.kind is DocumentKind.SUMMONS
        breaks = sum(1 for par in merged.paragraphs if 'w:br w:type="page"' in par._p.xml)
        assert breaks == 1, p.kind  # two documents, one page break between them
    first = {p.kind: p.sha256 for p in printed}
    again = print_day(ctx=context_for(engine, system, clock), day=FIXED_NOW.date(), out_dir=tmp_path / "print")
    assert all(p.reprint for p in again)
    assert {p.kind: len(p.case_numbers) for p in again} == {kind: 2 for kind in PACK}
    with read_session(engine) as session:
        assert len(session.exec(select(PrintRun)).all()) == 10
        assert all(d.printed_at == FIXED_NOW for d in session.exec(select(ServiceDocument)).all())
    assert set(first) == {p.kind for p in again}


def test_print_refuses_a_changed_file(engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path) -> None:
    register(engine, system, clock, filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=5_000))
    [result] = _run(engine, system, clock, tmp_path / "out").results
    result.documents[0].path.write_bytes(b"tampered")
    with pytest.raises(ServiceError, match="已丢失或被改动"):
        print_day(ctx=context_for(engine, system, clock), day=FIXED_NOW.date(), out_dir=tmp_path / "print")
    assert not (tmp_path / "print").exists()


def test_two_runs_at_once_write_each_document_once(
    engine: Engine, system: Actor, clock: FixedClock, tmp_path: Path
) -> None:
    """R-CLI-2: cron and a clerk at the same time. Each document gets one record and its file matches it."""
    from concurrent.futures import ThreadPoolExecutor

    cases = [filed_case(applicants=(ZHANG,), respondents=(LI,), amount_fen=5_000 + i) for i in range(6)]
    register(engine, system, clock, *cases)
    out = tmp_path / "out"
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: _run(engine, system, clock, out), range(2)))
    assert sum(r.documents_written for r in reports) == 30
    assert all(r.outcome in (Outcome.GENERATED, Outcome.SKIPPED) for report in reports for r in report.results)
    with read_session(engine) as session:
        rows = session.exec(select(ServiceDocument)).all()
    assert len(rows) == 30 and {row.document_version for row in rows} == {1}
    for row in rows:
        assert hashlib.sha256(Path(row.file_path).read_bytes()).hexdigest() == row.file_sha256
    assert len(_files(out)) == 30  # no temporary file left behind
