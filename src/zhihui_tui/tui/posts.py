"""The posts (岗位) reachable by function keys: one table, so each later post screen is wired in one place.

A post whose ``screen`` is ``None`` is not built yet; its key still exists and says so. To open a post, set
``screen`` to a zero-argument callable returning the screen (import inside it, so the login screen stays light):
the app installs it once as a mode named ``post.mode`` and switches to it (ARCHITECTURE: install post screens once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zhihui_tui.domain.roles import Role

if TYPE_CHECKING:
    from textual.screen import Screen

NOT_OPEN_YET = "该岗位界面尚未开通"
NOT_ALLOWED = "无权访问该岗位"


@dataclass(frozen=True)
class Post:
    key: str  # Textual key name, e.g. "f2"
    label: str  # shown in the footer/help/palette
    roles: frozenset[Role]  # any of these may open the post
    screen: Callable[[], Screen] | None = None
    # What the screen imports when it first opens (its module and the services its workers call): imported
    # in the background after sign-in, so the first F-key press does not pay for the imports.
    modules: tuple[str, ...] = ()

    @property
    def mode(self) -> str:
        return f"post-{self.key}"

    @property
    def key_display(self) -> str:
        return self.key.upper()

    def allows(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


def _modules(screen: str, *services: str) -> tuple[str, ...]:
    return (f"zhihui_tui.tui.screens.{screen}", *(f"zhihui_tui.services.{name}" for name in services))


def _reception_screen() -> Screen:
    from zhihui_tui.tui.screens.reception import ReceptionScreen

    return ReceptionScreen()


def _filing_screen() -> Screen:
    from zhihui_tui.tui.screens.filing import FilingScreen

    return FilingScreen()


def _inquiry_screen() -> Screen:
    from zhihui_tui.tui.screens.inquiry import InquiryScreen

    return InquiryScreen()


def _triage_screen() -> Screen:
    from zhihui_tui.tui.screens.triage_board import TriageBoardScreen

    return TriageBoardScreen()


def _workbench() -> Screen:
    from zhihui_tui.tui.screens.workbench import WorkbenchScreen

    return WorkbenchScreen()


def _field_search() -> Screen:
    from zhihui_tui.tui.screens.field_search import FieldSearchScreen

    return FieldSearchScreen()


def _counter() -> Screen:
    from zhihui_tui.tui.screens.counter import CounterScreen

    return CounterScreen()


POSTS: tuple[Post, ...] = (
    Post(
        "f2",
        "接待台账",
        _roles(Role.FILING_REVIEW, Role.DIRECTOR),
        screen=_reception_screen,
        modules=_modules("reception", "reception"),
    ),
    Post(
        "f3",
        "立案审查",
        _roles(Role.FILING_REVIEW, Role.DIRECTOR),
        screen=_filing_screen,
        modules=_modules("filing", "filing", "search"),
    ),
    Post(
        "f4",
        "网络查控",
        _roles(Role.NETWORK_INQUIRY, Role.DIRECTOR),
        screen=_inquiry_screen,
        modules=_modules("inquiry", "inquiry"),
    ),
    Post(
        "f5",
        "分流看板",
        _roles(Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF),
        screen=_triage_screen,
        modules=_modules("triage_board", "triage"),
    ),
    # F6 is the desk of delegated matters (R-DEL-1..2): the bureau chief approves urgent 拘传 there, and 集约送达组
    # (送达、公告) and the director (其他) record the results of the matters their posts do. F9 is the filing
    # screen's 立案 key, so a new post key would have clashed; each sees only their own lists on F6.
    Post(
        "f6",
        "承办人工作台",
        _roles(Role.HANDLER, Role.BUREAU_CHIEF, Role.SERVICE, Role.DIRECTOR),
        screen=_workbench,
        modules=_modules("workbench", "workbench", "delegation", "counter"),
    ),
    Post(
        "f7",
        "查人找物",
        _roles(Role.FIELD_SEARCH),
        screen=_field_search,
        modules=_modules("field_search", "field_search", "attachments"),
    ),
    Post("f8", "临柜业务", _roles(Role.COUNTER_CONTROL), screen=_counter, modules=_modules("counter", "counter")),
)


def modules_for(roles: frozenset[Role]) -> list[str]:
    """The modules of every post these roles may open, in F-key order."""
    return [module for post in POSTS if post.allows(roles) for module in post.modules]


def post_for_key(key: str) -> Post:
    for post in POSTS:
        if post.key == key:
            return post
    raise KeyError(key)
