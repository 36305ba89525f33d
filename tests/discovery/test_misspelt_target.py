"""A `module:attr` target whose attribute is misspelt names the document types the module does declare.

`--types my_types.py:PURCHASE_ORDR` said only "has no attribute 'PURCHASE_ORDR'", leaving the user to open the
file to find the name they meant.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import claimflow

TYPES = """
from claimflow import DocumentType, Field

PURCHASE_ORDER = DocumentType(name="purchase_order", description="An order.", fields=[Field("po_number")])
BANK_STATEMENT = DocumentType(name="bank_statement", description="A statement.", fields=[Field("account")])
BOTH = [PURCHASE_ORDER, BANK_STATEMENT]
HELPER = 3
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user's project folder; the modules loaded from it are forgotten afterwards."""
    monkeypatch.delenv("CLAIMFLOW_TYPES", raising=False)
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith("claimflow_user_types_"):
            del sys.modules[name]


def test_a_misspelt_attribute_names_the_closest_and_every_declared_type(project: Path) -> None:
    types = project / "my_types.py"
    types.write_text(TYPES)
    with pytest.raises(claimflow.TypeDiscoveryError) as caught:
        claimflow.load_types([f"{types}:PURCHASE_ORDR"], cwd=project)
    assert str(caught.value).endswith(
        "has no attribute 'PURCHASE_ORDR' (did you mean 'PURCHASE_ORDER'?);"
        " it declares PURCHASE_ORDER, BANK_STATEMENT, BOTH"
    )


def test_a_module_without_types_says_so(project: Path) -> None:
    helpers = project / "helpers.py"
    helpers.write_text("HELPER = 3\n")
    with pytest.raises(claimflow.TypeDiscoveryError) as caught:
        claimflow.load_types([f"{helpers}:ORDER"], cwd=project)
    assert str(caught.value).endswith("has no attribute 'ORDER'; it declares no DocumentType")
