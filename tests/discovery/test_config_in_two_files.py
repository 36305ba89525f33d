"""A folder that configures claimflow in both claimflow.toml and pyproject.toml [tool.claimflow] is refused.

Only claimflow.toml was read: the types that [tool.claimflow] named beside it were left out without a word (a
`disable` added in a new claimflow.toml dropped every type of the project).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import claimflow

ORDER_MODULE = """
from claimflow import DocumentType, Field

ORDER = DocumentType(name="purchase_order", description="An order.", fields=[Field("po_number", labels=["PO"])])
"""


def test_both_files_configuring_one_folder_are_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / "po_types.py").write_text(ORDER_MODULE)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.claimflow]\ntypes = ["po_types.py"]\n')
    (tmp_path / "claimflow.toml").write_text('disable = ["contract"]\n')
    with pytest.raises(claimflow.TypeDiscoveryError) as caught:
        claimflow.load_types(cwd=tmp_path)
    assert str(caught.value) == (
        f"{tmp_path} configures claimflow twice, in claimflow.toml and in pyproject.toml [tool.claimflow]:"
        " keep one (move its types and disable into the other)"
    )


def test_a_pyproject_without_the_table_beside_a_claimflow_toml_is_fine(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.ruff]\nline-length = 120\n')
    (tmp_path / "claimflow.toml").write_text('disable = ["contract"]\n')
    assert claimflow.load_types(cwd=tmp_path).types.names == ("invoice", "receipt")


def test_a_tool_claimflow_that_is_no_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool]\nclaimflow = ["po_types.py"]\n')
    with pytest.raises(claimflow.TypeDiscoveryError, match=r"tool.claimflow must be a table"):
        claimflow.load_types(cwd=tmp_path)
