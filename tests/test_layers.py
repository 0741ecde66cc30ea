"""Layer contract (ARCHITECTURE.md): imports point down only — read from the source, inside functions too.

``test_import_hygiene`` imports the core and looks at ``sys.modules``; this test reads every ``import`` statement
of every module, so an import hidden in a function body (run only on some path) is caught as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import zhihui_tui

PACKAGE = Path(zhihui_tui.__file__).parent
UI = ("textual", "rich", "typer", "zhihui_tui.tui", "zhihui_tui.cli")
STORAGE = ("sqlalchemy", "sqlmodel", "alembic", "zhihui_tui.db", "zhihui_tui.services")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*")
    return found


def _files(layer: str, *, migrations: bool = False) -> list[Path]:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    return [f for f in files if ("migrations" in f.parts) == migrations] if layer == "db" else files


def _hits(layer: str, forbidden: tuple[str, ...], *, migrations: bool = False) -> list[str]:
    bad: list[str] = []
    for path in _files(layer, migrations=migrations):
        for line, name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                bad.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    return sorted(set(bad))


def test_the_core_imports_no_user_interface() -> None:
    """domain/, db/ and services/ are reachable without the terminal: no Textual, Rich, Typer, tui or cli."""
    assert len(_files("services")) > 10
    bad = [hit for layer in ("domain", "db", "services") for hit in _hits(layer, UI)]
    bad += _hits("db", UI, migrations=True)
    assert bad == [], "\n".join(bad)


def test_domain_is_pure() -> None:
    """Rules do no I/O: the domain imports no ORM, no database module and no service."""
    bad = _hits("domain", STORAGE + UI)
    assert bad == [], "\n".join(bad)


def test_migrations_import_no_live_service_code() -> None:
    """A migration is frozen history: what it needs is copied into ``db/migrations/frozen``, never imported live."""
    migrations = _files("db", migrations=True)
    assert any(path.name.startswith("0003") for path in migrations)
    bad = _hits("db", ("zhihui_tui.services", "zhihui_tui.tui", "zhihui_tui.cli"), migrations=True)
    assert bad == [], "\n".join(bad)


def test_the_reader_sees_imports_inside_functions() -> None:
    """The contract's own check: an import in a function body counts, relative imports resolve."""
    source = "def f():\n    import textual.app\n    from ..tui import app\n    from . import rules\n"
    names = {name for _, name in _imports(PACKAGE / "services" / "filing" / "intake.py", source)}
    assert names >= {"textual.app", "zhihui_tui.services.tui.app", "zhihui_tui.services.filing.rules"}


# Screens and widgets that still catch every exception themselves, with how many handlers (may only shrink; the
# lead empties this at merge). Everything else runs service work through ``run_service`` (tui/service_calls.py).
BROAD_HANDLERS_ALLOWED: dict[str, int] = {}


def _broad_handlers(path: Path) -> int:
    """``except:``, ``except Exception`` or ``except BaseException`` (alone or in a tuple) in the file."""
    broad = {"Exception", "BaseException"}
    count = 0
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ExceptHandler):
            caught = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            if any(t is None or (isinstance(t, ast.Name) and t.id in broad) for t in caught):
                count += 1
    return count


def test_no_screen_catches_every_exception_itself() -> None:
    """Screens and widgets hand errors to ``run_service``, which words them one way (issue 10)."""
    found = {
        path.relative_to(PACKAGE).as_posix(): _broad_handlers(path)
        for folder in ("tui/screens", "tui/widgets")
        for path in sorted((PACKAGE / folder).rglob("*.py"))
    }
    bad = [
        f"{name}: {count} broad except (allowed {BROAD_HANDLERS_ALLOWED.get(name, 0)})"
        for name, count in found.items()
        if count > BROAD_HANDLERS_ALLOWED.get(name, 0)
    ]
    bad += [
        f"{name}: {found.get(name, 0)} now — remove me from BROAD_HANDLERS_ALLOWED"
        for name, allowed in BROAD_HANDLERS_ALLOWED.items()
        if found.get(name, 0) == 0
    ]
    assert bad == [], "\n".join(bad)
