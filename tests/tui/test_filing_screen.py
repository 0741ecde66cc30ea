"""F3 立案审查 driven with real keys on the demo court: receive a whole application, file it (number, next step),
field errors shown where they belong with nothing saved, several agents (Ctrl+G) saved and prefilled, 不予立案
proposed and ruled; snapshots at 80×24 and 120×36 on the fixed clock."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlmodel import Session, col, func, select
from stdnum.cn import ric
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select, Static
from tui_court import drive, settle, sign_in, steady_cursors
from tui_keys import press, type_text

from zhihui_tui.db.engine import make_engine
from zhihui_tui.db.models import Agent, AuditRecord, Case, CaseMaterial, CaseParty, FilingRejection, Staff
from zhihui_tui.domain.filing import CHECKLISTS, checklist_units
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.accounts import actor_for
from zhihui_tui.services.demo import DEMO_PASSWORD
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.filing import FileDialog, FilingScreen, TextDialog
from zhihui_tui.tui.screens.filing.queue import PendingTable
from zhihui_tui.tui.screens.home import HomeScreen

CLERK, DIRECTOR = "lian1", "zhuren"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
CASE_NUMBER = re.compile(r"（2026）内2221执\d+号")
SnapCompare = Callable[..., bool]


def resident_id(body: str) -> str:
    """A valid 居民身份证号 (GB 11643 check digit) from its first 17 digits."""
    return body + ric.calc_check_digit(body + "0")


APPLICANT_ID = resident_id("15222119800101123")
RESPONDENT_ID = resident_id("15222119850505456")
LAWYER_ID = resident_id("15222119880808004")
SECOND_AGENT_ID = resident_id("15222119700202001")


def text_of(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def open_filing(pilot: Pilot, login: str = CLERK) -> None:
    await sign_in(pilot, login=login, password=DEMO_PASSWORD)
    await press(pilot, "f3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FilingScreen)


async def tab_to(pilot: Pilot, widget_id: str, *, key: str = "tab") -> None:
    """Press Tab (or ``key``) until ``widget_id`` has the focus (bounded: the form is a fixed sequence)."""
    for _ in range(120):
        focused = pilot.app.focused
        if focused is not None and focused.id == widget_id:
            return
        await press(pilot, key)
    raise AssertionError(f"Tab never reached #{widget_id}")


async def fill(pilot: Pilot, widget_id: str, text: str) -> None:
    await tab_to(pilot, widget_id)
    await type_text(pilot, text)


async def fill_application(pilot: Pilot, *, skip_item: int | None = None) -> None:
    for i in range(len(checklist_units(FilingCategory.APPLICATION))):
        if i != skip_item:
            await tab_to(pilot, f"chk-{i}")
            await press(pilot, "space")
    await fill(pilot, "a1-name", "王晓明")
    await fill(pilot, "a1-id", APPLICANT_ID)
    await fill(pilot, "a1-phone", "13904821234")
    await fill(pilot, "r1-name", "李大山")
    await fill(pilot, "r1-id", RESPONDENT_ID)
    await fill(pilot, "r1-addr", "科右前旗居力很镇")
    await fill(pilot, "b-court", "科尔沁右翼前旗人民法院")
    await fill(pilot, "b-number", "(2026)内2221民初987号")
    await fill(pilot, "b-date", "2026-06-30")
    await fill(pilot, "amount", "12345.67")


def case_count(runtime: Runtime) -> int:
    engine = make_engine(runtime.database_url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(Case)).one()
    engine.dispose()
    return count


def newest_case(runtime: Runtime) -> Case:
    engine = make_engine(runtime.database_url)
    with Session(engine) as session:
        case = session.exec(select(Case).order_by(Case.id.desc())).first()  # type: ignore[union-attr]
    engine.dispose()
    assert case is not None
    return case


def test_a_whole_application_is_received_and_filed_with_real_keys(demo_runtime: Runtime) -> None:
    """Saved with （4） unticked, F9 is refused with the service's message before any dialog; ticked and saved
    again, it files."""
    before = case_count(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_filing(pilot)
        await fill_application(pilot, skip_item=3)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "已接收材料" in text_of(pilot, "#fil-status")
        assert "缺少必备材料：（4）诉讼费收据" in text_of(pilot, "#fil-status")
        received = newest_case(demo_runtime)
        assert (received.stage, received.target_amount_fen, received.case_number) == ("received", 1_234_567, None)

        await press(pilot, "f9")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FilingScreen)  # refused before the duplicate check's dialog
        assert text_of(pilot, "#fil-status") == "缺少必备材料，不能立案：（4）诉讼费收据"
        assert newest_case(demo_runtime).stage == Stage.RECEIVED.value

        await tab_to(pilot, "chk-3")
        await press(pilot, "space")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "已保存修改" in text_of(pilot, "#fil-status")
        await file_it(pilot)
        status = text_of(pilot, "#fil-status")
        assert CASE_NUMBER.search(status), status
        assert "下一步 生成文书并邮寄，期限 2026-" in status

    drive(demo_runtime, scenario)
    filed = newest_case(demo_runtime)
    assert case_count(demo_runtime) == before + 1
    assert filed.stage == Stage.FILED.value
    assert filed.case_number is not None and CASE_NUMBER.fullmatch(filed.case_number)
    assert filed.first_assignee_id is not None


async def file_it(pilot: Pilot) -> None:
    """F9, acknowledge the duplicate check (Y) with the lightest-loaded batch-service clerk chosen."""
    await press(pilot, "f9")
    await settle(pilot, lambda: isinstance(pilot.app.screen, FileDialog))
    await press(pilot, "y")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FilingScreen)


# -- Ctrl+S and F9 keep to what the screen shows (QA at 80×24) ------------------------------------------------


def first_received_case(runtime: Runtime) -> int:
    """The queue's first row: of the cases at 材料接收, the one received earliest."""
    engine = make_engine(runtime.database_url)
    with Session(engine) as session:
        received = select(Case.id).where(Case.stage == Stage.RECEIVED.value)
        case_id = session.exec(received.order_by(col(Case.received_at), col(Case.id))).first()
    engine.dispose()
    assert case_id is not None
    return case_id


def drop_checklist(runtime: Runtime, case_id: int) -> None:
    """A case registered before its checklist was kept (an import, an older demo): no case_material row."""
    engine = make_engine(runtime.database_url)
    clerk = actor_for(engine, CLERK)
    with unit_of_work(engine, actor=clerk, action="清除材料清单", clock=runtime.clock) as session:
        for row in session.exec(select(CaseMaterial).where(CaseMaterial.case_id == case_id)).all():
            session.delete(row)
    engine.dispose()


def checklist_rows(runtime: Runtime, case_id: int) -> dict[str, tuple[bool, str | None]]:
    """item → (provided, login of who ticked it) as stored."""
    engine = make_engine(runtime.database_url)
    ticked_by = col(Staff.id) == CaseMaterial.checked_by_id
    with Session(engine) as session:
        rows = session.exec(
            select(CaseMaterial.item, CaseMaterial.provided, Staff.login)
            .join(Staff, ticked_by, isouter=True)
            .where(CaseMaterial.case_id == case_id)
        ).all()
    engine.dispose()
    return {item: (provided, login) for item, provided, login in rows}


def checklist_audit(runtime: Runtime, case_id: int) -> list[tuple[str, bool]]:
    """(action, whether the row was created) of the audit records of the case's checklist rows."""
    engine = make_engine(runtime.database_url)
    with Session(engine) as session:
        ids = [str(i) for i in session.exec(select(CaseMaterial.id).where(CaseMaterial.case_id == case_id)).all()]
        records = session.exec(
            select(AuditRecord).where(AuditRecord.entity == "case_material", col(AuditRecord.entity_id).in_(ids))
        ).all()
        result = [(record.action, record.before is None) for record in records]
    engine.dispose()
    return result


async def tick_all(pilot: Pilot) -> int:
    """Tab to every checklist box and tick the ones not ticked yet; returns how many boxes there are."""
    screen = pilot.app.screen
    assert isinstance(screen, FilingScreen)
    for i in range(len(screen.form.units)):
        await tab_to(pilot, f"chk-{i}")
        if not screen.query_one(f"#chk-{i}", Checkbox).value:
            await press(pilot, "space")
    return len(screen.form.units)


def test_ticks_on_a_received_case_without_checklist_rows_are_saved_and_it_files(demo_runtime: Runtime) -> None:
    """Ctrl+S on a case already at 材料接收 stores its ticks, creating the rows it never had; F9 then files it."""
    case_id = first_received_case(demo_runtime)
    drop_checklist(demo_runtime, case_id)
    items: list[str] = []

    async def scenario(pilot: Pilot) -> None:
        await open_filing(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, FilingScreen)
        queue = screen.query_one("#queue", DataTable)
        assert queue.coordinate_to_cell_key(queue.cursor_coordinate).row_key.value == str(case_id)
        await press(pilot, "enter")
        await settle(pilot)
        status = text_of(pilot, "#fil-status")
        assert status.startswith(f"已打开（收案序号 {case_id}），缺少必备材料：（1）"), status  # all of them
        await tick_all(pilot)
        items.extend(unit.code for unit in screen.form.units)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert text_of(pilot, "#fil-status") == f"已保存修改（收案序号 {case_id}），按 F9 立案"
        assert checklist_rows(demo_runtime, case_id) == dict.fromkeys(items, (True, CLERK))

        await press(pilot, "escape", "enter")  # back to the queue, and the case opened again
        await settle(pilot)
        assert text_of(pilot, "#fil-status") == f"已打开（收案序号 {case_id}），按 F9 立案"
        assert all(box.value for box in screen.query("#checklist Checkbox").results(Checkbox))
        await file_it(pilot)
        assert CASE_NUMBER.search(text_of(pilot, "#fil-status")), text_of(pilot, "#fil-status")

    drive(demo_runtime, scenario)
    engine = make_engine(demo_runtime.database_url)
    with Session(engine) as session:
        case = session.get(Case, case_id)
    engine.dispose()
    assert case is not None and case.stage == Stage.FILED.value
    # Every row created by the save, in its unit of work (audited, like every other write). SQLite may reuse the
    # dropped rows' ids, so the save's records are picked by their action.
    saved = [record for record in checklist_audit(demo_runtime, case_id) if record[0] == "修改立案信息"]
    assert saved == [("修改立案信息", True)] * len(items)


def test_f9_saves_the_form_as_shown_before_filing_and_files_nothing_when_the_save_is_refused(
    demo_runtime: Runtime,
) -> None:
    """Saved with 12,345.67 yuan, then changed on screen: F9 with a bad amount shows the error and neither saves
    nor files; corrected to 123,456.78, F9 saves it and files the case with it, on the version just saved."""
    version = 0

    async def scenario(pilot: Pilot) -> None:
        nonlocal version
        await open_filing(pilot)
        await fill_application(pilot)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert text_of(pilot, "#fil-status").startswith("已接收材料")
        received = newest_case(demo_runtime)
        version = received.version

        await tab_to(pilot, "amount")
        await press(pilot, "end", "ctrl+u")
        await type_text(pilot, "100.123")
        await press(pilot, "f9")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FilingScreen)  # no dialog
        assert "两位小数" in text_of(pilot, "#err-amount")
        assert "未保存，未立案" in text_of(pilot, "#fil-status")
        unchanged = newest_case(demo_runtime)
        assert (unchanged.id, unchanged.stage, unchanged.target_amount_fen) == (received.id, "received", 1_234_567)
        assert unchanged.version == version

        await tab_to(pilot, "amount")
        await press(pilot, "end", "ctrl+u")
        await type_text(pilot, "123,456.78")
        await file_it(pilot)
        status = text_of(pilot, "#fil-status")
        assert CASE_NUMBER.search(status), status

    drive(demo_runtime, scenario)
    filed = newest_case(demo_runtime)
    assert (filed.stage, filed.target_amount_fen) == (Stage.FILED.value, 12_345_678)
    assert filed.version > version


def test_f9_on_a_new_form_receives_and_files_it_in_one_go(demo_runtime: Runtime) -> None:
    before = case_count(demo_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_filing(pilot)
        await fill_application(pilot)
        await file_it(pilot)
        assert CASE_NUMBER.search(text_of(pilot, "#fil-status"))
        await press(pilot, "f9")  # the form still shows the filed case: it is not received a second time
        await settle(pilot)
        assert "本表的案件已立案" in text_of(pilot, "#fil-status")

    drive(demo_runtime, scenario)
    assert case_count(demo_runtime) == before + 1
    filed = newest_case(demo_runtime)
    assert (filed.stage, filed.target_amount_fen) == (Stage.FILED.value, 1_234_567)


def test_a_bad_id_number_and_a_three_decimal_amount_show_at_their_fields_and_save_nothing(
    demo_runtime: Runtime,
) -> None:
    before = case_count(demo_runtime)
    bad_id = APPLICANT_ID[:-1] + ("0" if APPLICANT_ID[-1] != "0" else "1")

    async def scenario(pilot: Pilot) -> None:
        await open_filing(pilot)
        await fill(pilot, "a1-name", "王晓明")
        await fill(pilot, "a1-id", bad_id)
        await fill(pilot, "amount", "100.123")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "校验位错误" in text_of(pilot, "#err-a1-id")
        assert "两位小数" in text_of(pilot, "#err-amount")
        assert text_of(pilot, "#err-a1-name") == ""
        assert text_of(pilot, "#err-r1-name")  # the empty respondent is named at its own field
        assert "未保存" in text_of(pilot, "#fil-status")
        assert pilot.app.screen.query_one("#amount", Input).value == "100.123"  # the form is kept

    drive(demo_runtime, scenario)
    assert case_count(demo_runtime) == before


def test_a_second_respondent_row_and_the_checklist_follow_the_category(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await open_filing(pilot)
        await tab_to(pilot, "a1-name")
        await press(pilot, "ctrl+t")
        assert pilot.app.focused is not None and pilot.app.focused.id == "r2-name"
        assert text_of(pilot, "#r2-title") == "被执行人2"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert text_of(pilot, "#err-r2-name")  # 被执行人2 姓名/名称 is required like the first
        await choose(pilot, "g1-for", 2)  # the new row is offered as 代理对象: 申请执行人1, 被执行人1, 被执行人2
        assert pilot.app.screen.query_one("#g1-for", Select).value == "r2"

        await tab_to(pilot, "f-category", key="shift+tab")
        await press(pilot, "enter", "down", "down", "enter")  # 执行异议
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, FilingScreen)
        labels = [str(box.label) for box in screen.query("#checklist Checkbox")]  # type: ignore[attr-defined]
        assert labels == [item.label for item in CHECKLISTS[screen.form.category]]
        assert screen.form.category is FilingCategory.OBJECTION
        assert text_of(pilot, "#r1-title") == "相对人1"
        assert screen.query_one("#g1-for", Select).value == "r2"  # renamed 相对人2, still chosen

        await press(pilot, "escape")  # out of the form, to the queue
        assert pilot.app.focused is not None and pilot.app.focused.id == "queue"
        await press(pilot, "escape")  # and back home
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)

    drive(demo_runtime, scenario)


def test_the_clerk_proposes_rejection_and_the_director_rules_it(demo_runtime: Runtime) -> None:
    case_id = 0

    async def propose(pilot: Pilot) -> None:
        nonlocal case_id
        await open_filing(pilot)
        queue = pilot.app.screen.query_one("#queue", DataTable)
        case_id = int(queue.coordinate_to_cell_key(queue.cursor_coordinate).row_key.value or 0)
        await press(pilot, "enter")  # open the first case of the queue
        await settle(pilot)
        assert f"已打开（收案序号 {case_id}）" in text_of(pilot, "#fil-status")
        await press(pilot, "ctrl+r")
        await settle(pilot, lambda: isinstance(pilot.app.screen, TextDialog))
        await press(pilot, "enter")  # reasons are required
        assert text_of(pilot, "#dlg-message") == "请填写不予立案理由"
        await type_text(pilot, "执行依据尚未生效")
        await press(pilot, "enter")
        await settle(pilot)
        assert "已提请不予立案" in text_of(pilot, "#fil-status")

    drive(demo_runtime, propose)

    async def rule(pilot: Pilot) -> None:
        await open_filing(pilot, login=DIRECTOR)
        screen = pilot.app.screen
        assert isinstance(screen, FilingScreen)
        assert not screen.query("#form")
        pending = screen.query_one("#pending", PendingTable)
        keys = [row.value for row in pending.rows]
        pending.focus()
        target = next(i for i, key in enumerate(keys) if key and pending.shown[key].case_id == case_id)
        for _ in range(target):
            await press(pilot, "down")
        await press(pilot, "x")
        await settle(pilot, lambda: isinstance(pilot.app.screen, TextDialog))
        await press(pilot, "enter")  # the director's note may stay empty when rejecting
        await settle(pilot)
        assert text_of(pilot, "#fil-status") == "已裁定不予立案"

    drive(demo_runtime, rule)
    engine = make_engine(demo_runtime.database_url)
    with Session(engine) as session:
        proposal = session.exec(select(FilingRejection).where(FilingRejection.case_id == case_id)).one()
        case = session.get(Case, case_id)
    engine.dispose()
    assert case is not None and case.stage == Stage.REJECTED.value
    assert proposal.status == "rejected"


async def filing_screen_ready(pilot: Pilot) -> None:
    await open_filing(pilot)
    await steady_cursors(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_filing_screen_snapshot(snap_compare: SnapCompare, demo_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(demo_runtime), terminal_size=size, run_before=filing_screen_ready)


# -- several agents (Ctrl+G) ----------------------------------------------------------------------------------


async def choose(pilot: Pilot, widget_id: str, downs: int) -> None:
    """Open the Select ``widget_id`` with Enter and pick the option ``downs`` below the current one."""
    await tab_to(pilot, widget_id)
    await press(pilot, "enter", *["down"] * downs, "enter")


async def two_agents(pilot: Pilot, second_id: str) -> None:
    """A lawyer for 申请执行人1, then Ctrl+G and a second agent (其他) for 被执行人1, then an empty third block."""
    await fill(pilot, "g1-name", "王律师")
    await fill(pilot, "g1-id", LAWYER_ID)
    await press(pilot, "ctrl+g")
    assert pilot.app.focused is not None and pilot.app.focused.id == "g2-name"
    assert text_of(pilot, "#g2-title") == "代理人2"
    await type_text(pilot, "赵六")
    await fill(pilot, "g2-id", second_id)
    await choose(pilot, "g2-kind", 2)  # 律师 → 其他
    await choose(pilot, "g2-for", 1)  # 申请执行人1 → 被执行人1
    await press(pilot, "ctrl+g")  # left empty: ignored


def agent_rows(runtime: Runtime, case_id: int | None) -> list[tuple[str, str, str, str]]:
    """(name, ID number, kind, side of the party acted for) of a case's agents, in entry order."""
    engine = make_engine(runtime.database_url)
    acted_for = (col(CaseParty.case_id) == Agent.case_id) & (col(CaseParty.party_id) == Agent.party_id)
    with Session(engine) as session:
        rows = session.exec(
            select(Agent.name, Agent.id_number, Agent.kind, CaseParty.role)
            .join(CaseParty, acted_for)
            .where(Agent.case_id == case_id)
            .order_by(col(Agent.id))
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


TWO_AGENTS = [("王律师", LAWYER_ID, "lawyer", "applicant"), ("赵六", SECOND_AGENT_ID, "other", "respondent")]


def test_two_agents_are_entered_with_ctrl_g_and_both_are_saved_and_filed(demo_runtime: Runtime) -> None:
    async def scenario(pilot: Pilot) -> None:
        await open_filing(pilot)
        await fill_application(pilot)
        await two_agents(pilot, SECOND_AGENT_ID)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "已接收材料" in text_of(pilot, "#fil-status")
        screen = pilot.app.screen
        assert isinstance(screen, FilingScreen)
        assert screen.form.agents == 2  # read back from the database: the empty third block is gone
        assert screen.query_one("#g2-for", Select).value == "r1"
        await file_it(pilot)
        assert CASE_NUMBER.search(text_of(pilot, "#fil-status"))

    drive(demo_runtime, scenario)
    filed = newest_case(demo_runtime)
    assert filed.stage == Stage.FILED.value
    assert agent_rows(demo_runtime, filed.id) == TWO_AGENTS


def test_a_bad_id_number_of_the_second_agent_is_shown_at_its_field_and_nothing_is_saved(
    demo_runtime: Runtime,
) -> None:
    before = case_count(demo_runtime)
    bad_id = SECOND_AGENT_ID[:-1] + ("0" if SECOND_AGENT_ID[-1] != "0" else "1")

    async def scenario(pilot: Pilot) -> None:
        await open_filing(pilot)
        await fill_application(pilot)
        await two_agents(pilot, bad_id)
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "校验位错误" in text_of(pilot, "#err-g2-id")
        assert text_of(pilot, "#err-g1-id") == ""
        status = text_of(pilot, "#fil-status")
        assert "有 1 处填写有误，未保存：代理人2 证件号：不是有效的居民身份证号：校验位错误" in status, status
        assert pilot.app.focused is not None and pilot.app.focused.id == "g2-id"

    drive(demo_runtime, scenario)
    assert case_count(demo_runtime) == before


def original_with_two_agents(runtime: Runtime) -> Case:
    """The demo court's first case closed by 终本, given a lawyer for its applicant and an agent (其他) for its
    respondent, as if both had been registered when it was filed."""
    engine = make_engine(runtime.database_url)
    clerk = actor_for(engine, CLERK)
    with unit_of_work(engine, actor=clerk, action="登记代理人", clock=runtime.clock) as session:
        original = session.exec(
            select(Case)
            .where(Case.closure == "procedure_terminated", col(Case.case_number).is_not(None))
            .order_by(col(Case.id))
        ).first()
        assert original is not None and original.id is not None
        assert not session.exec(select(Agent).where(Agent.case_id == original.id)).all()
        first = select(CaseParty).where(CaseParty.case_id == original.id, CaseParty.position == 0)
        parties = {link.role: link.party_id for link in session.exec(first)}
        for (name, id_number, kind, role), phone in zip(TWO_AGENTS, (None, "13904820000"), strict=True):
            agent = Agent(case_id=original.id, party_id=parties[role], name=name, id_number=id_number, kind=kind)
            agent.phone = phone
            session.add(agent)
    engine.dispose()
    return original


def test_a_resumption_is_prefilled_with_every_agent_of_its_original(demo_runtime: Runtime) -> None:
    original = original_with_two_agents(demo_runtime)
    number = (original.case_number or "").replace("（", "(").replace("）", ")")

    async def scenario(pilot: Pilot) -> None:
        await open_filing(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, FilingScreen)
        await tab_to(pilot, "original", key="shift+tab")
        await type_text(pilot, number)
        await press(pilot, "enter")
        await settle(pilot, lambda: screen.form.category is FilingCategory.RESUMPTION)

        def value(widget_id: str) -> object:
            widget = screen.query_one(f"#{widget_id}")
            return widget.value if isinstance(widget, Input | Select) else None

        assert screen.form.agents == 2
        assert [(value(f"g{n}-name"), value(f"g{n}-id"), value(f"g{n}-kind"), value(f"g{n}-for")) for n in (1, 2)] == [
            ("王律师", LAWYER_ID, "律师", "a1"),
            ("赵六", SECOND_AGENT_ID, "其他", "r1"),
        ]
        assert value("g2-phone") == "13904820000"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "已接收材料" in text_of(pilot, "#fil-status")

    drive(demo_runtime, scenario)
    resumption = newest_case(demo_runtime)
    assert resumption.original_case_id == original.id
    assert agent_rows(demo_runtime, resumption.id) == TWO_AGENTS
