"""A worker running a type whose rule spins past its document's wall time says so in its log, and again when the
rule returns: `work.abandoned` and `work.abandoned_ended`, lines like its others."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration._docs import invoice_text, json_lines, run_cli, write
from tests.postgres._workers import migrate, rows, spawn_worker, stop, wait_until, worker_env

pytestmark = pytest.mark.postgres

SPINNING_TYPE = """
import os

from claimflow import DocumentType, Field, rule


@rule("spins", fields=["po_number"])
def spins(doc):
    while not os.path.exists(os.environ["SPIN_RELEASE"]):  # spins in Python until the test releases it
        pass


ORDER = DocumentType(
    name="order_form",
    description="An order form a buyer fills in.",
    titles=["Order Form"],
    fields=[Field("po_number", "identifier", required=True, labels=["PO Number"])],
    rules=[spins],
)
"""


def test_a_worker_logs_a_rule_left_spinning_and_its_return(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    types = write(tmp_path, "spin_types.py", SPINNING_TYPE)
    release = tmp_path / "release"
    env = worker_env(
        postgres_url,
        data,
        CLAIMFLOW_TYPES=f"{types}:ORDER",
        CLAIMFLOW_MAX_DOCUMENT_SECONDS="2",
        SPIN_RELEASE=str(release),
    )
    order = write(tmp_path / "in", "order.txt", "Order Form\n\nPO Number: 4500017\n")
    invoice = write(tmp_path / "in", "invoice.txt", invoice_text())
    queued = run_cli("run", "--queue", "--json", order, invoice, **env)
    assert queued.returncode == 0, queued.stderr
    order_run, invoice_run = (line["run_id"] for line in json_lines(queued.stdout))
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, env, "--concurrency", "2")

    def status(run_id: str) -> str:
        return str(rows(postgres_url, "SELECT status FROM claimflow_runs WHERE run_id = %s", run_id)[0]["status"])

    try:
        wait_until(lambda: status(order_run) == "failed", 60, "the order to fail at its wall time")
        wait_until(lambda: status(invoice_run) == "completed", 60, "the invoice to complete beside it")
        wait_until(lambda: "work.abandoned " in log.read_text(), 10, "the abandoned rule's line")
        release.touch()
        wait_until(lambda: "work.abandoned_ended " in log.read_text(), 10, "the line of the rule's return")
    finally:
        release.touch()
        stop(worker)

    text = log.read_text()
    [left] = [line for line in text.splitlines() if " work.abandoned " in line]
    assert re.search(
        rf" WARNING claimflow\.runtime\.abandoned: work\.abandoned run={order_run} step=validate_order_form"
        r" function=spin_types\.py:spins still_running=1 note=\"the thread keeps running until the code returns or"
        r" the process restarts\"$",
        left,
    ), left
    [ended] = [line for line in text.splitlines() if " work.abandoned_ended " in line]
    assert re.search(
        rf" WARNING claimflow\.runtime\.abandoned: work\.abandoned_ended run={order_run} step=validate_order_form"
        r" function=spin_types\.py:spins seconds=\d+\.\d{3} still_running=0$",
        ended,
    ), ended
