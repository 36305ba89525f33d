"""A rule that reads a misspelt field fails its document with a reason naming it, in `run` and `show`.

Before, the rule read "no value", never fired, and the document completed as if it had been checked.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Invoke
from tests.integration._docs import json_lines, write

ORDER_TYPE = """
from claimflow import DocumentType, Field, RuleInput, RuleResult, rule


@rule("delivery_not_before_order", fields=["order_date", "delivery_date"])
def delivery_not_before_order(doc: RuleInput) -> RuleResult | None:
    ordered, delivered = doc.date("order_date"), doc.date("delivery_dat")
    if ordered is None or delivered is None:
        return None
    return doc.check(delivered >= ordered, f"delivery {delivered} vs order {ordered}")


ORDER = DocumentType(
    name="order_form",
    description="A purchase order form",
    titles=["PURCHASE ORDER"],
    fields=[
        Field("po_number", "identifier", required=True, labels=["PO Number"]),
        Field("order_date", "date", labels=["Order Date"]),
        Field("delivery_date", "date", labels=["Delivery Date"]),
    ],
    rules=[delivery_not_before_order],
)
"""
ORDER = "PURCHASE ORDER\nPO Number: 4500012345\nOrder Date: 2024-03-14\nDelivery Date: 2024-03-07\n"
REASON = (
    "RuleFieldError: rule 'delivery_not_before_order' of document type 'order_form' reads field 'delivery_dat'"
    " with doc.date() at order_types.py:7, which the type does not declare (did you mean 'delivery_date'?)"
    " (fields: po_number, order_date,"
    " delivery_date)"
)


def test_a_misspelt_field_in_a_rule_fails_the_document_naming_the_field_in_run_and_show(
    claimflow: Invoke, tmp_path: Path
) -> None:
    types = write(tmp_path, "order_types.py", ORDER_TYPE)
    order = write(tmp_path, "po.txt", ORDER)
    data = tmp_path / "data"

    ran = claimflow("run", order, "--json", "--types", types, "--data-dir", data)
    shown = claimflow("show", json_lines(ran.stdout)[0]["run_id"], "--types", types, "--data-dir", data)

    assert ran.exit_code == 1, ran.output
    (run,) = json_lines(ran.stdout)
    assert run["status"] == "failed" and run["doc_type"] == "order_form"
    assert run["error"] == REASON
    assert f"error: {REASON}" in shown.stdout
