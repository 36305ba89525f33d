"""Everything the installed package imports is a dependency it declares, in a range that works with its code.

A module imported from a package only a development install brings (or one a dependency happens to pull in)
works in the checkout and fails on a user's plain `pip install claimflow`: `claimflow eval` once crashed there,
its PDF golden case drawing with reportlab, a development dependency.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIRS = ("claimflow", "doctypes", "evals", "graphs", "nodes", "prompts", "routing", "runtime", "state")
"""What the wheel installs as `claimflow` (see test_one_namespace.py)."""

COMES_WITH = {
    "pydantic_core": "pydantic, which pins its own core to one exact version",
    "starlette": "fastapi, which is built on it and bounds its version",
}
"""Modules claimflow imports from a declared dependency's own dependencies, and why that is safe."""


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _distributions_declared() -> set[str]:
    """The declared distributions, and those their declared extras bring (psycopg[pool] brings psycopg-pool)."""
    names = set()
    for requirement in _declared():
        names.add(_normal(requirement.name))
        for extra in requirement.extras:
            for text in requires(requirement.name) or []:
                brought = Requirement(text)
                if brought.marker is not None and brought.marker.evaluate({"extra": extra}):
                    names.add(_normal(brought.name))
    return names


def _imported_modules() -> dict[str, set[str]]:
    """Top-level third-party modules the package imports, with the files that import them (not conftest.py)."""
    found: dict[str, set[str]] = {}
    for folder in PACKAGE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "conftest.py":  # loaded by pytest only
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top != "claimflow" and top not in sys.stdlib_module_names:
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_module_the_package_imports_comes_from_a_declared_dependency() -> None:
    declared, providers = _distributions_declared(), packages_distributions()
    undeclared = {
        module: sorted(files)
        for module, files in _imported_modules().items()
        if module not in COMES_WITH and not {_normal(name) for name in providers.get(module, [])} & declared
    }
    assert undeclared == {}, "imported but not in [project].dependencies"
    assert "reportlab" in declared  # `claimflow eval`'s PDF golden case draws its document


def test_the_provider_sdks_allowed_are_the_ones_built_on_httpx2() -> None:
    """The gateway gives each SDK an httpx2 client (the answer-size cap): older SDKs take httpx clients only."""
    ranges = {requirement.name: requirement.specifier for requirement in _declared()}
    assert "httpx2" in ranges
    for sdk, last_on_httpx, first_on_httpx2 in (("openai", "2.54.0", "3.0.0"), ("anthropic", "0.125.0", "1.0.0")):
        assert not ranges[sdk].contains(last_on_httpx), sdk
        assert ranges[sdk].contains(first_on_httpx2), sdk
