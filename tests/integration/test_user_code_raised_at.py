"""A type's own rule or extractor that raises fails its document with the file and line that raised.

No traceback is shown: the run's error said `rule 'r' of document type 't' raised ZeroDivisionError: division by
zero`, and a rule of twenty lines, or one calling helpers of the user's, left the user to guess which line.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration._docs import run_cli, write

TYPES = """
from claimflow import DocumentType, ExtractionClaim, Field, RuleInput, RuleResult, rule


def _share(total, parts):
    return total / parts


@rule("split_evenly", fields=["total_amount"])
def split_evenly(doc: RuleInput) -> RuleResult | None:
    total = doc.amount("total_amount")
    return doc.check(_share(total, 0) > 0, "split")


def _extract(pages, doc_type) -> ExtractionClaim:
    raise RuntimeError("cannot read this")


ORDER = DocumentType(
    name="order_form",
    description="An order form a buyer fills in.",
    titles=("Order Form",),
    fields=[
        Field("po_number", "identifier", labels=("PO Number",)),
        Field("total_amount", "amount", labels=("Total",)),
    ],
    rules=[split_evenly],
)
NOTE = DocumentType(
    name="delivery_note",
    description="A note that goes with delivered goods.",
    titles=("Delivery Note",),
    fields=[Field("note_number", "identifier", labels=("Note No.",))],
    extractor=_extract,
)
"""


def test_a_raising_rule_or_extractor_names_the_line_that_raised(tmp_path: Path) -> None:
    types = write(tmp_path, "my_types.py", TYPES)
    docs = tmp_path / "docs"
    write(docs, "order.txt", "Order Form\n\nPO Number: 4500017\nTotal: 121.50\n")
    write(docs, "note.txt", "Delivery Note\n\nNote No.: DN-7\n")
    ran = run_cli("run", docs, "--json", "--types", types, "--data-dir", tmp_path / "data")
    assert ran.returncode == 1, ran.stderr
    errors = {view["document"]: view["error"] for view in map(json.loads, ran.stdout.splitlines())}

    assert errors["order.txt"] == (
        "RuleFailedError: rule 'split_evenly' of document type 'order_form' raised"
        f" DivisionByZero: [<class 'decimal.DivisionByZero'>] (raised at {types}:6)"
    )
    assert errors["note.txt"].startswith("OfflineHookError: extractor _extract")
    assert errors["note.txt"].endswith(f"raised RuntimeError: cannot read this (raised at {types}:16)")
