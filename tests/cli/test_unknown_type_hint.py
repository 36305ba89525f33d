"""A command that names a type of one's own it was not told of says how to make that type active.

`token create --types purchase_order` said only "unknown document type 'purchase_order'; active: invoice, ...",
and the user who tried `--types my_types.py` there (as `run` takes it) limited the token to a type 'my_types.py'.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration._docs import run_cli, write

ORDER_TYPE = """
from claimflow import DocumentType, Field

ORDER = DocumentType(name="purchase_order", description="An order.", fields=[Field("po_number", labels=["PO"])])
"""


def test_a_token_for_a_type_not_active_names_the_variable_that_makes_it_active(tmp_path: Path) -> None:
    data = tmp_path / "data"
    types = write(tmp_path, "my_types.py", ORDER_TYPE)
    args = ("token", "create", "--name", "kim", "--role", "reviewer", "--types", "purchase_order", "--json")

    refused = run_cli(*args, "--data-dir", data)
    assert refused.returncode == 2
    assert "unknown document type 'purchase_order'" in refused.stderr
    assert "once CLAIMFLOW_TYPES or claimflow.toml names the module that declares it" in refused.stderr

    made = run_cli(*args, "--data-dir", data, CLAIMFLOW_TYPES=str(types))
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["types"] == ["purchase_order"]


def test_an_export_of_a_type_not_active_says_how_to_name_its_module(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("token", "create", "--name", "ops", "--role", "admin", "--data-dir", data).returncode == 0
    exported = run_cli("export", tmp_path / "orders.csv", "--type", "purchase_order", "--data-dir", data)
    assert exported.returncode == 2
    assert exported.stderr.strip().endswith(
        "name the module that declares a type of your own with --types (or CLAIMFLOW_TYPES, claimflow.toml)"
    )
