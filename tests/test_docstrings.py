"""Every public class, function and method of ``domain/`` and ``services/`` says in one line what it is for (issue 10):
the rules are read there, by the next engineer and by the court's auditor."""

from __future__ import annotations

import ast
from pathlib import Path

import zhihui_tui

PACKAGE = Path(zhihui_tui.__file__).parent


def _public(node: ast.AST) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_")


def undocumented(root: Path) -> list[str]:
    """``path:line name`` of each public definition under ``root`` without a docstring (module level and methods)."""
    missing = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not _public(node):
                continue
            assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            inner = [sub for sub in node.body if _public(sub)] if isinstance(node, ast.ClassDef) else []
            for definition in (node, *inner):
                assert isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                if ast.get_docstring(definition) is None:
                    where = path.relative_to(root.parent).as_posix()
                    missing.append(f"{where}:{definition.lineno} {definition.name}")
    return missing


def test_domain_and_services_are_documented() -> None:
    missing = undocumented(PACKAGE / "domain") + undocumented(PACKAGE / "services")
    assert missing == [], "public definitions without a docstring:\n" + "\n".join(missing)


def test_the_check_finds_a_missing_docstring(tmp_path: Path) -> None:
    layer = tmp_path / "rules"
    layer.mkdir()
    (layer / "facts.py").write_text(
        '"""Module."""\n\n\ndef rule() -> int:\n    return 1\n\n\ndef _private() -> None: ...\n\n\n'
        'class Fact:\n    """Documented."""\n\n    def value(self) -> int:\n        return 2\n',
        encoding="utf-8",
    )
    assert undocumented(layer) == ["rules/facts.py:4 rule", "rules/facts.py:14 value"]
