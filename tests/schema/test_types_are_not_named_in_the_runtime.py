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
    # Masking leaves a number behind the words documents print before a document's or article's number
    # ("Invoice No.", "Order #", "EAN") visible: the words as printed, in every language, before any type is known.
    "state/_masking/cards.py",
)
BUILTIN = re.compile(r"\b(?:invoices?|receipts?|contracts?)\b", re.IGNORECASE)


def _docstrings(tree: ast.AST) -> set[int]:
    """Bare string statements: docstrings of modules, classes, functions and attributes."""
    return {
        id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }


def _names_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree)
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
            found.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}: {text!r}")
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
