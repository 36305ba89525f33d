"""A document type of the user's own, `order_form`, declared in a file beside the tests' documents.

Runs of it made with `--types` and then read, decided, re-run or exported by a command without it are how the
tests see what claimflow does with a run whose type is not loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration._docs import run_cli, write

_DECLARATION = """
from claimflow import DocumentType, Field

ORDER = DocumentType(
    name="order_form",
    description="A purchase order form",
    titles=["PURCHASE ORDER"],
    fields=[
        Field("po_number", "identifier", required=True, labels=["PO Number"]),
        {second},
    ],
)
"""

ORDER_WITH_TOTAL = _DECLARATION.format(second='Field("total", "amount", labels=["Total"])')
"""An order of a PO number and an optional total: an order that has its number completes."""

ORDER_NEEDING_A_BUYER = _DECLARATION.format(second='Field("buyer", "text", required=True, labels=["Buyer"])')
"""An order that must name its buyer: one without waits for review."""


def paused_order(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    """An order without its buyer, run with `--types`: the types file, the data directory and the run's view."""
    types = write(tmp_path, "order_types.py", ORDER_NEEDING_A_BUYER)
    order = write(tmp_path, "po.txt", "PURCHASE ORDER\nPO Number: 4500012345\n")  # no buyer: review
    data = tmp_path / "data"
    ran = run_cli("run", order, "--json", "--types", types, "--data-dir", data)
    view: dict[str, Any] = json.loads(ran.stdout.splitlines()[0])
    assert (view["status"], view["doc_type"]) == ("needs_review", "order_form"), ran.stderr
    return types, data, view
