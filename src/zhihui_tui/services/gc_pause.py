"""The cyclic garbage collector paused for a batch's bulk work (issue 12).

A bulk import allocates a few million small objects (rows, dicts, tuples) that live until it ends; every
young-generation threshold crossed makes the collector walk the survivors again, and full collections walk them
all: measured, a third of a 20,000-row case import's CPU in this process and most of its parse workers'. The
objects form no cycles worth collecting mid-run (reference counting frees what they drop), so the collector is
paused for the run and resumed after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector inside the block (nested blocks: only the outermost resumes it)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
