"""Each private Textual name ``tui/compat.py`` relies on, one test per name: an upgrade that removes or renames
one fails here, by name, before any screen misbehaves. Textual is pinned exactly in pyproject.toml; bump the pin
only with this file green."""

from __future__ import annotations

import asyncio
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable

from zhihui_tui.tui import compat

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_textual_is_pinned_to_the_installed_version() -> None:
    assert f'"textual=={version("textual")}"' in PYPROJECT.read_text(encoding="utf-8")


def test_default_cell_formatter_still_formats_a_cell() -> None:
    from textual.widgets._data_table import default_cell_formatter

    assert compat.cell_formatter() is default_cell_formatter
    assert default_cell_formatter("案号", wrap=False, height=1) is not None


@pytest.mark.parametrize("name", ["_load_screen_css", "_get_screen"])
def test_app_still_has_the_method(name: str) -> None:
    assert callable(getattr(App, name, None)), f"textual App.{name} is gone: see tui/compat.py"


@pytest.mark.parametrize("name", ["_update_auto_focus", "_refresh_layout", "_on_screen_resume", "_on_screen_suspend"])
def test_screen_still_has_the_method(name: str) -> None:
    """``_on_screen_resume``/``_on_screen_suspend``: SignedInScreen's handlers run before these (screens/base.py)."""
    assert callable(getattr(Screen, name, None)), f"textual Screen.{name} is gone: see tui/compat.py"


@pytest.mark.parametrize("name", compat.DATA_TABLE_INTERNALS)
def test_data_table_still_has_what_our_table_overrides(name: str) -> None:
    table: DataTable[str] = DataTable()
    assert hasattr(table, name), f"textual DataTable.{name} is gone: see widgets/table.py"


def test_the_private_attributes_are_there_on_a_running_app() -> None:
    """App._screen_stacks, App._css_update_count, Screen._css_update_count, _layout_required, _compositor,
    _dirty_widgets — and the compat functions built on them work."""
    asyncio.run(_probe(App()))


async def _probe(app: App[Any]) -> None:
    async with app.run_test() as pilot:
        assert isinstance(app._screen_stacks, dict), "App._screen_stacks"
        assert isinstance(app._modes, dict), "App._modes (return_to_default_mode)"
        assert isinstance(compat.css_update_count(app), int), "App._css_update_count"
        screen: Screen[Any] = Screen()
        assert hasattr(screen, "_css_update_count"), "Screen._css_update_count"
        compat.start_styled(screen, app)
        assert screen._css_update_count == app._css_update_count
        built, mounted = compat.build_mode_screen(app, "compat-probe", screen)
        await mounted
        assert compat.has_mode_screen(app, "compat-probe") and built in compat.mode_screens(app)
        compat.focus_and_style_hidden(built)
        compat.layout_hidden(built, app.size)
        assert isinstance(compat.layout_required(built), bool), "Screen._layout_required"
        compat.draw_hidden(built)  # Screen._compositor, Screen._dirty_widgets
        await pilot.pause()
