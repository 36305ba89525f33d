"""`--types` naming a folder, or a file that is not there, says what it found and what to name instead.

`--types po_types/` (a package) said only "po_types/ is not a file", and a misspelt file did not say where it was
looked for.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import claimflow

ORDER = """
from claimflow import DocumentType, Field

ORDER = DocumentType(name="purchase_order", description="An order.", fields=[Field("po_number", labels=["PO"])])
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project with a package of types; the modules and the import path are as before afterwards."""
    monkeypatch.delenv("CLAIMFLOW_TYPES", raising=False)
    (tmp_path / "po_types").mkdir()
    (tmp_path / "po_types" / "__init__.py").write_text(ORDER)
    (tmp_path / "notes").mkdir()
    before, path = set(sys.modules), list(sys.path)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith("po_types"):
            del sys.modules[name]
    sys.path[:] = path


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("po_types/", "po_types/ is a folder, not a file; name the package as a module, 'po_types'"),
        ("notes", None),  # a plain name is a module: not found as one
        ("notes/", "notes/ is a folder, not a file; name a .py file in it"),
    ],
)
def test_a_folder_is_told_apart_from_a_file(project: Path, spec: str, said: str | None) -> None:
    with pytest.raises(claimflow.TypeDiscoveryError) as caught:
        claimflow.load_types([spec], cwd=project)
    if said is not None:
        assert str(caught.value) == f"--types/CLAIMFLOW_TYPES: {said}"


def test_a_missing_file_says_where_it_was_looked_for(project: Path) -> None:
    with pytest.raises(claimflow.TypeDiscoveryError) as caught:
        claimflow.load_types(["po_typs.py"], cwd=project)
    assert str(caught.value).endswith(f"po_typs.py is not a file (looked for {project / 'po_typs.py'})")


def test_the_package_named_as_the_message_says_loads(project: Path) -> None:
    assert "purchase_order" in claimflow.load_types(["po_types"], cwd=project).types.names
