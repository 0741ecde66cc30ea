"""Real key presses without Pilot.press's idle heuristics, for tests that type whole forms.

``Pilot.press`` waits after every key until the process *looks* idle (two ``wait_for_idle`` rounds of at least
20 ms each, up to a second each while the CPU is busy): a filing form typed key by key spent most of its minute
there, and far longer on a loaded machine. ``press`` here posts the very same ``Key`` events the driver posts,
one at a time, and waits until every message the key set off — bubbling, focus changes, mounts — has been
handled (no queue holding an unfinished message), which is what the next key needs. No sleeps, no guessing.
"""

from __future__ import annotations

import asyncio
import unicodedata

from textual import events
from textual._queue import Queue
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.message import Message
from textual.message_pump import MessagePump
from textual.pilot import Pilot

ROUNDS = 100_000  # loop turns: a key that keeps the app busy this long is a bug, not a slow machine


def key_event(key: str) -> events.Key:
    """The event a terminal key press becomes, exactly as ``App._press_keys`` builds it."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def _idle(node: MessagePump) -> bool:
    """Nothing queued for ``node`` and its task waiting for the next message (not in the middle of one)."""
    queue: Queue[Message | None] = node._message_queue
    if not queue.empty() or node._pending_message is not None:
        return False
    task = node._task
    return task is None or task.done() or bool(queue.ready_event._waiters)


def _all_handled(app: App[object]) -> bool:
    """No message queued or being handled by the app, its screen or any widget."""
    return all(_idle(node) for node in (app, *app.screen.walk_children(with_self=True)))


async def handled(pilot: Pilot[object]) -> None:
    """Let the loop turn until every message the keys set off has been handled, twice running (no timers waited,
    no sleeps: each turn is one pass of the event loop)."""
    quiet = 0
    for _ in range(ROUNDS):
        await asyncio.sleep(0)
        quiet = quiet + 1 if _all_handled(pilot.app) else 0
        if quiet >= 2:
            return
    raise AssertionError("the app kept handling messages")


def _post(pilot: Pilot[object], key: str) -> None:
    event = key_event(key)
    event.set_sender(pilot.app)
    pilot.app.post_message(event)  # what the driver's send_message does, from the loop instead of its thread


async def press(pilot: Pilot[object], *keys: str) -> None:
    """Press ``keys`` one after another, each handled before the next is sent (a Tab moves the focus first)."""
    for key in keys:
        _post(pilot, key)
        await handled(pilot)


async def type_text(pilot: Pilot[object], text: str) -> None:
    """Type ``text`` into the focused widget: every character is a key press, queued in order, then handled.
    (Characters move no focus, so they need not wait for each other: the app forwards them in order.)"""
    for char in text:
        _post(pilot, char)
    await handled(pilot)
