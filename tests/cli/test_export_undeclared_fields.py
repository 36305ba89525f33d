"""An export after a type's field was renamed or removed says which values it left out, rather than dropping them.

A record is written as its type declares it now: a run made when the type had `supplier` holds a value there that
the record of the type that now says `vendor` has no place for. It went missing from the export without a word.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.cli.conftest import Invoke

TYPE = """
from claimflow import DocumentType, Field

ORDER = DocumentType(
    name="order_form",
    version="{version}",
    description="An order form a buyer fills in.",
    titles=["Order Form"],
    fields=[Field("po_number", "identifier", required=True, labels=["PO Number"]),
            Field("{party}", "text", labels=["{label}"])],
)
"""


def _declare(folder: Path, party: str, label: str, version: str) -> Path:
    path = folder / "order_types.py"
    text = TYPE.replace("{party}", party).replace("{label}", label).replace("{version}", version)
    path.write_text(text, encoding="utf-8")
    return path


def test_values_of_a_field_no_longer_declared_are_named_as_left_out(claimflow: Invoke, tmp_path: Path) -> None:
    data, doc = tmp_path / "data", tmp_path / "order.txt"
    doc.write_text("Order Form\n\nPO Number: 4500017\nSupplier: Contoso Ltd\n", encoding="utf-8")
    types = _declare(tmp_path, "supplier", "Supplier", "1")
    ran = claimflow("run", doc, "--json", "--types", f"{types}:ORDER", "--data-dir", data)
    assert ran.exit_code == 0, ran.output
    view = json.loads(ran.stdout.splitlines()[0])
    assert view["fields"]["supplier"]["value"] == "Contoso Ltd"
    out, status = tmp_path / "orders.csv", view["status"]
    whole = claimflow("export", out, "--status", status, "--types", f"{types}:ORDER", "--data-dir", data)
    assert whole.exit_code == 0 and "left out" not in whole.stderr, whole.output

    types = _declare(tmp_path, "vendor", "Vendor", "2")  # renamed since the run was made
    exported = claimflow("export", out, "--status", status, "--types", f"{types}:ORDER", "--data-dir", data)

    assert exported.exit_code == 0, exported.output  # written as the type declares it now, as asked
    said = " ".join(exported.stderr.split())
    assert "warning: left out values of fields their type no longer declares: order_form.supplier (1)" in said
    assert "each stays in its run (`claimflow show RUN`)" in said
    with out.open(encoding="utf-8", newline="") as file:
        [row] = list(csv.DictReader(file))
    assert (row["po_number"], row["vendor"], row["vendor_status"]) == ("4500017", "", "missing")
    assert "supplier" not in row
