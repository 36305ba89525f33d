"""`eval dataset` with a live model that has no price: its cost is unknown (null in JSON), never 0.

The runs count an unpriced model's calls at 0 (their budgets too); the figures say the cost is not known. A model
priced at 0 (the offline rules backend here) stays 0. The set is `test_eval_dataset`'s eight invoices.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.cli.test_eval_dataset import labelled  # noqa: F401 - the fixture
from tests.fakes.openai_server import FakeModelServer, document_run_replies

MODEL = "openai:fake-model"


def test_an_unpriced_models_cost_is_unknown_and_a_priced_ones_is_counted(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
    server: FakeModelServer,
    tmp_path: Path,
) -> None:
    live = ("--model", MODEL, "--base-url", server.base_url)
    server.script(*[reply for _ in range(8) for reply in document_run_replies("invoice")])
    unpriced = claimflow("eval", "dataset", labelled, *live, "--json")
    assert unpriced.exit_code == 0, unpriced.output
    figures = json.loads(unpriced.stdout)
    for usage in (figures["usage"], figures["types"]["invoice"]["usage"]):
        assert (usage["cost"], usage["cost_per_document"]) == (None, None)
        assert usage["calls"] == 16
    assert "its cost is unknown (null in --json), not free" in " ".join(unpriced.stderr.split())

    server.script(*[reply for _ in range(8) for reply in document_run_replies("invoice")])
    text = claimflow("eval", "dataset", labelled, *live)
    assert text.exit_code == 0, text.output
    assert "model use: 16 call(s), " in text.stdout and " out, cost unknown, " in text.stdout

    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({MODEL: {"input": 2.0, "output": 8.0}}), encoding="utf-8")
    server.script(*[reply for _ in range(8) for reply in document_run_replies("invoice")])
    priced = claimflow("eval", "dataset", labelled, *live, "--json", env={"CLAIMFLOW_PRICES": str(prices)})
    assert priced.exit_code == 0, priced.output
    usage = json.loads(priced.stdout)["usage"]
    assert usage["cost"] > 0 and usage["cost_per_document"] == usage["cost"] / 8
