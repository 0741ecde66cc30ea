"""The core is reachable without the terminal UI: domain, db and services never import Textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import zhihui_tui

PACKAGE = Path(zhihui_tui.__file__).parent


def _modules(layer: str) -> list[str]:
    return sorted(
        "zhihui_tui." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for path in (PACKAGE / layer).rglob("*.py")
        if "migrations" not in path.parts and path.name != "__init__.py"
    )


def test_core_layers_never_import_textual() -> None:
    modules = [m for layer in ("domain", "db", "services") for m in _modules(layer)]
    assert len(modules) > 10
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'zhihui_tui.tui'))\n"
        "bad += sorted(m for m in sys.modules if m.startswith('zhihui_tui.tui') or m.startswith('zhihui_tui.cli'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_domain_layer_is_pure() -> None:
    """Rules do no I/O: no database, no files through ORM layers, no UI."""
    code = (
        "import importlib, sys\n"
        f"for name in {_modules('domain')!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'textual', 'typer'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
