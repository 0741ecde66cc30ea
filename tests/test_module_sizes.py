"""Small modules (issue 10): no module under src/ over 400 lines, no class over 300 (migrations excepted).

``ALLOWED`` would list an oversize module or class with its size while it is being split; an entry may only
shrink, and once it fits it must be removed ("remove me"). It is empty: every module and class fits.
"""

from __future__ import annotations

import ast
from pathlib import Path

import zhihui_tui

PACKAGE = Path(zhihui_tui.__file__).parent
MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 300

# path relative to src/zhihui_tui (a class as "path::Class") → its size when listed; may only shrink.
ALLOWED: dict[str, int] = {}


def measure() -> tuple[dict[str, int], dict[str, int]]:
    """(module sizes, class sizes) of every module of the package outside migrations, in lines."""
    modules: dict[str, int] = {}
    classes: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.relative_to(PACKAGE).parts:
            continue
        name = path.relative_to(PACKAGE).as_posix()
        source = path.read_text(encoding="utf-8")
        modules[name] = len(source.splitlines())
        for node in ast.walk(ast.parse(source, filename=name)):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                classes[f"{name}::{node.name}"] = node.end_lineno - node.lineno + 1
    return modules, classes


def _over(sizes: dict[str, int], limit: int) -> list[str]:
    return [
        f"{name}: {size} lines (limit {limit}{', allowed ' + str(ALLOWED[name]) if name in ALLOWED else ''})"
        for name, size in sorted(sizes.items())
        if size > limit and (name not in ALLOWED or size > ALLOWED[name])
    ]


def test_no_module_over_400_lines() -> None:
    modules, _ = measure()
    assert len(modules) > 50
    over = _over(modules, MAX_MODULE_LINES)
    assert over == [], "modules too long (split by responsibility):\n" + "\n".join(over)


def test_no_class_over_300_lines() -> None:
    _, classes = measure()
    over = _over(classes, MAX_CLASS_LINES)
    assert over == [], "classes too long:\n" + "\n".join(over)


def test_allowed_entries_only_shrink_and_go_when_they_fit() -> None:
    modules, classes = measure()
    sizes = modules | classes
    stale = [
        f"{name}: {'gone' if name not in sizes else str(sizes[name]) + ' lines'} — remove me from ALLOWED"
        for name in sorted(ALLOWED)
        if name not in sizes or sizes[name] <= (MAX_CLASS_LINES if "::" in name else MAX_MODULE_LINES)
    ]
    assert stale == [], "\n".join(stale)
