"""Two document types with one name: each named with the file and line that declares it, and a way out that works.

The refusal said "rename one, or disable one in the configuration", but `disable` switched off every type of the
name, so a type of one's own could not take a built-in's place; and two types of one file were told apart by
nothing (the same target and file twice).
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import claimflow
from tests.integration._docs import run_cli

OWN_INVOICE = """
from claimflow import DocumentType, Field

INVOICE = DocumentType(
    name="invoice",
    description="Our suppliers' invoices, as we read them.",
    version="7",
    titles=("Invoice",),
    fields=[
        Field("invoice_no", "identifier", required=True, labels=("Invoice No.",)),
        Field("total", "amount", labels=("Total",)),
    ],
)
"""
TWO_IN_ONE_FILE = """
from claimflow import DocumentType, Field

A = DocumentType(name="memo", description="A memo.", fields=[Field("sent", "date", labels=("Sent",))])
B = DocumentType(name="memo", description="Another memo.", fields=[Field("read", "date", labels=("Read",))])
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user's project folder; the modules loaded from it are forgotten afterwards."""
    monkeypatch.delenv("CLAIMFLOW_TYPES", raising=False)
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith(("claimflow_user_types_", "own_invoice")):
            del sys.modules[name]
    while str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_type_named_like_a_builtin_is_refused_naming_both_lines_and_the_way_to_replace_it(project: Path) -> None:
    own = _write(project, "own_invoice.py", OWN_INVOICE)
    with pytest.raises(claimflow.TypeDiscoveryError) as caught:
        claimflow.load_types([str(own)], cwd=project)
    message = str(caught.value)
    assert "two document types are named 'invoice'" in message
    assert "doctypes/invoice.py:" in message and f"{own}:4" in message
    assert 'disable = ["invoice"]' in message


def test_disabling_the_builtin_lets_a_type_of_ones_own_take_its_name(project: Path) -> None:
    own = _write(project, "own_invoice.py", OWN_INVOICE)
    _write(project, "claimflow.toml", 'types = ["own_invoice.py"]\ndisable = ["invoice"]\n')
    active = claimflow.load_types(cwd=project)
    assert sorted(active.types.names) == ["contract", "invoice", "receipt"]
    entry = active.source_of("invoice")
    assert entry is not None and entry.file == str(own)
    assert [spec.name for spec in entry.doc_type.fields] == ["invoice_no", "total"]


def test_disable_still_switches_off_a_type_only_ones_own_declares(project: Path) -> None:
    _write(project, "own_invoice.py", OWN_INVOICE.replace('name="invoice"', 'name="supplier_invoice"'))
    _write(project, "claimflow.toml", 'types = ["own_invoice.py"]\ndisable = ["supplier_invoice", "contract"]\n')
    assert claimflow.load_types(cwd=project).types.names == ("invoice", "receipt")


def test_two_types_of_one_file_are_told_apart_by_their_lines(project: Path) -> None:
    both = _write(project, "memos.py", TWO_IN_ONE_FILE)
    with pytest.raises(claimflow.TypeDiscoveryError) as caught:
        claimflow.load_types([str(both)], cwd=project)
    message = str(caught.value)
    assert f"{both}:4" in message and f"{both}:5" in message
    assert message.endswith("rename one of them")  # disabling 'memo' would switch both off


def test_the_replacing_type_reads_the_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the claimflow.toml is found from the working directory
    _write(tmp_path, "own_invoice.py", OWN_INVOICE)
    _write(tmp_path, "claimflow.toml", 'types = ["own_invoice.py"]\ndisable = ["invoice"]\n')
    doc = _write(tmp_path, "inv.txt", "INVOICE\nInvoice No.: A-1\nTotal: 12.00\n")
    ran = run_cli("run", doc, "--json", "--data-dir", tmp_path / "data")
    assert ran.returncode == 0, ran.stderr
    view = json.loads(ran.stdout.splitlines()[0])
    assert (view["status"], view["doc_type"]) == ("completed", "invoice")
    assert {name: field["value"] for name, field in view["fields"].items()} == {"invoice_no": "A-1", "total": "12.00"}
