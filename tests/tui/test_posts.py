"""The post table: each post's warm-up list starts with the module its screen class comes from, then services."""

from __future__ import annotations

import importlib

import pytest

from zhihui_tui.domain.roles import Role
from zhihui_tui.tui.posts import POSTS, Post, modules_for


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
