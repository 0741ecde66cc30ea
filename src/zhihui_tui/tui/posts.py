"""The posts (岗位) reachable by function keys: one table, so each later post screen is wired in one place.

This module names the posts (key, label, roles, the modules to warm up) and imports no screen: the screen base
reads it for the post keys. The screens themselves are offered to it at start by the app
(:mod:`zhihui_tui.tui.post_screens`, ``offer_screens``), so nothing here imports the screens back. A post no
screen was offered for is not built yet; its key still exists and says so. The app installs each offered screen
once as a mode named ``post.mode`` and switches to it (ARCHITECTURE: install post screens once).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from zhihui_tui.domain.roles import Role

if TYPE_CHECKING:
    from textual.screen import Screen

ScreenFactory: TypeAlias = "Callable[[], Screen[Any]]"

NOT_OPEN_YET = "该岗位界面尚未开通"
NOT_ALLOWED = "无权访问该岗位"

_screens: dict[str, ScreenFactory] = {}  # post key → zero-argument callable making its screen


def offer_screens(factories: Mapping[str, ScreenFactory]) -> None:
    """Offer the post screens (by post key): the app does this at start, before installing its modes."""
    unknown = set(factories) - {post.key for post in POSTS}
    if unknown:
        raise KeyError(f"no post for keys {sorted(unknown)}")
    _screens.update(factories)


@dataclass(frozen=True)
class Post:
    """One post: its function key, its name, who may open it, and what to import ahead for it."""

    key: str  # Textual key name, e.g. "f2"
    label: str  # shown in the footer/help/palette
    roles: frozenset[Role]  # any of these may open the post
    # What the screen imports when it first opens (its module and the services its workers call): imported
    # in the background after sign-in, so the first F-key press does not pay for the imports.
    modules: tuple[str, ...] = ()

    @property
    def screen(self) -> ScreenFactory | None:
        """The callable making this post's screen, once the app offered it (``offer_screens``)."""
        return _screens.get(self.key)

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


POSTS: tuple[Post, ...] = (
    Post(
        "f2",
        "接待台账",
        _roles(Role.FILING_REVIEW, Role.DIRECTOR),
        modules=_modules("reception", "reception"),
    ),
    Post(
        "f3",
        "立案审查",
        _roles(Role.FILING_REVIEW, Role.DIRECTOR),
        modules=_modules("filing", "filing", "search"),
    ),
    Post(
        "f4",
        "网络查控",
        _roles(Role.NETWORK_INQUIRY, Role.DIRECTOR),
        modules=_modules("inquiry", "inquiry"),
    ),
    Post(
        "f5",
        "分流看板",
        _roles(Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF),
        modules=_modules("triage_board", "triage"),
    ),
    # F6 is the desk of delegated matters (R-DEL-1..2): the bureau chief approves urgent 拘传 there, and 集约送达组
    # (送达、公告) and the director (其他) record the results of the matters their posts do; each sees only their
    # own lists on F6.
    Post(
        "f6",
        "承办人工作台",
        _roles(Role.HANDLER, Role.BUREAU_CHIEF, Role.SERVICE, Role.DIRECTOR),
        modules=_modules("workbench", "workbench", "delegation", "counter"),
    ),
    Post(
        "f7",
        "查人找物",
        _roles(Role.FIELD_SEARCH),
        modules=_modules("field_search", "field_search", "attachments"),
    ),
    Post("f8", "临柜业务", _roles(Role.COUNTER_CONTROL), modules=_modules("counter", "counter")),
    # F9 综合看板 (issue 15) shares its key with F3's 立案. Post keys are bindings of the signed-in screen base
    # (``post_bindings``), and Textual merges a screen's BINDINGS along its classes by key, the subclass's list
    # replacing the base's: on the filing screen F9 is 立案 only (even when 立案 is not allowed there, F9 does
    # nothing rather than leave the form half-typed for the dashboard); on every other screen it opens this post.
    # tests/tui/test_dashboard_screen.py holds both.
    Post(
        "f9",
        "综合看板",
        _roles(Role.GENERAL_AFFAIRS, Role.DIRECTOR, Role.BUREAU_CHIEF, Role.DEPUTY_CHIEF),
        modules=_modules("dashboard", "dashboard"),
    ),
    # F10: 集约送达 (R-SRV-1..3). F11 is taken by many terminals (full screen).
    Post(
        "f10",
        "集约送达",
        _roles(Role.SERVICE, Role.DIRECTOR),
        modules=_modules("service_desk", "service_desk"),
    ),
    # F11: 款物管理 (R-FND-1..3). Terminals that take F11 for full screen must pass it through (as for F1).
    Post("f11", "款物管理", _roles(Role.FUNDS, Role.DIRECTOR), modules=_modules("funds", "funds")),
    # F12: 卷宗管理 (R-ARC-1), the dossier group's post; the director reads it.
    Post(
        "f12",
        "卷宗管理",
        _roles(Role.DOSSIER, Role.DIRECTOR),
        modules=_modules("dossier", "closing"),
    ),
)


def modules_for(roles: frozenset[Role]) -> list[str]:
    """The modules of every post these roles may open, in F-key order."""
    return [module for post in POSTS if post.allows(roles) for module in post.modules]


def post_for_key(key: str) -> Post:
    for post in POSTS:
        if post.key == key:
            return post
    raise KeyError(key)
