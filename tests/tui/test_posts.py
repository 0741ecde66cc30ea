"""The post table: each post's warm-up list starts with the module its screen class comes from, then services."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from zhihui_tui.domain.roles import Role
from zhihui_tui.tui import posts as post_table
from zhihui_tui.tui.post_screens import offer_post_screens
from zhihui_tui.tui.posts import POSTS, Post, modules_for

offer_post_screens()  # as the app does at start


@pytest.mark.parametrize("post", POSTS, ids=[post.key for post in POSTS])
def test_a_post_warms_up_the_module_of_its_own_screen(post: Post) -> None:
    assert post.screen is not None
    first, *services = post.modules
    module = importlib.import_module(first)
    # The factory names its screen class (``from … import XScreen; return XScreen()``): it must live in ``first``.
    screen_names = [name for name in post.screen.__code__.co_names if name.endswith("Screen")]
    assert screen_names and all(hasattr(module, name) for name in screen_names)
    assert services and all(name.startswith("zhihui_tui.services.") for name in services)
    for name in services:
        importlib.import_module(name)


def test_warm_up_follows_the_roles() -> None:
    handler = modules_for(frozenset({Role.HANDLER}))
    assert "zhihui_tui.tui.screens.workbench" in handler
    assert "zhihui_tui.tui.screens.triage_board" not in handler  # F5 is not a handler's post
    assert modules_for(frozenset({Role.SYSTEM})) == []


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at the top or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_post_table_imports_no_screen_so_the_screen_base_can_read_it() -> None:
    """No circle: the screen base reads the post table; the screens are offered to it by the app."""
    imports = imported_modules(Path(post_table.__file__))
    assert not [name for name in imports if name.startswith("zhihui_tui.tui.screens")]
