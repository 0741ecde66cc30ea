"""``zhihui ledger daily`` as cron runs it: a formatted .xlsx, reported once, identical on a second run."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func
from sqlmodel import select
from typer.testing import CliRunner

from tests.conftest import context_for, make_staff
from zhihui_tui.__main__ import hoist_global_options
from zhihui_tui.cli.app import app
from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import LedgerReport
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.domain.reception import Channel, VisitInput, VisitPurpose
from zhihui_tui.domain.roles import Role
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.reception import register_visit
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.settings import DEFAULT_COURT_NAME

runner = CliRunner()
CALENDAR = load_calendar(None)
ID_APPLICANT = "152221198501010025"
EVENING = "2026-11-27T17:30"
HEADERS = ["时间", "渠道", "来访人", "证件号", "电话", "事由", "关联案号", "接待人", "处理结果", "补录原因"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, hoist_global_options(list(args)))


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A court database with one day of visits: a case query, a hotline petition and a late entry."""
    url = f"sqlite:///{tmp_path / 'court.db'}"
    assert runner.invoke(app, ["--db", url, "db", "upgrade"]).exit_code == 0
    engine = make_engine(url)
    clock = FixedClock(datetime(2026, 11, 27, 9, 30))
    clerk = make_staff(engine, clock, "lian1", Role.FILING_REVIEW, name="王立案")
    new = NewCase(
        category=FilingCategory.APPLICATION,
        received_at=datetime(2026, 11, 20, 9),
        filed_at=datetime(2026, 11, 20, 15),
        stage=Stage.FILED,
        applicants=(NewParty(PartyKind.PERSON, "张三", ID_APPLICANT),),
        respondents=(NewParty(PartyKind.ORGANISATION, "科右前旗某某商贸有限公司", "91152221MA0N2X3Y4Q"),),
        target_amount_fen=15_200_000,
    )
    with unit_of_work(engine, actor=clerk, action="收案", clock=clock) as session:
        case = register_case(session, new, actor=clerk, calendar=CALENDAR, court_code="内2221")
    visits = [
        VisitInput(id_number=ID_APPLICANT, case_id=case.id, outcome="告知已立案，正在送达"),
        VisitInput(
            visitor_name="周七",
            phone="13800138000",
            channel=Channel.HOTLINE,
            purpose=VisitPurpose.PETITION,
            outcome="反映执行进度慢\n已登记并转承办人",
        ),
        VisitInput(
            id_number=ID_APPLICANT,
            purpose=VisitPurpose.MATERIALS,
            case_id=case.id,
            outcome="递交财产线索",
            late_entry_reason="16:55 到达，17:00 后录入",
        ),
    ]
    for at, raw in zip((9, 11, 17), visits, strict=True):
        clock.at = datetime(2026, 11, 27, at, 5)
        register_visit(raw, ctx=context_for(engine, clerk, clock))
    engine.dispose()
    return url


def _reports(url: str) -> int:
    engine = make_engine(url)
    with read_session(engine) as session:
        count = int(session.exec(select(func.count()).select_from(LedgerReport)).one())
    engine.dispose()
    return count


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _daily(db: str, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    return invoke("ledger", "daily", "--date", "2026-11-27", "--out", str(out), "--as-of", EVENING, "--db", db, *extra)


def test_running_twice_gives_identical_bytes_and_one_report(db: str, tmp_path: Path) -> None:
    out = tmp_path / "台账.xlsx"
    first = _daily(db, out)
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0] == str(out)
    assert lines[1] == "2026-11-27 接待 3 人次（其中信访 1）"
    assert lines[2] == "已报送：2026-11-27 17:30，报送人 批处理服务账号"
    digest = _sha(out)
    second = _daily(db, out)  # the run ledger: the same business day's work is not done again
    assert second.exit_code == 0, second.output
    assert second.stdout.startswith("zhihui ledger daily 已于 2026-11-27 17:30 完成业务日 2026-11-27 的运行")
    assert "未重复执行" in second.stdout and len(second.stdout.splitlines()) == 1
    forced = _daily(db, out, "--force")  # an operator re-runs it: the file again, the report still once
    assert forced.exit_code == 0, forced.output
    assert "已于 2026-11-27 17:30 由 批处理服务账号 报送" in forced.stdout and "未重复报送" in forced.stdout
    assert _sha(out) == digest
    assert _reports(db) == 1


def test_the_workbook_is_a_formatted_ledger(db: str, tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"
    assert _daily(db, out).exit_code == 0
    book = openpyxl.load_workbook(out)
    sheet = book["接待台账"]
    assert sheet["A1"].value == f"{DEFAULT_COURT_NAME}执行接待台账（2026年11月27日）"
    assert [cell.value for cell in sheet[2]] == HEADERS
    first = [cell.value for cell in sheet[3]]
    assert first[:8] == [
        "09:05",
        "窗口",
        "张三",
        "152221********0025",
        None,
        "案件查询",
        "（2026）内2221执1号",
        "王立案",
    ]
    assert first[8] == "告知已立案，正在送达"
    petition = [cell.value for cell in sheet[4]]
    assert petition[1:6] == ["电话", "周七", None, "138****8000", "信访"]
    assert petition[8] == "反映执行进度慢\n已登记并转承办人" and sheet["I4"].alignment.wrap_text
    assert sheet["J5"].value == "16:55 到达，17:00 后录入"
    totals = {row[0]: row[2] for row in sheet.iter_rows(min_row=6, values_only=True) if row[0] and row[2] is not None}
    assert totals == {
        "事由": "人次",
        "案件查询": 1,
        "首次约谈": 0,
        "材料递交": 1,
        "信访": 1,
        "预约承办人": 0,
        "其他": 0,
        "合计": 3,
    }
    values = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "报送人：批处理服务账号　报送时间：2026-11-27 17:30" in values
    assert sheet.freeze_panes == "A3"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["I"].width > 40 and sheet.column_dimensions["D"].width > 20
    assert book.properties.created == datetime(2026, 11, 27, 9, 30)  # 17:30 court time, stored in UTC


def test_json_reports_the_counts_and_who_reported(db: str, tmp_path: Path) -> None:
    result = _daily(db, tmp_path / "x.xlsx", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["date"] == "2026-11-27" and document["visits"] == 3
    assert document["counts"]["信访"] == 1 and document["newly_reported"] is True
    assert (document["reported_at"], document["reported_by"]) == (EVENING, "system")
    again = json.loads(_daily(db, tmp_path / "y.xlsx", "--json").stdout)
    assert again["newly_reported"] is False and again["sha256"] == document["sha256"]


def test_default_output_goes_under_the_data_folder(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHIHUI_DATA_DIR", str(tmp_path / "data"))
    result = invoke("ledger", "daily", "--as-of", EVENING, "--db", db)
    assert result.exit_code == 0, result.output
    expected = tmp_path / "data" / "ledger" / "接待台账-2026-11-27.xlsx"
    assert expected.exists() and result.stdout.splitlines()[0] == str(expected)


def test_unwritable_output_fails_with_one_line_and_reports_nothing(db: str, tmp_path: Path) -> None:
    out = tmp_path / "no-such-folder" / "ledger.xlsx"
    result = _daily(db, out)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"错误：无法写入 {out}：目录不存在"]
    assert not out.exists() and _reports(db) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2026-11-27", "--as-of", "2026-11-27T16:50"], "17:00 截止"),
        (["--date", "2026-02-30", "--as-of", EVENING], "--date：日期无效"),
        (["--date", "2026-11-27", "--as-of", EVENING, "--out", "ledger.txt"], "须为 .xlsx 文件"),
    ],
)
def test_refusals_are_one_line(db: str, args: list[str], message: str) -> None:
    result = invoke("ledger", "daily", "--db", db, *args)
    assert result.exit_code == 1 and message in result.output
    assert len(result.output.strip().splitlines()) == 1 and _reports(db) == 0
