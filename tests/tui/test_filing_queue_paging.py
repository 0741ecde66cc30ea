"""F3's queue with a backlog longer than a page: the first page only, the next read when the cursor reaches
the last row, every case once, and the status line counting the whole queue."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from textual.widgets import Static
from tui_court import CLERK_LOGIN, COURT, FIXED_NOW, settle, sign_in
from tui_keys import press

from zhihui_tui.db.engine import make_engine
from zhihui_tui.domain.clock import FixedClock
from zhihui_tui.domain.lifecycle import FilingCategory, Stage
from zhihui_tui.runtime import Runtime
from zhihui_tui.services.accounts import actor_for
from zhihui_tui.services.calendar_data import load_calendar
from zhihui_tui.services.cases import NewCase, NewParty, PartyKind, register_case
from zhihui_tui.services.filing import QUEUE_PAGE
from zhihui_tui.services.uow import unit_of_work
from zhihui_tui.tui.app import ZhihuiApp
from zhihui_tui.tui.screens.filing import FilingScreen
from zhihui_tui.tui.screens.filing.queue import QueueTable

BACKLOG = QUEUE_PAGE + 12
SURNAMES = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方"
)


def add_backlog(url: str) -> None:
    """BACKLOG more applications at 材料接收, received an hour apart before the fixed clock."""
    engine = make_engine(url)
    clerk = actor_for(engine, CLERK_LOGIN)
    calendar = load_calendar(None)
    with unit_of_work(engine, actor=clerk, action="登记案件", clock=FixedClock(FIXED_NOW)) as session:
        for i in range(BACKLOG):
            new = NewCase(
                category=FilingCategory.APPLICATION,
                received_at=FIXED_NOW - timedelta(hours=BACKLOG - i),
                stage=Stage.RECEIVED,
                applicants=(NewParty(PartyKind.ORGANISATION, "兴安盟农村信用合作联社", None),),
                respondents=(NewParty(PartyKind.PERSON, SURNAMES[i] + "某", None),),
                target_amount_fen=1_000_000 + i,
            )
            register_case(session, new, actor=clerk, calendar=calendar, court_code=COURT.court_code)
    engine.dispose()


def test_the_queue_pages_in_as_the_cursor_reaches_its_end(court_url: str, runtime: Runtime) -> None:
    add_backlog(court_url)  # plus the small court's own application at 材料接收: BACKLOG + 1 in all

    async def scenario() -> None:
        async with ZhihuiApp(runtime).run_test(size=(120, 36)) as pilot:
            await sign_in(pilot)
            await pilot.press("f3")
            screen = pilot.app.screen
            assert isinstance(screen, FilingScreen)
            table = screen.query_one("#queue", QueueTable)
            await settle(pilot, lambda: table.row_count > 0)
            assert table.row_count == QUEUE_PAGE
            assert f"材料接收中 {BACKLOG + 1} 件" in str(screen.query_one("#fil-status", Static).render())
            table.focus()
            await press(pilot, *["down"] * (QUEUE_PAGE - 2))
            await settle(pilot)
            assert table.row_count == QUEUE_PAGE  # one row before the end: nothing more read yet
            await press(pilot, "down")
            await settle(pilot, lambda: table.row_count > QUEUE_PAGE)
            keys = [row.value for row in table.rows]
            assert len(keys) == len(set(keys)) == BACKLOG + 1
            dues = [table.shown[key].due for key in keys if key]
            assert dues == sorted(dues)

    asyncio.run(scenario())
