"""SPEC §5.1 case import: every bad row reported with its physical line, all or nothing, numbers never collide."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import col, func, select
from stdnum.cn import ric, uscc

from tests.conftest import context_for
from zhihui_tui.db.engine import read_session
from zhihui_tui.db.models import Case, CaseParty, EnforcementBasis, Party, Staff, StaffRole, StageChange
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import CaseType
from zhihui_tui.domain.roles import Role, Team, Title
from zhihui_tui.services.accounts import actor_for, system_actor
from zhihui_tui.services.audit import verify
from zhihui_tui.services.case_numbers import allocate_case_number
from zhihui_tui.services.context import Actor
from zhihui_tui.services.importing.cases import COLUMNS, ImportResult, import_cases
from zhihui_tui.services.importing.table import ImportFileError
from zhihui_tui.services.uow import unit_of_work

COURT = "内2221"


def person_id(body: str) -> str:
    """An 18-digit resident ID from its first 17 digits (the check-digit helper ignores the last character)."""
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


ZHANG = person_id("15222119800101123")
LI = person_id("15222119850505234")
WANG = person_id("15222119900909345")
ZHAO = person_id("15222119750303456")
BANK = credit_code("91152221MA0N1234X")
VILLAGE = credit_code("N2152221556998152")


_BASIS_SERIAL = itertools.count(1000)


def row(**values: str) -> dict[str, str]:
    """A valid 申请执行 row in 材料接收; keyword arguments override columns by their Chinese name.

    Each row gets a basis document of its own: a case is identified by its basis (the same applicant on the same
    document is the same case), so rows meant as different cases must not share one."""
    base = {
        "案号": "",
        "收案日期": "2026-11-20",
        "立案日期": "",
        "类别": "申请执行",
        "申请执行人": "张三",
        "申请执行人证件号": ZHANG,
        "被执行人": "李四",
        "被执行人证件号": LI,
        "被执行人下落不明": "否",
        "执行标的": "150000.00",
        "执行依据": f"科尔沁右翼前旗人民法院（2026）内2221民初{next(_BASIS_SERIAL)}号 2026-10-01",
        "承办人": "",
        "团队": "",
        "状态": "材料接收",
    }
    unknown = set(values) - set(base)
    assert not unknown, unknown
    return base | values


def csv_text(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, rows: list[dict[str, str]], *, bom: bool = True) -> Path:
    path.write_text(csv_text(rows), encoding="utf-8-sig" if bom else "utf-8")
    return path


def add_account(engine: Engine, clock: FixedClock, login: str, role: Role, name: str, **extra: str) -> Actor:
    """A staff row without an argon2 hash (no one signs in here): hashing dominates a loaded test machine."""
    with unit_of_work(engine, actor=system_actor(engine), action="测试建账号", clock=clock) as session:
        staff = Staff(login=login, name=name, password_hash="!", created_at=clock.now(), **extra)
        session.add(staff)
        session.flush()
        assert staff.id is not None
        session.add(StaffRole(staff_id=staff.id, role=role.value))
    return actor_for(engine, login)


@pytest.fixture
def handlers(engine: Engine, clock: FixedClock) -> dict[str, Actor]:
    fast, intensive = Team.FAST.value, Team.INTENSIVE.value
    return {
        "kuai01": add_account(engine, clock, "kuai01", Role.HANDLER, "王建国", team=fast, title=Title.JUDGE.value),
        "jing01": add_account(engine, clock, "jing01", Role.HANDLER, "孙立军", team=intensive, title=Title.JUDGE.value),
        "kuai09": add_account(engine, clock, "kuai09", Role.HANDLER, "高娃", team=fast, title=Title.CLERK.value),
        "lian1": add_account(engine, clock, "lian1", Role.FILING_REVIEW, "陈淑芬"),
    }


@pytest.fixture
def run(engine: Engine, clock: FixedClock, system: Actor, handlers: dict[str, Actor]) -> Callable[[Path], ImportResult]:
    def _run(path: Path) -> ImportResult:
        return import_cases(path, ctx=context_for(engine, system, clock))

    return _run


def case_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(Case)).one())


def cases_by_number(engine: Engine) -> dict[str | None, Case]:
    with read_session(engine) as session:
        return {c.case_number: c for c in session.exec(select(Case)).all()}


GOOD_ROWS = [
    row(),
    row(
        案号="（2026）内2221执500号",
        收案日期="2026/11/02",
        立案日期="2026年11月3日",
        申请执行人="内蒙古科尔沁右翼前旗农村商业银行股份有限公司",
        申请执行人证件号=BANK,
        被执行人="李四、王五",
        被执行人证件号=f"{LI}、{WANG}",
        被执行人下落不明="是、否",
        执行标的="199,999.99",
        状态="已立案",
    ),
    row(立案日期="2026-11-21", 被执行人="赵六", 被执行人证件号=ZHAO, 被执行人下落不明="是", 状态="已送达"),
    row(
        收案日期="2026-10-08",
        立案日期="2026-10-09",
        申请执行人="科尔沁右翼前旗归流河镇巴彦嘎查股份经济合作社",
        申请执行人证件号=VILLAGE,
        执行标的="200000.01",
        执行依据="",
        承办人="jing01",
        状态="承办中",
    ),
    row(收案日期="2026-10-09", 立案日期="2026-10-10", 类别="执行异议", 承办人="kuai01", 状态="承办中"),
    row(收案日期="2026-11-25", 类别="审判庭移送涉罚金类", 执行标的="5000", 状态="不予立案"),
]


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_good_csv_imports_every_row(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path, bom: bool
) -> None:
    result = run(write_csv(tmp_path / "cases.csv", GOOD_ROWS, bom=bom))
    assert result.ok, result.errors
    assert (result.rows, result.imported, result.allocated) == (6, 6, 3)
    cases = cases_by_number(engine)
    assert set(cases) >= {
        "（2026）内2221执500号",
        "（2026）内2221执501号",
        "（2026）内2221执502号",
        "（2026）内2221执异1号",
    }
    filed = cases["（2026）内2221执500号"]
    assert filed.stage == "filed" and filed.target_amount_fen == 199_999_99
    assert filed.filed_at == datetime(2026, 11, 3, 9, 0)
    with read_session(engine) as session:
        parties = session.exec(
            select(Party.name, Party.kind, CaseParty.role, CaseParty.whereabouts_unknown)
            .join(CaseParty, col(CaseParty.party_id) == Party.id)
            .where(CaseParty.case_id == filed.id)
            .order_by(CaseParty.role, CaseParty.position)
        ).all()
        basis = session.exec(select(EnforcementBasis).where(EnforcementBasis.case_id == filed.id)).one()
        history = session.exec(select(StageChange.to_stage).where(StageChange.case_id == filed.id)).all()
    assert [tuple(p) for p in parties] == [
        ("内蒙古科尔沁右翼前旗农村商业银行股份有限公司", "organisation", "applicant", False),
        ("李四", "person", "respondent", True),
        ("王五", "person", "respondent", False),
    ]
    assert basis.issuing_court == "科尔沁右翼前旗人民法院"
    assert basis.document_number in GOOD_ROWS[1]["执行依据"]  # the filed case is the file's second row
    assert list(history) == ["received", "filed"]
    objection = cases["（2026）内2221执异1号"]
    assert objection.team == "fast" and objection.handler_id is not None
    with read_session(engine) as session:
        unfiled = session.exec(select(Case.stage).where(col(Case.case_number).is_(None))).all()
    assert sorted(unfiled) == ["received", "rejected"]
    with read_session(engine) as session:
        assert verify(session).ok


def test_xlsx_with_native_dates_and_numbers(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(
        [None, datetime(2026, 11, 2), datetime(2026, 11, 3), "申请执行", "张三", ZHANG, "李四", LI, False,
         199999.99, None, "kuai01", "快执", "已分流"]
    )  # fmt: skip
    sheet.append([])  # a blank row in the middle is skipped
    sheet.append(["", "2026-11-20", "", "申请执行", "张三", ZHANG, "王五", WANG, "否", 200000, "", "", "", "材料接收"])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    result = run(path)
    assert result.ok, result.errors
    assert result.imported == 2
    amounts = sorted(c.target_amount_fen for c in cases_by_number(engine).values())
    assert amounts == [199_999_99, 200_000_00]


@pytest.mark.parametrize("form", ["xlsx", "csv-bom", "csv-no-bom"])
def test_bases_as_courts_write_them_come_in_from_every_file_form(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path, form: str
) -> None:
    """Issue 11: the court's own bases — the number alone, a kind after it, an award with its body — in .xlsx and
    in CSV with and without BOM."""
    rows = [
        row(执行依据="（2026）内2221民初5000号民事判决书"),
        row(执行依据="兴安仲裁委员会（2026）兴仲裁字第27号裁决书"),
        row(执行依据="（2026）内22民终415号 2026-09-30"),
    ]
    if form == "xlsx":
        book = Workbook()
        book.active.append(list(COLUMNS))
        for values in rows:
            book.active.append([values[column] for column in COLUMNS])
        path = tmp_path / "cases.xlsx"
        book.save(path)
    else:
        path = write_csv(tmp_path / "cases.csv", rows, bom=form == "csv-bom")
    result = run(path)
    assert result.ok and result.imported == 3, result.errors
    with read_session(engine) as session:
        stored = sorted((b.issuing_court, b.document_kind or "") for b in session.exec(select(EnforcementBasis)))
    assert stored == sorted(
        [("科尔沁右翼前旗人民法院", "民事判决书"), ("兴安仲裁委员会", "仲裁裁决书"), ("兴安盟中级人民法院", "")]
    )


def test_xlsx_id_number_stored_as_a_number_is_refused(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path
) -> None:
    book = Workbook()
    book.active.append(list(COLUMNS))
    book.active.append(["", "2026-11-20", "", "申请执行", "张三", float(ZHANG[:15]) * 1000, "李四", LI, "否", 100,
                        "", "", "", "材料接收"])  # fmt: skip
    path = tmp_path / "cases.xlsx"
    book.save(path)
    result = run(path)
    assert [(e.line, e.field) for e in result.errors] == [(2, "申请执行人证件号")]
    assert "文本格式" in result.errors[0].reason and case_count(engine) == 0


# One bad row after a good one: (overrides, field, a fragment of the reason).
BAD_ROWS: list[tuple[dict[str, str], str, str]] = [
    ({"申请执行人证件号": ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")}, "申请执行人证件号", "校验位错误"),
    ({"申请执行人证件号": BANK[:-1] + ("0" if BANK[-1] != "0" else "1")}, "申请执行人证件号", "统一社会信用代码"),
    ({"申请执行人证件号": "12345"}, "申请执行人证件号", "18 位"),
    ({"申请执行人证件号": "1.52221198001011E+17"}, "申请执行人证件号", "文本格式"),
    ({"被执行人": "李四、王五"}, "被执行人证件号", "人数不一致"),
    ({"被执行人": "李四、王五", "被执行人证件号": f"{LI}、{LI}"}, "被执行人证件号", "重复出现"),
    ({"被执行人": "张三", "被执行人证件号": ZHANG}, "被执行人证件号", "同时是申请执行人"),
    ({"被执行人下落不明": "不清楚"}, "被执行人下落不明", "应填“是”或“否”"),
    (
        {"被执行人": "李四、王五", "被执行人证件号": f"{LI}、{WANG}", "被执行人下落不明": "是、否、是"},
        "被执行人下落不明",
        "个数",
    ),
    ({"申请执行人": "张三3"}, "申请执行人", "非法字符"),
    ({"执行标的": "1.234"}, "执行标的", "两位小数"),
    ({"执行标的": "-5"}, "执行标的", "负数"),
    ({"执行标的": ""}, "执行标的", "不能为空"),
    ({"收案日期": "2026-02-30"}, "收案日期", "日期无效"),
    ({"收案日期": "2026-12-01"}, "收案日期", "不能晚于今天"),
    ({"立案日期": "2026-11-19", "状态": "已立案"}, "立案日期", "早于收案日期"),
    ({"立案日期": "2026-11-21"}, "立案日期", "立案日期应为空"),
    ({"状态": "已送达"}, "立案日期", "必须有立案日期"),
    ({"状态": "审查中"}, "状态", "未知的案件状态"),
    ({"类别": "申请强制执行"}, "类别", "未知的类别"),
    ({"案号": "2026执1号", "立案日期": "2026-11-21", "状态": "已立案"}, "案号", "不是有效的案号"),
    ({"案号": "（2026）内2222执1号", "立案日期": "2026-11-21", "状态": "已立案"}, "案号", "不是本院"),
    ({"案号": "（2026）内2221执异1号", "立案日期": "2026-11-21", "状态": "已立案"}, "案号", "与类别“申请执行”不符"),
    ({"案号": "（2025）内2221执1号", "立案日期": "2026-11-21", "状态": "已立案"}, "案号", "年份 2025"),
    ({"案号": "（2026）内2221执1号"}, "案号", "案号应为空"),
    ({"承办人": "nobody", "立案日期": "2026-11-21", "状态": "承办中"}, "承办人", "没有登录名为“nobody”"),
    ({"承办人": "lian1", "立案日期": "2026-11-21", "状态": "承办中"}, "承办人", "不是承办人"),
    ({"承办人": "kuai09", "立案日期": "2026-11-21", "状态": "承办中"}, "承办人", "书记员"),
    ({"承办人": "kuai01", "团队": "精执", "立案日期": "2026-11-21", "状态": "承办中"}, "团队", "属于快执团队"),
    ({"承办人": "kuai01", "团队": "快速", "立案日期": "2026-11-21", "状态": "承办中"}, "团队", "快执"),
    ({"立案日期": "2026-11-21", "状态": "已分流"}, "承办人", "必须填写承办人"),
    ({"承办人": "kuai01", "立案日期": "2026-11-21", "状态": "已查控"}, "承办人", "尚未分流"),
    ({"类别": "执行异议", "立案日期": "2026-11-21", "状态": "已查控"}, "状态", "执行异议案件不经送达"),
    ({"执行依据": "判决书一份"}, "执行依据", "缺少文书编号"),
    ({"执行标的": "0.00"}, "执行标的", "申请执行的执行标的应大于 0"),
    ({"执行依据": "科尔沁右翼前旗人民法院（2026）内2221民初12号 2026-11-25"}, "执行依据", "晚于收案日期"),
    (
        {"收案日期": "2001-03-01", "立案日期": "2001-03-02", "状态": "已立案", "执行依据": ""},
        "立案日期",
        "节假日数据缺失",
    ),
    ({"申请执行人": "张\t三"}, "申请执行人", "控制字符"),
]


@pytest.mark.parametrize(("overrides", "field", "reason"), BAD_ROWS, ids=[f"{f}-{r}" for _, f, r in BAD_ROWS])
def test_each_bad_row_is_reported_and_nothing_is_saved(
    engine: Engine,
    run: Callable[[Path], ImportResult],
    tmp_path: Path,
    overrides: dict[str, str],
    field: str,
    reason: str,
) -> None:
    before = case_count(engine)
    good = row(被执行人="赵六", 被执行人证件号=ZHAO, 收案日期="2026-11-24")
    result = run(write_csv(tmp_path / "cases.csv", [good, row(**overrides)]))
    assert result.imported == 0
    assert any(e.line == 3 and e.field == field and reason in e.reason for e in result.errors), result.errors
    assert all(e.line == 3 for e in result.errors)
    assert case_count(engine) == before


def test_progress_says_when_the_write_begins_and_ends_and_only_for_a_clean_file(
    engine: Engine, clock: FixedClock, system: Actor, handlers: dict[str, Actor], tmp_path: Path
) -> None:
    """An operator at a terminal sees the write begin (the database checks and the transaction take seconds on a
    large file) and end; a file with a bad row, or a dry run, never reaches the write."""
    ctx = context_for(engine, system, clock)

    def phases(path: Path, *, dry_run: bool = False) -> list[tuple[str, int]]:
        seen: list[tuple[str, int]] = []
        import_cases(path, ctx=ctx, progress=lambda phase, count: seen.append((phase, count)), dry_run=dry_run)
        return seen

    bad = write_csv(tmp_path / "bad.csv", [*GOOD_ROWS, row(执行标的="abc")])
    assert phases(bad) == []
    good = write_csv(tmp_path / "cases.csv", GOOD_ROWS)
    assert phases(good, dry_run=True) == []
    assert phases(good) == [("正在写入", len(GOOD_ROWS)), ("已写入", len(GOOD_ROWS))]
    assert case_count(engine) == len(GOOD_ROWS)


def test_every_bad_row_is_listed_with_its_physical_line(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path
) -> None:
    text = csv_text([row(执行标的="abc"), row(被执行人="赵六", 被执行人证件号=ZHAO), row(状态="？", 类别="?")])
    lines = text.splitlines()
    # A blank line and a quoted cell over two lines move the physical line numbers: 2, (blank 3), 4, 5-6, 7.
    lines.insert(2, "")
    lines[3] = lines[3].replace("赵六", '"赵\n六"', 1)
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(path)
    assert [(e.line, e.field) for e in result.errors] == [(2, "执行标的"), (4, "被执行人"), (6, "类别"), (6, "状态")]
    assert str(result.errors[0]).startswith("第 2 行：执行标的：")
    assert result.bad_lines == 3 and case_count(engine) == 0


def test_duplicate_case_number_in_the_file_and_in_the_database(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path
) -> None:
    numbered = {"案号": "（2026）内2221执7号", "立案日期": "2026-11-21", "状态": "已立案"}
    assert run(write_csv(tmp_path / "first.csv", [row(**numbered)])).ok
    result = run(
        write_csv(
            tmp_path / "second.csv",
            [
                row(**numbered, 被执行人="王五", 被执行人证件号=WANG),
                row(**(numbered | {"案号": "（2026）内2221执8号"})),
                row(**(numbered | {"案号": "（2026）内2221执8号"}), 被执行人="赵六", 被执行人证件号=ZHAO),
            ],
        )
    )
    assert [(e.line, e.reason) for e in result.errors] == [
        (2, "（2026）内2221执7号 已存在"),
        (4, "（2026）内2221执8号 与第 3 行重复"),
    ]
    assert case_count(engine) == 1


def test_one_id_number_carries_one_name(engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path) -> None:
    assert run(write_csv(tmp_path / "first.csv", [row()])).ok
    result = run(
        write_csv(
            tmp_path / "second.csv",
            [
                row(收案日期="2026-11-21", 被执行人="李四四"),  # the database knows LI as 李四
                row(收案日期="2026-11-22", 被执行人="王五", 被执行人证件号=WANG),
                row(收案日期="2026-11-23", 被执行人="王五五", 被执行人证件号=WANG),
            ],
        )
    )
    reasons = {(e.line, e.field): e.reason for e in result.errors}
    assert "已登记为“李四”" in reasons[(2, "被执行人")]
    assert "在第 3 行登记为“王五”" in reasons[(4, "被执行人")]


def test_importing_the_same_file_twice_adds_nothing(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "cases.csv", GOOD_ROWS)
    assert run(path).ok
    before = case_count(engine)
    again = run(path)  # the same file: recognised by its checksum in the import ledger, nothing imported, no error
    assert again.ok and again.imported == 0 and again.previous is not None
    assert again.previous.imported == len(GOOD_ROWS) and again.previous.file_name == "cases.csv"
    assert case_count(engine) == before
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(path.read_bytes())
    assert run(copy).previous is not None  # the name does not matter, the content does
    different = write_csv(tmp_path / "different.csv", GOOD_ROWS, bom=False)  # other bytes, the same cases
    refused = run(different)
    assert refused.bad_lines == len(GOOD_ROWS) and refused.previous is None
    assert case_count(engine) == before
    basis = "（2026）内2221民初77号"
    same_in_file = run(write_csv(tmp_path / "twice.csv", [row(执行依据=basis), row(执行依据=basis, 执行标的="1.00")]))
    assert [(e.line, e.field, e.reason) for e in same_in_file.errors] == [
        (3, "执行依据", "与第 2 行是同一案件（同一申请执行人、同一执行依据）")
    ]
    no_basis = row(类别="执行异议", 执行依据="", 收案日期="2026-11-01")
    same_in_file = run(write_csv(tmp_path / "objections.csv", [no_basis, no_basis]))
    assert [(e.line, e.field) for e in same_in_file.errors] == [(3, "案号")]  # no basis: the fingerprint decides


def test_a_case_is_identified_by_its_basis(engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path) -> None:
    """Same parties, date and amount on two basis documents are two cases; the same applicant on a basis that
    already has a 申请执行 case is refused with that case named; a basis written as courts write it is read."""
    twins = [
        row(执行依据="（2026）内2221民初5000号民事判决书"),
        row(执行依据="兴安仲裁委员会（2026）兴仲裁字第27号裁决书"),
        row(执行依据="（2026）内22民终415号之一"),
    ]
    result = run(write_csv(tmp_path / "twins.csv", twins))
    assert result.ok and result.imported == 3, result.errors
    with read_session(engine) as session:
        bases = {(b.issuing_court, b.document_number, b.document_kind) for b in session.exec(select(EnforcementBasis))}
    assert bases == {
        ("科尔沁右翼前旗人民法院", "（2026）内2221民初5000号", "民事判决书"),
        ("兴安仲裁委员会", "（2026）兴仲裁字第27号", "仲裁裁决书"),
        ("兴安盟中级人民法院", "（2026）内22民终415号之一", None),
    }
    again = run(write_csv(tmp_path / "again.csv", [row(执行依据="（2026）内2221民初5000号", 收案日期="2026-11-22")]))
    assert [(e.line, e.field) for e in again.errors] == [(2, "执行依据")]
    assert "申请执行人已就该执行依据申请执行：已有案件 收案于 2026-11-20 的未立案案件" in again.errors[0].reason
    other_applicant = row(
        执行依据="（2026）内2221民初5000号",
        申请执行人="王五",
        申请执行人证件号=WANG,
        被执行人="赵六",
        被执行人证件号=ZHAO,
    )
    assert run(write_csv(tmp_path / "other.csv", [other_applicant])).ok  # a co-applicant's own case


def test_imported_numbers_advance_the_sequence(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path, clock: FixedClock, system: Actor
) -> None:
    filed = {"立案日期": "2026-11-21", "状态": "已立案"}
    rows = [
        row(**filed, 被执行人="赵六", 被执行人证件号=ZHAO),  # no number, listed before the numbered row
        row(**filed, 案号="（2026）内2221执41号"),
    ]
    result = run(write_csv(tmp_path / "cases.csv", rows))
    assert result.ok and result.allocated == 1
    assert {"（2026）内2221执41号", "（2026）内2221执42号"} <= set(cases_by_number(engine))
    with unit_of_work(engine, actor=system, action="立案", clock=clock) as session:
        later = allocate_case_number(session, court_code=COURT, year=2026, case_type=CaseType.IMPLEMENTATION)
    assert str(later) == "（2026）内2221执43号"


def test_unknown_columns_are_ignored_and_named(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(csv_text([row() | {"备注": "旧系统导出"}], (*COLUMNS, "备注")), encoding="utf-8")
    result = run(path)
    assert result.ok and result.ignored_columns == ("备注",)


def test_optional_columns_may_be_left_out(engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path) -> None:
    required = ("收案日期", "类别", "申请执行人", "申请执行人证件号", "被执行人", "被执行人证件号", "执行标的", "状态")
    path = tmp_path / "cases.csv"
    path.write_text(csv_text([row()], required), encoding="utf-8")
    assert run(path).imported == 1


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(list(COLUMNS))
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cases.csv", _xlsx_bytes(), "内容却是 Excel（.xlsx）"),
        ("cases.csv", bytes(range(256)) * 4, "含二进制内容"),
        ("cases.csv", csv_text([row()]).encode("gbk"), "不是 UTF-8 编码"),
        ("cases.csv", csv_text([row()]).encode("utf-16"), "UTF-16"),
        ("cases.csv", b"", "文件是空的"),
        ("cases.csv", "收案日期,类别\n".encode(), "缺少必需的列：申请执行人、申请执行人证件号"),
        ("cases.csv", "收案日期\t类别\t状态\n".encode(), "英文逗号"),
        ("cases.csv", (",".join((*COLUMNS, "状态")) + "\n").encode(), "列“状态”出现了两次"),
        ("cases.csv", (",".join(COLUMNS) + "\n\n").encode(), "只有表头"),
        ("cases.xlsx", csv_text([row()]).encode(), "请把扩展名改为 .csv"),
        ("cases.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx"),
        ("cases.txt", b"x", "只能导入 .csv 或 .xlsx"),
        ("cases.xlsx", b"PK\x03\x04broken", "文件无法读取：Excel 文件已损坏"),
    ],
    ids=["xlsx-as-csv", "binary", "gbk", "utf16", "empty", "missing", "tabs", "twice", "header-only", "csv-as-xlsx",
         "xls", "txt", "broken-zip"],
)  # fmt: skip
def test_files_that_are_not_what_they_claim_are_refused(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        run(path)
    assert case_count(engine) == 0


def test_gbk_message_points_at_the_fix(run: Callable[[Path], ImportResult], tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_text([row()]).encode("gbk"))
    with pytest.raises(ImportFileError) as raised:
        run(path)
    assert "GBK" in raised.value.message and "CSV UTF-8" in raised.value.message


def test_only_the_batch_account_or_an_administrator_imports(
    engine: Engine, clock: FixedClock, handlers: dict[str, Actor], tmp_path: Path
) -> None:
    from zhihui_tui.services.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_cases(write_csv(tmp_path / "cases.csv", [row()]), ctx=context_for(engine, handlers["lian1"], clock))


def _many(count: int) -> list[dict[str, str]]:
    return [
        row(
            收案日期=f"2026-{9 + n % 3:02d}-{1 + n % 27:02d}",
            被执行人=f"李{'甲乙丙丁戊己庚辛'[n % 8]}",
            被执行人证件号=person_id(f"15222119{60 + n % 40}01{1 + n % 28:02d}{n % 1000:03d}"),
            执行标的=f"{1000 + n}.{n % 100:02d}",
            执行依据="",
        )
        for n in range(count)
    ]


def test_a_hundred_rows_go_in_together(engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path) -> None:
    result = run(write_csv(tmp_path / "many.csv", _many(100)))
    assert result.ok, result.errors[:3]
    assert result.imported == case_count(engine) == 100


def test_one_bad_row_at_the_end_of_a_long_file_stops_everything(
    engine: Engine, run: Callable[[Path], ImportResult], tmp_path: Path
) -> None:
    rows = [*_many(3000), row(执行标的="abc")]
    result = run(write_csv(tmp_path / "long.csv", rows))
    assert result.rows == 3001 and [(e.line, e.field) for e in result.errors] == [(3002, "执行标的")]
    assert case_count(engine) == 0
