"""The runtime is generic: outside the built-in types' package and their offline extractors, no code names them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERIC = ("state", "routing", "nodes", "graphs", "prompts", "runtime", "evals")
EXEMPT = (
    "runtime/backends/rules",  # the built-in types' offline extractors and detectors live here
    # The golden cases' documents and case builders are about the built-in types by nature; the runners stay generic.
    "evals/generators.py",
    "evals/make_goldens/",
)
# Constants exempt by name, the rest of their module checked: masking leaves a number behind the words documents
# print before a document's or article's number ("Invoice No.", "Order #", "EAN") visible, the words as printed,
# in every language, before any type is known.
EXEMPT_CONSTANTS = {"state/_masking/cards.py": frozenset({"_NAMED"})}
BUILTIN = re.compile(r"\b(?:invoices?|receipts?|contracts?)\b", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    """Bare string statements: docstrings of modules, classes, functions and attributes."""
    return {
        id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def _exempt_values(tree: ast.AST, names: frozenset[str]) -> set[int]:
    """Every node inside the value assigned to one of `names`."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names for t in node.targets)
        for inner in ast.walk(node.value)
    }


def _names_in(path: Path) -> list[str]:
    return _names_in_source(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"))


def _names_in_source(relative: str, source: str) -> list[str]:
    tree = ast.parse(source)
    skip = _docstrings(tree) | _exempt_values(tree, EXEMPT_CONSTANTS.get(relative, frozenset()))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        elif isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            text = node.name
        else:
            continue
        if BUILTIN.search(text.replace("_", " ")):
            found.append(f"{relative}:{getattr(node, 'lineno', '?')}: {text!r}")
    return found


def test_no_generic_module_names_a_builtin_type_in_code() -> None:
    offenders = [
        hit
        for folder in GENERIC
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not any(str(path.relative_to(ROOT)).startswith(exempt) for exempt in EXEMPT)
        for hit in _names_in(path)
    ]
    assert offenders == []


def test_the_check_would_see_a_type_named_in_code(tmp_path: Path) -> None:
    sample = ROOT / "state" / "_sample_for_test.py"
    try:
        sample.write_text('"""Docstrings may say invoice."""\nKIND = "invoice"\n')
        assert _names_in(sample) == ["state/_sample_for_test.py:2: 'invoice'"]
    finally:
        sample.unlink()


def test_a_module_with_exempt_constants_is_checked_outside_them() -> None:
    relative = "state/_masking/cards.py"
    source = (ROOT / relative).read_text(encoding="utf-8")
    assert not any(relative.startswith(exempt) for exempt in EXEMPT)
    assert _names_in_source(relative, source) == []
    lines = source.count("\n")
    assert _names_in_source(relative, source + 'KIND = "receipt"\n') == [f"{relative}:{lines + 1}: 'receipt'"]
