"""Active types come from entry points, claimflow.toml / [tool.claimflow], CLAIMFLOW_TYPES and --types.

Anything malformed is refused before any document is read, naming the file and the problem.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimflow.runtime.cli import app
from claimflow.runtime.discovery import TypeDiscoveryError, discover_types

ORDER_MODULE = """
from claimflow import DocumentType, Field

ORDER = DocumentType(
    name="purchase_order",
    description="An order a buyer sends a supplier.",
    fields=[Field("po_number", "identifier", labels=("PO Number",)), Field("total", "amount", labels=("Total",))],
)
"""
BROKEN_MODULE = """
from claimflow import DocumentType, Field

ORDER = DocumentType(
    name="purchase_order",
    description="An order.",
    fields=[Field("po_number", "identifier"), Field("po_number", "identifier")],
)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user's project folder; modules written there are forgotten afterwards."""
    monkeypatch.delenv("CLAIMFLOW_TYPES", raising=False)
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith(("po_types", "claimflow_user_types_", "more_types")):
            del sys.modules[name]
    while str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_the_builtins_are_found_through_their_entry_point(project: Path) -> None:
    active = discover_types(cwd=project)
    assert active.types.names == ("invoice", "receipt", "contract")
    source = active.source_of("invoice")
    assert source is not None and source.source.startswith("entry point builtin (claimflow ")
    assert source.file is not None and source.file.endswith("doctypes/invoice.py")


def test_a_claimflow_toml_adds_types_from_modules_beside_it(project: Path) -> None:
    write(project, "po_types.py", ORDER_MODULE)
    write(project, "claimflow.toml", 'types = ["po_types:ORDER"]\n')
    nested = project / "sub" / "dir"
    nested.mkdir(parents=True)
    active = discover_types(cwd=nested)
    assert active.types.names == ("invoice", "receipt", "contract", "purchase_order")
    entry = active.source_of("purchase_order")
    assert entry is not None and "claimflow.toml" in entry.source and entry.file == str(project / "po_types.py")


def test_a_pyproject_tool_table_can_add_and_disable_types(project: Path) -> None:
    write(project, "po_types.py", ORDER_MODULE)
    write(project, "pyproject.toml", '[tool.claimflow]\ntypes = ["po_types"]\ndisable = ["contract"]\n')
    assert discover_types(cwd=project).types.names == ("invoice", "receipt", "purchase_order")


def test_types_given_as_a_file_path_or_module_without_attribute(project: Path) -> None:
    path = write(project, "more_types.py", ORDER_MODULE)
    assert "purchase_order" in discover_types([str(path)], cwd=project).types.names
    assert "purchase_order" in discover_types(["more_types"], cwd=project).types.names


@pytest.mark.parametrize(
    ("configured", "given"),
    [
        ("po_types.py", ["po_types.py"]),  # claimflow.toml and --types (or CLAIMFLOW_TYPES), both by path
        ("po_types:ORDER", ["po_types.py:ORDER"]),  # as a module in the configuration, by path on the command line
        (None, ["po_types.py", "./po_types.py:ORDER"]),  # CLAIMFLOW_TYPES and --types
    ],
)
def test_a_file_named_twice_is_one_type_not_two_with_one_name(
    project: Path, configured: str | None, given: list[str]
) -> None:
    # Each mention executed the file again, and its one declaration was refused as "two types named ...".
    write(project, "po_types.py", ORDER_MODULE)
    if configured is not None:
        write(project, "claimflow.toml", f'types = ["{configured}"]\n')
    active = discover_types(given, cwd=project)
    assert active.types.names == ("invoice", "receipt", "contract", "purchase_order")
    entry = active.source_of("purchase_order")
    assert entry is not None and entry.file == str(project / "po_types.py")


def test_a_malformed_declaration_names_its_file_line_and_problem(project: Path) -> None:
    path = write(project, "po_types.py", BROKEN_MODULE)
    with pytest.raises(TypeDiscoveryError) as caught:
        discover_types(["po_types:ORDER"], cwd=project)
    message = str(caught.value)
    assert f"{path}:4" in message
    assert "duplicate field(s) po_number" in message


def test_two_types_with_one_name_are_refused_naming_both(project: Path) -> None:
    write(project, "po_types.py", ORDER_MODULE.replace("purchase_order", "invoice"))
    with pytest.raises(TypeDiscoveryError, match=r"two document types are named 'invoice': claimflow.doctypes"):
        discover_types(["po_types:ORDER"], cwd=project)


def test_a_module_not_found_says_where_it_was_looked_for_and_the_one_beside_it_meant(project: Path) -> None:
    # A plural file named in the singular: Python's bare ModuleNotFoundError said neither where nor what was there.
    write(project, "po_types.py", ORDER_MODULE)
    with pytest.raises(TypeDiscoveryError) as refused:
        discover_types(["po_type:ORDER"], cwd=project)
    assert str(refused.value).endswith(
        f"ModuleNotFoundError: No module named 'po_type'; a module is looked for in {project} (did you mean"
        " 'po_types'?) and among the installed packages; name a file by its path (my_types.py) instead"
    )


def test_a_module_that_imports_a_missing_one_is_not_said_to_be_missing_itself(project: Path) -> None:
    write(project, "po_types.py", "import no_such_helper\n" + ORDER_MODULE)
    (project / "orders").mkdir()
    write(project / "orders", "__init__.py", "import no_such_helper\n")
    write(project / "orders", "types.py", ORDER_MODULE)
    # A module, and a package's module whose package cannot be imported (then it cannot even be looked up).
    for named in ("po_types:ORDER", "orders.types:ORDER"):
        with pytest.raises(TypeDiscoveryError) as refused:
            discover_types([named], cwd=project)
        assert "No module named 'no_such_helper'" in str(refused.value)
        assert "is looked for in" not in str(refused.value)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_module:X", r"cannot import no_such_module:X .*ModuleNotFoundError"),
        ("po_types:MISSING", r"has no attribute 'MISSING'"),
        ("po_types:NOT_A_TYPE", r"po_types:NOT_A_TYPE is int, not a DocumentType"),
        ("missing.py", r"missing.py is not a file"),
    ],
)
def test_bad_targets_are_refused_with_a_reason(project: Path, spec: str, message: str) -> None:
    write(project, "po_types.py", ORDER_MODULE + "\nNOT_A_TYPE = 3\n")
    with pytest.raises(TypeDiscoveryError, match=message):
        discover_types([spec], cwd=project)


def test_a_config_with_unknown_keys_or_disabling_unknown_types_is_refused(project: Path) -> None:
    write(project, "claimflow.toml", 'typez = ["x"]\n')
    with pytest.raises(TypeDiscoveryError, match=r"unknown key\(s\) typez"):
        discover_types(cwd=project)
    write(project, "claimflow.toml", 'disable = ["memo", "contracts"]\n')
    with pytest.raises(TypeDiscoveryError) as refused:
        discover_types(cwd=project)
    assert str(refused.value) == (
        "disable (claimflow.toml or [tool.claimflow]) names unknown type(s) contracts (did you mean 'contract'?),"
        " memo; active: contract, invoice, receipt"
    )


def test_the_cli_refuses_a_broken_type_before_reading_any_document(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, "po_types.py", BROKEN_MODULE)
    docs = project / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("INVOICE\nInvoice No.: 1\nTotal: 10.00\n")
    data = project / "data"
    monkeypatch.chdir(project)
    args = ["run", str(docs), "--types", "po_types:ORDER", "--data-dir", str(data)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "1000"})  # the message names a long path: no wrapping
    assert result.exit_code == 2
    assert "duplicate field(s) po_number" in result.output and "po_types.py:4" in result.output
    assert not (data / "claimflow.db").exists()  # nothing was registered, not even the data directory's database


def test_claimflow_types_lists_fields_rules_prompt_and_source(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "po_types.py", ORDER_MODULE)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, ["types", "--json", "--types", "po_types:ORDER"])
    assert result.exit_code == 0, result.output
    import json

    listed = {item["name"]: item for item in map(json.loads, result.stdout.splitlines())}
    assert list(listed) == ["invoice", "receipt", "contract", "purchase_order"]
    order = listed["purchase_order"]
    assert order["prompt"] == "extract_purchase_order@1"
    assert [f["name"] for f in order["fields"]] == ["po_number", "total"]
    assert order["fields"][0]["labels"] == ["PO Number"]
    assert order["source"] == "--types/CLAIMFLOW_TYPES" and order["file"].endswith("po_types.py")
    assert [r["name"] for r in listed["invoice"]["rules"]][0] == "net_plus_tax_equals_total"
