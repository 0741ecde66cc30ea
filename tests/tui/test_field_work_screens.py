"""F6 承办人工作台, F7 查人找物, F8 临柜业务 driven with real keys: request → registration → attachment →
outcome → the handler sees the result; the 15:00 notice; the chief's approval; counter cards and handover;
snapshots at 80×24 and 120×36 on the fixed clock."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlmodel import Session, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from tui_court import COURT, FIXED_NOW, drive, open_post, settle, steady_cursors, type_text

from tests.services.test_attachments import JPEG, PDF, write
from tests.services.test_delegation import Court, court
from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.migrate import upgrade
from zhihui_tui.db.models import Attachment, CounterTask, DelegatedMatter, FieldSearch
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.field_work import AttachmentKind, Institution, MatterKind, MatterRequest, SearchRegistration
from zhihui_tui.runtime import Runtime
from zhihui_tui.services import accounts
from zhihui_tui.services.attachments import blob_path, store_file
from zhihui_tui.services.delegation import request_matter
from zhihui_tui.services.field_search import record_outcome, register_search
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.case_history import CaseHistoryScreen
from zhihui_tui.tui.screens.counter import CounterScreen, HandoverScreen, NewTaskScreen
from zhihui_tui.tui.screens.field_search import AttachScreen, FieldSearchScreen, OutcomeScreen, RegisterSearchScreen
from zhihui_tui.tui.screens.results import RecordResultScreen, ResultScreen
from zhihui_tui.tui.screens.workbench import RequestMatterScreen, WorkbenchScreen

HANDLER, CHIEF, INVESTIGATOR, OFFICER, UNCARDED = "sunli", "juzhang", "xiansuo0", "linggui1", "linggui2"
SERVICE_CLERK = "songda1"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
SnapCompare = Callable[..., bool]


@pytest.fixture
def field_court(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Runtime, Court]:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    url = f"sqlite:///{tmp_path / 'field.db'}"
    engine = make_engine(url)
    upgrade(engine)
    built = court(engine, FixedClock(FIXED_NOW))
    runtime = Runtime(database_url=url, clock=FixedClock(FIXED_NOW), court=COURT, data_dir=tmp_path)
    yield runtime, built
    engine.dispose()


def rows_of(pilot: Pilot, selector: str) -> list[list[str]]:
    table = pilot.app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def text_of(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def submit(pilot: Pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


def one(engine_url: str, model: type) -> list:
    engine = make_engine(engine_url)
    with Session(engine) as session:
        rows = list(session.exec(select(model)).all())
    engine.dispose()
    return rows


# -- the whole path with keys ---------------------------------------------------------------------------------


def test_request_registration_outcome_and_the_handler_sees_the_result(
    field_court: tuple[Runtime, Court], tmp_path: Path
) -> None:
    runtime, _ = field_court
    photo = tmp_path / "door.jpg"
    photo.write_bytes(JPEG)

    async def handler_requests(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        assert isinstance(pilot.app.screen, WorkbenchScreen)
        assert rows_of(pilot, "#cases") == [["（2026）内2221执1号", "承办中", "—", ""]]
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RequestMatterScreen)
        assert text_of(pilot, "#timing") == "今日 15:00 前提请，自今日（11-27）起算"
        await pilot.press("enter", "down", "down", "down", "enter", "tab")  # 现场调查
        await type_text(pilot, "find the car")
        await pilot.press("enter")
        await type_text(pilot, "2026-12-04")
        await submit(pilot)
        assert isinstance(pilot.app.screen, WorkbenchScreen)
        assert rows_of(pilot, "#cases")[0][3] == "1"

    async def investigator_registers_attaches_and_reports(pilot: Pilot) -> None:
        await open_post(pilot, INVESTIGATOR, "f7")
        assert isinstance(pilot.app.screen, FieldSearchScreen)
        assert rows_of(pilot, "#queue")[0][:4] == ["（2026）内2221执1号", "现场调查", "12-04", "待办理"]
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RegisterSearchScreen)
        await pilot.press("enter")  # keep the proposed time
        for text in ("Daba village", "property", "2", "car K12345"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("space", "down", "space")  # 李海军, 其木格
        await submit(pilot)
        assert isinstance(pilot.app.screen, FieldSearchScreen)
        row = rows_of(pilot, "#queue")[0]
        assert row[3:5] == ["办理中", "李海军、其木格"]
        assert "外出：李海军、其木格" in text_of(pilot, "#fs-roster")

        await pilot.press("u")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AttachScreen)
        await pilot.press("enter", "down", "down", "down", "enter", "tab")  # 图片
        await type_text(pilot, str(photo))
        await submit(pilot)
        assert isinstance(pilot.app.screen, FieldSearchScreen)
        await settle(pilot, lambda: "door.jpg" in text_of(pilot, "#fs-detail"))
        assert "SHA-256" in text_of(pilot, "#fs-detail")

        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OutcomeScreen)
        await type_text(pilot, "car found and sealed")
        await submit(pilot)
        assert isinstance(pilot.app.screen, FieldSearchScreen)
        assert rows_of(pilot, "#queue") == []

    async def handler_sees_the_result(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        assert rows_of(pilot, "#waiting") == [
            ["委托结果", "（2026）内2221执1号", "11-27 09:30", "现场调查：car found and sealed"]
        ]
        await pilot.press("tab", "enter")  # the result, whole, with the files that came with it
        await settle(pilot)
        assert isinstance(pilot.app.screen, ResultScreen)
        assert "结果：car found and sealed" in text_of(pilot, "#result-text")
        sha = hashlib.sha256(JPEG).hexdigest()
        assert rows_of(pilot, "#files") == [["图片", "door.jpg", "JPEG", "1.0 KB", sha[:12] + "…", "完好"]]
        await pilot.press("h")  # on to the history of the case the result belongs to
        await settle(pilot)
        assert isinstance(pilot.app.screen, CaseHistoryScreen)
        whats = [row[2] for row in rows_of(pilot, "#history-table")]
        assert "提请委托事项" in whats and "阶段变更" in whats
        await pilot.press("escape", "a")
        await settle(pilot)
        assert rows_of(pilot, "#waiting") == []

    drive(runtime, handler_requests)
    drive(runtime, investigator_registers_attaches_and_reports)
    drive(runtime, handler_sees_the_result)
    search = one(runtime.database_url, FieldSearch)[0]
    assert (search.place, search.category, search.quantity, search.target_names) == (
        "Daba village",
        "property",
        2,
        "car K12345",
    )
    stored = one(runtime.database_url, Attachment)
    assert [a.original_name for a in stored] == ["door.jpg"]
    assert (tmp_path / "attachments" / stored[0].sha256[:2] / stored[0].sha256).read_bytes() == JPEG


def test_enter_on_my_case_opens_its_page_and_h_its_history(field_court: tuple[Runtime, Court]) -> None:
    """Issue 11: a case opens on its particulars from the workbench too; ``h`` there or on the list: its history."""
    from zhihui_tui.tui.screens.case_history import CaseHistoryScreen
    from zhihui_tui.tui.screens.case_page import CasePageScreen

    runtime, _ = field_court

    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CasePageScreen))
        page = pilot.app.screen
        assert isinstance(page, CasePageScreen) and page.page.case_number == "（2026）内2221执1号"
        await pilot.press("h")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaseHistoryScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WorkbenchScreen))
        await pilot.press("h")  # straight from the list
        await settle(pilot, lambda: isinstance(pilot.app.screen, CaseHistoryScreen))

    drive(runtime, scenario)


def test_t_shows_the_finished_registrations_read_only(field_court: tuple[Runtime, Court]) -> None:
    """Issue 11: F7 keeps its history — ``t`` lists the finished registrations; nothing can be registered there."""
    from zhihui_tui.tui.screens.field_search import FieldSearchScreen

    runtime, _ = field_court

    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, INVESTIGATOR, "f7")
        screen = pilot.app.screen
        assert isinstance(screen, FieldSearchScreen)
        assert text_of(pilot, "#fs-status").startswith("待办 第 1 页")
        await pilot.press("t")
        await settle(pilot, lambda: text_of(pilot, "#fs-status").startswith("已办结"))
        assert screen.check_action("register", ()) is False
        await pilot.press("t")
        await settle(pilot, lambda: text_of(pilot, "#fs-status").startswith("待办"))

    drive(runtime, scenario)


def test_after_15_00_the_form_says_when_the_request_counts_from(field_court: tuple[Runtime, Court]) -> None:
    runtime, _ = field_court
    runtime.clock = FixedClock(datetime(2026, 11, 27, 15, 0))

    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        await pilot.press("n")
        await settle(pilot)
        assert text_of(pilot, "#timing") == "已过 15:00，本申请自下一工作日 2026-11-30（周一）起算"
        await pilot.press("tab", "tab")  # 事项类别 → 具体要求 → 办理期限
        await type_text(pilot, "2026-11-27")
        await submit(pilot)
        assert text_of(pilot, "#ff-message") == "委托事项：请选择委托事项类别"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, WorkbenchScreen)

    drive(runtime, scenario)
    assert one(runtime.database_url, DelegatedMatter) == []


def test_bad_request_shows_the_field_and_saves_nothing(field_court: tuple[Runtime, Court]) -> None:
    runtime, _ = field_court

    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter", "down", "enter", "tab", "enter")  # 送达, requirements left empty
        await type_text(pilot, "2026-12-04")
        await submit(pilot)
        assert text_of(pilot, "#ff-message") == "具体要求：不能为空"
        assert isinstance(pilot.app.screen, RequestMatterScreen)

    drive(runtime, scenario)
    assert one(runtime.database_url, DelegatedMatter) == []


def test_urgent_compelled_appearance_is_approved_by_the_chief(field_court: tuple[Runtime, Court]) -> None:
    runtime, _ = field_court
    runtime.clock = FixedClock(datetime(2026, 11, 27, 16, 20))

    async def handler_asks(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter", "down", "down", "down", "down", "enter", "tab")  # 拘传
        await type_text(pilot, "bring respondent today")
        await pilot.press("enter")
        await type_text(pilot, "2026-11-27")
        await pilot.press("enter", "space")  # 临时拘传
        await settle(pilot)
        assert text_of(pilot, "#timing") == "临时拘传：直接报请局长审批，不受 15:00 截止时间限制"
        await submit(pilot)
        assert [row[0] for row in rows_of(pilot, "#waiting")] == ["待审批"]

    async def chief_approves(pilot: Pilot) -> None:
        await open_post(pilot, CHIEF, "f6")
        assert rows_of(pilot, "#approvals")[0][:2] == ["（2026）内2221执1号", "孙立"]
        await pilot.press("y")
        await settle(pilot)
        assert text_of(pilot, "#wb-status") == "待审批 0 件", (text_of(pilot, "#wb-status"), pilot.app.focused)
        assert rows_of(pilot, "#approvals") == []

    drive(runtime, handler_asks)
    drive(runtime, chief_approves)
    matter = one(runtime.database_url, DelegatedMatter)[0]
    assert (matter.kind, matter.status, matter.post) == ("compelled_appearance", "open", "field_search")


def test_roster_refusal_is_shown_at_the_form(field_court: tuple[Runtime, Court]) -> None:
    runtime, c = field_court
    for _ in range(2):
        request_matter(
            MatterRequest(c.case_id, MatterKind.SITE_INVESTIGATION, "site visit", "2026-12-04"),
            ctx=c.ctx(c.handler),
        )

    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, INVESTIGATOR, "f7")
        await pilot.press("g")
        await settle(pilot)
        await pilot.press("enter")
        for text in ("Daba", "person", "1", "Wang"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await pilot.press("space", "down", "space", "down", "space", "down", "space")  # four of five
        await submit(pilot)
        message = text_of(pilot, "#ff-message")
        assert message.startswith("办理人员：2026-11-27 须至少 2 人在局留守；如此指派后留守仅剩：韩立新")
        assert isinstance(pilot.app.screen, RegisterSearchScreen)

    drive(runtime, scenario)
    assert one(runtime.database_url, FieldSearch) == []


# -- 送达 and 公告: the service post records the result on F6 --------------------------------------------------


def test_service_request_is_recorded_by_the_service_post_and_read_by_the_handler(
    field_court: tuple[Runtime, Court],
) -> None:
    runtime, _ = field_court

    async def handler_requests_service(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("enter", "down", "enter", "tab")  # 送达
        await type_text(pilot, "serve the notice again at the new address")
        await pilot.press("enter")
        await type_text(pilot, "2026-12-02")
        await submit(pilot)
        assert isinstance(pilot.app.screen, WorkbenchScreen)

    async def service_clerk_records(pilot: Pilot) -> None:
        await open_post(pilot, SERVICE_CLERK, "f6")
        assert isinstance(pilot.app.screen, WorkbenchScreen)
        assert rows_of(pilot, "#desk") == [["（2026）内2221执1号", "送达", "孙立", "12-02", "serve the notice again …"]]
        assert not pilot.app.screen.query_one("#cases").display  # a service clerk has no cases of their own
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RecordResultScreen)
        assert text_of(pilot, "#requirements") == "要求：serve the notice again at the new address"
        await submit(pilot)
        assert text_of(pilot, "#ff-message") == "办理结果：不能为空"
        assert isinstance(pilot.app.screen, RecordResultScreen)
        assert one(runtime.database_url, DelegatedMatter)[0].closed_at is None  # nothing saved
        await type_text(pilot, "served by EMS 1180, signed")
        await submit(pilot)
        assert isinstance(pilot.app.screen, WorkbenchScreen)
        assert rows_of(pilot, "#desk") == []
        assert text_of(pilot, "#wb-status") == "委托事项待办理 0 件"

    async def handler_reads_and_acknowledges(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        assert rows_of(pilot, "#waiting") == [
            ["委托结果", "（2026）内2221执1号", "11-27 09:30", "送达：served by EMS 1180, signed"]
        ]
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ResultScreen)
        assert text_of(pilot, "#result-text").splitlines()[1:] == [
            "结果：served by EMS 1180, signed",
            "办结：2026-11-27 09:30 刘芳",
        ]
        assert text_of(pilot, "#files-title") == "附件：无"
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(pilot.app.screen, WorkbenchScreen)
        assert rows_of(pilot, "#waiting") == []

    drive(runtime, handler_requests_service)
    drive(runtime, service_clerk_records)
    drive(runtime, handler_reads_and_acknowledges)
    matter = one(runtime.database_url, DelegatedMatter)[0]
    assert (matter.kind, matter.status, matter.result) == ("service", "done", "served by EMS 1180, signed")
    assert matter.seen_at is not None


def _searched_with_files(c: Court, tmp_path: Path) -> Path:
    """A site investigation done with a photo and a transcript; returns the attachment store."""
    matter_id = request_matter(
        MatterRequest(c.case_id, MatterKind.SITE_INVESTIGATION, "查明车辆下落", "2026-12-04"),
        ctx=c.ctx(c.handler),
    )
    ids = (c.investigators[0].id, c.investigators[1].id)
    registration = SearchRegistration(matter_id, "2026-11-27 14:00", "永丰村", "物", "1", "蒙K12345", ids)
    search_id = register_search(registration, ctx=c.ctx(c.investigators[0]))
    store = tmp_path / "attachments"
    files = [
        store_file(write(tmp_path / "车辆.jpg", JPEG), store, AttachmentKind.PHOTO),
        store_file(write(tmp_path / "现场笔录.pdf", PDF), store, AttachmentKind.TRANSCRIPT),
    ]
    record_outcome(search_id, "车辆已查封", files, ctx=c.ctx(c.investigators[0]))
    return store


def test_handler_sees_the_files_and_which_no_longer_verify(field_court: tuple[Runtime, Court], tmp_path: Path) -> None:
    runtime, c = field_court
    store = _searched_with_files(c, tmp_path)
    damaged = blob_path(store, hashlib.sha256(PDF).hexdigest())
    damaged.chmod(0o644)
    damaged.write_bytes(b"%PDF-1.7 overwritten")

    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ResultScreen)
        assert text_of(pilot, "#files-title") == "附件 2 个（校验：重新计算 SHA-256，与入库时比对）"
        assert rows_of(pilot, "#files") == [
            ["图片", "车辆.jpg", "JPEG", "1.0 KB", hashlib.sha256(JPEG).hexdigest()[:12] + "…", "完好"],
            ["笔录", "现场笔录.pdf", "PDF", f"{len(PDF)} B", hashlib.sha256(PDF).hexdigest()[:12] + "…", "损坏或缺失"],
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, WorkbenchScreen)
        assert len(rows_of(pilot, "#waiting")) == 1  # Esc leaves it unread

    drive(runtime, scenario)


# -- counter ------------------------------------------------------------------------------------------------------


def _bank_request(c: Court) -> None:
    request_matter(
        MatterRequest(c.case_id, MatterKind.COUNTER, "freeze deposits", "2026-12-04", institution=Institution.BANK),
        ctx=c.ctx(c.handler),
    )


def test_counter_needs_both_cards_and_a_signed_receipt(field_court: tuple[Runtime, Court]) -> None:
    runtime, c = field_court
    _bank_request(c)
    notes: list[str] = []

    async def uncarded_tries(pilot: Pilot) -> None:
        pilot.app.notify = lambda message, **_: notes.append(message)  # type: ignore[method-assign]
        await open_post(pilot, UNCARDED, "f8")
        assert isinstance(pilot.app.screen, CounterScreen)
        assert "1 银行 1" in text_of(pilot, "#ct-tabs")
        await pilot.press("t")
        await settle(pilot)
        assert "未登记人民法院执行公务证" in text_of(pilot, "#ct-status")

    async def officer_takes_and_hands_over(pilot: Pilot) -> None:
        await open_post(pilot, OFFICER, "f8")
        await pilot.press("t")
        await settle(pilot, lambda: rows_of(pilot, "#tasks")[0][3] == "办理中")
        assert rows_of(pilot, "#tasks")[0][4] == "赵志刚"
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HandoverScreen)
        for text in ("HZ-0311", "Wang Li", "frozen 12345.67"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await submit(pilot)
        assert text_of(pilot, "#ff-message") == "经办人签字：回执须由经办人签字确认后方可交接"
        await type_text(pilot, "Zhao")
        await submit(pilot)
        assert text_of(pilot, "#ff-message") == "经办人签字：签字人“Zhao”不是本事项的经办人“赵志刚”"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CounterScreen)

    drive(runtime, uncarded_tries)
    drive(runtime, officer_takes_and_hands_over)
    assert any("执行公务证" in note for note in notes)
    task = one(runtime.database_url, CounterTask)[0]
    assert (task.status, task.taken_by_id) == ("taken", c.officer.id)


def test_counter_institution_keys_switch_the_queue(field_court: tuple[Runtime, Court]) -> None:
    runtime, c = field_court
    _bank_request(c)

    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, OFFICER, "f8")
        assert len(rows_of(pilot, "#tasks")) == 1
        await pilot.press("2")
        await settle(pilot)
        assert rows_of(pilot, "#tasks") == []
        assert text_of(pilot, "#ct-status").startswith("车辆管理所")

    drive(runtime, scenario)


def test_centre_opens_a_counter_task_by_case_number_after_a_bad_form(field_court: tuple[Runtime, Court]) -> None:
    runtime, _ = field_court

    async def scenario(pilot: Pilot) -> None:
        await open_post(pilot, OFFICER, "f8")
        await pilot.press("2")  # the vehicle-office tab: the form proposes it
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NewTaskScreen)
        await type_text(pilot, "(2026)内2221执9号")
        await pilot.press("enter", "tab")  # keep 车辆管理所
        await type_text(pilot, "兴安盟车管所")
        await pilot.press("enter", "enter", "down", "enter", "tab")  # 保全
        await submit(pilot)
        assert text_of(pilot, "#ff-message") == "具体要求：不能为空"
        await type_text(pilot, "seal car K12345")
        await submit(pilot)
        assert text_of(pilot, "#ff-message") == "案号：本院没有案号为（2026）内2221执9号的案件"
        assert isinstance(pilot.app.screen, NewTaskScreen)
        assert one(runtime.database_url, CounterTask) == []  # nothing saved by either bad form
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab", "end", "ctrl+u")
        await type_text(pilot, "(2026)内2221执1号")
        await submit(pilot)
        assert isinstance(pilot.app.screen, CounterScreen)
        assert rows_of(pilot, "#tasks") == [
            ["（2026）内2221执1号", "保全", "兴安盟车管所", "待领取", "—", "—", "seal car K12345"]
        ]
        assert text_of(pilot, "#ct-status").startswith("车辆管理所")

    drive(runtime, scenario)
    task = one(runtime.database_url, CounterTask)[0]
    assert (task.institution, task.source, task.matter_id) == ("vehicle_office", "preservation", None)


# -- snapshots --------------------------------------------------------------------------------------------------


def _with_work(c: Court) -> None:
    for kind, text in ((MatterKind.SITE_INVESTIGATION, "查明住所"), (MatterKind.COMPELLED_APPEARANCE, "拘传到庭")):
        request_matter(
            MatterRequest(c.case_id, kind, text, "2026-12-04"),
            ctx=c.ctx(c.handler),
        )
    _bank_request(c)


def _posted(login: str, key: str) -> Callable[[Pilot], Awaitable[None]]:
    async def run_before(pilot: Pilot) -> None:
        await open_post(pilot, login, key)
        await steady_cursors(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_workbench_snapshot(
    snap_compare: SnapCompare, field_court: tuple[Runtime, Court], size: tuple[int, int]
) -> None:
    runtime, c = field_court
    _with_work(c)
    assert snap_compare(ZhihuiApp(runtime), terminal_size=size, run_before=_posted(HANDLER, "f6"))


@pytest.mark.parametrize("size", SIZES)
def test_request_form_snapshot(
    snap_compare: SnapCompare, field_court: tuple[Runtime, Court], size: tuple[int, int]
) -> None:
    runtime, _ = field_court
    runtime.clock = FixedClock(datetime(2026, 11, 27, 15, 0))

    async def run_before(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        await pilot.press("n")
        await settle(pilot)
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(runtime), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_field_search_snapshot(
    snap_compare: SnapCompare, field_court: tuple[Runtime, Court], size: tuple[int, int]
) -> None:
    runtime, c = field_court
    _with_work(c)
    assert snap_compare(ZhihuiApp(runtime), terminal_size=size, run_before=_posted(INVESTIGATOR, "f7"))


@pytest.mark.parametrize("size", SIZES)
def test_counter_snapshot(snap_compare: SnapCompare, field_court: tuple[Runtime, Court], size: tuple[int, int]) -> None:
    runtime, c = field_court
    _with_work(c)
    assert snap_compare(ZhihuiApp(runtime), terminal_size=size, run_before=_posted(OFFICER, "f8"))


@pytest.mark.parametrize("size", SIZES)
def test_service_desk_snapshot(
    snap_compare: SnapCompare, field_court: tuple[Runtime, Court], size: tuple[int, int]
) -> None:
    runtime, c = field_court
    for kind, text, due in (
        (MatterKind.SERVICE, "向被执行人补充送达执行通知书", "2026-11-26"),
        (MatterKind.PUBLIC_NOTICE, "下落不明，公告送达", "2026-12-11"),
    ):
        c.clock.at = datetime(2026, 11, 25, 10, 0)  # requested earlier in the week: the first is now overdue
        request_matter(
            MatterRequest(c.case_id, kind, text, due),
            ctx=c.ctx(c.handler),
        )
    assert snap_compare(ZhihuiApp(runtime), terminal_size=size, run_before=_posted(SERVICE_CLERK, "f6"))


@pytest.mark.parametrize("size", SIZES)
def test_record_result_form_snapshot(
    snap_compare: SnapCompare, field_court: tuple[Runtime, Court], size: tuple[int, int]
) -> None:
    runtime, c = field_court
    request_matter(
        MatterRequest(c.case_id, MatterKind.SERVICE, "向被执行人王建国补充送达执行通知书、报告财产令", "2026-12-02"),
        ctx=c.ctx(c.handler),
    )

    async def run_before(pilot: Pilot) -> None:
        await open_post(pilot, SERVICE_CLERK, "f6")
        await pilot.press("enter")
        await settle(pilot)
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(runtime), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_result_with_files_snapshot(
    snap_compare: SnapCompare, field_court: tuple[Runtime, Court], size: tuple[int, int], tmp_path: Path
) -> None:
    runtime, c = field_court
    _searched_with_files(c, tmp_path)

    async def run_before(pilot: Pilot) -> None:
        await open_post(pilot, HANDLER, "f6")
        await pilot.press("tab", "enter")
        await settle(pilot)

    assert snap_compare(ZhihuiApp(runtime), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_new_counter_task_form_snapshot(
    snap_compare: SnapCompare, field_court: tuple[Runtime, Court], size: tuple[int, int]
) -> None:
    runtime, _ = field_court

    async def run_before(pilot: Pilot) -> None:
        await open_post(pilot, OFFICER, "f8")
        await pilot.press("n")
        await settle(pilot)
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(runtime), terminal_size=size, run_before=run_before)
