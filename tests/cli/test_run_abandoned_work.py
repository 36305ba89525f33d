"""`claimflow run` with a type whose rule never returns: the document fails at its wall time, the process logs the
rule it leaves spinning, and a line after the table says what still runs as the command ends."""

from __future__ import annotations

from pathlib import Path

from tests.integration._docs import invoice_text, run_cli, write

SPINNING_TYPE = """
from claimflow import DocumentType, Field, rule


@rule("spins", fields=["po_number"])
def spins(doc):
    while True:  # never returns: only the end of the process stops it
        pass


ORDER = DocumentType(
    name="order_form",
    description="An order form a buyer fills in.",
    titles=["Order Form"],
    fields=[Field("po_number", "identifier", required=True, labels=["PO Number"])],
    rules=[spins],
)
"""


def test_a_batch_ending_with_a_rule_still_spinning_says_so_after_its_table(tmp_path: Path) -> None:
    types = write(tmp_path, "spin_types.py", SPINNING_TYPE)
    docs = tmp_path / "docs"
    write(docs, "order.txt", "Order Form\n\nPO Number: 4500017\n")
    write(docs, "invoice.txt", invoice_text())

    ran = run_cli(
        "run", docs, "--types", f"{types}:ORDER", "--data-dir", tmp_path / "data", "--concurrency", "2",
        CLAIMFLOW_MAX_DOCUMENT_SECONDS="2",
    )  # fmt: skip

    assert ran.returncode == 1, ran.stderr  # the order failed
    assert "took longer than 2 s" in ran.stdout and "completed" in ran.stdout
    # When it was left, as it happened: the run, the step, the type's function by its file.
    [left] = [line for line in ran.stderr.splitlines() if line.startswith("work.abandoned ")]
    assert " step=validate_order_form function=spin_types.py:spins still_running=1 " in left
    assert "the thread keeps running until the code returns or the process restarts" in left
    # And once the batch is over, the last line.
    assert ran.stderr.splitlines()[-1] == (
        "warning: 1 piece(s) of work still running on threads, given up when their document failed at its wall"
        " time: spin_types.py:spins; they stop when this command exits"
    )
