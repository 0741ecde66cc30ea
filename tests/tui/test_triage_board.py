"""F5 分流看板 driven with real keys: accept (one and a marked batch), override, escalate, designate, assign,
the director's 分流事实 (flags) with the proposal recomputed, and the chief's 局长指定 clock on his home."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rich.cells import cell_len
from sqlmodel import select
from test_inquiry_screen import CHIEF, DIRECTOR, SIZES, drive, open_post, post_runtime, post_template, rows
from textual.pilot import Pilot
from textual.widgets import DataTable, Select, Static
from textual.widgets.data_table import ColumnKey
from tui_court import settle, steady_cursors, type_text

from zhihui_tui.db.engine import make_engine, read_session
from zhihui_tui.db.models import AuditRecord, Case, Staff, TriageDecision, TriageFlags
from zhihui_tui.domain.lifecycle import Stage
from zhihui_tui.domain.triage import Track
from zhihui_tui.runtime import Runtime
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.home import HomeScreen
from zhihui_tui.tui.screens.triage_board.common import assigned_text
from zhihui_tui.tui.screens.triage_board.dialogs import FlagsDialog, HandlerPicker, RulingForm
from zhihui_tui.tui.screens.triage_board.screen import TriageBoardScreen

__all__ = ["post_runtime", "post_template"]  # fixtures shared with the inquiry screen's tests
SnapCompare = Callable[..., bool]


def cases_by_respondent(url: str) -> dict[str, tuple[str, str | None, int | None]]:
    """respondent name → (stage, team, handler id), read straight from the database."""
    from zhihui_tui.db.models import CaseParty, Party

    engine = make_engine(url)
    with read_session(engine) as session:
        query = (
            select(Party.name, Case.stage, Case.team, Case.handler_id)
            .join(CaseParty, CaseParty.party_id == Party.id)
            .join(Case, Case.id == CaseParty.case_id)
            .where(CaseParty.role == "respondent")
        )
        result = {name: (stage, team, handler) for name, stage, team, handler in session.exec(query)}
    engine.dispose()
    return result


def decisions(url: str) -> list[TriageDecision]:
    engine = make_engine(url)
    with read_session(engine) as session:
        found = list(session.exec(select(TriageDecision).order_by(TriageDecision.id)).all())
    engine.dispose()
    return found


def static_text(app: ZhihuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def test_board_lists_proposals_with_reasons(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        assert isinstance(app.screen, TriageBoardScreen)
        board = rows(app, "#board")
        assert [(r[2], r[5]) for r in board] == [
            ("张海军", "快执"), ("陈志强", "精执"), ("周立波", "精执"), ("吴某某", "局长指定"),
        ]  # fmt: skip
        assert board[1][6] == "被执行人下落不明：不适用快执"
        detail = str(app.screen.query_one("#board-detail", Static).render())
        assert detail.endswith("标的 12.3 万余元 ≤ 20 万元")
        assert static_text(app, "#board-flags") == "分流事实：无  （f 修改）"

    drive(app, scenario, size=(120, 36))


def test_accept_one_then_a_marked_batch(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        await pilot.press("a")  # 张海军: accepted, shown at once
        assert rows(app, "#board")[0][5] == "✔ 已采纳 快执"
        await pilot.press("space", "space")  # mark 陈志强 and 周立波
        assert [r[0] for r in rows(app, "#board")] == ["", "✓", "✓", ""]
        await pilot.press("A")
        assert [r[5] for r in rows(app, "#board")[1:3]] == ["✔ 已采纳 精执", "✔ 已采纳 精执"]
        await settle(pilot)

    drive(app, scenario)
    cases = cases_by_respondent(post_runtime.database_url)
    assert cases["张海军"][:2] == (Stage.TRIAGED.value, "fast")
    assert cases["陈志强"][:2] == cases["周立波"][:2] == (Stage.TRIAGED.value, "intensive")
    assert cases["吴某某"][0] == Stage.INQUIRED.value


def test_override_requires_a_reason_and_escalate(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        await pilot.press("down", "o")  # 陈志强: proposed 精执
        await settle(pilot)
        assert isinstance(app.screen, RulingForm)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, RulingForm)  # no reason: refused at the field
        assert str(app.screen.query_one("#ruling-error", Static).render()) == "改变系统建议须填写理由"
        await type_text(pilot, "已联系到本人愿意即时履行")
        assert static_text(app, "#ruling-error") == ""  # the complaint goes as soon as the reason is typed
        await pilot.press("enter")  # Enter moves on, it does not rule
        await settle(pilot)
        assert isinstance(app.screen, RulingForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(app, "#board")[1][5] == "✔ 改判 快执"
        await pilot.press("down", "down", "e")  # 吴某某: disputed
        await settle(pilot)
        await type_text(pilot, "对执行依据有争议")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(app, "#board")[3][5] == "✔ 已提请局长"

    drive(app, scenario)
    cases = cases_by_respondent(post_runtime.database_url)
    assert cases["陈志强"][:2] == (Stage.TRIAGED.value, "fast")
    assert cases["吴某某"][0] == Stage.ESCALATED.value
    overridden, escalated = decisions(post_runtime.database_url)
    assert (overridden.status, overridden.override_reason) == ("overridden", "已联系到本人愿意即时履行")
    assert (escalated.status, escalated.override_reason) == ("escalated", "对执行依据有争议")


def test_the_chief_designates_a_team(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(CHIEF, "f5")(pilot)
        assert [r[2] for r in rows(app, "#board")] == ["郑大勇"]  # the chief's board opens on 局长指定
        await pilot.press("a")  # only the director accepts proposals
        await settle(pilot)
        assert rows(app, "#board")[0][5] == "局长指定"
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, RulingForm)
        assert static_text(app, ".dialog-title") == "局长指定团队 · （2026）内2221执8号（建议局长指定）"
        assert app.screen.query_one("#ruling-track", Select).value is Select.NULL  # no team proposed: no default
        await pilot.press("tab", *"同意", "enter")  # Enter in 意见 moves on, it does not designate
        await settle(pilot)
        assert isinstance(app.screen, RulingForm)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RulingForm)  # no team chosen: refused at the field, nothing saved
        assert static_text(app, "#ruling-error") == "请选择指定的团队（快执或精执）"
        assert app.screen.focused is app.screen.query_one("#ruling-track")
        await pilot.press("enter", "down", "enter")  # open the list, pick 快执
        assert app.screen.query_one("#ruling-track", Select).value is Track.FAST
        assert static_text(app, "#ruling-error") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(app, "#board")[0][5] == "✔ 指定 快执"

    drive(app, scenario)
    assert cases_by_respondent(post_runtime.database_url)["郑大勇"][:2] == (Stage.TRIAGED.value, "fast")
    (designated,) = decisions(post_runtime.database_url)
    assert (designated.status, designated.track, designated.override_reason) == ("designated", "快执", "局长意见：同意")


def test_the_chief_reads_the_directors_reason_and_starts_at_the_proposed_team(post_runtime: Runtime) -> None:
    director, chief = ZhihuiApp(post_runtime), ZhihuiApp(post_runtime)

    async def escalate(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        await pilot.press("down", "e")  # 陈志强: proposed 精执
        await settle(pilot)
        await type_text(pilot, "涉众案件争议较大")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(director, "#board")[1][5] == "✔ 已提请局长"

    async def designate(pilot: Pilot) -> None:
        await open_post(CHIEF, "f5")(pilot)
        assert [r[2] for r in rows(chief, "#board")] == ["郑大勇", "陈志强"]
        assert "主任提请理由" not in static_text(chief, "#board-detail")  # imported as escalated: no ruling
        await pilot.press("down")
        assert static_text(chief, "#board-detail") == (
            "（2026）内2221执5号 主任提请理由：涉众案件争议较大  建议精执：被执行人下落不明：不适用快执"
        )
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(chief.screen, RulingForm)
        assert static_text(chief, ".dialog-title") == "局长指定团队 · （2026）内2221执5号（建议精执）"
        assert static_text(chief, "#ruling-escalation") == "主任提请理由：涉众案件争议较大"
        assert chief.screen.query_one("#ruling-track", Select).value is Track.INTENSIVE  # the proposed team
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(chief, "#board")[1][5] == "✔ 指定 精执"

    drive(director, escalate)
    drive(chief, designate)
    assert cases_by_respondent(post_runtime.database_url)["陈志强"][:2] == (Stage.TRIAGED.value, "intensive")


@pytest.mark.parametrize("size", SIZES)
def test_every_result_label_is_whole_and_the_board_fits(post_runtime: Runtime, size: tuple[int, int]) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        await pilot.press("a", "o")  # 张海军 accepted; 陈志强 overridden
        await settle(pilot)
        await type_text(pilot, "已联系到本人愿意即时履行")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("down", "down", "e")  # 吴某某 escalated
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.query_one("#board", DataTable)
        labels = [str(r[5]) for r in rows(app, "#board")]
        assert labels == ["✔ 已采纳 快执", "✔ 改判 快执", "精执", "✔ 已提请局长"]
        result = table.columns[ColumnKey("建议")]
        assert all(cell_len(label) <= result.width for label in labels)
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.scrollable_content_region.width
        headers = [c.label.plain for c in table.columns.values()]
        assert headers[-1] == ("理由" if size[0] >= 100 else "建议")  # at 80 the reasons are on the detail line

    drive(app, scenario, size=size)


def test_a_long_handler_name_is_shown_whole() -> None:
    assert assigned_text("杨志强").plain == "✔ 分案 杨志强"
    assert assigned_text("那仁满都拉").plain == "✔ 那仁满都拉"  # 分案 gives way to the name


def test_assign_suggests_the_lightest_caseload(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert [r[2] for r in rows(app, "#board")] == ["冯小刚"]
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HandlerPicker)
        assert [h.login for h in app.screen.options] == ["kuai1", "kuai2"]
        await pilot.press("enter")  # the suggestion
        await settle(pilot)
        assert rows(app, "#board")[0][5] == "✔ 分案 王建国"

    drive(app, scenario)
    engine = make_engine(post_runtime.database_url)
    with read_session(engine) as session:
        kuai1 = session.exec(select(Staff.id).where(Staff.login == "kuai1")).one()
    engine.dispose()
    assert cases_by_respondent(post_runtime.database_url)["冯小刚"] == (Stage.ASSIGNED.value, "fast", kuai1)


@pytest.mark.parametrize("size", SIZES)
def test_triage_board_snapshot(snap_compare: SnapCompare, post_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(post_runtime), terminal_size=size, run_before=open_post(DIRECTOR, "f5"))


def test_director_ticks_flags_and_the_proposal_follows(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        await pilot.press("f")  # 张海军: proposed 快执, no flags
        await settle(pilot)
        assert isinstance(app.screen, FlagsDialog)
        assert static_text(app, "#flags-proposal") == "建议快执：标的 12.3 万余元 ≤ 20 万元"
        await pilot.press("space")  # 重大疑难复杂: previewed before saving
        assert static_text(app, "#flags-proposal") == "建议局长指定：重大疑难复杂；提请局长指定分案"
        await pilot.press("space", "down", "space")  # untick it, tick 需强制措施
        assert static_text(app, "#flags-proposal") == "建议精执：需采取拘留、罚款等强制措施"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TriageBoardScreen)
        assert rows(app, "#board")[0][5:] == ["精执"]  # at 80 columns the reasons are on the detail line
        assert static_text(app, "#board-flags") == "分流事实：需强制措施  （f 修改）"
        assert static_text(app, "#board-detail").endswith("建议精执：需采取拘留、罚款等强制措施")
        await pilot.press("a")  # accepts what is shown now
        await settle(pilot)
        assert rows(app, "#board")[0][5] == "✔ 已采纳 精执"
        await pilot.press("up")
        assert static_text(app, "#board-flags") == "分流事实：需强制措施"  # ruled: no longer editable here
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, TriageBoardScreen)  # refused: already ruled on in this session

    drive(app, scenario)
    assert cases_by_respondent(post_runtime.database_url)["张海军"][:2] == (Stage.TRIAGED.value, "intensive")
    engine = make_engine(post_runtime.database_url)
    with read_session(engine) as session:
        flags = session.exec(select(TriageFlags)).one()
        audited = session.exec(select(AuditRecord.actor_login).where(AuditRecord.entity == "triage_flags")).all()
    engine.dispose()
    assert (flags.coercive_measures, flags.major) == (True, False)
    assert audited == ["zhuren"]


def test_escalating_against_a_team_proposal_without_reason_saves_nothing(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        await pilot.press("e")  # 张海军: proposed 快执, so escalating overrides it
        await settle(pilot)
        assert isinstance(app.screen, RulingForm)
        await pilot.press("enter")  # moves on only
        assert static_text(app, "#ruling-error") == ""
        await pilot.press("ctrl+s")
        assert static_text(app, "#ruling-error") == "改变系统建议须填写理由"
        await pilot.press("escape")
        await settle(pilot)
        assert rows(app, "#board")[0][5] == "快执"

    drive(app, scenario)
    assert cases_by_respondent(post_runtime.database_url)["张海军"][0] == Stage.INQUIRED.value
    assert decisions(post_runtime.database_url) == []


def test_the_chief_sees_the_designation_clock_on_home_until_he_designates(post_runtime: Runtime) -> None:
    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await open_post(CHIEF, "f5")(pilot)
        assert rows(app, "#board")[0][4] == "11-23"  # R-TRI-1 counted from the feedback table (11-20), not escalation
        app.action_go_home()
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [r[1:3] for r in rows(app, "#todo-table")] == [["（2026）内2221执8号", "局长指定分案"]]
        await pilot.press("f5", "d")
        await settle(pilot)
        await pilot.press("enter", "down", "enter", "ctrl+s")  # 快执
        await settle(pilot)
        app.action_go_home()
        await settle(pilot)
        assert not app.screen.query_one("#todo-table").display  # designated: nothing left to do

    drive(app, scenario)


@pytest.mark.parametrize("size", SIZES)
def test_chief_board_snapshot(snap_compare: SnapCompare, post_runtime: Runtime, size: tuple[int, int]) -> None:
    assert snap_compare(ZhihuiApp(post_runtime), terminal_size=size, run_before=open_post(CHIEF, "f5"))


def test_flags_dialog_snapshot(snap_compare: SnapCompare, post_runtime: Runtime) -> None:
    async def run_before(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        await pilot.press("down", "f", "down", "space")
        await steady_cursors(pilot)

    assert snap_compare(ZhihuiApp(post_runtime), terminal_size=(80, 24), run_before=run_before)


def test_help_prints_the_flags_key_as_typed() -> None:
    from zhihui_tui.tui.screens.help import key_name

    assert [key_name(k) for k in ("f", "f5", "ctrl+s")] == ["f", "F5", "Ctrl+S"]  # f is a letter, F5 a function key


def test_a_refused_ruling_puts_the_row_back_and_the_next_one_is_written(post_runtime: Runtime) -> None:
    """The writer answers each ruling in turn: a refusal (the facts changed on another terminal since the board
    was read) shows the service's words and restores that row; the ruling queued after it is still written."""
    from zhihui_tui.services.accounts import actor_for
    from zhihui_tui.services.triage import set_flags

    app = ZhihuiApp(post_runtime)
    notes: list[str] = []
    app.notify = lambda message, **_: notes.append(message)  # type: ignore[method-assign]

    async def scenario(pilot: Pilot) -> None:
        await open_post(DIRECTOR, "f5")(pilot)
        screen = app.screen
        assert isinstance(screen, TriageBoardScreen)
        engine = post_runtime.engine
        ctx = post_runtime.context(actor_for(engine, DIRECTOR))
        set_flags(screen.order[0], {"coercive_measures"}, expected_version=None, ctx=ctx)  # 张海军: now 精执
        await pilot.press("a", "a")  # 张海军 (read as 快执), then 陈志强
        await settle(pilot)
        assert [r[5] for r in rows(app, "#board")[:2]] == ["快执", "✔ 已采纳 精执"]
        assert screen.writing is None and not screen.queued

    drive(app, scenario)
    assert any("系统建议已变为“精执”" in note for note in notes), notes
    cases = cases_by_respondent(post_runtime.database_url)
    assert cases["张海军"][0] == Stage.INQUIRED.value
    assert cases["陈志强"][:2] == (Stage.TRIAGED.value, "intensive")


def test_the_board_is_read_ahead_at_sign_in_on_the_view_its_person_starts_on(post_runtime: Runtime) -> None:
    """Built ahead after sign-in, F5 reads its first page off screen too, on the view the person starts on (the
    chief: 局长指定); the opening shows it and reads it again without redrawing rows that did not change."""
    from tui_court import built_ahead, sign_in

    app = ZhihuiApp(post_runtime)

    async def scenario(pilot: Pilot) -> None:
        await sign_in(pilot, login=CHIEF)
        board = await built_ahead(pilot, "post-f5", TriageBoardScreen)
        assert board.stage is Stage.ESCALATED and board.table.row_count == len(board.rows) > 0
        ahead = [row.key.value for row in board.table.ordered_rows]
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen is board and board.stage is Stage.ESCALATED
        assert [row.key.value for row in board.table.ordered_rows] == ahead

    drive(app, scenario, (120, 36))
