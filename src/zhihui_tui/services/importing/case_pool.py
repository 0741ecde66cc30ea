"""The case import's rows parsed on every core (issue 12): a large file's rows go to worker processes in chunks
and come back in file order, so the checks across rows and the error list are exactly those of one process.

Each row's parse (:class:`RowParser`) depends only on the row and on what the parser was given (staff, calendar,
court codes — read once before the rows), so rows can be parsed anywhere. A small file is parsed here: a pool
costs more to start than it saves below a few thousand rows.
"""

from __future__ import annotations

import copyreg
import gc
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import fields
from itertools import islice
from operator import attrgetter
from typing import Any

from zhihui_tui.domain.case_number import CaseNumber
from zhihui_tui.domain.pinyin import char_initials
from zhihui_tui.services.cases import NewAgent, NewBasis, NewCase, NewParty
from zhihui_tui.services.importing.case_fields import ParsedRow
from zhihui_tui.services.importing.case_rows import RowParser
from zhihui_tui.services.importing.table import Cell, RowError, Rows

PARALLEL_FROM = 3_000  # data rows: fewer are parsed in this process
CHUNK_ROWS = 1_000  # rows per task: large enough that pickling, not scheduling, is the overhead
MAX_WORKERS = 4

Chunk = list[tuple[int, list[Cell]]]
Parsed = tuple[int, ParsedRow | None, list[RowError]]  # line, the row (None when it has errors), its errors

_worker_parser: RowParser | None = None


# What a parsed row is made of. A worker sends each as its class and field values, rebuilt by calling the class:
# pickle's default for a dataclass (a new object, then its __dict__ set from a pickled dict) costs this process a
# third more to read back, and this process is the parse's bottleneck (it plans each row as it comes).
_ROW_CLASSES: tuple[type[Any], ...] = (ParsedRow, NewCase, NewParty, NewBasis, NewAgent, CaseNumber)


def _by_fields(cls: type[Any]) -> Callable[[Any], tuple[type[Any], tuple[Any, ...]]]:
    names = [f.name for f in fields(cls)]
    assert all(f.init for f in fields(cls)), f"{cls.__name__}: every field must be an argument"
    values = attrgetter(*names)
    return lambda obj: (cls, values(obj))


def _init_worker(parser: RowParser) -> None:
    global _worker_parser
    _worker_parser = parser
    gc.disable()  # a worker lives for one import: its chunks' objects are freed by reference counting (gc_pause)
    for cls in _ROW_CLASSES:  # in the worker only: this process unpickles with the classes as they are
        copyreg.pickle(cls, _by_fields(cls))


def _parse_chunk(chunk: Chunk) -> list[Parsed]:
    assert _worker_parser is not None
    return _parse_with(_worker_parser, chunk)


def _parse_with(parser: RowParser, chunk: Chunk) -> list[Parsed]:
    results: list[Parsed] = []
    for line, cells in chunk:
        row, errors = parser.parse(line, cells)
        results.append((line, row, errors))
    return results


def worker_count() -> int:
    """Processes to parse with: every core this process may run on, at most :data:`MAX_WORKERS` — or 1 when the
    machine is already busy (load average at or above its cores): workers then only add their pickling."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0] >= cores
    except (AttributeError, OSError):  # no load average on this system
        busy = False
    return 1 if busy else max(1, min(cores, MAX_WORKERS))


def parsed_rows(rows: Rows, parser: RowParser, *, workers: int | None = None) -> Iterator[Parsed]:
    """Every data row parsed, in file order: in worker processes once the file has :data:`PARALLEL_FROM` rows
    and more than one core is free, else here."""
    workers = worker_count() if workers is None else workers
    head: Chunk = list(islice(rows, PARALLEL_FROM))
    if workers < 2 or len(head) < PARALLEL_FROM:
        yield from _parse_with(parser, head)
        for line, cells in rows:
            row, errors = parser.parse(line, cells)
            yield line, row, errors
        return
    chunks = _chunks(head, rows)
    # While the first chunks are parsed, this process loads the pinyin tables each row's plan (its search keys) needs.
    threading.Thread(target=_load_pinyin, name="import-pinyin", daemon=True).start()
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(parser,)) as pool:
        window = workers * 2  # bounded: a huge file is not held in memory twice
        pending: list[Future[list[Parsed]]] = []
        for chunk in chunks:
            pending.append(pool.submit(_parse_chunk, chunk))
            if len(pending) >= window:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


def _load_pinyin() -> None:
    char_initials("张")  # pypinyin's first use reads its dictionaries (~0.5 s)


def _chunks(head: Chunk, rows: Rows) -> Iterator[Chunk]:
    for start in range(0, len(head), CHUNK_ROWS):
        yield head[start : start + CHUNK_ROWS]
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk
