"""The screen of each post (and of 我的待办), as zero-argument callables the app offers to the post table at start.

Each callable imports its screen when first called, so the login screen stays light. Only the app imports this
module: the screens import the post table (:mod:`zhihui_tui.tui.posts`) for their keys, never the other way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zhihui_tui.tui.posts import offer_screens

if TYPE_CHECKING:
    from textual.screen import Screen

    from zhihui_tui.tui.posts import ScreenFactory


def home_screen() -> Screen[Any]:
    """我的待办, the screen after sign-in."""
    from zhihui_tui.tui.screens.home import HomeScreen

    return HomeScreen()


def _reception_screen() -> Screen[Any]:
    from zhihui_tui.tui.screens.reception import ReceptionScreen

    return ReceptionScreen()


def _filing_screen() -> Screen[Any]:
    from zhihui_tui.tui.screens.filing import FilingScreen

    return FilingScreen()


def _inquiry_screen() -> Screen[Any]:
    from zhihui_tui.tui.screens.inquiry import InquiryScreen

    return InquiryScreen()


def _triage_screen() -> Screen[Any]:
    from zhihui_tui.tui.screens.triage_board import TriageBoardScreen

    return TriageBoardScreen()


def _workbench() -> Screen[Any]:
    from zhihui_tui.tui.screens.workbench import WorkbenchScreen

    return WorkbenchScreen()


def _field_search() -> Screen[Any]:
    from zhihui_tui.tui.screens.field_search import FieldSearchScreen

    return FieldSearchScreen()


def _counter() -> Screen[Any]:
    from zhihui_tui.tui.screens.counter import CounterScreen

    return CounterScreen()


def _service_desk() -> Screen[Any]:
    from zhihui_tui.tui.screens.service_desk import ServiceDeskScreen

    return ServiceDeskScreen()


def _funds() -> Screen[Any]:
    from zhihui_tui.tui.screens.funds import FundsScreen

    return FundsScreen()


def _dashboard() -> Screen[Any]:
    from zhihui_tui.tui.screens.dashboard import DashboardScreen

    return DashboardScreen()


def _dossier() -> Screen[Any]:
    from zhihui_tui.tui.screens.dossier import DossierScreen

    return DossierScreen()


POST_SCREENS: dict[str, ScreenFactory] = {
    "f2": _reception_screen,
    "f3": _filing_screen,
    "f4": _inquiry_screen,
    "f5": _triage_screen,
    "f6": _workbench,
    "f7": _field_search,
    "f8": _counter,
    "f9": _dashboard,
    "f10": _service_desk,
    "f11": _funds,
    "f12": _dossier,
}


def offer_post_screens() -> None:
    """Offer every built post screen to the post table (the app calls this at start)."""
    offer_screens(POST_SCREENS)
