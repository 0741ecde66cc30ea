"""The collector pause around bulk work: off inside, back on after (an error too), nested blocks leave it off."""

from __future__ import annotations

import gc

import pytest

from zhihui_tui.services.gc_pause import gc_paused


def test_paused_inside_and_resumed_after_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("row 7")
    assert gc.isenabled()


def test_nested_pause_resumes_only_at_the_outermost() -> None:
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_already_paused_collector_is_left_paused() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
