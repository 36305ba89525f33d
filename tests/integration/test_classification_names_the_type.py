"""Through the CLI against a model server: a classification must quote a word that names the claimed type.

The model calls an invoice a receipt and quotes "INVOICE", which is in the document but names no receipt.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimflow.doctypes import RECEIPT
from claimflow.runtime.backends import rules
from tests.fakes.openai_server import FakeModelServer, ReceivedRequest, Reply, claim_reply, shown_pages
from tests.integration._docs import invoice_text, json_lines, run_cli, write

pytestmark = pytest.mark.slow

MODEL = "openai:fake-model"


def _extract_as_receipt(request: ReceivedRequest) -> Reply:
    return claim_reply(rules.extract(RECEIPT, shown_pages(request)))


def test_a_receipt_claimed_with_the_quote_invoice_goes_to_review(tmp_path: Path, server: FakeModelServer) -> None:
    path = write(tmp_path / "docs", "invoice.txt", invoice_text())
    claimed = {"doc_type": "receipt", "confidence": 0.97, "evidence": [{"quote": "INVOICE", "page": 1}]}
    server.script(claim_reply(claimed), _extract_as_receipt)
    prices = write(tmp_path, "prices.json", json.dumps({MODEL: {"input": 1.0, "output": 1.0}}))

    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.base_url, "--data-dir", tmp_path / "data",
        CLAIMFLOW_PRICES=str(prices), OPENAI_API_KEY="",
    )  # fmt: skip

    [view] = json_lines(result.stdout)
    assert view["status"] == "needs_review", result.stderr
    [reason] = view["review_reasons"]
    assert reason.startswith("unsupported_evidence: no quote names type 'receipt'")
    assert server.pending == 1  # nothing was extracted as a receipt
    traced = run_cli("trace", view["run_id"], "--json", "--data-dir", tmp_path / "data")
    claims = [e for e in json_lines(traced.stdout) if e["type"].startswith("claim.") and e["step"] == "classify"]
    assert [(e["type"], e["data"]["check"]) for e in claims] == [("claim.rejected", "type_not_named")]


def test_a_rejected_classification_reports_no_type_anywhere(tmp_path: Path, server: FakeModelServer) -> None:
    # The claim's quote is not in the document: rejected. `explain` and `review show` say the type is unknown;
    # the run's object (`run`, `show`, `review list`) and the registry (`runs`) must not report it either.
    path = write(tmp_path / "docs", "scan.txt", invoice_text())
    claimed = {"doc_type": "invoice", "confidence": 0.97, "evidence": [{"quote": "PURCHASE ORDER 77", "page": 1}]}
    server.script(claim_reply(claimed))
    data = tmp_path / "data"

    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.base_url, "--data-dir", data, OPENAI_API_KEY=""
    )

    [view] = json_lines(result.stdout)
    assert view["status"] == "needs_review", result.stderr
    assert view["doc_type"] is None
    run_id = view["run_id"]
    assert json_lines(run_cli("show", run_id, "--json", "--data-dir", data).stdout)[0]["doc_type"] is None
    [waiting] = json_lines(run_cli("review", "list", "--json", "--data-dir", data).stdout)
    assert waiting["doc_type"] is None
    assert [listed["doc_type"] for listed in json_lines(run_cli("runs", "--json", "--data-dir", data).stdout)] == [None]
    table = run_cli("runs", "--data-dir", data, COLUMNS="200").stdout
    assert "invoice" not in table, table
    assert "type: unknown" in run_cli("review", "show", run_id, "--data-dir", data).stdout
